"""The v4 batch: 160 posts written blind (by someone who never saw the rules, the model or the
data), measured once on the commit before it was added, then tuned on. It is not held out any
more; its floors keep the tuned figures from slipping, and the blind figure is kept here because
it is the honest one.

Blind, measured once (rules 2026.12, model 2026.12.03):
    scams 69/80 medium or high, 58 high; hard negatives 7/80 medium or high, 4 high.
After the rules written from it (quotes holding apostrophes, family warnings, friend-request
notes, "the only real me", platform loopholes, "guaranteed 4%", pinyin with tone marks, retold
comments, English insider tips):
    scams 72/80, 62 high; hard negatives 5/80, 1 high.
"""

from __future__ import annotations

import warnlib
from tests.conftest import REPO, level_counts
from warnlib.evaluate import is_flagged


def test_v4_batch_after_tuning(scorer: warnlib.Scorer) -> None:
    counts = level_counts(scorer, REPO / "tests" / "data" / "v4-train.jsonl")
    scams, negatives = counts[1], counts[0]
    assert sum(scams.values()) == 80 and sum(negatives.values()) == 80
    assert sum(n for level, n in scams.items() if is_flagged(level)) >= 71
    assert scams["high"] >= 60
    assert sum(n for level, n in negatives.items() if is_flagged(level)) <= 5
    assert negatives["high"] <= 1
