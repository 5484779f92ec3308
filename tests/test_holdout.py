"""The blind held-out batches: written by people who never saw the rules, the model or the data,
measured once right after they were written, and never trained or tuned on.

The floors sit just under the figures measured then, so that the estimate of how the scorer does
on unseen posts cannot silently get worse. They are not targets: tuning to them would make them
meaningless, which is why these files are excluded from training (scripts/train_model.sh skips
every *holdout* file) and why nothing here names a post.
"""

from __future__ import annotations

from collections import Counter

import warnlib
from tests.conftest import REPO, level_counts
from warnlib.evaluate import is_flagged

DATA = REPO / "tests" / "data"


def _counts(scorer: warnlib.Scorer, name: str) -> dict[int, Counter[str]]:
    return level_counts(scorer, DATA / name)


def test_v3_holdout_batch(scorer: warnlib.Scorer) -> None:
    # v3-holdout (200 posts, 100 scam, 100 hard negatives; zh, traditional zh and en; 30 scams
    # heavily obfuscated). Measured once on the commit that added it (model 2026.12.01):
    #   scams 86/100 medium or high, 67 high; negatives 10/100 medium or high, 4 high.
    # After model 2026.12.03 (more training data and rules, none written from this batch):
    #   scams 88/100, 68 high; negatives 10/100, 6 high - the two extra at 0.945 and 0.949,
    #   under the high cut of 0.94 the search chose (at 0.95, as in the first retrain, 4 high).
    # After the rules written from the v4 batch (none from this one; no retrain):
    #   scams 89/100, 70 high; negatives 10/100, 6 high.
    # After the v5 rules and model 2026.12.04 (which does not read retold words; none of it
    # written from this batch):
    #   scams 90/100, 75 high; negatives 6/100, 2 high.
    counts = _counts(scorer, "v3-holdout.jsonl")
    scams, negatives = counts[1], counts[0]
    assert sum(scams.values()) == 100 and sum(negatives.values()) == 100
    assert sum(n for level, n in scams.items() if is_flagged(level)) >= 87
    assert scams["high"] >= 70
    assert sum(n for level, n in negatives.items() if is_flagged(level)) <= 8
    assert negatives["high"] <= 3


def test_v6_holdout_batch(scorer: warnlib.Scorer) -> None:
    # v6-holdout (160 posts, 80 scam, 80 hard negatives; 48 Chinese of which 14 traditional, 32
    # English each; 25 scams obfuscated; about 28 negatives retell two or more scam steps).
    # Written blind and measured once on the commit before it was added (a8920e4, rules
    # 2026.12.2, model 2026.12.04); never tuned on or trained on:
    #   scams 67/80 medium or high, 62 high; negatives 1/80 medium or high, 0 high.
    counts = _counts(scorer, "v6-holdout.jsonl")
    scams, negatives = counts[1], counts[0]
    assert sum(scams.values()) == 80 and sum(negatives.values()) == 80
    assert sum(n for level, n in scams.items() if is_flagged(level)) >= 65
    assert scams["high"] >= 59
    assert sum(n for level, n in negatives.items() if is_flagged(level)) <= 2
    assert negatives["high"] == 0
