"""The OpenAPI 3 document, generated from the marshmallow schemas the views enforce."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

import warnlib

from .config import ServerConfig
from .meta import add_to_spec as add_meta_to_spec
from .schemas import RESPONSE_SCHEMAS, RequestSchemas

_ERRORS = {
    "400": "Malformed JSON",
    "401": "Missing or invalid API key (only when keys are configured)",
    "413": (
        "Body over max_body_bytes (`body_too_large`), or texts over max_request_chars after "
        "normalization (`too_many_characters`)"
    ),
    "415": "Content-Type is not application/json",
    "422": "Fields missing, unknown, mistyped or over a limit; `fields` says which",
    "429": "Rate limited (cost units per client); see Retry-After and X-RateLimit-*",
    "503": "Over the request's time budget (`over_time_budget`); see Retry-After",
}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: str) -> dict[str, Any]:
    return {status: _json("Error", _ERRORS[status]) for status in statuses}


def _body(schema: str, example: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema, "example": example}}}


def build_spec(config: ServerConfig, schemas: RequestSchemas) -> dict[str, Any]:
    spec = APISpec(
        title="warnlib API",
        version=warnlib.__version__,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": (
                "Scores social-media post text for investment-scam risk and explains why. "
                "Spans are [start, end) in Unicode code points of the submitted text."
            )
        },
        servers=[{"url": "/"}],
    )
    for name, cls in {**RESPONSE_SCHEMAS, **schemas.classes}.items():
        spec.components.schema(name, schema=cls)
    secured: list[dict[str, list[str]]] = []
    if config.api_keys:
        spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
        spec.components.security_scheme("apiKey", {"type": "apiKey", "in": "header", "name": "X-API-Key"})
        secured = [{"bearer": []}, {"apiKey": []}]
    guarded = ("401", "429")
    post_errors = ("400", *guarded, "413", "415", "422")
    scoring_errors = (*post_errors, "503")

    spec.path(
        path="/v1/score",
        operations={
            "post": {
                "summary": "Score one post",
                "operationId": "score",
                "security": secured,
                "requestBody": _body(
                    "ScoreRequest", {"text": "跟着老师做合约，一周翻倍，加薇：coin888", "locale": "zh"}
                ),
                "responses": {"200": _json("Assessment", "The assessment"), **_errors(*scoring_errors)},
            }
        },
    )
    spec.path(
        path="/v1/score/batch",
        operations={
            "post": {
                "summary": f"Score up to {config.max_batch_items} posts in one call",
                "operationId": "scoreBatch",
                "security": secured,
                "requestBody": _body("BatchRequest", {"items": [{"id": "a", "text": "今天天气真好"}], "locale": "en"}),
                "responses": {
                    "200": _json("BatchResponse", "One result per item, same order"),
                    **_errors(*scoring_errors),
                },
            }
        },
    )
    spec.path(
        path="/v1/rules",
        operations={
            "get": {
                "summary": "The loaded rule catalogue",
                "operationId": "rules",
                "security": secured,
                "responses": {"200": _json("RulesResponse", "Rules and versions"), **_errors(*guarded)},
            }
        },
    )
    feedback_errors = _errors(*post_errors)
    feedback_errors["503"] = _json(
        "Error",
        "Feedback could not be stored: `feedback_busy` (retry after Retry-After) or "
        "`feedback_unavailable` (a lasting cause an operator must fix)",
    )
    spec.path(
        path="/v1/feedback",
        operations={
            "post": {
                "summary": "Report a verdict on a post (stores its text)",
                "operationId": "feedback",
                "security": secured,
                "requestBody": _body("FeedbackRequest", {"text": "...", "verdict": "not_scam", "score": 0.62}),
                "responses": {"202": _json("FeedbackAccepted", "Stored"), **feedback_errors},
            }
        },
    )
    spec.path(
        path="/healthz",
        operations={
            "get": {
                "summary": "Liveness, versions and limits; `degraded` names a part that cannot work",
                "operationId": "health",
                "responses": {"200": _json("Health", "The service is up")},
            }
        },
    )
    add_meta_to_spec(spec)
    return spec.to_dict()
