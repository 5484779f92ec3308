"""Chinese detection on hand-written posts: benign hard negatives, scam posts by category, held-out set.

`tests/data/zh-benign.jsonl` and `zh-scam.jsonl` were written first and the rules tuned on them;
`zh-holdout.jsonl` was written after tuning and not tuned on, so its limits are looser: it is the
estimate of how the rules do on posts nobody has looked at.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

import warnlib
from tests.conftest import read_jsonl

DATA = Path(__file__).resolve().parent / "data"
FIELDS = {"id", "label", "category", "text"}


def _levels(scorer: warnlib.Scorer, rows: list[dict]) -> list[tuple[dict, str]]:
    return [(row, scorer.score(row["text"]).level) for row in rows]


@pytest.mark.parametrize(
    ("name", "minimum"), [("zh-benign.jsonl", 300), ("zh-scam.jsonl", 150), ("zh-holdout.jsonl", 320)]
)
def test_files_are_well_formed(name: str, minimum: int) -> None:
    rows = read_jsonl(DATA / name)
    assert len(rows) >= minimum
    assert len({r["id"] for r in rows}) == len(rows), "ids must be unique"
    assert len({r["text"] for r in rows}) == len(rows), "texts must be unique"
    assert all(set(r) == FIELDS and r["label"] in (0, 1) and r["text"].strip() for r in rows)


def test_corpora_do_not_overlap() -> None:
    texts = [
        r["text"] for name in ("zh-benign.jsonl", "zh-scam.jsonl", "zh-holdout.jsonl") for r in read_jsonl(DATA / name)
    ]
    assert len(texts) == len(set(texts))


def test_benign_posts_are_not_flagged(scorer: warnlib.Scorer) -> None:
    rows = read_jsonl(DATA / "zh-benign.jsonl")
    assert {r["label"] for r in rows} == {0}
    levels = _levels(scorer, rows)
    assert [r["id"] for r, level in levels if level == "high"] == [], "no benign post may be high"
    medium = [r["id"] for r, level in levels if level == "medium"]
    assert len(medium) <= 0.01 * len(rows), f"at most 1% medium: {medium}"


def test_scam_posts_are_flagged(scorer: warnlib.Scorer) -> None:
    rows = read_jsonl(DATA / "zh-scam.jsonl")
    assert {r["label"] for r in rows} == {1}
    levels = _levels(scorer, rows)
    assert [r["id"] for r, level in levels if level == "low"] == [], "every scam post must be at least medium"
    high = sum(level == "high" for _, level in levels)
    assert high >= 0.9 * len(rows), f"only {high}/{len(rows)} high"


def test_scam_recall_per_category(scorer: warnlib.Scorer) -> None:
    by_category: dict[str, list[str]] = defaultdict(list)
    for row in read_jsonl(DATA / "zh-scam.jsonl"):
        by_category[row["category"]].append(scorer.score(row["text"]).level)
    assert len(by_category) >= 12
    weak = {
        category: f"{sum(level != 'low' for level in levels)}/{len(levels)}"
        for category, levels in by_category.items()
        if len(levels) >= 5 and sum(level != "low" for level in levels) < 0.8 * len(levels)
    }
    assert not weak, f"categories under 80% recall (medium or high): {weak}"


def test_held_out_posts(scorer: warnlib.Scorer) -> None:
    """Looser than the tuned sets: these posts were written after tuning and never tuned on."""
    rows = read_jsonl(DATA / "zh-holdout.jsonl")
    benign = _levels(scorer, [r for r in rows if r["label"] == 0])
    scams = _levels(scorer, [r for r in rows if r["label"] == 1])
    assert len(benign) >= 160 and len(scams) >= 160
    assert [r["id"] for r, level in benign if level == "high"] == [], "no held-out benign post may be high"
    assert sum(level == "medium" for _, level in benign) <= 0.05 * len(benign)
    # Two batches, each measured right after it was written and never tuned on (ids zh-hb/zh-hs,
    # then zh-h2b/zh-h2s, written after further tuning on other fresh posts):
    #   batch 1: benign 0 high, 0/45 medium; scam 33/44 medium or high, 22/44 high
    #   batch 2: benign 0 high, 1/41 medium; scam 29/40 medium or high, 24/40 high
    #   batch 3 (zh-h3b/zh-h3s): benign 0 high, 0/41 medium; scam 31/40 medium or high, 20/40 high
    #   batch 4 (zh-h4b/zh-h4s): benign 0 high, 0/41 medium; scam 34/40, 24/40 high
    #   batch 5 (zh-h5b/zh-h5s, written after the investment-topic pair bonus and the last rule change,
    #   vaguer on purpose): benign 0 high, 1/20 medium (an anti-scam post quoting the script; it was
    #   medium before the change too); scam 9/20 medium or high, 5/20 high (before the change: 7/20, 1/20)
    # The floors sit just under the combined figures so the estimate cannot silently get worse;
    # they are not a target.
    assert sum(level != "low" for _, level in scams) >= 0.7 * len(scams)
    assert sum(level == "high" for _, level in scams) >= 0.5 * len(scams)


@pytest.mark.parametrize(
    "text",
    [
        "明天低开满仓抄底",
        "强力洗盘，筹码没松动，拿稳了",
        "这走势就是杀猪盘，先拉高再砸，散户又被割韭菜了",
        "主力出货，放量滞涨，先减半仓",
        "比特币价格周二一度跌破9万美元，24小时内全网超过10万人爆仓，分析人士认为与降息预期降温有关",
        "截至发稿，比特币报价约9.6万美元，以太坊涨2%",
        "杠杆ETF不适合长期持有，加仓前先想好止损",
    ],
)
def test_market_talk_is_low(scorer: warnlib.Scorer, text: str) -> None:
    assert scorer.score(text).level == "low"


@pytest.mark.parametrize(
    "text",
    [
        "律所招聘实习律师，面试需带单位证明和学历证书",  # 带单位 is not 带单
        "外贸公司招聘跟单员，负责订单跟进，月薪6-8k",  # 跟单员 is an ordinary job
        "自家做的手工蛋糕，可以定制生日款，需要的v我，同城可以送",  # 'v我' to sell cakes
        "转让健身卡，还剩八个月，原价2400，1200转，需要的私我",
        "考研英语真题解析整理好了，免费分享，需要的评论区扣1我发你",  # free notes
        "CFA一级学习笔记，全英文，免费领取，评论区扣1",
        "跟着老师复习了三个月，终于考上研了，想要笔记的评论区扣1",
        "想赚钱的大学生可以来我们奶茶店兼职，时薪20，有意者私聊",
        "兼职招聘：商场促销员，日结200，周末两天，有意者加微信",
        "有人私信我说可以带我做USDT搬砖套利，无风险日赚500，我直接回了一句反诈APP已下载",
        "我整理了常见的虚拟币诈骗话术：稳赚不赔、日息2%、老师带单、境外交易所注册返佣，看到就跑",
        "反诈：那些说自己靠合约半年从5000做到100万的博主，99%是假的，目的是卖课或者拉你入金",
        "提醒大家：網路上說帶你炒幣、穩賺不賠的都是詐騙，千萬別加對方LINE",
        "区块链公司招聘后端开发，熟悉Go语言和分布式系统，薪资30-50k，需要现场面试",
    ],
)
def test_hard_negatives_are_low(scorer: warnlib.Scorer, text: str) -> None:
    assessment = scorer.score(text)
    assert assessment.level == "low", [s.rule for s in assessment.signals]


@pytest.mark.parametrize(
    "text",
    [
        "跟 着 导 师 做 合 约 ， 一 个 月 翻 三 倍 ， 想 了 解 的 私 我",
        "每天跟老师dai单，一周收益翻倍，有意者➕v了解",
        "想进bi圈赚钱的加薇信：bq_2025，备注红书，拉你进群",
        "✈️联系：@coinboss99 每天带单，不赚钱不收费",
        "ＢＴＣ合約帶單，日收益３％，加ＶＸ：ｂｔｃ９９９",
        "炒bi三个月赚了20万，方法在🐧群，要的扣1",
    ],
)
def test_obfuscated_scams_are_high(scorer: warnlib.Scorer, text: str) -> None:
    assert scorer.score(text).level == "high"
