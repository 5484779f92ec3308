"""Each filter-dodging trick scores like the plain form of the same post."""

from __future__ import annotations

import pytest

import warnlib

PLAIN = "跟着老师做合约，一周收益翻倍，想进群的加微信：coin888"


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def _spaced(text: str) -> str:
    return " ".join(text)


def _zero_width(text: str) -> str:
    return "\u200b".join(text)


VARIANTS = {
    "spaces between characters": _spaced(PLAIN),
    "zero-width characters": _zero_width(PLAIN),
    "hyphens and dots inside words": "跟-着-老-师做合.约，一周收益翻倍，想进群的加微信：coin888",
    "full-width letters and digits": _fullwidth(PLAIN),
    "upper case": PLAIN.upper(),
    "traditional characters": "跟著老師做合約，一週收益翻倍，想進群的加微信：coin888",
    "look-alike 薇信": PLAIN.replace("微信", "薇信"),
    "look-alike V❤": PLAIN.replace("微信", "V❤"),
    "look-alike ➕v": PLAIN.replace("加微信", "➕v"),
    "look-alike vx": PLAIN.replace("微信", "vx"),
    "pinyin he约": PLAIN.replace("合约", "he约"),
    "pinyin and space": PLAIN.replace("合约", "he 约"),
    "emoji sprinkled": "🔥" + PLAIN.replace("，", "🚀，") + "💰",
}


@pytest.fixture(scope="module")
def plain(scorer: warnlib.Scorer) -> warnlib.Assessment:
    return scorer.score(PLAIN)


@pytest.mark.parametrize("trick", sorted(VARIANTS))
def test_variant_scores_like_the_plain_form(scorer: warnlib.Scorer, plain: warnlib.Assessment, trick: str) -> None:
    variant = scorer.score(VARIANTS[trick])
    assert variant.level == plain.level == "high"
    assert abs(variant.score - plain.score) < 0.05
    assert {s.rule for s in variant.signals} == {s.rule for s in plain.signals}


@pytest.mark.parametrize(
    ("plain_text", "variant"),
    [
        ("老师每天带单，进群加qq：123456789", "老师每天带单，进群加🐧：123456789"),
        ("老师每天带单，欢迎加入我的电报群", "老师每天带单，欢迎加入我的飞机群"),
        ("老师每天带单，欢迎加入我的电报群", "老师每天带单，欢迎加入我的纸飞机群"),
        ("老师每天带单，欢迎加入我的电报群", "老師每天帶單，歡迎加入我的電報群"),
        ("姐妹们我在币圈赚翻了，老师带单，私我", "姐妹们我在bi圈赚翻了，老师dai单，私我"),
        ("姐妹们我在币圈赚翻了，老师带单，私我", "姐妹们我在B圈赚翻了，老师带 单，私我"),
        ("Copy my trades, 40% a month, DM me on telegram", "Copy my trades, 40% a month, DM me on t.e.l.e.g.r.a.m"),
        (
            "just cashed out 15k, my coach does all the work, hmu",
            "just cashed out 15k, my c0ach does all the w0rk, hmu",
        ),
    ],
)
def test_channel_and_spelling_variants(scorer: warnlib.Scorer, plain_text: str, variant: str) -> None:
    a, b = scorer.score(plain_text), scorer.score(variant)
    assert a.level == b.level
    assert a.level in {"medium", "high"}
    assert {s.category for s in a.signals} == {s.category for s in b.signals}


@pytest.mark.parametrize(
    "written",
    [
        "从5000开始，现在账户有1000000",
        "从5k开始，现在账户有100w",
        "从五千开始，现在账户有一百万",
        "从5千开始，现在账户有100万",
    ],
)
def test_numbers_written_differently_read_the_same(scorer: warnlib.Scorer, written: str) -> None:
    fired = {s.rule for s in scorer.score(written).signals}
    assert "extract.wealth_story.money_growth" in fired


def test_evidence_of_an_obfuscated_post_is_the_obfuscated_text(scorer: warnlib.Scorer) -> None:
    text = VARIANTS["spaces between characters"]
    for signal in scorer.score(text).signals:
        for (start, end), evidence in zip(signal.spans, signal.evidence, strict=True):
            assert text[start:end] == evidence
    assert any("老 师" in e for s in scorer.score(text).signals for e in s.evidence)
