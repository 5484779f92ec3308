"""The `v1` blueprint: score, score/batch, rules, feedback.

Views stay thin: parse and validate JSON with the app's schemas, call the library's public API,
return plain dicts. Access control (API keys, rate limits) runs first, in `_guard`.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, current_app, request
from marshmallow import Schema

from warnlib import Scorer

from .config import ServerConfig
from .errors import ApiError
from .feedback import FeedbackRecord, FeedbackStore
from .limits import AssessmentCache, RateLimiter, key_matches
from .schemas import RequestSchemas

v1 = Blueprint("v1", __name__, url_prefix="/v1")


@dataclass
class Service:
    """What the views need, built once per app by `create_app` and kept in `app.extensions`."""

    config: ServerConfig
    scorer: Scorer
    schemas: RequestSchemas
    cache: AssessmentCache
    limiter: RateLimiter
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


def service() -> Service:
    return current_app.extensions["warnlib"]


@v1.before_request
def _guard() -> None:
    if request.method == "OPTIONS":  # CORS preflights carry no credentials
        return
    svc = service()
    presented = _presented_key()
    authorized = not svc.config.api_keys or (presented is not None and key_matches(presented, svc.config.api_keys))
    # Valid keys get their own bucket; everyone else (including key guessers) shares one per address.
    if authorized and presented is not None:
        client = "key:" + hashlib.sha256(presented.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    else:
        client = "addr:" + (request.remote_addr or "unknown")
    wait = svc.limiter.acquire(client)
    if wait > 0:
        raise ApiError(
            429,
            "rate_limited",
            f"Too many requests; retry in {math.ceil(wait)} s.",
            headers={"Retry-After": str(math.ceil(wait))},
        )
    if not authorized:
        message = "An API key is required." if presented is None else "The API key is not valid."
        raise ApiError(
            401,
            "unauthorized",
            message + " Send it as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'.",
            headers={"WWW-Authenticate": 'Bearer realm="warnlib"'},
        )


def _presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("X-API-Key")


def _load(schema: Schema) -> dict[str, Any]:
    """The request's JSON body validated by `schema`; 415, 400 or 422 on the way out otherwise."""
    if not request.is_json:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"Send JSON with 'Content-Type: application/json' (got {request.mimetype or 'nothing'!r}).",
        )
    raw = request.get_data(cache=False)  # raises 413 past the configured body size
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        detail = exc.args[0] if isinstance(exc, ValueError) and exc.args else "nesting too deep"
        raise ApiError(400, "malformed_json", f"The body is not valid JSON: {detail}") from None
    return schema.load(data)  # ValidationError -> 422 with per-field messages


@v1.post("/score")
def score() -> dict[str, Any]:
    svc = service()
    body = _load(svc.schemas.score)
    return svc.assess(body["text"], body["locale"], explain=body["explain"])


@v1.post("/score/batch")
def score_batch() -> dict[str, Any]:
    svc = service()
    body = _load(svc.schemas.batch)
    locale = body["locale"]
    return {"results": [{"id": item["id"], **svc.assess(item["text"], locale)} for item in body["items"]]}


@v1.get("/rules")
def rules() -> dict[str, Any]:
    scorer = service().scorer
    catalogue = [
        {**rule.to_dict(), "kind": "context" if rule.is_context else "signal"}
        for rule in sorted(scorer.rules, key=lambda r: r.id)
    ]
    return {"version": scorer.version, "rules": catalogue}


@v1.post("/feedback")
def feedback() -> tuple[dict[str, Any], int]:
    svc = service()
    body = _load(svc.schemas.feedback)
    record = FeedbackRecord(
        text=body["text"],
        verdict=body["verdict"],
        score=body["score"],
        level=body["level"],
        url=body["url"],
        locale=body["locale"],
        rules_version=svc.scorer.version["rules"],
    )
    try:
        row_id = svc.feedback.add(record)
    except (sqlite3.Error, OSError):
        # Never pretend it was stored: the client keeps the text and can retry.
        current_app.logger.exception("feedback write failed")
        raise ApiError(503, "feedback_unavailable", "Feedback could not be stored; please retry.") from None
    return {"id": row_id, "status": "stored"}, 202
