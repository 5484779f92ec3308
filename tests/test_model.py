"""The learned text model: the shipped file, its manifest and thresholds, training, inference."""

from __future__ import annotations

import random
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

import warnlib
from warnlib.model import LinearTextModel, ModelError, load_model, load_operating_points, read_model
from warnlib.training import TrainingError, known_sources, licence_of, read_examples

DATA = Path(__file__).resolve().parent / "data"
MODEL_FILE = resources.files("warnlib.data").joinpath("model.json.gz")


def test_shipped_model_is_small_and_versioned() -> None:
    assert len(MODEL_FILE.read_bytes()) < 5_000_000
    model = load_model()
    assert model.version and model.weights
    assert warnlib.Scorer().version["model"] == model.version


def test_shipped_model_belongs_to_these_rules_and_thresholds() -> None:
    # Rules changed without re-training (scripts/train_model.sh) would leave the model's detector
    # features and the published operating points describing other rules.
    model = load_model()
    assert model.rules_version == warnlib.Scorer(model=None).version["rules"]
    from warnlib._toml import load_toml_text

    thresholds = load_toml_text(resources.files("warnlib.data").joinpath("thresholds.toml").read_text("utf-8"))
    assert thresholds["version"] == {"rules": model.rules_version, "model": model.version}
    points = load_operating_points()
    assert set(points) == {"high", "medium"}
    assert points["high"].min_score >= points["medium"].min_score
    assert 0 < points["medium"].precision <= 1 and 0 < points["medium"].recall <= 1


def test_the_models_detector_features_name_the_loaded_rules() -> None:
    # The model learned rule ids as features ("r:<id>" for signals, "x:<id>" for context cues
    # beside the speaker's "x:narrated"/"x:addressed"): a rule renamed without re-training would
    # silently lose its learned weight.
    model = load_model()
    rule_ids = {rule.id for rule in warnlib.Scorer(model=None).rules}
    named = {f[2:] for f in model.weights if f.startswith("r:") or (f.startswith("x:") and "." in f)}
    assert named, "the shipped model has detector features"
    assert named - rule_ids == set(), "features of rules that no longer exist: re-train (scripts/train_model.sh)"


def test_known_ngrams_without_the_automaton_match_it_and_build_their_set_only_then(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import warnlib.model as model_module

    texts = ["跟着老师做合约，一周翻倍，加薇：coin888", "turned $500 into $20k, dm me", "", "今天天气真好"]
    with_automaton = read_model(MODEL_FILE)
    assert [with_automaton.known_ngrams(t) for t in texts]  # the automaton path
    assert "_ngram_vocabulary" not in vars(with_automaton), "no second copy of the vocabulary with the automaton"
    monkeypatch.setattr(model_module, "_ngram_automaton", lambda ngrams: None)  # as without pyahocorasick
    without = read_model(MODEL_FILE)
    assert "_ngram_vocabulary" not in vars(without), "built on first use, not when the file is read"
    assert [without.known_ngrams(t) for t in texts] == [with_automaton.known_ngrams(t) for t in texts]
    assert "_ngram_vocabulary" in vars(without)


def test_shipped_model_was_trained_only_on_shippable_data() -> None:
    sources = known_sources()
    trained_on = load_model().manifest["trained_on"]
    assert trained_on, "the manifest lists the training files"
    for entry in trained_on:
        source = licence_of(Path(entry["file"]), sources)
        assert source is not None and source.ship, entry
        assert "holdout" not in entry["file"], "held-out batches are never trained on"
        assert len(entry["sha256"]) == 64 and entry["rows"] > 0


def test_import_does_not_load_the_model() -> None:
    code = "import sys, warnlib; print('warnlib.model' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_training_refuses_share_alike_and_unlisted_data(tmp_path: Path) -> None:
    rows = '{"text": "a", "label": 1}\n{"text": "b", "label": 0}\n'
    cofacts = tmp_path / "cofacts-line-zh-tw.jsonl"
    cofacts.write_text(rows, encoding="utf-8")
    with pytest.raises(TrainingError, match="does not allow shipping"):
        read_examples([cofacts])
    unlisted = tmp_path / "scraped.jsonl"
    unlisted.write_text(rows, encoding="utf-8")
    with pytest.raises(TrainingError, match="not listed"):
        read_examples([unlisted])
    examples, manifest = read_examples([unlisted], allow_unlisted=True)
    assert len(examples) == 2 and manifest[0]["licence"].startswith("unlisted")


def test_bad_model_files_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match="format"):
        read_model(bad)
    bad.write_bytes(b"\x1f\x8b not gzip")
    with pytest.raises(ModelError):
        read_model(bad)
    with pytest.raises(ModelError, match="cannot read"):
        read_model(tmp_path / "missing.json")


