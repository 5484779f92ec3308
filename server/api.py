"""The `v1` blueprint: score, score/batch, rules, feedback, and a JSON answer for every other /v1 path.

Views stay thin: parse and validate JSON with the app's schemas, call the library's public API,
return plain dicts. Access control runs before any view: the rate limiter (server/ratelimit.py,
charged by cost) first, so key guessers are limited per address, then the API-key check in
`_guard`. Both cover unknown /v1 paths too: `unmatched` answers them, so a 404 or 405 never tells
a caller without a key which routes exist.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint, Request, Response, current_app, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import MethodNotAllowed, NotFound, RequestEntityTooLarge

from warnlib import Scorer
from warnlib.types import rule_catalogue

from .config import ServerConfig
from .errors import ApiError
from .feedback import FeedbackRecord, FeedbackStore, FeedbackUnavailable
from .limits import ApiLimits, AssessmentCache, OverBudget, ScoringGate, key_matches, normalized_length
from .schemas import RequestSchemas

v1 = Blueprint("v1", __name__, url_prefix="/v1")

# Every method a client might send; `unmatched` answers all of them under /v1.
_ANY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"]
_SCORING_ENDPOINTS = {"v1.score", "v1.score_batch"}
# A loader that returns what a schema's load would for the bodies it recognizes, else None.
_FastLoad = Callable[[Any], "dict[str, Any] | None"]


@dataclass
class Service:
    """What the views need, built once per app by `create_app` and kept in `app.extensions`."""

    config: ServerConfig
    limits: ApiLimits
    scorer: Scorer
    schemas: RequestSchemas
    cache: AssessmentCache
    gate: ScoringGate
    feedback: FeedbackStore

    def assess(self, text: str, locale: str, *, explain: bool = False) -> dict[str, Any]:
        if explain:  # the decision breakdown is for debugging one post: not cached
            return self.scorer.score(text, locale=locale, explain=True).to_dict()
        key = self.cache.key(text, locale)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        result = self.scorer.score(text, locale=locale).to_dict()
        self.cache.put(key, result)
        return result


class ApiRequest(Request):
    """Flask's request, with the app's `Service` and what this API works out once per request.

    `create_app` sets `request_class` to a subclass per app with `service` filled in. Each read
    through Flask's `request`, `g` or `current_app` proxies is a context lookup of a few function
    calls; the hot paths take this object once (`current_request`) and read it directly.
    """

    service: Service
    started: float | None = None  # perf_counter() when the first hook ran
    request_id: str | None = None
    key_valid: bool | None = None  # the presented API key, checked once
    computed: dict[str, tuple[Any, Exception | None]] | None = None  # see `_once`


def current_request() -> ApiRequest:
    return request._get_current_object()  # type: ignore[attr-defined, no-any-return]


def service() -> Service:
    return current_request().service


# --- who is asking ------------------------------------------------------------------------------


def presented_key(req: ApiRequest | None = None) -> str | None:
    # Read from the WSGI environ, as `request.headers` does, without building (and catching) a
    # KeyError for each header that is absent: on most requests both are.
    environ = (req or current_request()).environ
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return environ.get("HTTP_X_API_KEY")


def authorized(req: ApiRequest | None = None) -> bool:
    """True when no keys are configured, or the request carries one of them (checked once)."""
    req = req or current_request()
    keys = req.service.config.api_keys
    if not keys:
        return True
    if req.key_valid is None:
        presented = presented_key(req)
        req.key_valid = presented is not None and key_matches(presented, keys)
    return req.key_valid


def client_identity() -> str:
    """The rate-limit bucket: the API key when it is a configured one, else the client address.

    Without configured keys a presented key means nothing, so it cannot buy a fresh bucket;
    with keys, only a valid one does. The address is the peer, or with `trusted_proxy_hops`
    the client that the trusted proxies name in X-Forwarded-For (werkzeug's ProxyFix).
    """
    req = current_request()
    presented = presented_key(req)
    if presented is not None and req.service.config.api_keys and authorized(req):
        return "key:" + hashlib.sha256(presented.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return "addr:" + (req.remote_addr or "unknown")


def request_cost() -> int:
    """Rate-limit units this request is charged: by the characters it asks to score.

    Malformed, unauthorized and non-scoring requests cost one unit; their error comes from the
    view (or `_guard`), which finds the parse result cached.
    """
    req = current_request()
    if req.endpoint not in _SCORING_ENDPOINTS or not authorized(req):
        return 1
    try:
        _, lengths = _parsed_scoring_body(req)
    except _REQUEST_ERRORS:
        # The request's own error (a 413 body, bad JSON): the view raises it again from the cache.
        # Letting it out of here would make the limiter take it for a storage failure, skip the
        # charge and fall back to fresh counters.
        return 1
    return req.service.limits.cost(lengths)


@v1.before_request
def _guard() -> None:
    req = current_request()
    if req.method == "OPTIONS":  # CORS preflights carry no credentials
        return
    if not authorized(req):
        message = "An API key is required." if presented_key(req) is None else "The API key is not valid."
        raise ApiError(
            401,
            "unauthorized",
            message + " Send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'.",
            headers={"WWW-Authenticate": 'Bearer realm="warnlib"'},
        )


# --- request bodies --------------------------------------------------------------------------------


def _read_body(req: ApiRequest, limit: int) -> bytes:
    """The raw body, refusing more than `limit` bytes whether or not a Content-Length was sent.

    A chunked body has no length up front; reading one byte past the limit tells us it is too big
    instead of silently parsing its first `limit` bytes.
    """
    length = req.content_length  # parsed from the headers on each read: once here
    if length is not None and length > limit:
        _stop_reading(req)
        raise RequestEntityTooLarge()
    # A chunked body (the server says the input ends by itself: wsgi.input_terminated) is read raw,
    # since Flask's stream would cut it at MAX_CONTENT_LENGTH without saying so. Without a length
    # or chunking there is no body: Flask's stream is empty, where the raw socket would block.
    chunked = length is None and req.environ.get("wsgi.input_terminated")
    stream = req.environ["wsgi.input"] if chunked else req.stream
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(65_536, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        _stop_reading(req)
        raise RequestEntityTooLarge()
    return b"".join(chunks)


def _stop_reading(req: ApiRequest) -> None:
    """Under `warnlib serve`, end the request's input so the 413 goes out and the connection closes.

    Werkzeug's server drains whatever body is left after the response, blocking until the client
    stops sending; shutting the read side makes that drain end at once. (gunicorn closes or
    drains by itself; other servers do not expose the socket.)
    """
    sock = req.environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):  # the client may have closed it already
            sock.shutdown(socket.SHUT_RD)


def _load(req: ApiRequest, schema: Schema, fast: _FastLoad | None = None) -> dict[str, Any]:
    """The request's JSON body validated by `schema`; 415, 413, 400 or 422 on the way out otherwise.

    `fast`, when given, returns what `schema.load` would for the bodies it recognizes, else None.
    """
    # The usual Content-Type needs no parsing: `is_json` parses the header's options each time.
    if req.environ.get("CONTENT_TYPE") != "application/json" and not req.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Send JSON with 'Content-Type: application/json' (got {req.mimetype or 'nothing'!r}).",
        )
    raw = _read_body(req, req.service.config.max_body_bytes)
    try:
        data = json.loads(raw.decode("utf-8"))  # JSON on the wire is UTF-8 (RFC 8259)
    except UnicodeDecodeError:
        raise ApiError(400, "malformed_json", "The body is not valid UTF-8.") from None
    except (ValueError, RecursionError) as exc:
        detail = exc.args[0] if isinstance(exc, ValueError) and exc.args else "nesting too deep"
        raise ApiError(400, "malformed_json", f"The body is not valid JSON: {detail}") from None
    body = fast(data) if fast is not None else None
    return body if body is not None else schema.load(data)  # ValidationError -> 422 with per-field messages


# What a request body can be refused with: the client's errors, kept for the view to answer with.
# A body over max_body_bytes is among them: once read past the limit it cannot be read again.
_REQUEST_ERRORS = (ApiError, ValidationError, RequestEntityTooLarge)
_T = TypeVar("_T")


def _once(req: ApiRequest, name: str, compute: Callable[[], _T]) -> _T:
    """`compute()` once per request, kept on the request under `name`: the rate limiter's cost
    function asks first, then the view. A refusal (`_REQUEST_ERRORS`) is kept too and raised
    again, so a hostile body is neither read nor measured twice."""
    computed = req.computed
    if computed is None:
        computed = req.computed = {}
    entry = computed.get(name)
    if entry is None:
        try:
            entry = (compute(), None)
        except _REQUEST_ERRORS as exc:
            entry = (None, exc)
        computed[name] = entry
    value, error = entry
    if error is not None:
        raise error
    return value  # type: ignore[no-any-return]


def _parsed(req: ApiRequest, schema: Schema, fast: _FastLoad | None = None) -> dict[str, Any]:
    """`_load(req, schema, fast)`, once per request."""
    return _once(req, "parsed", lambda: _load(req, schema, fast))


def _parsed_scoring_body(req: ApiRequest) -> tuple[dict[str, Any], list[int]]:
    """The score or batch body and each text's normalized length, within the character limits,
    checked once per request."""
    return _once(req, "scoring_body", lambda: _check_scoring_body(req))


def _check_scoring_body(req: ApiRequest) -> tuple[dict[str, Any], list[int]]:
    svc = req.service
    batch = req.endpoint == "v1.score_batch"
    schemas = svc.schemas
    body = _parsed(req, schemas.batch) if batch else _parsed(req, schemas.score, schemas.fast_score)
    texts = [item["text"] for item in body["items"]] if batch else [body["text"]]
    lengths = [normalized_length(text) for text in texts]
    limits = svc.limits
    too_long = {i: n for i, n in enumerate(lengths) if n > limits.max_text_chars}
    if too_long:
        message = "Text grows to {} characters under Unicode normalization; the limit is {}."
        per_item = {i: {"text": [message.format(n, limits.max_text_chars)]} for i, n in too_long.items()}
        fields = {"items": per_item} if batch else per_item[0]
        raise ApiError(422, "validation_error", "The request body does not match the schema.", fields)
    total = sum(lengths)
    if total > limits.max_request_chars:
        raise ApiError(
            413,
            "too_many_characters",
            f"The texts hold {total} characters after normalization; one request may hold at most "
            f"{limits.max_request_chars}. Split the batch.",
        )
    return body, lengths


# --- views -------------------------------------------------------------------------------------------


def _over_budget(exc: OverBudget) -> ApiError:
    return ApiError(
        503,
        "over_time_budget",
        f"The server is busy: {exc}. Retry shortly, or send fewer characters per request.",
        headers={"Retry-After": "1"},
    )


@v1.post("/score")
def score() -> dict[str, Any]:
    req = current_request()
    svc = req.service
    body, _ = _parsed_scoring_body(req)
    try:
        with svc.gate.scoring():
            return svc.assess(body["text"], body["locale"], explain=body["explain"])
    except OverBudget as exc:
        raise _over_budget(exc) from None


@v1.post("/score/batch")
def score_batch() -> dict[str, Any]:
    req = current_request()
    svc = req.service
    body, _ = _parsed_scoring_body(req)
    locale = body["locale"]
    results = []
    try:
        with svc.gate.scoring() as deadline:
            for item in body["items"]:
                deadline.check()  # one text is bounded by max_text_chars; stop between texts
                results.append({"id": item["id"], **svc.assess(item["text"], locale)})
    except OverBudget as exc:
        raise _over_budget(exc) from None
    return {"results": results}


@v1.get("/rules")
def rules() -> dict[str, Any]:
    scorer = service().scorer
    return rule_catalogue((rule.info() for rule in scorer.rules), scorer.version)


@v1.post("/feedback")
def feedback() -> tuple[dict[str, Any], int]:
    req = current_request()
    svc = req.service
    body = _parsed(req, svc.schemas.feedback)
    record = FeedbackRecord(
        text=body["text"],
        verdict=body["verdict"],
        score=body["score"],
        level=body["level"],
        url=body["url"],
        locale=body["locale"],
        # The versions of the assessment the reader judged; the server's own when not given.
        rules_version=(body["version"] or {}).get("rules") or svc.scorer.version["rules"],
        model_version=(body["version"] or {}).get("model") or svc.scorer.version["model"],
    )
    try:
        row_id = svc.feedback.add(record)
    except FeedbackUnavailable as exc:
        # Never pretend it was stored: the client keeps the text. Only a passing cause is worth a retry.
        current_app.logger.error("feedback write failed: %s", exc.reason)
        if exc.transient:
            raise ApiError(
                503,
                "feedback_busy",
                "Feedback could not be stored right now (the database is busy); please retry.",
                headers={"Retry-After": "5"},
            ) from None
        raise ApiError(
            503,
            "feedback_unavailable",
            f"Feedback cannot be stored on this server ({exc.reason}); retrying will not help "
            "until an operator fixes it.",
        ) from None
    return {"id": row_id, "status": "stored"}, 202


@v1.route("/<anything:rest>", methods=_ANY_METHOD)
@v1.route("", methods=_ANY_METHOD)  # after the catch-all: a rule with defaults would redirect "/v1/"
def unmatched(rest: str = "") -> None:
    """Any other /v1 path or method: 404 or 405, after the same key check and rate limit as the rest."""
    allowed = allowed_methods(request.path)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise NotFound()


def allowed_methods(path: str) -> list[str]:
    """The methods the real routes at `path` answer (the catch-all above matches every method)."""
    adapter = current_app.url_map.bind("localhost")
    allowed = []
    for method in ("GET", "POST"):
        try:
            endpoint, _ = adapter.match(path, method=method)
        except (NotFound, MethodNotAllowed):
            continue
        if endpoint != "v1.unmatched":
            allowed.append(method)
    if not allowed:
        return []
    return [*allowed, *(["HEAD"] if "GET" in allowed else []), "OPTIONS"]


@v1.after_app_request
def _honest_allow(response: Response) -> Response:
    # Flask's automatic OPTIONS answer lists every method of every rule matching the path,
    # the catch-all's included; list only what the route really serves. App-wide: routes of
    # other blueprints under /v1 (/v1/meta) share the catch-all's path space.
    req = current_request()
    if req.method == "OPTIONS" and "Allow" in response.headers:
        response.headers["Allow"] = ", ".join(allowed_methods(req.path))
    return response
