"""Hostile inputs of 100,000 characters: repeated rule vocabulary, mixed scripts, emoji.

Shared by the tests (which check that scoring time stays linear) and bench/bench_core.py (which
prints the absolute times).
"""

from __future__ import annotations

import time
from pathlib import Path

import warnlib
from tests.conftest import read_jsonl

LENGTH = 100_000

_PATTERNS = {
    "repeated_phrase": "带单" * 50_000,
    "spaced_letters": "a " * 50_000,
    "dots": "c." * 50_000,
    "digits_and_percent": "日收益1." * 25_000,
    "quotes": "“" * 100_000,
    "mixed_scripts": ("带 单v我🐧✈️ＣＯＩＮ合約%＄5k " * 4_000)[:100_000],
    "emoji": "🎉💰🚀" * 33_333,
    "handles": "微信:" + "a" * 99_990,
    "zero_width": "\u200b带" * 50_000,
    "numbers": "1,000," * 16_000,
    "pump": "pump " * 20_000,
    "coin_is": "coin is : " * 11_000,
    "percent": "gain 1,000% " * 8_400,
    "digits": "1" * 100_000,
    "hex": "0x" + "a" * 99_998,
    "domains": "ab.cd/" * 16_000,
    "send": "send " * 20_000,
    "giveaway": "giveaway like " * 7_000,
    "timestamps": "time : 12:00 " * 7_500,
    "minutes": "5 minutes " * 10_000,
    "low_high": "low : 1 " * 12_000,
    "dm": "dm me for " * 10_000,
}

HOSTILE: dict[str, str] = {name: (text * (LENGTH // len(text) + 1))[:LENGTH] for name, text in _PATTERNS.items()}


def ordinary_text(length: int = LENGTH) -> str:
    """Real posts from tests/data run together: ordinary text of the same length, as a baseline."""
    posts = []
    for path in sorted((Path(__file__).resolve().parent / "data").glob("*.jsonl")):
        posts += [row["text"] for row in read_jsonl(path)]
    text = "\n".join(posts)
    return (text * (length // len(text) + 1))[:length]


def seconds_to_score(scorer: warnlib.Scorer, text: str, *, runs: int = 2) -> float:
    """The best of `runs` timings, so a busy machine disturbs it less."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        scorer.score(text)
        best = min(best, time.perf_counter() - started)
    return best
