"""The Assessment contract, levels, context handling and hostile input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import warnlib
from tests.hostile import HOSTILE, ordinary_text, seconds_to_score
from warnlib.scorer import detect_language

SCAM = "姐妹们我在币圈赚到第一个100w了🎉 从5千开始，全程有老师带，感兴趣的加V信：lucky_coin，暗号小红书"
BENIGN = "成都三天两晚吃喝攻略🍲 第一天宽窄巷子+人民公园喝茶，第三天太古里逛街，人均花费1500左右。"


def test_assessment_matches_the_design_contract(scorer: warnlib.Scorer) -> None:
    data = scorer.score(SCAM).to_dict()
    assert set(data) == {"score", "level", "text_language", "categories", "signals", "context", "version", "model"}
    assert set(data["model"]) == {"version", "logit", "contribution", "evidence"}
    assert 0.0 <= data["score"] <= 1.0
    assert data["level"] == "high"
    assert data["text_language"] == "zh"
    assert set(data["version"]) == {"warnlib", "rules", "model"}
    assert data["version"]["warnlib"] == warnlib.__version__
    for signal in data["signals"]:
        assert set(signal) == {"rule", "category", "weight", "message", "spans", "evidence"}
        assert signal["category"] in warnlib.CATEGORIES
        assert 0 <= data["categories"][signal["category"]] <= 1
    json.dumps(data, ensure_ascii=False)  # JSON-serializable as is
    assert warnlib.Assessment.from_dict(data) == scorer.score(SCAM)


def test_spans_are_code_points_into_the_submitted_text(scorer: warnlib.Scorer) -> None:
    text = "🎉🎉 " + SCAM  # astral characters before the evidence shift UTF-16 but not code points
    for signal in scorer.score(text).signals:
        for (start, end), evidence in zip(signal.spans, signal.evidence, strict=True):
            assert text[start:end] == evidence
            assert evidence.strip()


def test_benign_post_is_low(scorer: warnlib.Scorer) -> None:
    assessment = scorer.score(BENIGN)
    assert assessment.level == "low"
    assert assessment.score < 0.2


def test_messages_follow_the_locale(scorer: warnlib.Scorer) -> None:
    zh = scorer.score(SCAM, locale="zh").signals[0]
    en = scorer.score(SCAM, locale="en").signals[0]
    assert zh.rule == en.rule
    assert zh.message != en.message
    assert en.message.isascii()


def test_thresholds_are_configurable() -> None:
    text = "周末去公园散步，顺便买了杯咖啡"
    default = warnlib.Scorer().score(text)
    assert default.level == "low"
    strict = warnlib.Scorer(thresholds=warnlib.Thresholds(high=0.9, medium=default.score))
    assert strict.score(text).level == "medium"
    with pytest.raises(ValueError):
        warnlib.Thresholds(high=0.4, medium=0.6)


def test_more_evidence_never_lowers_the_score(scorer: warnlib.Scorer) -> None:
    base = "跟着老师做合约"
    more = base + "，一周收益翻倍，私我进群"
    assert scorer.score(more).score > scorer.score(base).score


@pytest.mark.parametrize(
    "scam",
    [
        SCAM,
        "每天两小时，跟着大佬搞bi，月收益稳定在30%左右，要的话评论区扣666，我发你🐧群",
        "Copy my trades for free! Averaging 40% a month on SOL perps. DM me, link in my profile.",
    ],
)
@pytest.mark.parametrize("warning", ["谨防骗局！", "警惕诈骗。", "PSA: beware of scams. ", "理财有风险，投资需谨慎。"])
def test_one_warning_phrase_cannot_neutralize_a_scam(scorer: warnlib.Scorer, scam: str, warning: str) -> None:
    assert scorer.score(warning + scam).level in {"medium", "high"}
    assert scorer.score(scam + warning).level in {"medium", "high"}


def test_a_real_warning_with_the_same_vocabulary_is_low(scorer: warnlib.Scorer) -> None:
    warning = (
        "提醒一下大家：所谓的“带你炒币”“稳赚不赔”全是骗局！我朋友就是被拉进群，先赚小钱再让充大钱，"
        "最后平台直接跑路。不要相信任何让你加微信炒币的人。"
    )
    assessment = scorer.score(warning)
    assert assessment.level == "low"
    assert assessment.context, "the warning cues should be listed"


@pytest.mark.parametrize("text", ["", " ", "\n\t  \u200b", "🎉🎉🎉"])
def test_empty_and_blank_text_is_low_with_no_signals(scorer: warnlib.Scorer, text: str) -> None:
    assessment = scorer.score(text)
    assert assessment.level == "low"
    assert assessment.signals == []


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["list"], {"text": "x"}])
def test_non_string_input_is_a_type_error(scorer: warnlib.Scorer, value: object) -> None:
    with pytest.raises(TypeError, match="must be str"):
        scorer.score(value)  # type: ignore[arg-type]


def test_unknown_locale_is_rejected(scorer: warnlib.Scorer) -> None:
    with pytest.raises(ValueError, match="locale"):
        scorer.score("x", locale="fr")  # type: ignore[arg-type]


def test_text_over_the_limit_is_rejected_not_truncated() -> None:
    scorer = warnlib.Scorer(max_chars=100)
    with pytest.raises(warnlib.TextTooLongError, match="limit is 100"):
        scorer.score("a" * 101)
    assert scorer.score("a" * 100).level == "low"


@pytest.fixture(scope="module")
def ordinary_seconds(scorer: warnlib.Scorer) -> float:
    return seconds_to_score(scorer, ordinary_text())


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_scores_in_linear_time(scorer: warnlib.Scorer, ordinary_seconds: float, name: str) -> None:
    # A guard against catastrophic backtracking (which costs 100x and more), not a benchmark: the
    # absolute times are printed by bench/bench_core.py.
    elapsed = seconds_to_score(scorer, HOSTILE[name])
    assert elapsed < 3 * ordinary_seconds + 0.05, f"{name}: {elapsed:.2f}s vs {ordinary_seconds:.2f}s for ordinary text"
    assert all(len(s.spans) <= 8 for s in scorer.score(HOSTILE[name]).signals)


def test_detect_language() -> None:
    assert detect_language("跟着老师做合约") == "zh"
    assert detect_language("Copy my trades") == "en"
    assert detect_language("USDT搬砖套利，无风险") == "zh"
    assert detect_language("12345 🎉") == "und"


def test_model_hook_adds_its_logit() -> None:
    from warnlib.model import Calibration, FeatureContribution

    class Always:
        version = "test-1"
        calibration = Calibration(rules_weight=1.0, model_weight=1.0, bias=0.0)
        rules_coef = 0.0

        def logit(self, features: object) -> float:
            return 10.0

        def terms(self, features: object, *, limit: int | None = None) -> list[FeatureContribution]:
            return [FeatureContribution("g:天气", 10.0)]

    scorer = warnlib.Scorer(model=Always())
    assessment = scorer.score("今天天气不错")
    assert assessment.level == "high"
    assert assessment.version["model"] == "test-1"
    assert assessment.model is not None and assessment.model.contribution == 10.0
    assert [(e.ngram, e.evidence) for e in assessment.model.evidence] == [("天气", ["天气"])]
    assert warnlib.Scorer(model=None).score("今天天气不错").model is None


def test_import_is_lazy() -> None:
    # Heavy modules (rule packs, OpenCC tables, jieba) must not load on `import warnlib`.
    code = "import sys, warnlib; print(sorted(m for m in sys.modules if m.startswith(('warnlib.', 'opencc', 'jieba'))))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['warnlib.types']"


def test_score_many_keeps_order(scorer: warnlib.Scorer) -> None:
    results = scorer.score_many([SCAM, BENIGN])
    assert [r.level for r in results] == ["high", "low"]


def test_apostrophes_in_words_are_not_quotation_marks(scorer: warnlib.Scorer) -> None:
    text = "don't wait, let's get you in"
    assert scorer._narrated_regions(text) == []
    quoted = "we said 'dm me for signals' then vanished"
    assert [quoted[s:e] for s, e in scorer._narrated_regions(quoted)] == ["'dm me for signals'"]


def test_rule_versions_compare_as_versions() -> None:
    from warnlib.scorer import version_key

    assert max(["2026.11.9", "2026.11.10"], key=version_key) == "2026.11.10"
    assert version_key("2026.12.0") > version_key("2026.11.31")


def test_the_docstring_examples_hold() -> None:
    import doctest

    import warnlib.scorer

    for module in (warnlib, warnlib.scorer):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0 and result.attempted > 0, module.__name__
