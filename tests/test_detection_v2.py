"""Detection v2: coverage by kind, who speaks to whom, the decision breakdown.

Every text here is written for this file, one per kind of evasion or claim; none is copied
from an issue or a data set. Each case names the rule that must fire (so the rules keep the
kind even without the model) and the default scorer (rules + model) must warn.
"""

from __future__ import annotations

import math

import pytest

import warnlib
from warnlib.scorer import Scorer


@pytest.fixture(scope="module")
def rules_only() -> Scorer:
    return Scorer(model=None)


# (kind, text, rule that must fire)
COVERAGE = [
    ("LINE id (Taiwan)", "美股當沖老師帶你看盤，LINE ID: bull_tw520，每天報三檔", "extract.contact_diversion.handle"),
    ("加賴 (LINE nickname)", "每天分享飆股，想跟的直接加賴：gogo3388", "extract.contact_diversion.handle"),
    ("扣扣 for QQ", "免费领取牛股名单，扣扣：83726155", "extract.contact_diversion.handle"),
    ("口口 for QQ", "带单稳稳的，口口 70615823 备注来意", "extract.contact_diversion.handle"),
    ("id in Chinese numerals", "跟单加我qq：四七三八二六九一，当天回本", "extract.contact_diversion.handle"),
    ("id in capital numerals", "内部群，联系qq 贰陆叁柒玖捌肆", "extract.contact_diversion.handle"),
    ("handle after 详谈", "合约翻倍不是梦，详谈：moon_trader7", "extract.contact_diversion.handle"),
    ("handle after 找", "想上车的找 coin_teacher88 就行，名额不多", "extract.contact_diversion.handle"),
    ("phone with brackets", "股票配资，低息秒批，电话 (186) 5521 0937", "extract.contact_diversion.handle"),
    ("phone with spaces", "荐股咨询热线 137 2290 6614，免费诊股", "extract.contact_diversion.handle"),
    (
        "@handle offered as mentor",
        "I turned $2,000 into $19,000 in six weeks, contact @fx_coach_olivia",
        "en.contact_diversion.mentor_handle",
    ),
    (
        "comment WORD for invite",
        "Comment GROW and I'll send you the invite to my private signals chat",
        "en.contact_diversion.comment_word",
    ),
    (
        "link in first comment",
        "Free gold signals daily, 92% win rate, link in the first comment",
        "en.contact_diversion.pinned_link",
    ),
    (
        "link in bio / pinned",
        "Want my copy-trading setup? invite is in my bio, guaranteed 5% a week",
        "en.contact_diversion.pinned_link",
    ),
    ("homophone 裙 for 群", "进裙跟老师做合约，每天稳赚几百，新人免费体验", "zh.contact_diversion.join_group"),
    ("homophone sī for 私", "币圈翻倍带你玩，想学的sī我", "zh.contact_diversion.dm_me"),
    ("homophone bi for 币", "跟着老师炒bi，一个月翻了三倍，感兴趣私我", "zh.investment_topic.crypto"),
    ("README's own example", "跟着老师做合约，一周翻倍，加薇：coin888", "extract.contact_diversion.handle"),
    (
        "money growth $A -> $B",
        "started with $800 -> $11,500 in a month with her signals, dm me",
        "extract.wealth_story.money_growth",
    ),
    (
        "doubled my account",
        "My account manager doubled my account in three weeks, message her on WhatsApp",
        "en.wealth_story.account_growth",
    ),
    (
        "paid off my car",
        "Paid off my car loan thanks to my bitcoin mentor, reach out to him",
        "en.wealth_story.account_growth",
    ),
    ("minimum multiple", "Our VIP calls do 30x minimum, join the telegram now", "en.guaranteed_returns.multiplier"),
    ("send X get Y back", "Send $200 and get $2,000 back in 24 hours, limited spots", "en.giveaway.send_get_back"),
    (
        "fixed daily dollars",
        "Earn $60/day passively with our staking bot, no experience needed",
        "en.guaranteed_returns.multiplier",
    ),
    ("insider news", "独家内幕消息，主力资金下周拉升，进群领代码", "zh.stock_tip.insider"),
    ("certain rise", "这只票必涨，至少翻5倍，私我拿代码", "zh.stock_tip.certain_rise"),
    ("pre-IPO shares", "原始股内部认购，明年上市，私聊了解", "zh.stock_tip.ipo_shares"),
    ("losses covered", "跟着老师买，亏损老师全赔，加微信：gp_laoshi66", "zh.guaranteed_returns.loss_covered"),
    ("Taiwan 私訊", "穩定獲利的方法，有興趣私訊我，名額有限", "zh.contact_diversion.dm_me"),
    ("Taiwan 聯絡方式", "投資老師每天免費報牌，聯絡方式在主頁", "zh.contact_diversion.see_profile"),
]

