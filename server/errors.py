"""Every failure leaves as JSON: `{"error": {"code", "message", "fields"}}` with a fitting status.

`ApiError` is raised by views; the handlers registered by `register_error_handlers` also turn
Flask/Werkzeug's own errors (404, 405, 413, ...) and marshmallow's `ValidationError` into that body,
so no client ever sees an HTML error page.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("warnlib_server")

# Werkzeug's status codes mapped to this API's stable, documented error codes.
_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


class ApiError(Exception):
    """An error a client caused, with the status, stable code and message it will receive."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}

    def to_response(self) -> Response:
        response = jsonify({"error": {"code": self.code, "message": self.message, "fields": self.fields}})
        response.status_code = self.status
        response.headers.update(self.headers)
        return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error.to_response()

    @app.errorhandler(ValidationError)
    def _validation_error(error: ValidationError) -> Response:
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        return ApiError(422, "validation_error", "The request body does not match the schema.", messages).to_response()

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        headers: dict[str, str] = {}
        if status == 405 and getattr(error, "valid_methods", None):
            headers["Allow"] = ", ".join(sorted(error.valid_methods))  # type: ignore[attr-defined]
        message = error.description or error.name
        if status == 413:
            message = "The request body is larger than this server accepts."
        code = _CODES.get(status, "http_error")
        return ApiError(status, code, message, headers=headers).to_response()

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # A bug, not a client mistake: log the traceback (never the request body) and stay JSON.
        log.exception("unhandled error")
        return ApiError(500, "internal_error", "The server hit an unexpected error.").to_response()
