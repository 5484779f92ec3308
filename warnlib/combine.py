"""Turning fired signals into one score, SpamAssassin-style but probability-shaped.

The score is `sigmoid(logit)` where the logit adds up, in order:
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
  `limits_context` fired (a warning does not hand out a WeChat id);
- plus `model_weight * model_logit` when a text model is configured.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

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
    }
)


@dataclass(frozen=True)
class CombineConfig:
    bias: float = -4.0
    category_cap: float = 3.0
    category_caps: tuple[tuple[str, float], ...] = (("pump_and_dump", 4.5),)
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
    model_weight: float = 1.0


@dataclass(frozen=True)
class Combined:
    score: float
    logit: float
    categories: dict[str, float]
    context_discount: float


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
    model_logit: float | None = None,
    config: CombineConfig = CombineConfig(),
) -> Combined:
    sums = category_sums(signal_weights)
    caps = dict(config.category_caps)
    logit = config.bias + sum(min(total, caps.get(c, config.category_cap)) for c, total in sums.items())
    fired = set(sums)
    if "contact_diversion" in fired and fired & MONEY_CATEGORIES:
        logit += config.co_occurrence_bonus
    context_weights = list(context_weights)
    if sum(context_weights) <= config.pair_bonus_max_context:
        logit += sum(bonus for a, b, bonus in config.pair_bonuses if a in fired and b in fired)
    logit += config.breadth_bonus * max(0, len(fired - set(config.background_categories)) - 2)
    cap = config.limited_context_cap if context_limited else config.context_cap
    discount = min(sum(context_weights), cap)
    logit -= discount
    if model_logit is not None:
        logit += config.model_weight * model_logit
    score = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))
    strengths = {c: round(1.0 - math.exp(-total), 3) for c, total in sorted(sums.items())}
    return Combined(score=score, logit=logit, categories=strengths, context_discount=discount)
