"""Marshmallow schemas for every request and response of the v1 API.

Request schemas depend on the configured limits (text length, batch size), so they are built per
app by `build_schemas(config)`; the OpenAPI document is generated from the same objects, so the
documented limits are always the enforced ones. Unknown fields are rejected (marshmallow's RAISE).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from warnlib.types import CATEGORIES, LEVELS, LOCALES, RULE_KINDS, TEXT_LANGUAGES

VERDICTS = ("scam", "not_scam")
MAX_ID_CHARS = 200
MAX_URL_CHARS = 2048


class StrictBoolean(fields.Boolean):
    """JSON true or false only: not 0, 1, 0.0 or "true" (which equal booleans in Python sets)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if type(value) is not bool:
            raise self.make_error("invalid", input=value)
        return value


class StrictFloat(fields.Float):
    """A JSON number only: not "0.5" or true (marshmallow's Float would convert both)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class _Strict(Schema):
    class Meta:
        ordered = True


# One search in C: a per-character generator was ~2.5 % of a batch's time in the request path.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_free(value: str) -> None:
    # Unpaired UTF-16 halves cannot be stored or echoed as UTF-8; say so instead of failing later.
    if _SURROGATE.search(value):
        raise ValidationError("Text contains an unpaired surrogate (invalid Unicode).")


# --- responses (fixed shapes) ---------------------------------------------------------------


class SignalSchema(_Strict):
    rule = fields.String(required=True, metadata={"example": "zh.copy_trading.lead"})
    category = fields.String(required=True, metadata={"enum": list(CATEGORIES)})
    weight = fields.Float(required=True)
    message = fields.String(required=True)
    spans = fields.List(
        fields.List(fields.Integer(), validate=validate.Length(equal=2)),
        required=True,
        metadata={"description": "[start, end) in Unicode code points of the submitted text"},
    )
    evidence = fields.List(fields.String(), required=True)


class ContextSignalSchema(_Strict):
    rule = fields.String(required=True)
    message = fields.String(required=True)
    spans = fields.List(fields.List(fields.Integer(), validate=validate.Length(equal=2)), required=True)
    evidence = fields.List(fields.String(), required=True)
    weight = fields.Float(required=True)


class VersionSchema(_Strict):
    warnlib = fields.String(required=True)
    rules = fields.String(required=True)
    model = fields.String(required=True)


class ModelEvidenceSchema(_Strict):
    ngram = fields.String(required=True)
    weight = fields.Float(required=True)
    spans = fields.List(fields.List(fields.Integer()), required=True)
    evidence = fields.List(fields.String(), required=True)


class ModelViewSchema(_Strict):
    version = fields.String(required=True)
    logit = fields.Float(required=True)
    contribution = fields.Float(required=True, metadata={"description": "the model's share of the log-odds"})
    evidence = fields.List(fields.Nested(ModelEvidenceSchema), required=True)


class DecisionTermSchema(_Strict):
    term = fields.String(required=True, metadata={"example": "category:copy_trading"})
    value = fields.Float(required=True)
    detail = fields.String(required=True)


class AssessmentSchema(_Strict):
    score = fields.Float(required=True, validate=validate.Range(0, 1), metadata={"example": 0.94})
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    text_language = fields.String(
        required=True,
        validate=validate.OneOf(TEXT_LANGUAGES),
        metadata={
            "example": "zh",
            "description": "language the post is written in, detected: zh, en or und (not the messages' locale)",
        },
    )
    categories = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    signals = fields.List(fields.Nested(SignalSchema), required=True)
    context = fields.List(fields.Nested(ContextSignalSchema), required=True)
    version = fields.Nested(VersionSchema, required=True)
    model = fields.Nested(ModelViewSchema, required=True, allow_none=True)
    decision = fields.List(
        fields.Nested(DecisionTermSchema),
        metadata={"description": "every term of the score's log-odds; only with explain=true"},
    )


class BatchResultSchema(AssessmentSchema):
    id = fields.String(required=True)


class BatchResponseSchema(_Strict):
    results = fields.List(fields.Nested(BatchResultSchema), required=True)


class RuleSchema(_Strict):
    """`warnlib.types.RuleInfo.to_dict()`; a test holds the two to the same fields."""

    id = fields.String(required=True, metadata={"example": "zh.copy_trading.lead"})
    category = fields.String(required=True, metadata={"example": "copy_trading"})
    kind = fields.String(required=True, validate=validate.OneOf(RULE_KINDS))
    weight = fields.Float(required=True)
    pack = fields.String(required=True)
    messages = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    limits_context = fields.Boolean(required=True)
    void_with = fields.List(fields.String(), required=True)


class RulesResponseSchema(_Strict):
    version = fields.Nested(VersionSchema, required=True)
    rules = fields.List(fields.Nested(RuleSchema), required=True)


class FeedbackAcceptedSchema(_Strict):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"example": "stored"})


class LimitsSchema(_Strict):
    max_text_chars = fields.Integer(
        required=True, metadata={"description": "per text, as submitted and after Unicode normalization"}
    )
    max_batch_items = fields.Integer(required=True)
    max_body_bytes = fields.Integer(required=True)
    max_request_chars = fields.Integer(
        required=True, metadata={"description": "all texts of one request together, after normalization"}
    )
    request_time_budget_s = fields.Float(required=True, metadata={"description": "waiting plus scoring; over it: 503"})
    rate_limit = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "windows of cost units per client, e.g. '1200 per 1 minute'; empty: unlimited"},
    )
    cost_unit_chars = fields.Integer(
        required=True, metadata={"description": "a text costs one unit per started block of this many characters"}
    )


class HealthSchema(_Strict):
    status = fields.String(
        required=True,
        validate=validate.OneOf(("ok", "degraded")),
        metadata={"description": "degraded: scoring works but a part named in `checks` does not"},
    )
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"example": {"scoring": "ok", "feedback": "ok", "rate_limit_storage": "ok"}},
    )
    version = fields.Nested(VersionSchema, required=True)
    rules = fields.Integer(required=True, metadata={"description": "number of loaded rules"})
    limits = fields.Nested(LimitsSchema, required=True)


class ErrorBodySchema(_Strict):
    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    fields = fields.Dict(required=True, metadata={"description": "per-field messages, may be empty"})


class ErrorSchema(_Strict):
    error = fields.Nested(ErrorBodySchema, required=True)


# --- requests (limits from config) -----------------------------------------------------------


@dataclass(frozen=True)
class RequestSchemas:
    score: Schema
    batch: Schema
    feedback: Schema
    classes: dict[str, type[Schema]]
    # What `score.load(data)` returns for a plain, valid score body; None for anything else.
    fast_score: Callable[[Any], dict[str, Any] | None]


def build_schemas(max_text_chars: int, max_batch_items: int) -> RequestSchemas:
    """Request schemas enforcing this app's limits; the classes also feed the OpenAPI document."""
    text_field: dict[str, Any] = {
        "required": True,
        "validate": [validate.Length(max=max_text_chars), _surrogate_free],
        "metadata": {
            "description": (
                f"post text, at most {max_text_chars} characters as sent and after Unicode "
                "normalization (one character can expand to several: U+FDFA to 18)"
            )
        },
    }
    locale_field: dict[str, Any] = {
        "load_default": "zh",
        "validate": validate.OneOf(LOCALES),
        "metadata": {"description": "language of the messages in the answer (not of the post: see text_language)"},
    }

    class ScoreRequestSchema(_Strict):
        text = fields.String(**text_field)
        locale = fields.String(**locale_field)
        explain = StrictBoolean(
            load_default=False,
            metadata={"description": "add `decision`: every term of the score's log-odds"},
        )

    class BatchItemSchema(_Strict):
        id = fields.String(required=True, validate=[validate.Length(min=1, max=MAX_ID_CHARS), _surrogate_free])
        text = fields.String(**text_field)

    class BatchRequestSchema(_Strict):
        items = fields.List(
            fields.Nested(BatchItemSchema),
            required=True,
            validate=validate.Length(min=1, max=max_batch_items),
            metadata={"description": f"1 to {max_batch_items} posts; ids are echoed back, results keep this order"},
        )
        locale = fields.String(**locale_field)

    class FeedbackVersionSchema(Schema):
        # The `version` of the assessment the verdict is about (it may predate the server's).
        # Parts this server does not know are ignored, not refused: a newer client may name more.
        class Meta:
            unknown = EXCLUDE

        rules = fields.String(validate=[validate.Length(max=64), _surrogate_free], load_default=None)
        model = fields.String(validate=[validate.Length(max=64), _surrogate_free], load_default=None)
        warnlib = fields.String(validate=[validate.Length(max=64), _surrogate_free], load_default=None)

    class FeedbackRequestSchema(_Strict):
        text = fields.String(**text_field)
        verdict = fields.String(required=True, validate=validate.OneOf(VERDICTS))
        score = StrictFloat(allow_nan=False, validate=validate.Range(0, 1), load_default=None, allow_none=True)
        level = fields.String(validate=validate.OneOf(LEVELS), load_default=None, allow_none=True)
        url = fields.String(
            validate=[validate.Length(max=MAX_URL_CHARS), _surrogate_free], load_default=None, allow_none=True
        )
        locale = fields.String(**locale_field)
        version = fields.Nested(
            FeedbackVersionSchema,
            load_default=None,
            allow_none=True,
            metadata={"description": "the assessment's version; the server's own when absent"},
        )

    score_fields = frozenset(ScoreRequestSchema().fields)
    default_locale = locale_field["load_default"]

    def fast_score(data: Any) -> dict[str, Any] | None:
        # The checks of ScoreRequestSchema on a body that passes them all, in a few C calls:
        # marshmallow's field-by-field load was about forty function calls of every /v1/score.
        # Any other body (a wrong type, an unknown field, a text too long) gets None, and
        # marshmallow loads it, with its own messages.
        if type(data) is not dict or "text" not in data or not score_fields.issuperset(data):
            return None
        text, locale, explain = data["text"], data.get("locale", default_locale), data.get("explain", False)
        if type(text) is not str or len(text) > max_text_chars or _SURROGATE.search(text) is not None:
            return None
        if type(locale) is not str or locale not in LOCALES or type(explain) is not bool:
            return None
        return {"text": text, "locale": locale, "explain": explain}

    return RequestSchemas(
        score=ScoreRequestSchema(),
        batch=BatchRequestSchema(),
        feedback=FeedbackRequestSchema(),
        classes={
            "ScoreRequest": ScoreRequestSchema,
            "BatchItem": BatchItemSchema,
            "BatchRequest": BatchRequestSchema,
            "FeedbackRequest": FeedbackRequestSchema,
        },
        fast_score=fast_score,
    )


RESPONSE_SCHEMAS: dict[str, type[Schema]] = {
    "Signal": SignalSchema,
    "ContextSignal": ContextSignalSchema,
    "Version": VersionSchema,
    "Assessment": AssessmentSchema,
    "BatchResult": BatchResultSchema,
    "BatchResponse": BatchResponseSchema,
    "Rule": RuleSchema,
    "RulesResponse": RulesResponseSchema,
    "FeedbackAccepted": FeedbackAcceptedSchema,
    "Limits": LimitsSchema,
    "Health": HealthSchema,
    "ErrorBody": ErrorBodySchema,
    "Error": ErrorSchema,
}
