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

When a text model is configured, the scorer adds its log-odds through the model's calibration
(`warnlib.model.Calibration`). Every addend is returned as a `Term`, so a verdict can be
read back as the sum that made it (`Scorer.score(text, explain=True)`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

MONEY_CATEGORIES = frozenset(
    {
        "guaranteed_returns",
        "wealth_story",
        "copy_trading",
        "leverage",
        "exchange_referral",
        "paid_resource",
        "job_lure",
        "recovery_scam",
        "giveaway",
        "urgency",
        "pump_and_dump",
        "stock_tip",
    }
)


@dataclass(frozen=True)
class CombineConfig:
    bias: float = -4.0
    category_cap: float = 3.0
    category_caps: tuple[tuple[str, float], ...] = (("pump_and_dump", 4.5), ("giveaway", 4.5))
    co_occurrence_bonus: float = 1.0
    pair_bonuses: tuple[tuple[str, str, float], ...] = (
        ("contact_diversion", "investment_topic", 1.5),
        ("recovery_scam", "guaranteed_returns", 1.0),
    )
    pair_bonus_max_context: float = 2.0
    background_categories: tuple[str, ...] = ("investment_topic",)
    breadth_bonus: float = 0.5
    context_cap: float = 6.0
    limited_context_cap: float = 1.0


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
    logit: float
    categories: dict[str, float]
    terms: list[Term] = field(default_factory=list)


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
    config: CombineConfig = CombineConfig(),
) -> Combined:
    """The rules' log-odds for one post, as a list of named terms and their sum."""
    sums = category_sums(signal_weights)
    caps = dict(config.category_caps)
    terms = [Term("bias", config.bias, "where a post with no signals starts")]
    for category, total in sorted(sums.items()):
        cap = caps.get(category, config.category_cap)
        terms.append(Term(f"category:{category}", min(total, cap), f"sum {total:g}, cap {cap:g}"))
    fired = set(sums)
    if "contact_diversion" in fired and fired & MONEY_CATEGORIES:
        terms.append(Term("bonus:contact+money", config.co_occurrence_bonus, "private channel next to a money lure"))
    context_weights = list(context_weights)
    cue_total = sum(context_weights)
    if cue_total <= config.pair_bonus_max_context:
        for a, b, bonus in config.pair_bonuses:
            if a in fired and b in fired:
                terms.append(Term(f"bonus:{a}+{b}", bonus, "configured pair"))
    breadth = len(fired - set(config.background_categories)) - 2
    if breadth > 0:
        terms.append(Term("bonus:breadth", config.breadth_bonus * breadth, f"{breadth} categories beyond the second"))
    if cue_total:
        cap = config.limited_context_cap if context_limited else config.context_cap
        why = "capped: the post addresses the reader with a way to reach the poster" if context_limited else "cap"
        terms.append(Term("context_discount", -min(cue_total, cap), f"cues {cue_total:g}, {why} {cap:g}"))
    logit = sum(t.value for t in terms)
    strengths = {c: round(1.0 - math.exp(-total), 3) for c, total in sorted(sums.items())}
    return Combined(logit=logit, categories=strengths, terms=terms)
