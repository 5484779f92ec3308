"""Normalization: every trick folds to its plain form, and spans map back exactly."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from warnlib.normalize import normalize
from warnlib.numbers import find_amounts, parse_chinese_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＣＯＩＮ８８８", "coin888"),  # full-width -> half-width, case folded
        ("带\u200b单", "带单"),  # zero-width space
        ("带\u200d单\u2060", "带单"),  # zero-width joiner, word joiner
        ("合約點位", "合约点位"),  # traditional -> simplified
        ("电報群", "电报群"),
        ("带 单", "带单"),  # spaces between Chinese characters
        ("带-单", "带单"),
        ("带.单", "带单"),
        ("带*单", "带单"),
        ("c.r.y.p.t.o", "crypto"),
        ("u s d t", "usdt"),
        ("he 约", "合约"),  # pinyin glued to Chinese with a space
        ("dai单", "带单"),
        ("bi圈", "币圈"),
        ("薇信", "微信"),
        ("V❤", "微信"),
        ("➕v", "加微信"),
        ("🐧群", "qq群"),
        ("纸飞机", "电报"),
        ("✈️", "电报"),  # with the emoji variation selector
        ("加飞机", "加电报"),
        ("c0ach", "coach"),
        # Letters of other scripts drawn like Latin ones (written here as escapes, to be visible).
        ("Th\u0430nks t\u043e Mr \u041eliver", "thanks to mr oliver"),  # Cyrillic а, о, О
        ("\u0455end 0.05 \u15f7TC", "send 0.05 btc"),  # Cyrillic ѕ, Canadian syllabics ᗷ
        ("\u1d0f\ua730\ua730\u026a\u1d04\u026a\u1d00\u029f", "official"),  # small capitals
        ("\u03a4elegr\u03b1m", "telegram"),  # Greek Τ, α
        ("\u024cemote job, \u0180itcoin \u0268nvest", "remote job, bitcoin invest"),  # letters with a stroke: Ɍ, ƀ, ɨ
        ("私ㄒ我", "私我"),  # bopomofo inside a word is dropped
        # ... unless it spells a word of the [zhuyin] table, tone marks or not
        ("有興趣加ㄌㄞˋ：abc123", "有兴趣加line:abc123"),
        ("ㄍㄨˇ ㄆㄧㄠˋ老師", "股票老师"),
        ("ㄅㄧ圈ㄑㄩㄣˊ", "币圈群"),
        # A phone number spelled in words reads as digits; counting to six stays words.
        ("WhatsApp plus one seven eight six, five five five - zero one three nine", "whatsapp +17865550139"),
        ("one two three four five six", "one two three four five six"),
        ("someone phoned nine times", "someone phoned nine times"),
        ("我靠 ㄍㄨˇ ㄆㄧㄠˋ 半年", "我靠股票半年"),  # read, not dropped (it was, before the [zhuyin] table)
        ("+44 77OO 9OO 526", "+44 7700 900 526"),  # o for 0 among digits
        ("the 10oz bag", "the 10oz bag"),
        ("jia wo wei xin", "加我 微信"),  # pinyin written apart
    ],
)
def test_folds(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


@pytest.mark.parametrize("raw", ["坐飞机去成都", "version 1.2.3", "2024.1.5", "a b", "Hello World"])
def test_ordinary_text_is_left_alone(raw: str) -> None:
    assert normalize(raw).text == raw.lower()


def test_offsets_point_into_the_original() -> None:
    raw = "姐妹们加Ｖ❤：ｌｕｃｋｙ，跟 着 老 師 做 he 约"
    norm = normalize(raw)
    for needle in ("微信", "lucky", "跟着老师", "合约"):
        start = norm.text.index(needle)
        s, e = norm.to_original(start, start + len(needle))
        assert raw[s:e].replace(" ", "") in {"Ｖ❤", "ｌｕｃｋｙ", "跟着老師", "he约"}


def test_offsets_with_astral_emoji() -> None:
    raw = "🎉🎉 带单 🐧群"
    norm = normalize(raw)
    start = norm.text.index("带单")
    assert raw[slice(*norm.to_original(start, start + 2))] == "带单"
    start = norm.text.index("qq群")
    assert raw[slice(*norm.to_original(start, start + 3))] == "🐧群"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("5k", 5_000),
        ("5w", 50_000),
        ("100w", 1_000_000),
        ("3万", 30_000),
        ("一百万", 1_000_000),
        ("5千", 5_000),
        ("1.5m", 1_500_000),
        ("5,000", 5_000),
        ("两万五千", 25_000),
        ("24万", 240_000),
        ("I got 3000.", 3_000),  # a full stop ends the number
        ("paid $5,250.", 5_250),
        ("withdrew $15 000 today", 15_000),  # a space groups thousands after a currency sign
        ("$5 250.", 5_250),
    ],
)
def test_amounts(text: str, value: float) -> None:
    amounts = find_amounts(normalize(text).text)
    assert [a.value for a in amounts] == [value]


@pytest.mark.parametrize("text", ["v1.2.3", "in 2024 100 people came", "1.2.3.4"])
def test_not_amounts_or_split_where_they_should_be(text: str) -> None:
    values = [a.value for a in find_amounts(normalize(text).text)]
    assert values in ([], [2024, 100]), values


def test_chinese_numbers() -> None:
    assert parse_chinese_number("十") == 10
    assert parse_chinese_number("一亿两千万") == 120_000_000
    assert parse_chinese_number("abc") is None


def test_folds_run_only_where_they_could_match_yet_change_nothing() -> None:
    # normalize() runs an alternation of only the look-alike folds a post could hold; the
    # whole alternation, run on every post, must give the same text and offsets.
    import json
    import random
    from pathlib import Path

    from warnlib import normalize as module
    from warnlib._regex import literal_alternation

    table = module._fold_table()
    whole_literal = re.compile(literal_alternation(table._variants))
    whole_folds = re.compile("|".join(f"(?P<f{i}>{regex})" for i, (regex, _) in enumerate(table._folds)))
    canonicals = [canonical for _, canonical in table._folds]

    def reference(text: str) -> tuple[str, Sequence[int], Sequence[int]]:
        folded, starts, ends = module._map_chars(text)
        folded, starts, ends = module._rewrite(
            folded, starts, ends, table.zhuyin_regex, lambda m: table.zhuyin.get(m.group(0), "")
        )
        folded, starts, ends = module._rewrite(folded, starts, ends, module._SEPARATED_CJK, module._drop_separator)
        folded, starts, ends = module._rewrite(folded, starts, ends, module._SPACE_CJK_LATIN, lambda m: "")
        folded, starts, ends = module._rewrite(folded, starts, ends, module._SPACED_DIGITS, module._join_digits)
        folded, starts, ends = module._rewrite(folded, starts, ends, module._SPELLED_OUT, module._collapse_spelled_out)
        assert table.digit_regex is not None
        folded, starts, ends = module._rewrite(folded, starts, ends, table.digit_regex, table.read_digits)
        folded, starts, ends = module._rewrite(folded, starts, ends, whole_literal, lambda m: table.targets[m.group(0)])
        return module._rewrite(folded, starts, ends, whole_folds, lambda m: canonicals[int((m.lastgroup or "f0")[1:])])

    data = Path(__file__).parent / "data"
    texts = [json.loads(line)["text"] for path in sorted(data.glob("*.jsonl")) for line in path.open(encoding="utf-8")]
    texts += list(table.targets)
    rng = random.Random(5)
    texts += ["".join(rng.sample(texts, 3)) for _ in range(500)]
    for text in texts:
        got = module.normalize(text)
        want, starts, ends = reference(text)
        assert (got.text, list(got.starts), list(got.ends)) == (want, list(starts), list(ends)), text


def test_latin_lookalikes_leave_chinese_digits_and_accents_alone() -> None:
    from tests.conftest import REPO, read_jsonl
    from warnlib.normalize import _latin_lookalike

    chinese = {c for row in read_jsonl(REPO / "tests" / "data" / "zh-benign.jsonl") for c in row["text"]}
    assert [c for c in chinese if _latin_lookalike(c) != c and not c.isascii()] == []
    # Digits of other scripts stay digits (Arabic-Indic five is drawn like "o"); accents stay.
    assert normalize("\u0665\u0660 café").text == "\u0665\u0660 café"


def test_lookalike_letters_map_back_to_the_original() -> None:
    raw = "DM \u0442he m\u0435nt\u043er"  # Cyrillic т, е, о
    norm = normalize(raw)
    start = norm.text.index("mentor")
    assert norm.to_original(start, start + 6) == (raw.index("m\u0435"), len(raw))


def test_latin_lookalike_table_is_what_the_script_writes() -> None:
    # The table is generated from Unicode's confusables data; a hand edit or a stale file fails.
    pytest.importorskip("confusable_homoglyphs", reason="confusable-homoglyphs (dev extra) is not installed")
    import subprocess
    import sys

    from tests.conftest import REPO

    check = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "latin_lookalikes.py"), "--check"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_pinyin_with_tone_marks_joins_the_chinese_beside_it() -> None:
    # "sī 我" is 私我 written in pinyin with its tone mark; the space must go as it does for "si 我".
    assert normalize("要的 sī 我").text == "要的私我"
    assert normalize("要的 si 我").text == "要的私我"


def test_patterns_searched_one_by_one_find_what_their_alternation_finds() -> None:
    # The first time a post holds a combination of folds, each is searched on its own instead of
    # compiling their alternation; the two must agree, earliest first, then longest (literal
    # tries) or first-listed (regex folds).
    import re

    from warnlib._regex import literal_alternation
    from warnlib.normalize import _leftmost

    words = ["v", "vx", "vx号", "wx", "x号"]
    literal = re.compile(literal_alternation(words))
    one_by_one = [re.compile(literal_alternation([w])) for w in words]
    folds = ["a[bc]", "ab", "b{1,2}c", "c"]
    alternation = re.compile("|".join(f"(?P<f{i}>{p})" for i, p in enumerate(folds)))
    singles = [re.compile(p) for p in folds]
    for text in ["加vx号，wx也行 v vx", "abcabbc cab", "vxx号 x号v", "", "ccc abab"]:
        assert [(s, e) for s, e, _ in _leftmost(text, one_by_one, longest=True)] == [
            m.span() for m in literal.finditer(text)
        ]
        assert [(s, e, k) for s, e, k in _leftmost(text, singles, longest=False)] == [
            (*m.span(), int((m.lastgroup or "f0")[1:])) for m in alternation.finditer(text)
        ]


def test_a_quote_of_chinese_words_keeps_its_marks_a_split_word_loses_them() -> None:
    assert normalize('加"微"信').text == "加微信"
    assert normalize('他说"加我微信带你赚钱"然后').text == '他说"加我微信带你赚钱"然后'
    assert normalize("加.微.信").text == "加微信"
