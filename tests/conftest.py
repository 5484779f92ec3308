"""Shared fixtures. Data from ../shared/data is optional: tests that need it skip with a message."""

from __future__ import annotations

import json
import socket
from collections import Counter
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import warnlib
from warnlib.evaluate import is_flagged

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


def free_port() -> int:
    """A loopback port nothing listens on (for servers to start on, or to find nothing at)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.fixture(scope="session")
def scorer() -> warnlib.Scorer:
    return warnlib.Scorer()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"labeled data not found at {SHARED_DATA} (it lives beside the repo as ../shared/data)")
    return SHARED_DATA


def level_counts(scorer: warnlib.Scorer, path: Path) -> dict[int, Counter[str]]:
    """How many posts of each label (1 scam, 0 not) in the JSON Lines file got each level."""
    out: dict[int, Counter[str]] = {0: Counter(), 1: Counter()}
    for row in read_jsonl(path):
        out[row["label"]][scorer.score(row["text"]).level] += 1
    return out


class BatchFloors(NamedTuple):
    """What a labeled batch must keep scoring: `per_label` scams and as many negatives, unless
    `negatives` gives their own count (v9 has 80 scams and 60 negatives)."""

    file: str
    per_label: int
    scams_flagged: int
    scams_high: int
    negatives_flagged: int
    negatives_high: int
    negatives: int | None = None


def check_batch_floors(scorer: warnlib.Scorer, floors: BatchFloors) -> None:
    counts = level_counts(scorer, REPO / "tests" / "data" / floors.file)
    scams, negatives = counts[1], counts[0]
    expected_negatives = floors.per_label if floors.negatives is None else floors.negatives
    assert sum(scams.values()) == floors.per_label and sum(negatives.values()) == expected_negatives
    assert sum(n for level, n in scams.items() if is_flagged(level)) >= floors.scams_flagged
    assert scams["high"] >= floors.scams_high
    assert sum(n for level, n in negatives.items() if is_flagged(level)) <= floors.negatives_flagged
    assert negatives["high"] <= floors.negatives_high
