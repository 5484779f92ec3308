"""The verdict types shared by the library, the API and the client.

`Assessment.to_dict()` is the JSON contract in DESIGN.md; `Assessment.from_dict()`
reads it back (the HTTP client uses it), so both sides speak one shape. `RuleInfo` is the
same for the rule catalogue (`warnlib rules --json`, `GET /v1/rules`, `Client.rules()`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Level = Literal["low", "medium", "high"]
# The levels, lowest first. A post is "flagged" (the reader sees a warning) at medium or high.
LEVELS: tuple[Level, ...] = ("low", "medium", "high")
FLAGGED_LEVELS: tuple[Level, ...] = ("medium", "high")
# Cuts of a scorer without the learned model: the rules' log-odds are set by hand, not fitted,
# and these cuts go with them. The model's own cuts are published in warnlib/data/thresholds.toml.
RULES_ONLY_CUTS: dict[str, float] = {"high": 0.8, "medium": 0.5}
Locale = Literal["zh", "en"]  # the language of messages (signals' reasons), chosen by the caller
LOCALES: tuple[Locale, ...] = ("zh", "en")
# The language a post is written in, as `detect_language` finds it ("und": neither script). A
# different thing from the Locale a caller asks messages in: an English reader may read Chinese posts.
TextLanguage = Literal["zh", "en", "und"]
TEXT_LANGUAGES: tuple[TextLanguage, ...] = ("zh", "en", "und")
Span = tuple[int, int]

CATEGORIES: tuple[str, ...] = (
    "contact_diversion",
    "guaranteed_returns",
    "wealth_story",
    "copy_trading",
    "leverage",
    "exchange_referral",
    "paid_resource",
    "job_lure",
    "urgency",
    "recovery_scam",
    "giveaway",
    "pump_and_dump",
    "stock_tip",
    "investment_topic",
)
# A rule either adds to a category (a signal) or, in category "context", lowers the score.
RuleKind = Literal["signal", "context"]
RULE_KINDS: tuple[RuleKind, ...] = ("signal", "context")


@dataclass(frozen=True)
class Signal:
    """One rule or extractor that fired, with the text that made it fire.

    `spans` are `[start, end)` code-point offsets into the text as submitted, and
    `evidence[i]` is exactly `text[spans[i][0]:spans[i][1]]`.
    """

    rule: str
    category: str
    weight: float
    message: str
    spans: list[Span] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "category": self.category,
            "weight": self.weight,
            "message": self.message,
            "spans": [list(s) for s in self.spans],
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Signal:
        return cls(
            rule=data["rule"],
            category=data["category"],
            weight=float(data["weight"]),
            message=data["message"],
            spans=[(int(s[0]), int(s[1])) for s in data.get("spans", [])],
            evidence=list(data.get("evidence", [])),
        )


@dataclass(frozen=True)
class ContextSignal:
    """A cue that the post warns about or reports on scams; it lowers the score."""

    rule: str
    message: str
    spans: list[Span] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    weight: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "message": self.message,
            "spans": [list(s) for s in self.spans],
            "evidence": list(self.evidence),
            "weight": self.weight,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ContextSignal:
        return cls(
            rule=data["rule"],
            message=data["message"],
            spans=[(int(s[0]), int(s[1])) for s in data.get("spans", [])],
            evidence=list(data.get("evidence", [])),
            weight=float(data.get("weight", 0.0)),
        )


@dataclass(frozen=True)
class ModelEvidence:
    """An n-gram or word that pushed the learned model towards "scam", where it stands in the post."""

    ngram: str
    weight: float
    spans: list[Span] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ngram": self.ngram,
            "weight": self.weight,
            "spans": [list(s) for s in self.spans],
            "evidence": list(self.evidence),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelEvidence:
        return cls(
            ngram=str(data["ngram"]),
            weight=float(data["weight"]),
            spans=[(int(s[0]), int(s[1])) for s in data.get("spans", [])],
            evidence=list(data.get("evidence", [])),
        )


@dataclass(frozen=True)
class ModelView:
    """What the learned model added: its log-odds, their weight in the score, and its evidence.

    `contribution` is what the model's n-grams and detector features add to the final log-odds
    (after calibration; the rules' own log-odds, which the model also weighs, are not in it); `evidence`
    lists the n-grams that pushed hardest towards scam (filled for flagged posts and on request).
    """

    version: str
    logit: float
    contribution: float
    evidence: list[ModelEvidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "logit": self.logit,
            "contribution": self.contribution,
            "evidence": [e.to_dict() for e in self.evidence],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelView:
        return cls(
            version=str(data["version"]),
            logit=float(data["logit"]),
            contribution=float(data["contribution"]),
            evidence=[ModelEvidence.from_dict(e) for e in data.get("evidence", [])],
        )


@dataclass(frozen=True)
class Assessment:
    """How risky a post is and why.

    `score` is in [0, 1] and behaves like a probability of "investment-scam
    solicitation"; `level` is `score` cut by the scorer's thresholds.
    `text_language` is the language the post is written in, as detected ("zh", "en" or "und");
    it is not the `locale` the signals' messages were written in, which the caller chooses.
    `categories` maps each category that fired to its strength in [0, 1].
    `model` says what the learned model added (None when the scorer runs rules only), and
    `decision` (only with `score(..., explain=True)`) lists every term of the final log-odds.
    """

    score: float
    level: Level
    text_language: TextLanguage
    categories: dict[str, float]
    signals: list[Signal]
    context: list[ContextSignal]
    version: dict[str, str]
    model: ModelView | None = None
    decision: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level,
            "text_language": self.text_language,
            "categories": dict(self.categories),
            "signals": [s.to_dict() for s in self.signals],
            "context": [c.to_dict() for c in self.context],
            "version": dict(self.version),
            "model": self.model.to_dict() if self.model is not None else None,
            **({"decision": [dict(t) for t in self.decision]} if self.decision is not None else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Assessment:
        return cls(
            score=float(data["score"]),
            level=data["level"],
            # Servers before 2026.12 sent the same value as "language".
            text_language=data["text_language"] if "text_language" in data else data["language"],
            categories={k: float(v) for k, v in data.get("categories", {}).items()},
            signals=[Signal.from_dict(s) for s in data.get("signals", [])],
            context=[ContextSignal.from_dict(c) for c in data.get("context", [])],
            version=dict(data.get("version", {})),
            model=ModelView.from_dict(data["model"]) if data.get("model") else None,
            decision=[dict(t) for t in data["decision"]] if data.get("decision") is not None else None,
        )


@dataclass(frozen=True)
class RuleInfo:
    """One entry of the rule catalogue: what a loaded rule is called, counts towards and says.

    The one shape of the catalogue everywhere: `warnlib rules --json` prints
    `{"version": ..., "rules": [RuleInfo.to_dict(), ...]}`, `GET /v1/rules` answers the same,
    and `Client.rules()` reads it back with `from_dict`. `weight` is the rule's log-odds after any
    `[[overrides]]`; `void_with` (context rules only) names the categories next to which the cue
    does not lower the score.
    """

    id: str
    category: str
    kind: RuleKind
    weight: float
    pack: str
    messages: dict[str, str] = field(default_factory=dict)
    limits_context: bool = False
    void_with: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "kind": self.kind,
            "weight": self.weight,
            "pack": self.pack,
            "messages": dict(self.messages),
            "limits_context": self.limits_context,
            "void_with": list(self.void_with),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleInfo:
        # Fields this version does not know are ignored: a newer server may add more.
        return cls(
            id=str(data["id"]),
            category=str(data["category"]),
            kind=data["kind"],
            weight=float(data["weight"]),
            pack=str(data["pack"]),
            messages={str(k): str(v) for k, v in (data.get("messages") or {}).items()},
            limits_context=bool(data.get("limits_context", False)),
            void_with=tuple(data.get("void_with") or ()),
        )


def rule_catalogue(rules: Iterable[RuleInfo], version: Mapping[str, str]) -> dict[str, Any]:
    """The catalogue as JSON: the scorer's versions and its rules sorted by id."""
    return {"version": dict(version), "rules": [r.to_dict() for r in sorted(rules, key=lambda r: r.id)]}
