"""Batches written blind (by someone who never saw the rules, the model or the data), measured
once on the commit before they were added, then tuned on. They are not held out any more; their
floors keep the tuned figures from slipping, and each blind figure is kept here because it is the
honest one.

v4, blind (rules 2026.12, model 2026.12.03, commit eb62b04):
    scams 69/80 medium or high, 58 high; hard negatives 7/80 medium or high, 4 high.
  After the rules written from it (quotes holding apostrophes, family warnings, friend-request
  notes, "the only real me", platform loopholes, "guaranteed 4%", pinyin with tone marks, retold
  comments, English insider tips):
    scams 72/80, 62 high; hard negatives 5/80, 1 high.

v5, blind (rules 2026.12.1, model 2026.12.03, commit 4379bf6). It leans toward how real text
reads: Instagram shill comments, stock SMS, long news and police reports, normal comments:
    scams 73/80 medium or high, 64 high; hard negatives 4/80 medium or high, 3 high.
  After the rules written from it (a signal that starts inside a quote is the quote's; "要你加微信"
  is retold, not asked; "how to tell it is a scam"; first-person losses and "reported" framing in
  English; bopomofo dropped; o for 0 in numbers; a bare international number; tg @handle; ids in
  Chinese numerals after @; "can't post it here"; "say Jude sent you"; a backup account; send-
  and-get-back without "and"; following someone's 点位; the analyst uncle; "start small"):
    scams 80/80, 78 high; hard negatives 0/80.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

import warnlib
from tests.conftest import REPO, level_counts
from warnlib.evaluate import is_flagged


class Floors(NamedTuple):
    file: str
    scams_flagged: int
    scams_high: int
    negatives_flagged: int
    negatives_high: int


BATCHES = [
    Floors("v4-train.jsonl", scams_flagged=71, scams_high=60, negatives_flagged=5, negatives_high=1),
    Floors("v5-train.jsonl", scams_flagged=78, scams_high=74, negatives_flagged=1, negatives_high=0),
]


@pytest.mark.parametrize("floors", BATCHES, ids=[b.file for b in BATCHES])
def test_blind_batch_after_tuning(scorer: warnlib.Scorer, floors: Floors) -> None:
    counts = level_counts(scorer, REPO / "tests" / "data" / floors.file)
    scams, negatives = counts[1], counts[0]
    assert sum(scams.values()) == 80 and sum(negatives.values()) == 80
    assert sum(n for level, n in scams.items() if is_flagged(level)) >= floors.scams_flagged
    assert scams["high"] >= floors.scams_high
    assert sum(n for level, n in negatives.items() if is_flagged(level)) <= floors.negatives_flagged
    assert negatives["high"] <= floors.negatives_high