def _rows(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def test_train_then_score_with_pure_python_matches_scikit_learn(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="training needs the train extra")
    from warnlib.training import _decision, _fit, _to_model

    # A small, real training run on the project's own sets (tests/data): the trained file, read
    # back, must give exactly scikit-learn's decision function without scikit-learn.
    files = [DATA / "zh-scam.jsonl", DATA / "zh-benign.jsonl", DATA / "en-posts.jsonl"]
    examples, _ = read_examples(files)
    scorer = warnlib.Scorer(model=None)
    inputs = [scorer.analyze(e.text).model_input for e in examples]
    features = inputs
    labels = [e.label for e in examples]
    rules = [i.rules_logit for i in inputs]
    vectorizer, classifier = _fit(features, rules, labels, [1.0] * len(labels), min_df=2, c=4.0)
    model = _to_model(vectorizer, classifier, version="test", min_weight=0.0)
    path = tmp_path / "m.json.gz"
    model.save(path)
    again = read_model(path)
    assert isinstance(again, LinearTextModel)
    expected = _decision(vectorizer, classifier, features, rules)
    for model_input, want in zip(inputs[:200], expected[:200], strict=False):
        assert again.logit(model_input) == pytest.approx(float(want), abs=1e-3)
    # Scoring finds only the n-grams the model knows (one automaton pass), never the rest:
    # the log-odds must not change.
    scoring = warnlib.Scorer(model=again)
    for example, want in zip(examples[:200], expected[:200], strict=False):
        known = scoring.analyze(example.text).model_input
        assert known.ngrams <= frozenset(again._tables[0][1])
        assert again.logit(known) == pytest.approx(float(want), abs=1e-3)


def test_ngram_windows_counts_the_windows_that_hold_a_non_ascii_character() -> None:
    from warnlib.model import char_ngrams, ngram_windows

    rng = random.Random(3)
    mixed = ["".join(rng.choice("ab 币群0") for _ in range(rng.randrange(12))) for _ in range(300)]
    for text in ["", "abc", "币", "ab币cd", "炒币 vip 群0000", "币币币币", "a b 币 c d 币币 e", "a币", "币a", *mixed]:
        positions = [text[i : i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)]
        assert ngram_windows(text) == sum(not p.isascii() for p in positions), text
        assert set(filter(lambda g: not g.isascii(), positions)) == set(
            filter(lambda g: not g.isascii(), char_ngrams(text))
        )


def test_cli_train_writes_a_model_and_thresholds(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="training needs the train extra")
    out, thresholds = tmp_path / "m.json.gz", tmp_path / "t.toml"
    files = [str(DATA / "zh-scam.jsonl"), str(DATA / "zh-benign.jsonl"), str(DATA / "en-posts.jsonl")]
    from warnlib.cli import main

    assert main(["train", *files, "-o", str(out), "--thresholds", str(thresholds), "--folds", "3", "-q"]) == 0
    model = read_model(out)
    assert [m["file"] for m in model.manifest["trained_on"]] == ["zh-scam.jsonl", "zh-benign.jsonl", "en-posts.jsonl"]
    assert "[levels.high]" in thresholds.read_text(encoding="utf-8")
    scorer = warnlib.Scorer(model=model)
    assert scorer.score("跟着老师带单稳赚，加我微信：abc12345").level == "high"
    # ... and `eval` can use that file and print a reliability table.
    assert main(["eval", str(DATA / "zh-benign.jsonl"), "--model", str(out), "--reliability"]) == 0


def test_cli_train_publishes_a_given_cut_and_says_so(tmp_path: Path) -> None:
    pytest.importorskip("sklearn", reason="training needs the train extra")
    from warnlib._toml import load_toml_text
    from warnlib.cli import main

    out, thresholds, card = tmp_path / "m.json.gz", tmp_path / "t.toml", tmp_path / "card.md"
    files = [str(DATA / "zh-scam.jsonl"), str(DATA / "zh-benign.jsonl"), str(DATA / "en-posts.jsonl")]
    args = ["train", *files, "-o", str(out), "--thresholds", str(thresholds), "--card", str(card), "--folds", "3"]
    assert main([*args, "--cut", "medium=0.77", "-q"]) == 0
    published = load_toml_text(thresholds.read_text(encoding="utf-8"))
    assert published["levels"]["medium"]["min_score"] == 0.77
    assert published["levels"]["high"]["min_score"] >= 0.8  # still searched
    assert "Cuts given to `warnlib train --cut` instead of searched: medium 0.77 (the search found" in (
        thresholds.read_text(encoding="utf-8")
    )
    assert "medium 0.77 (the search found" in card.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("cut", "complaint"),
    [("low=0.3", "no cut for level 'low'"), ("medium=1.5", "must be a score in (0, 1]"), ("medium:0.8", "LEVEL=SCORE")],
)
def test_cli_train_refuses_a_bad_cut_before_training(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cut: str, complaint: str
) -> None:
    pytest.importorskip("sklearn", reason="training needs the train extra")
    from warnlib.cli import main

    out = tmp_path / "m.json.gz"
    try:
        status = main(["train", str(DATA / "zh-scam.jsonl"), "-o", str(out), "--cut", cut, "-q"])
    except SystemExit as exit_:  # argparse refuses what does not parse
        status = exit_.code
    assert status == 2 and complaint in capsys.readouterr().err
    assert not out.exists()


