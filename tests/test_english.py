"""English detection: hand-written hard negatives and positives, pump-and-dump scoring.

Hostile English inputs are in tests/hostile.py with the others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import warnlib
from tests.conftest import read_jsonl

EN_POSTS = Path(__file__).resolve().parent / "data" / "en-posts.jsonl"


def test_english_posts_file_is_well_formed() -> None:
    rows = read_jsonl(EN_POSTS)
    assert len(rows) >= 150
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(set(r) == {"id", "label", "category", "text"} and r["label"] in (0, 1) for r in rows)
    assert {r["category"] for r in rows if r["label"] == 0} >= {"crypto_talk", "market_news", "anti_scam"}
    assert {r["category"] for r in rows if r["label"] == 1} >= {"pump_call", "recovery", "giveaway", "signals_group"}


def test_english_posts_levels(scorer: warnlib.Scorer) -> None:
    rows = read_jsonl(EN_POSTS)
    benign = [(r["id"], scorer.score(r["text"], locale="en").level) for r in rows if r["label"] == 0]
    scams = [(r["id"], scorer.score(r["text"], locale="en").level) for r in rows if r["label"] == 1]
    assert [i for i, level in benign if level == "high"] == [], "no benign post may be high"
    medium = [i for i, level in benign if level == "medium"]
    assert len(medium) <= 0.01 * len(benign), f"benign posts at medium: {medium}"
    missed = [i for i, level in scams if level == "low"]
    assert len(missed) <= 0.1 * len(scams), f"scam posts left low: {missed}"


@pytest.mark.parametrize(
    "text",
    [
        "📢 PUMP ANNOUNCEMENT 📢 Sunday 17:00 GMT",
        "Coin name is : $XYZ",
        "Our pump is postponed to tomorrow",
        "30 minutes until the pump ⏰",
    ],
)
def test_a_pump_groups_own_voice_is_flagged(scorer: warnlib.Scorer, text: str) -> None:
    assessment = scorer.score(text, locale="en")
    assert assessment.level in {"medium", "high"}
    assert "pump_and_dump" in assessment.categories


@pytest.mark.parametrize(
    "text",
    [
        "Why did DOGE pump today?",
        "BTC pumped 8% overnight, shorts got wrecked",
        "Waiting for the next pump, buy and hold",
        "Prosecutors said the group ran a pump-and-dump scheme, announcing the coin name on Telegram.",
        "3 hours left until the game starts",
        "3 hours left until the Binance listing of ARB, pair: USDT. Not financial advice.",
        "The coin we picked for our school project is Dogecoin",
        "Coin: ETH. Entry 3200, target 3500, stop loss 3000.",
        "Amazing pump on SOL today, up 150%!",
    ],
)
def test_market_talk_and_reporting_about_pumps_stay_low(scorer: warnlib.Scorer, text: str) -> None:
    assert scorer.score(text, locale="en").level == "low"


def test_one_category_alone_stays_below_medium_except_pump_groups() -> None:
    # The per-category cap keeps one angle from carrying a post; the exceptions are categories
    # whose strongest rules only a scheme's own organisers write (a pump group's announcements,
    # a send-X-get-2X giveaway): one such signal is decisive.
    config = warnlib.Scorer(model=None).combine_config
    caps = dict(config.category_caps)
    assert set(caps) == {"pump_and_dump", "giveaway"}
    for category in caps:
        assert config.bias + config.category_cap < 0 <= config.bias + caps[category]


def test_a_quote_with_apostrophes_inside_is_still_a_quote(scorer: warnlib.Scorer) -> None:
    # "I'll", "don't", "it's" inside a quoted line do not end the quote: the lines are the
    # scammers', quoted by a warning (it scored 0.99 while the first apostrophe ended the quote).
    warning = (
        "PSA from a mod: lines like 'DM me and I'll add you to the VIP group' and "
        "'don't tell anyone, it's guaranteed returns' are scripts. Report them."
    )
    assert scorer.score(warning).level == "low"
    # The same lines said to the reader, unquoted, stay risky.
    assert scorer.score("DM me and I'll add you to the VIP group, it's guaranteed returns").level != "low"
