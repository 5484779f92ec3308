"""The regex building blocks: phrase alternations keep word edges, and hot patterns start with a class.

A pattern that starts with a look-behind or a repeat makes Python's engine try it at every
position of every post; one that starts with a literal or a character class lets it skip to the
places that character occurs. These tests keep the patterns that run on most posts in that shape.
"""

from __future__ import annotations

import re

import pytest

from warnlib import extractors, model, normalize, numbers
from warnlib._regex import first_char_class, literal_alternation, starts_with_class
from warnlib.scorer import Scorer


def _reference(words: list[str]) -> re.Pattern[str]:
    """The plain form of what `literal_alternation` builds: an edge before and after each
    Latin end, the longest word first."""
    edge = r"(?<![a-z0-9])"
    parts = []
    for word in sorted(words, key=len, reverse=True):
        body = re.escape(word)
        if word[0].isascii() and word[0].isalnum():
            body = edge + body
        if word[-1].isascii() and word[-1].isalnum():
            body += r"(?![a-z0-9])"
        parts.append(body)
    return re.compile("|".join(parts))


WORDS = ["line", "online", "vip", "vip群", "v", "币", "币安app", "加微信", "加v", "a b", "ab", "t.me"]
TEXTS = [
    "online line lines 加微信 加v 加vip vip群 vips v1 v 币安app 币安appx ab a b abc t.me/x xt.me",
    "vvip 币 币安 加v信 line2 (line) 微信line群",
]


@pytest.mark.parametrize("text", TEXTS)
def test_literal_alternation_matches_as_the_plain_alternation(text: str) -> None:
    built = re.compile(literal_alternation(WORDS))
    reference = _reference(WORDS)
    assert [m.span() for m in built.finditer(text)] == [m.span() for m in reference.finditer(text)]


def test_literal_alternation_keeps_word_edges() -> None:
    built = re.compile(literal_alternation(["line", "vip"]))
    assert built.findall("online lines line vip vips 加vip") == ["line", "vip", "vip"]


def test_literal_alternation_starts_with_a_class() -> None:
    assert starts_with_class(re.compile(literal_alternation(WORDS)))
    assert not starts_with_class(re.compile(r"(?<![a-z])qq"))
    assert not starts_with_class(re.compile(r"\d{1,3}"))


def test_every_phrase_part_of_the_builtin_packs_starts_with_a_class() -> None:
    scorer = Scorer(model=None)
    phrase_parts = [
        (rule.id, part.regex.pattern)
        for rule in scorer.rules
        for part in rule.parts
        if rule.phrases and part is rule.parts[0]
    ]
    assert phrase_parts
    slow = [(rule_id, p[:60]) for rule_id, p in phrase_parts if not starts_with_class(re.compile(p))]
    assert slow == []


@pytest.mark.parametrize(
    "pattern",
    [
        numbers._ARABIC,
        numbers._CHINESE,
        normalize._SEPARATED_CJK,
        normalize._SPACE_CJK_LATIN,
        normalize._SPELLED_OUT,
        model._WORD,
        *extractors.ContactHandle._patterns,
    ],
    ids=lambda p: p.pattern[:30],
)
def test_patterns_run_on_most_posts_start_with_a_class(pattern: re.Pattern[str]) -> None:
    assert starts_with_class(pattern), pattern.pattern


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("$15 000 and 2024 100", [15000.0, 2024.0, 100.0]),
        ("从3000块到24万", [3000.0, 240000.0]),
        # A dotted version is no amount; a digit after a letter starts one ("b2").
        ("1.5.6 and 3.14", [3.14]),
        ("got 3000. then $1,000,000.", [3000.0, 1000000.0]),
        ("a1b2 0.5k", [2.0, 500.0]),
        ("二十多万", [200000.0]),
    ],
)
def test_amounts_after_the_class_first_rewrite(text: str, amounts: list[float]) -> None:
    assert [a.value for a in numbers.find_amounts(text)] == amounts


@pytest.mark.parametrize(
    ("patterns", "expected"),
    [
        ([r"(?<![0-9][a-z])(?<=[a-z])0(?=[a-z])"], "[0]"),  # look-arounds consume nothing
        ([r"(?:➕|\+|加)\s{0,2}v", r"\d{1,3}x", "o+"], r"[\+\dmo➕加]".replace("m", "")),
        ([r"(?P<a>x)|(?P<b>[y\-z])"], r"[\-xyz]"),
        ([r"(?:a|b)?c"], "[abc]"),  # optional: what follows may start the match too
        ([r"(?:a|b)*"], None),  # may match the empty string
        ([r"[^a]b"], None),
        ([r".x"], None),
        ([r"(?=a)"], None),  # matches the empty string
        ([r"(?i)abc"], None),  # "A" starts a match too
        ([r"(?i:a)b"], None),
        ([], None),
    ],
)
def test_first_char_class(patterns: list[str], expected: str | None) -> None:
    assert first_char_class(patterns) == expected


HOSTILE_FOLD_TEXTS = ["w0rk pr0fit gu4ranteed 1o0o 77OO", "加 v 加vx jia wo wei  xin", "coin888 0x6e0f70 a1b2c3"]


def test_the_folds_searched_one_by_one_match_as_their_whole_alternation() -> None:
    table = normalize._fold_table()
    whole = re.compile("|".join(f"(?P<f{i}>{regex})" for i, (regex, _) in enumerate(table._folds)))
    singles = [re.compile(regex) for regex, _ in table._folds]
    for text in [*TEXTS, *HOSTILE_FOLD_TEXTS]:
        folded = normalize._map_chars(text)[0]
        assert normalize._leftmost(folded, singles, longest=False) == [
            (*m.span(), int((m.lastgroup or "f0")[1:])) for m in whole.finditer(folded)
        ]


def test_every_look_alike_fold_pattern_starts_with_a_class() -> None:
    slow = [regex for regex, _ in normalize._fold_table()._folds if not starts_with_class(re.compile(regex))]
    assert slow == []
