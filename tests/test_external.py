"""English detection on the external sets in ../shared/data/external (skips when they are absent).

- janitr (posts from X): false positives on benign posts and on ordinary crypto talk, and a recall
  floor on its scam/phishing rows (its notion of scam is broader than ours: token-deploy spam, NFT mints).
- uzh (Telegram pump-and-dump channels, all label 1): recall overall and per channel.

"Flagged" means level medium or high, as in `warnlib eval`.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import warnlib
from tests.conftest import read_jsonl

JANITR_VALID = "external/janitr-en-valid.jsonl"
UZH = "external/uzh-pump-dump-en.jsonl"

MIN_CHANNEL_ROWS = 20
# Channels (>= 20 rows) still below 80%, with the floor each must keep. Most of their misses are
# messages with nothing a rule can judge: a bare ticker ("QBT"), a bare countdown ("2 HOURS LEFT 🕦"),
# or a price-move bot ("Pump Activity on OG / USDT +7%"). Raise a floor when recall improves.
KNOWN_SHORTFALL = {
    "1066638082": 0.35,  # bare countdowns
    "1094499146": 0.0,  # exchange price-move alerts, no solicitation
    "1095533634": 0.70,
    "1192271085": 0.30,  # bare tickers
    "1236000922": 0.65,
    "1365959417": 0.65,
    "1394568162": 0.55,  # bare countdowns
    "1509614260": 0.70,
    "1546300553": 0.45,  # bare tickers
    "1576726319": 0.50,
    "1584029867": 0.40,  # bare tickers
    "1584900263": 0.50,  # bare tickers
    "1685707729": 0.70,
    "1710706106": 0.60,  # bare countdowns
    "1993788759": 0.50,  # bare countdowns
}
_BARE_TICKER = re.compile(r"^\W{0,6}\$?\s?[A-Za-z0-9]{2,12}(?:\s?/\s?[A-Z]{3,4})?\W{0,6}$")
_BARE_COUNTDOWN = re.compile(
    r"^\W{0,12}(?:only\s|last\s|less than\s)?\d{1,3}\s?(?:minutes?|mins?|hours?|hrs?|days?)"
    r"(?:\s(?:left|count-?down|remaining))?\W{0,16}$",
    re.IGNORECASE,
)


def _rows(shared_data: Path, name: str) -> list[dict[str, Any]]:
    path = shared_data / name
    if not path.is_file():
        pytest.skip(f"{path} not found (external sets live in ../shared/data/external)")
    return read_jsonl(path)


_WORKER_SCORER: warnlib.Scorer | None = None


def _flag_chunk(texts: list[str]) -> list[bool]:
    global _WORKER_SCORER
    if _WORKER_SCORER is None:
        _WORKER_SCORER = warnlib.Scorer()
    return [_WORKER_SCORER.score(text, locale="en").level != "low" for text in texts]


def _flagged(scorer: warnlib.Scorer, rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], bool]]:
    """Score every row, in forked worker processes when that is safe (~3,000 posts take seconds)."""
    texts = [row["text"] for row in rows]
    workers = min(4, os.cpu_count() or 1)
    # Fork only a single-threaded process (another suite's server thread could hold a lock).
    forkable = "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
    if workers < 2 or len(texts) < 1000 or not forkable:
        return [(row, scorer.score(row["text"], locale="en").level != "low") for row in rows]
    global _WORKER_SCORER
    _WORKER_SCORER = scorer  # forked workers inherit the built scorer
    size = -(-len(texts) // workers)
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        flags = [flag for chunk in pool.map(_flag_chunk, chunks) for flag in chunk]
    return list(zip(rows, flags, strict=True))


@pytest.fixture(scope="module")
def janitr(scorer: warnlib.Scorer, shared_data: Path) -> list[tuple[dict[str, Any], bool]]:
    return _flagged(scorer, _rows(shared_data, JANITR_VALID))


@pytest.fixture(scope="module")
def uzh(scorer: warnlib.Scorer, shared_data: Path) -> list[tuple[dict[str, Any], bool]]:
    return _flagged(scorer, _rows(shared_data, UZH))


def _rate(pairs: list[tuple[dict[str, Any], bool]]) -> float:
    assert pairs
    return sum(flagged for _, flagged in pairs) / len(pairs)


def test_janitr_false_positives(janitr: list[tuple[dict[str, Any], bool]]) -> None:
    benign = [(r, f) for r, f in janitr if r["label"] == 0]
    crypto = [(r, f) for r, f in benign if "topic_crypto" in r["category"]]
    flagged = [r["id"] for r, f in benign if f]
    assert _rate(benign) <= 0.01, f"benign posts flagged: {flagged}"
    assert _rate(crypto) <= 0.02, f"crypto discussion flagged: {[r['id'] for r, f in crypto if f]}"


def test_janitr_scam_recall_floor(janitr: list[tuple[dict[str, Any], bool]]) -> None:
    scams = [(r, f) for r, f in janitr if r["label"] == 1]
    assert _rate(scams) >= 0.25


def test_uzh_recall_overall(uzh: list[tuple[dict[str, Any], bool]]) -> None:
    assert _rate(uzh) >= 0.80
    judgeable = [
        (r, f)
        for r, f in uzh
        if not _BARE_TICKER.match(r["text"].strip()) and not _BARE_COUNTDOWN.match(r["text"].strip())
    ]
    assert _rate(judgeable) >= 0.85, "messages with more than a bare ticker or countdown"


def test_uzh_recall_per_channel(uzh: list[tuple[dict[str, Any], bool]]) -> None:
    by_channel: dict[str, list[tuple[dict[str, Any], bool]]] = defaultdict(list)
    for row, flagged in uzh:
        by_channel[row["channel"]].append((row, flagged))
    big = {c: pairs for c, pairs in by_channel.items() if len(pairs) >= MIN_CHANNEL_ROWS}
    assert len(big) >= 40
    below = {c: round(_rate(pairs), 2) for c, pairs in big.items() if _rate(pairs) < KNOWN_SHORTFALL.get(c, 0.80)}
    assert not below, f"channels below their floor: {below}"
    assert len(KNOWN_SHORTFALL) <= 0.3 * len(big)
