"""Acceptance on the shared development sample (skips when ../shared/data is absent)."""

from __future__ import annotations

from pathlib import Path

import warnlib
from tests.conftest import read_jsonl


def test_dev_set_levels(scorer: warnlib.Scorer, shared_data: Path) -> None:
    rows = read_jsonl(shared_data / "posts-dev.jsonl")
    scams = [scorer.score(r["text"]) for r in rows if r["label"] == 1]
    benign = [(r, scorer.score(r["text"])) for r in rows if r["label"] == 0]
    assert scams and benign
    missed = [a for a in scams if a.level == "low"]
    assert not missed, "every scam post must be at least medium"
    assert sum(a.level == "high" for a in scams) >= 0.9 * len(scams)
    assert not [r["id"] for r, a in benign if a.level == "high"]
    assert sum(a.level == "medium" for _, a in benign) <= 1


def test_dev_set_spans_point_at_their_evidence(scorer: warnlib.Scorer, shared_data: Path) -> None:
    for row in read_jsonl(shared_data / "posts-dev.jsonl"):
        text = row["text"]
        for signal in scorer.score(text).signals:
            assert all(text[s:e] == ev for (s, e), ev in zip(signal.spans, signal.evidence, strict=True))