# Kinds added from the v7 batch (the texts are written here, not taken from it).
COVERAGE += [
    ("QQ with spaced letters", "合约带单稳赚不赔，q q：7730 5521 98", "extract.contact_diversion.handle"),
    (
        "t.me spelled out",
        "my signals made me $6k last month, join t dot me slash pipsdaily_",
        "extract.contact_diversion.handle",
    ),
    (
        "amounts in pinyin",
        "ban nian cong 8 qian zuo dao 50 wan, wei xin: lm_trade66",
        "extract.wealth_story.money_growth",
    ),
    ("site mail (站內信)", "合約跟單穩定獲利，有興趣站內信我", "zh.contact_diversion.dm_me"),
    (
        "the assistant signs you up",
        "今晚老师直播选牛股，稳赚不赔，联系助教登记进直播间",
        "zh.contact_diversion.dm_me",
    ),
    (
        "quoted word, then the link",
        "整理好的合约带单手册，回复「手册」就发你下载地址",
        "zh.contact_diversion.comment_code",
    ),
    ("the platform would block it", "每天三单稳稳盈利，这里会限流，加我小绿同名", "zh.contact_diversion.evasive"),
    (
        "fees waived up front",
        "网投被黑出不了款？老师在线处理，事前不用支付任何费用，加微信：chuhei_77",
        "zh.guaranteed_returns.fee_terms",
    ),
    (
        "the address returns double",
        "周年福利：转入USDT到活动钱包，系统立即返还三倍，名额有限",
        "zh.giveaway.send_get_back",
    ),
    ("no loss, full compensation", "这套合约策略保证不赔，私我", "zh.guaranteed_returns.guaranteed"),
    (
        "unfreeze for a success fee",
        "Exchange holding your coins? Our team can unfreeze the wallet, DM @fund_release_team",
        "en.recovery_scam.hacker",
    ),
    (
        "portfolio doubled, code word",
        "My portfolio basically doubled since May. Message her and just say 'ALPHA', she'll set you up",
        "en.contact_diversion.referral_code_word",
    ),
    (
        "payouts counted",
        "6 payouts already from @kate.wealthdesk, she is the real deal",
        "en.wealth_story.testimonial",
    ),
    (
        "handle without @ for an app",
        "She turned my $500 into $6,000. amelia_fx.trades on telegram",
        "en.contact_diversion.trader_handle",
    ),
    (
        "relative at a fund",
        "Her cousin is at an investment fund and sends her the contract windows, always profitable, DM me",
        "en.stock_tip.insider",
    ),
]


@pytest.mark.parametrize(("kind", "text", "rule"), COVERAGE, ids=[c[0] for c in COVERAGE])
def test_kind_is_covered(rules_only: Scorer, scorer: Scorer, kind: str, text: str, rule: str) -> None:
    fired = {s.rule for s in rules_only.score(text).signals}
    assert rule in fired, f"{kind}: {rule} did not fire; fired: {sorted(fired)}"
    assert scorer.score(text).level != "low", kind


def test_stock_group_scam_is_not_excused_by_market_talk(rules_only: Scorer) -> None:
    text = "免费荐股群，每天一只涨停票，K线、均线老师手把手教，A股牛股提前布局"
    assessment = rules_only.score(text)
    market = [c for c in assessment.context if c.rule == "zh.context.market_talk"]
    assert market and all(c.weight == 0 for c in market), "market talk is void beside a stock tip"
    plain = rules_only.score("今天涨停板复盘，K线走出了均线多头，A股情绪回暖")
    assert [c.weight for c in plain.context if c.rule == "zh.context.market_talk"] == [1.0]
    assert plain.level == "low"


def test_one_decisive_signal_does_not_stay_low(rules_only: Scorer) -> None:
    assert rules_only.score("Send 0.2 ETH and receive 0.4 ETH back instantly").level != "low"
    assert rules_only.score("充500u返1000u，官方限时活动").level != "low"


@pytest.mark.parametrize(
    "text",
    ["减脂打卡：三个月从68kg到59kg，每天快走8km", "半马备赛：从5km慢慢跑到21km", "今天骑行40km，心率稳定"],
)
def test_units_are_not_money(scorer: Scorer, text: str) -> None:
    assessment = scorer.score(text)
    assert "wealth_story" not in assessment.categories
    assert assessment.level == "low"


# --- who speaks to whom -------------------------------------------------------------------

NARRATED = [
    "据报道，骗子先在短视频平台留言，再让受害人加V，随后拉你进群，群里的“老师”每天带单，最后平台无法提现。警方提醒：凡是拉你进群荐股的都是诈骗。",
    "民警提醒：对方会先私信你，说跟着老师做合约稳赚，然后让你加微信进群。遇到这种情况请立即拨打96110。",
    "我被骗了八万。那个人先加我微信，又把我拉进一个跟单群，说老师带单稳赚，我信了，结果提现时平台让我交保证金。大家千万别信。",
    "They will DM you, add you to a 'VIP signals' group and promise 5% a day. "
    "Police said victims lost their savings. Never send money to strangers.",
]


@pytest.mark.parametrize("text", NARRATED)
def test_narrated_scam_steps_stay_low(scorer: Scorer, rules_only: Scorer, text: str) -> None:
    assert scorer.score(text).level == "low"
    assert rules_only.score(text).level == "low"


