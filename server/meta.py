"""`GET /v1/meta`: what a client needs to know before it sends anything.

The browser extension reads this once per server (and again when the server's answers suggest it
changed) so that it never restates the server's words: the level names and their order, the cuts
that turn a score into a level, the request limits it must split batches to fit, the locales and
verdicts the API accepts, the categories that are background only (shown to nobody as a reason),
and the rules and model versions a feedback row disagrees with.

Every value comes from its single definition (`warnlib.types`, the app's `ServerConfig`, the
scorer in use), so this answer cannot drift from what the other endpoints enforce. Like
`/healthz`, it needs no API key: it says nothing about any post.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from flask import Blueprint, current_app
from marshmallow import Schema, fields

from warnlib.types import CATEGORIES, FLAGGED_LEVELS, LEVELS, LOCALES

from .schemas import VERDICTS, VersionSchema

meta_v1 = Blueprint("meta_v1", __name__, url_prefix="/v1")


class ThresholdsSchema(Schema):
    high = fields.Float(required=True, metadata={"description": "lowest score that is `high`"})
    medium = fields.Float(required=True, metadata={"description": "lowest score that is `medium`"})


class MetaLimitsSchema(Schema):
    max_batch_items = fields.Integer(required=True, metadata={"description": "items per /v1/score/batch call"})
    max_text_chars = fields.Integer(
        required=True, metadata={"description": "characters (Unicode code points) per text"}
    )
    max_body_bytes = fields.Integer(required=True, metadata={"description": "bytes per request body"})
    max_request_chars = fields.Integer(
        required=True, metadata={"description": "characters of all texts of one request together, after normalization"}
    )


class MetaSchema(Schema):
    levels = fields.List(fields.String(), required=True, metadata={"description": "lowest first"})
    flagged_levels = fields.List(
        fields.String(), required=True, metadata={"description": "levels at which a reader is warned"}
    )
    thresholds = fields.Nested(ThresholdsSchema, required=True)
    limits = fields.Nested(MetaLimitsSchema, required=True)
    locales = fields.List(fields.String(), required=True)
    verdicts = fields.List(fields.String(), required=True)
    categories = fields.List(fields.String(), required=True)
    background_categories = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "categories that only add context to others; not a reason on their own"},
    )
    version = fields.Nested(VersionSchema, required=True)


def _background_categories(scorer: Any) -> list[str]:
    # The combine settings own this list; a scorer without them has no background categories.
    config = getattr(scorer, "combine_config", None)
    return list(getattr(config, "background_categories", ()))


@meta_v1.get("/meta")
def meta() -> dict[str, Any]:
    svc = current_app.extensions["warnlib"]
    scorer, config = svc.scorer, svc.config
    return {
        "levels": list(LEVELS),
        "flagged_levels": list(FLAGGED_LEVELS),
        "thresholds": {"high": scorer.thresholds.high, "medium": scorer.thresholds.medium},
        "limits": {
            "max_batch_items": config.max_batch_items,
            "max_text_chars": config.max_text_chars,
            "max_body_bytes": config.max_body_bytes,
            "max_request_chars": config.max_request_chars,
        },
        "locales": list(LOCALES),
        "verdicts": list(VERDICTS),
        "categories": list(CATEGORIES),
        "background_categories": _background_categories(scorer),
        "version": dict(scorer.version),
    }


def add_to_spec(spec: APISpec) -> None:
    """Document `GET /v1/meta` in the app's OpenAPI document."""
    spec.components.schema("Meta", schema=MetaSchema)
    spec.path(
        path="/v1/meta",
        operations={
            "get": {
                "summary": "Levels, thresholds, request limits, locales and versions of this server",
                "operationId": "meta",
                "responses": {
                    "200": {
                        "description": "What clients must know before sending",
                        "content": {"application/json": {"schema": "Meta"}},
                    }
                },
            }
        },
    )
