"""Turning fired signals into one score, SpamAssassin-style but probability-shaped.

The rules' log-odds add up, in order:
- `bias`: where a post with no signals sits (well below every threshold);
- per category, the sum of its fired rules' weights, capped at `category_cap`, so
  twenty copy-trading phrases do not outweigh evidence from different angles
  (`category_caps` raises the cap for a category whose rules only a scheme's
  own organisers write: a pump group's own announcements can carry a post alone);
- `co_occurrence_bonus` when contact diversion appears with any money-making
  category (an invitation to a private channel plus a returns claim is the
  scam's signature), and `breadth_bonus` per category beyond the second;
- each `pair_bonuses` entry `(a, b, bonus)` whose two categories both fired: the weak
  `investment_topic` (crypto/investment words, harmless alone) next to contact diversion is
  how a vague recruiter post reads; pair bonuses are dropped when the context cues add up to
  more than `pair_bonus_max_context` (a warning that names 炒币群 is not an invitation; one
  warning word stays under the limit, so it cannot switch the bonus off);
  `background_categories` (the topic) do not count toward the breadth bonus;
- minus the context discount: the sum of warning/news cue weights, capped at
  `context_cap`, or at `limited_context_cap` when a rule marked
  `limits_context` fired *addressed to the reader* (a warning does not hand out a WeChat id;
  the scorer decides what counts as addressed, see `Scorer`).

Every number and category role above is data, in `warnlib/rules/policy.toml`
(`CombineConfig`); this module holds only the arithmetic. When a text model is configured,
the scorer adds its log-odds through the model's calibration (`warnlib.model.Calibration`).
Every addend is returned as a `Term`, so a verdict can be read back as the sum that made it
(`Scorer.score(text, explain=True)`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

POLICY_FILE = "policy.toml"


def _shipped(name: str) -> Any:
    """A field whose default is the shipped policy's setting `name`, read when first needed."""
    return field(default_factory=lambda: _builtin_policy()[name])


@dataclass(frozen=True)
class CombineConfig:
    """The combining policy: numbers and category roles, from `warnlib/rules/policy.toml`.

    ``CombineConfig()`` is the shipped policy (``CombineConfig(bias=-3.0)`` changes one
    setting); ``CombineConfig.load(path)`` reads an operator's file of the same shape. The
    shipped file says what each setting means.
    """

    bias: float = _shipped("bias")
    category_cap: float = _shipped("category_cap")
    category_caps: tuple[tuple[str, float], ...] = _shipped("category_caps")
    co_occurrence_bonus: float = _shipped("co_occurrence_bonus")
    pair_bonuses: tuple[tuple[str, str, float], ...] = _shipped("pair_bonuses")
    pair_bonus_max_context: float = _shipped("pair_bonus_max_context")
    background_categories: tuple[str, ...] = _shipped("background_categories")
    breadth_bonus: float = _shipped("breadth_bonus")
    context_cap: float = _shipped("context_cap")
    limited_context_cap: float = _shipped("limited_context_cap")
    contact_category: str = _shipped("contact_category")
    money_categories: frozenset[str] = _shipped("money_categories")

    @functools.cached_property
    def caps_by_category(self) -> dict[str, float]:
        """`category_caps` as a mapping (categories not in it are capped at `category_cap`)."""
        return dict(self.category_caps)

    @classmethod
    def load(cls, path: str | Path) -> CombineConfig:
        """Read a policy file; raises `warnlib.rules.RuleError` naming the file and setting at fault."""
        from warnlib.rules import RuleError

        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleError(f"cannot read policy {file}: {exc}") from exc
        return cls(**parse_policy(text, source=str(file)))


