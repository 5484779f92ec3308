"""combine.py: the pair bonuses (contact diversion + investment topic) and their limits."""

from __future__ import annotations

from pathlib import Path

import pytest

import warnlib
from warnlib.combine import CombineConfig, combine

CONFIG = CombineConfig()
PAIR = dict(((a, b), bonus) for a, b, bonus in CONFIG.pair_bonuses)


def _logit(signals: list[tuple[str, float]], context: tuple[float, ...] = (), limited: bool = False) -> float:
    return combine(signals, context, context_limited=limited, config=CONFIG).logit


def test_pair_bonuses_are_configured() -> None:
    assert PAIR[("contact_diversion", "investment_topic")] > 0
    assert "investment_topic" in CONFIG.background_categories


def test_topic_with_contact_adds_the_pair_bonus() -> None:
    contact = _logit([("contact_diversion", 1.5)])
    both = _logit([("contact_diversion", 1.5), ("investment_topic", 0.25)])
    assert both == pytest.approx(contact + 0.25 + PAIR[("contact_diversion", "investment_topic")])


def test_topic_alone_stays_far_below_medium() -> None:
    assert _logit([("investment_topic", 0.25)]) < -3


def test_background_topic_does_not_count_toward_breadth() -> None:
    base = _logit([("copy_trading", 1.0), ("leverage", 1.0)])
    assert _logit([("copy_trading", 1.0), ("leverage", 1.0), ("investment_topic", 0.25)]) == pytest.approx(base + 0.25)


def test_pair_bonus_is_dropped_when_warnings_add_up() -> None:
    signals = [("contact_diversion", 1.5), ("investment_topic", 0.25)]
    one_cue = _logit(signals, [CONFIG.pair_bonus_max_context], limited=True)
    two_cues = _logit(signals, [1.5, 1.5], limited=True)
    bonus = PAIR[("contact_diversion", "investment_topic")]
    # Both discounts are capped at limited_context_cap; only the pair bonus differs.
    assert one_cue - two_cues == pytest.approx(bonus)


def test_no_pair_bonus_without_both_categories() -> None:
    assert _logit([("contact_diversion", 1.5)]) == pytest.approx(CONFIG.bias + 1.5)


@pytest.mark.parametrize(
    ("text", "at_least_medium"),
    [
        ("最近在币圈小有收获，不想一个人闷声发财，有缘的姐妹看我主页", True),
        ("投资需谨慎。最近在币圈小有收获，有缘的姐妹看我主页", True),  # one warning cue does not switch it off
        ("比特币主题的周边T恤做好了，纯棉的，需要的私我", False),  # topic + contact, no hook
        ("比特币周三跌破8万美元，过去24小时全网爆仓超过5亿美元", False),
        ("避坑指南：炒币群里的托儿天天晒收益，目的就是让你上头充值", False),
    ],
)
def test_topic_pair_on_posts(scorer: warnlib.Scorer, text: str, at_least_medium: bool) -> None:
    assert (scorer.score(text).level != "low") is at_least_medium


def test_the_policy_is_read_from_its_file_and_an_operator_can_replace_it(tmp_path: Path) -> None:
    from warnlib.combine import POLICY_FILE
    from warnlib.rules import RuleError

    shipped = (Path(warnlib.__file__).parent / "rules" / POLICY_FILE).read_text(encoding="utf-8")
    assert CombineConfig() == CombineConfig.load(Path(warnlib.__file__).parent / "rules" / POLICY_FILE)
    assert CONFIG.contact_category == "contact_diversion" and "stock_tip" in CONFIG.money_categories
    # Without its money role, a returns claim next to a handle earns no co-occurrence bonus.
    path = tmp_path / "policy.toml"
    path.write_text(shipped.replace('"guaranteed_returns", "wealth_story"', '"wealth_story"'), encoding="utf-8")
    mine = CombineConfig.load(path)
    signals = [("contact_diversion", 2.5), ("guaranteed_returns", 2.0)]
    with_role = combine(signals, [], context_limited=False, config=CONFIG)
    without = combine(signals, [], context_limited=False, config=mine)
    assert any(t.name == "bonus:contact+money" for t in with_role.terms)
    assert not any(t.name == "bonus:contact+money" for t in without.terms)
    assert with_role.logit - without.logit == pytest.approx(CONFIG.co_occurrence_bonus)
    scorer = warnlib.Scorer(combine_config=CombineConfig.load(path), model=None)
    assert scorer.score("稳赚不赔，加微信：coin888", explain=True).decision is not None
    for broken, complaint in [
        (shipped.replace("bias = -4.0", 'bias = "low"'), "bias must be a number"),
        (shipped.replace('"stock_tip",\n]', '"stock_tips",\n]'), "unknown category 'stock_tips'"),
        (
            shipped.replace('categories = ["recovery_scam", "guaranteed_returns"]', 'categories = ["recovery_scam"]'),
            "two",
        ),
    ]:
        path.write_text(broken, encoding="utf-8")
        with pytest.raises(RuleError, match=complaint):
            CombineConfig.load(path)
