"""The rule prefilter may skip a regex only when a match is impossible."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

import warnlib
from warnlib._prefilter import PrefilterIndex, build_prefilter, text_features
from warnlib.normalize import normalize

DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize(
    ("pattern", "text", "can_match"),
    [
        ("带单|跟单", "老师带单", True),
        ("带单|跟单", "带着单位证明", False),  # has 带 and 单, never adjacent
        ("跟着老师", "跟着我", False),  # shares the first two characters only
        ("跟着老师", "跟着老", True),  # three characters are all the prefilter knows
        (r"\d{1,3}倍", "赚了٣倍", True),  # \d is every Unicode digit, not only 0-9
        (r"\d{1,3}倍", "赚了三倍", False),
        (r"dm\s{1,2}me", "dm\u3000me", True),  # \s is every Unicode space
        (r"(?<![a-z])dm", "pls dm", True),
        (r"转.{0,8}返.{0,3}倍", "转账", True),  # anything after 转: only 转 is required
        (r"转.{0,8}返.{0,3}倍", "返还", False),
        (r"(?:老师)?带单", "带单", True),
    ],
)
def test_prefilter_examples(pattern: str, text: str, can_match: bool) -> None:
    prefilter = build_prefilter(pattern)
    assert prefilter is not None
    assert prefilter.may_match(text_features(text)) is can_match
    if re.search(pattern, text):
        assert can_match, "a pattern that matches must never be skipped"


@pytest.mark.parametrize("pattern", [r"[^a]b", r"(?:x)?", r".{0,3}x", r"\w+"])
def test_no_prefilter_where_a_match_can_start_anywhere(pattern: str) -> None:
    assert build_prefilter(pattern) is None


def _corpus() -> list[str]:
    texts = [example for rule in warnlib.default_scorer().rules for example in rule.examples_match]
    for path in sorted(DATA.glob("*.jsonl")):
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(7)
    # Splices of real posts put rule vocabulary next to unusual neighbours.
    texts += ["".join(rng.sample(texts, 3)) for _ in range(300)]
    return texts


def test_prefilter_never_hides_a_match_of_any_builtin_rule() -> None:
    parts = [(rule.id, part) for rule in warnlib.default_scorer().rules for part in rule.parts]
    assert sum(part.prefilter is not None for _, part in parts) >= 0.9 * len(parts), "most parts have a prefilter"
    for text in _corpus():
        normalized = normalize(text).text
        features = text_features(normalized)
        for rule_id, part in parts:
            if not part.may_match(features):
                assert part.regex.search(normalized) is None, f"{rule_id} skipped but matches {text!r}"


def test_index_finds_exactly_the_parts_whose_prefilter_may_match() -> None:
    parts = [part for rule in warnlib.default_scorer().rules for part in rule.parts]
    index = PrefilterIndex([part.prefilter for part in parts])
    for text in _corpus()[:400]:
        features = text_features(normalize(text).text)
        expected = {i for i, part in enumerate(parts) if part.may_match(features)}
        assert index.candidates(features) == expected


def test_a_prefix_that_anything_may_follow_is_not_extended() -> None:
    # `靠…翻身`: the gap may hold anything, so "靠" is the key, never "靠翻身" (which hid a match).
    from warnlib._prefilter import build_prefilter

    prefilter = build_prefilter("(?:实现|彻底|靠[^,，]{1,8})翻身")
    assert prefilter is not None
    assert prefilter.keys == {"实现翻", "彻底翻", "靠"}