ADDRESSED = [
    "提醒大家：网上骗子很多，别信那些陌生老师。我是正规带单，加我微信：safe_trade88，稳赚不赔。",
    "PSA: beware of fake mentors! I'm the real one, DM me on telegram @real_fx_mentor for 10% weekly.",
]


def test_the_model_does_not_read_the_warning_words_an_offer_adds(scorer: Scorer) -> None:
    # The rules cap the discount of warning cues beside a way to reach the poster; the model must
    # not undo that by reading the same words: the cue's clause is blanked for it, and its ids.
    offer = scorer.analyze(ADDRESSED[1])
    assert offer.addressed
    assert "beware" not in offer.model_input.words and "fake" not in offer.model_input.words
    assert "mentors" not in offer.model_input.words and "telegram" in offer.model_input.words
    assert not any(d.startswith("x:en.context") for d in offer.model_input.detectors)
    warning = scorer.analyze("PSA: beware of fake mentors who promise 10% weekly.")
    assert not warning.addressed
    assert "beware" in warning.model_input.words
    assert any(d.startswith("x:en.context") for d in warning.model_input.detectors)


@pytest.mark.parametrize("text", ADDRESSED)
def test_an_offer_to_the_reader_stays_risky_whatever_warning_words(
    scorer: Scorer, rules_only: Scorer, text: str
) -> None:
    assert scorer.score(text).level == "high"
    assert rules_only.score(text).level != "low"


def test_narration_discounts_only_signals_inside_it(rules_only: Scorer) -> None:
    text = "骗子说“加我微信带你赚钱”，大家小心。"
    regions = rules_only._narrated_regions(rules_only.analyze(text).norm.text)
    assert regions, "the quote is narrated"
    assessment = rules_only.score(text)
    assert all(s.weight < 1.0 for s in assessment.signals if s.category == "contact_diversion")


def test_a_signal_that_starts_inside_a_quote_belongs_to_the_quote(rules_only: Scorer) -> None:
    # The wallet pattern reads on past the closing quote; what it found is still the scammer's.
    text = 'Police said the posts told followers to "send 0.1 to 10 ETH and get double back" from a wallet address.'
    assessment = rules_only.score(text)
    wallet = [s for s in assessment.signals if s.rule == "en.contact_diversion.send_to_wallet"]
    assert wallet and wallet[0].evidence[0].endswith("wallet address")
    assert not rules_only.analyze(text).addressed
    assert assessment.level == "low"


def test_the_model_does_not_read_retold_words(scorer: Scorer) -> None:
    quoted = "加我微信带你赚钱"
    warning = f"警惕！骗子常说“{quoted}”，千万别信。"
    analysis = scorer.analyze(warning)
    assert analysis.retold, "the quote is retold"
    assert "带你" not in analysis.model_input.ngrams
    # The same words said to the reader are read.
    offer = scorer.analyze(f"{quoted}，私我。")
    assert not offer.retold
    assert "带你" in offer.model_input.ngrams
    assert scorer.score(warning).level == "low"


def test_extractor_word_lists_are_checked() -> None:
    from warnlib.extractors import CreditedHandle

    with pytest.raises(ValueError, match="list of words"):
        CreditedHandle(max_chars=400, results=[], credit=["thanks"])
    assert (
        CreditedHandle(max_chars=40, results=["payout"], credit=["thanks"]).extract(
            "thanks @ann_m, my payout came in today, it really did, truly"
        )
        == []
    ), "longer than max_chars: not a comment"


# --- the decision breakdown ---------------------------------------------------------------


def test_explain_lists_every_term_of_the_score(scorer: Scorer) -> None:
    text = "跟着老师做合约，一周翻倍，加薇：coin888"
    assessment = scorer.score(text, explain=True)
    assert assessment.decision is not None
    names = [t["term"] for t in assessment.decision]
    assert names[0] == "bias"
    assert any(n.startswith("category:") for n in names)
    assert {"model", "calibration:rules", "calibration:bias"} <= set(names)
    logit = sum(t["value"] for t in assessment.decision)
    assert math.isclose(1 / (1 + math.exp(-logit)), assessment.score, abs_tol=1e-3)
    assert scorer.score(text).decision is None
    assert "decision" not in scorer.score(text).to_dict()
    assert warnlib.Assessment.from_dict(assessment.to_dict()) == assessment


def test_context_discount_is_a_term(rules_only: Scorer) -> None:
    assessment = rules_only.score("警方提醒：虚拟币投资诈骗高发，切勿轻信高收益", explain=True)
    assert assessment.decision is not None
    discount = [t for t in assessment.decision if t["term"] == "context_discount"]
    assert discount and discount[0]["value"] < 0


def test_model_evidence_points_into_the_original_text(scorer: Scorer) -> None:
    text = "ＶＩＰ群每天喊单，跟單穩賺，私我拿老師聯繫方式"
    assessment = scorer.score(text, explain=True)
    assert assessment.model is not None and assessment.model.evidence
    for item in assessment.model.evidence:
        assert item.weight > 0
        for (start, end), evidence in zip(item.spans, item.evidence, strict=True):
            assert text[start:end] == evidence
