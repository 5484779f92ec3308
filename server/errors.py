"""Every failure leaves as JSON: `{"error": {"code", "message", "fields"}}` with a fitting status.

`ApiError` is raised by views; the handlers registered by `register_error_handlers` also turn
Flask/Werkzeug's own errors (404, 405, 413, 429 from the rate limiter, ...) and marshmallow's
`ValidationError` into that body, so no client ever sees an HTML error page. Requests the WSGI
server refuses before the app sees them (malformed request lines, oversized headers) are answered
in the same shape by `wsgi_server_error_body`, used by `warnlib serve` and the gunicorn config.
"""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any

from flask import Flask, Response, jsonify
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("warnlib_server")

# Werkzeug's status codes mapped to this API's stable, documented error codes.
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    431: "headers_too_large",
}


def printable(value: Any) -> Any:
    """`value` with unpaired surrogates written as `\\udXXX` escapes, so it can be sent as UTF-8.

    Field names come from the client and may hold any string, including halves of UTF-16 pairs
    that no UTF-8 encoder accepts; echoing them must not fail.
    """
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {printable(key): printable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable(item) for item in value]
    return value


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
        body = {"error": {"code": self.code, "message": printable(self.message), "fields": printable(self.fields)}}
        response = jsonify(body)
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
        elif status == 429:
            # flask-limiter adds Retry-After and X-RateLimit-* to this response after the handler.
            message = f"Too many requests: the limit is {error.description}. See Retry-After."
        code = HTTP_ERROR_CODES.get(status, "bad_request" if status < 500 else "internal_error")
        return ApiError(status, code, message, headers=headers).to_response()

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        # A bug, not a client mistake: log where it happened, but not the exception's message or
        # locals, which can quote request data (post text).
        where = "".join(traceback.format_tb(error.__traceback__))
        log.error("unhandled %s\n%s", type(error).__name__, where)
        return ApiError(500, "internal_error", "The server hit an unexpected error.").to_response()


def wsgi_server_error_body(status: int) -> bytes:
    """The JSON body for an error the HTTP server answers itself, before the app sees the request.

    The raw request line or header is never echoed (it can carry post text in a query string).
    """
    code = HTTP_ERROR_CODES.get(status, "bad_request")
    messages = {
        400: "The HTTP request could not be parsed (request line, headers or body framing).",
        414: "The request line is too long.",
        431: "The request headers are too large or too many.",
    }
    message = messages.get(status, "The HTTP request was refused before it reached the API.")
    return json.dumps({"error": {"code": code, "message": message, "fields": {}}}).encode("utf-8")


def gunicorn_write_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """Drop-in for `gunicorn.util.write_error`: the same refusal, as this API's JSON error body.

    gunicorn answers unparsable requests (bad request line, header over its limits, bad chunk
    framing) itself, before the app runs, with an HTML page that quotes the offending line.
    """
    from gunicorn.util import write_nonblock

    status = status_int if 400 <= status_int < 500 else 400
    body = wsgi_server_error_body(status)
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    write_nonblock(sock, head.encode("latin-1") + body)


class WithholdRequestDetails(logging.Filter):
    """For gunicorn's error log: 'Invalid request from ip=...' without the request line it quotes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith("Invalid request from ip="):
            record.msg = record.getMessage().split(": ", 1)[0] + ": (request details withheld)"
            record.args = ()
        return True