def test_eval_reliability_table_is_well_formed(capsys: pytest.CaptureFixture[str]) -> None:
    from warnlib.cli import main

    assert main(["eval", str(DATA / "en-posts.jsonl"), "--reliability"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:2] == ["score", "bin"]
    assert len(lines) == 2 + 10
    assert sum(int(line.split()[2]) for line in lines[2:]) == len(_rows(DATA / "en-posts.jsonl"))


def test_known_ngrams_by_position_give_what_the_n_grams_themselves_give() -> None:
    # Scoring reads a post's n-gram weights by their position in the vocabulary (KnownNgrams);
    # the same n-grams as plain strings, looked up by name, must give the same log-odds and the
    # same explanation, to the last bit.
    import dataclasses

    from warnlib.model import KnownNgrams

    scorer = warnlib.default_scorer()
    model = scorer.model
    assert isinstance(model, LinearTextModel)
    texts = ["跟着老师做合约，加微信：coin888", "今天和朋友去吃火锅，味道很好", "日赚3000，私我进群", "股市今天收涨"]
    for text in texts:
        view = scorer.analyze(text).model_input
        assert isinstance(view.ngrams, KnownNgrams) and len(view.ngrams) > 0
        plain = dataclasses.replace(view, ngrams=frozenset(view.ngrams))
        assert model.logit(view) == model.logit(plain)
        assert model.terms(view, limit=20) == model.terms(plain, limit=20)
        assert set(view.ngrams) == plain.ngrams and all(g in view.ngrams for g in plain.ngrams)
        assert "不在词表里的字串" not in view.ngrams