def parse_policy(text: str, *, source: str) -> dict[str, Any]:
    """The settings of a policy file (see policy.toml), checked: numbers are numbers, categories exist."""
    from warnlib._toml import TOMLDecodeError, load_toml_text
    from warnlib.rules import RuleError
    from warnlib.types import CATEGORIES

    try:
        data = load_toml_text(text)
    except TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from exc

    def number(table: dict[str, Any], key: str, where: str) -> float:
        value = table.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise RuleError(f"{source}: {where}{key} must be a number")
        return float(value)

    def category(value: Any, where: str) -> str:
        if value not in CATEGORIES:
            raise RuleError(f"{source}: {where} names an unknown category {value!r}")
        return str(value)

    policy, roles = data.get("policy", {}), data.get("roles", {})
    numbers = (
        "bias",
        "category_cap",
        "co_occurrence_bonus",
        "breadth_bonus",
        "pair_bonus_max_context",
        "context_cap",
        "limited_context_cap",
    )
    settings: dict[str, Any] = {key: number(policy, key, "[policy] ") for key in numbers}
    settings["contact_category"] = category(roles.get("contact"), "[roles] contact")
    settings["money_categories"] = frozenset(category(c, "[roles] money") for c in roles.get("money", []))
    settings["background_categories"] = tuple(category(c, "[roles] background") for c in roles.get("background", []))
    caps = data.get("category_caps", {})
    settings["category_caps"] = tuple(
        (category(name, "[category_caps]"), number(caps, name, "[category_caps] ")) for name in sorted(caps)
    )
    pairs = []
    for entry in data.get("pair_bonuses", []):
        names = entry.get("categories")
        if not isinstance(names, list) or len(names) != 2:
            raise RuleError(f"{source}: [[pair_bonuses]] categories must name two categories")
        a, b = (category(c, "[[pair_bonuses]]") for c in names)
        pairs.append((a, b, number(entry, "bonus", "[[pair_bonuses]] ")))
    settings["pair_bonuses"] = tuple(pairs)
    return settings


@functools.cache
def _builtin_policy() -> dict[str, Any]:
    text = resources.files("warnlib.rules").joinpath(POLICY_FILE).read_text(encoding="utf-8")
    return parse_policy(text, source=f"warnlib/rules/{POLICY_FILE}")


@dataclass(frozen=True)
class Term:
    """One addend of the final log-odds: what it is, how much it added, and why."""

    name: str
    value: float
    detail: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"term": self.name, "value": round(self.value, 4), "detail": self.detail}


@dataclass(frozen=True)
class Combined:
    """The rules' verdict on a post: its log-odds, each category's strength, and the terms."""

    logit: float
    categories: dict[str, float]
    # (name, value, detail template, its arguments) of every term: the terms' words are written
    # out only when asked for (an explained verdict), not for every post scored.
    parts: tuple[tuple[str, float, str, tuple[object, ...]], ...] = ()

    @functools.cached_property
    def terms(self) -> list[Term]:
        """The addends of `logit`, in order, each with why it is there."""
        return [Term(name, value, template.format(*args)) for name, value, template, args in self.parts]


@functools.cache
def _default_config() -> CombineConfig:
    return CombineConfig()


def sigmoid(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))


def category_sums(weighted: Iterable[tuple[str, float]]) -> dict[str, float]:
    sums: dict[str, float] = {}
    for category, weight in weighted:
        sums[category] = sums.get(category, 0.0) + weight
    return sums


def combine(
    signal_weights: Iterable[tuple[str, float]],
    context_weights: Iterable[float],
    *,
    context_limited: bool,
    config: CombineConfig | None = None,
) -> Combined:
    """The rules' log-odds for one post, as a list of named terms and their sum (`config`: the
    shipped policy unless given)."""
    config = config or _default_config()
    sums = category_sums(signal_weights)
    caps = config.caps_by_category
    parts: list[tuple[str, float, str, tuple[object, ...]]] = [
        ("bias", config.bias, "where a post with no signals starts", ())
    ]
    for category, total in sorted(sums.items()):
        cap = caps.get(category, config.category_cap)
        parts.append((f"category:{category}", min(total, cap), "sum {:g}, cap {:g}", (total, cap)))
    fired = set(sums)
    if config.contact_category in fired and fired & config.money_categories:
        parts.append(("bonus:contact+money", config.co_occurrence_bonus, "private channel next to a money lure", ()))
    context_weights = list(context_weights)
    cue_total = sum(context_weights)
    if cue_total <= config.pair_bonus_max_context:
        for a, b, bonus in config.pair_bonuses:
            if a in fired and b in fired:
                parts.append((f"bonus:{a}+{b}", bonus, "configured pair", ()))
    breadth = len(fired.difference(config.background_categories)) - 2
    if breadth > 0:
        parts.append(("bonus:breadth", config.breadth_bonus * breadth, "{} categories beyond the second", (breadth,)))
    if cue_total:
        cap = config.limited_context_cap if context_limited else config.context_cap
        why = "capped: the post addresses the reader with a way to reach the poster" if context_limited else "cap"
        parts.append(("context_discount", -min(cue_total, cap), "cues {:g}, {} {:g}", (cue_total, why, cap)))
    logit = sum(part[1] for part in parts)
    strengths = {c: round(1.0 - math.exp(-total), 3) for c, total in sorted(sums.items())}
    return Combined(logit=logit, categories=strengths, parts=tuple(parts))
