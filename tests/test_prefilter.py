"""The rule prefilter may skip a regex only when a match is impossible."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import warnlib
from tests.conftest import read_jsonl
from warnlib._prefilter import PrefilterIndex, build_prefilter, fold_text
from warnlib.normalize import normalize

DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize(
    ("pattern", "text", "can_match"),
    [
        ("带单|跟单", "老师带单", True),
        ("带单|跟单", "带着单位证明", False),  # has 带 and 单, never adjacent
        ("跟着老师", "跟着我", False),  # shares the first two characters only
        ("跟着老师", "跟着老", False),  # the whole literal is required, not only its start
        ("跟(着|对)老师", "跟对老师", True),
        (r"加\s?微信", "加 微信", True),  # an optional space: both spellings are needles
        (r"加\s?微信", "微信", False),
        (r"(?:想|要)[^,，]{0,6}(?:炒币|跟单)", "我想去", False),  # the rarer side is the needle
        (r"[^a]b", "cb", True),  # a fixed string after a gap of anything is still required
        (r".{0,3}x", "yyx", True),
        (r".{0,3}x", "yyy", False),
        (r"(?:想|要)[^,，]{0,6}(?:炒币|跟单)", "想跟单", True),
        (r"\d{2,3}倍", "赚了12倍", True),
        (r"\d{1,3}倍", "赚了٣倍", True),  # \d is every Unicode digit, not only 0-9
        (r"\d{1,3}倍", "赚了三倍", False),
        (r"dm\s{1,2}me", "dm\u3000me", True),  # \s is every Unicode space
        (r"(?<![a-z])dm", "pls dm", True),
        (r"转.{0,8}返.{0,3}倍", "转账", True),  # 返 and 倍 alone are too common for a second look-up
        (r"转.{0,8}返.{0,3}倍", "返还", False),
        # A rarer second literal apart from the first is required too (Prefilter.also).
        (r"转.{0,8}返还.{0,3}倍", "转账", False),
        (r"转账.{0,8}返还.{0,3}倍", "转账后返还两倍", True),
        (r"(?:dm|pm)\s{1,2}(?:me|us)", "dm sent", False),  # the whole exact run "dm me" / "pm us" / ... is required
        (r"(?:赚|挣)了?\d{1,4}万", "赚了很多", False),
        (r"(?:老师)?带单", "带单", True),
    ],
)
def test_prefilter_examples(pattern: str, text: str, can_match: bool) -> None:
    prefilter = build_prefilter(pattern)
    assert prefilter is not None
    assert prefilter.may_match(fold_text(text)) is can_match
    if re.search(pattern, text):
        assert can_match, "a pattern that matches must never be skipped"


@pytest.mark.parametrize("pattern", [r"[^a]+", r"(?:x)?", r".{0,3}", r"\w+", r"a|\w"])
def test_no_prefilter_where_a_match_requires_no_fixed_string(pattern: str) -> None:
    assert build_prefilter(pattern) is None


def _corpus() -> list[str]:
    texts = [example for rule in warnlib.default_scorer().rules for example in rule.examples_match]
    for path in sorted(DATA.glob("*.jsonl")):
        texts += [row["text"] for row in read_jsonl(path)]
    rng = random.Random(7)
    # Splices of real posts put rule vocabulary next to unusual neighbours.
    texts += ["".join(rng.sample(texts, 3)) for _ in range(300)]
    return texts


def test_prefilter_never_hides_a_match_of_any_builtin_rule() -> None:
    parts = [(rule.id, part) for rule in warnlib.default_scorer().rules for part in rule.parts]
    assert sum(part.prefilter is not None for _, part in parts) >= 0.9 * len(parts), "most parts have a prefilter"
    for text in _corpus():
        normalized = normalize(text).text
        folded = fold_text(normalized)
        for rule_id, part in parts:
            if part.prefilter is not None and not part.prefilter.may_match(folded):
                assert part.regex.search(normalized) is None, f"{rule_id} skipped but matches {text!r}"


def _assert_skipped_steps_find_nothing(scorer: warnlib.Scorer, normalized: str, where: str) -> None:
    candidates = scorer._candidates(fold_text(normalized))
    for i, bound in enumerate(scorer._extractors):
        if i not in candidates.extractors:
            assert bound.extractor.extract(normalized) == [], f"{bound.rule.id} skipped but fires on {where}"
    for i, (pattern, _) in enumerate(scorer._narration_patterns):
        if i not in candidates.narration:
            assert pattern.search(normalized) is None, f"narration {pattern.pattern!r} skipped but matches {where}"


def test_skipped_extractors_and_narration_patterns_find_nothing() -> None:
    # The scorer runs an extractor only where one of its `requires` patterns could match, and a
    # narration pattern only where its needles are: skipping must never change what is found.
    scorer = warnlib.default_scorer()
    assert all(bound.extractor.requires for bound in scorer._extractors)
    for text in _corpus():
        _assert_skipped_steps_find_nothing(scorer, normalize(text).text, repr(text))


def test_prefilter_never_hides_a_match_on_real_posts() -> None:
    # Real comments and forwarded messages: vocabulary and spellings no example was written with.
    external = DATA.parent.parent.parent / "shared" / "data" / "external"
    if not external.is_dir():
        pytest.skip("../shared/data/external is absent: real posts not checked")
    scorer = warnlib.default_scorer()
    parts = [(rule.id, part) for rule in scorer.rules for part in rule.parts]
    rng = random.Random(11)
    for path in sorted(external.glob("*.jsonl")):
        rows = read_jsonl(path)
        for row in rng.sample(rows, min(150, len(rows))):
            normalized = normalize(row["text"]).text
            folded = fold_text(normalized)
            for rule_id, part in parts:
                if part.prefilter is not None and not part.prefilter.may_match(folded):
                    assert part.regex.search(normalized) is None, f"{rule_id} skipped but matches in {path.name}"
            _assert_skipped_steps_find_nothing(scorer, normalized, path.name)


def test_index_finds_exactly_the_parts_whose_prefilter_may_match() -> None:
    parts = [part for rule in warnlib.default_scorer().rules for part in rule.parts]
    index = PrefilterIndex([part.prefilter for part in parts])
    for text in _corpus()[:400]:
        folded = fold_text(normalize(text).text)
        expected = {i for i, part in enumerate(parts) if part.prefilter is None or part.prefilter.may_match(folded)}
        assert index.candidates(folded) == expected


def test_a_needle_never_spans_a_gap_that_may_hold_anything() -> None:
    # `靠…翻身`: the gap may hold anything, so "靠翻身" must never be a needle (it hid a match).
    prefilter = build_prefilter("(?:实现|彻底|靠[^,，]{1,8})翻身")
    assert prefilter is not None
    assert prefilter.needles == {"翻身"}
    assert prefilter.may_match(fold_text("靠炒币翻身"))


def test_the_index_without_the_automaton_finds_the_same_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    import warnlib._prefilter as prefilter_module

    parts = [part for rule in warnlib.default_scorer().rules for part in rule.parts]
    fast = PrefilterIndex([part.prefilter for part in parts])
    monkeypatch.setattr(prefilter_module, "_automaton", lambda needles: None)
    plain = PrefilterIndex([part.prefilter for part in parts])
    assert fast._automaton is not None and plain._automaton is None
    for text in _corpus()[:300]:
        folded = fold_text(normalize(text).text)
        assert fast.candidates(folded) == plain.candidates(folded)


def test_most_parts_are_skipped_on_an_ordinary_post() -> None:
    # The point of the needles: a post runs few regexes (prefixes of three characters let ~50 run).
    scorer = warnlib.default_scorer()
    texts = [row["text"] for row in read_jsonl(DATA / "zh-benign.jsonl")]
    candidates = [len(scorer._candidates(fold_text(normalize(t).text)).parts) for t in texts]
    assert sum(candidates) / len(candidates) < 0.03 * len(scorer._parts)


def test_fold_text_is_the_fold_table_over_every_code_point() -> None:
    from warnlib._prefilter import _fold_table, fold_text

    every = "".join(chr(x) for x in range(0x110000) if not 0xD800 <= x <= 0xDFFF)
    assert fold_text(every) == every.translate(_fold_table())
    assert fold_text("２0２６年 ５月\u3000\t1") == "0000年 0月  0"


def test_the_money_growth_precheck_never_skips_a_post_with_a_large_amount() -> None:
    # MoneyGrowth skips find_amounts when the text cannot hold an amount of 10,000 or more.
    import json
    from pathlib import Path

    from warnlib.extractors import _MAY_HOLD_TEN_THOUSAND
    from warnlib.normalize import normalize
    from warnlib.numbers import find_amounts

    data = Path(__file__).parent / "data"
    texts = [json.loads(line)["text"] for path in sorted(data.glob("*.jsonl")) for line in path.open(encoding="utf-8")]
    texts += [
        "$15 000",
        "10,000",
        "1.5万",
        "20k",
        "一万",
        "十亿",
        "20 thousand",
        "3 grand",
        "12345",
        "2.5m",
        "100百",
        "5w",
    ]
    for text in texts:
        normalized = normalize(text).text
        if any(amount.value >= 10_000 for amount in find_amounts(normalized)):
            assert _MAY_HOLD_TEN_THOUSAND.search(normalized), text
