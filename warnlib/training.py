"""Training the learned text model (`warnlib train`); needs the `train` extra (scikit-learn).

What happens, in order:

1. **Licences.** Every input file is looked up in `warnlib/data/sources.toml`; a file whose
   licence does not allow shipping a model trained on it (share-alike sets such as Cofacts) is
   refused, and so is a file the table does not list, unless the caller vouches for it.
2. **Features.** Each post goes through the rules-only scorer's `Scorer.analyze`, exactly as at
   scoring time: character 1-3-grams of the normalized text, Latin words, and the rules,
   categories and context cues that fired (see `warnlib.model`).
3. **Out-of-fold predictions.** The model is trained `folds` times, each time without one fold of
   *groups* (a channel, a small hand-written set, or a slice of a large real set), so no source
   leaks into its own predictions.
4. **Calibration.** A two-input logistic regression on those out-of-fold predictions learns how
   to add the model's log-odds to the rules' (`Calibration`); the scores then behave like
   probabilities on posts the model has not seen.
5. **Operating points.** Precision, recall and false-positive rate of each level, measured on the
   same out-of-fold scores, go to the thresholds file with the rules and model versions.
6. **The shipped model** is trained on everything, pruned of features too rare to learn from,
   and written with its manifest (which files, their hashes, row counts and licences).
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from warnlib._toml import load_toml_text
from warnlib.combine import sigmoid
from warnlib.model import Calibration, LinearTextModel, ModelInput, feature_scale
from warnlib.types import RULES_ONLY_CUTS

LARGE_SOURCE_ROWS = 500  # sources bigger than this are split into slices for the folds
# A source's rows of one class weigh at most this many rows in total: one set of 3,000 pump-channel
# messages must not define "scam" for a whole language, nor 11,735 comments "benign".
SOURCE_WEIGHT_CAP = {1: 1000, 0: 3000}
BALANCED = True  # weigh scam and benign rows so that both classes count alike
# The rules' log-odds enter the model as one dense column, multiplied by this so that the L2
# penalty barely touches its weight: the n-grams then learn what the rules miss, not the rules.
RULES_COLUMN_SCALE = 10.0
# Features whose weight is smaller than this are left out of the shipped file: each adds at most
# PRUNE_BELOW / sqrt(features of the post) to a log-odds, and a smaller table is faster to probe.
PRUNE_BELOW = 0.05
DEFAULT_C = 16.0  # the logistic regression's inverse regularization strength


class TrainingError(ValueError):
    """Training cannot go ahead (a licence, an empty class, a missing extra); the message says why."""


@dataclass(frozen=True)
class Source:
    file: str
    licence: str
    ship: bool
    note: str
    # The most rows this file's posts of one class may weigh in training (None: SOURCE_WEIGHT_CAP).
    max_weight: float | None = None


def known_sources() -> list[Source]:
    text = resources.files("warnlib.data").joinpath("sources.toml").read_text(encoding="utf-8")
    return [
        Source(
            str(s["file"]),
            str(s["licence"]),
            bool(s["ship"]),
            str(s.get("note", "")),
            float(s["max_weight"]) if "max_weight" in s else None,
        )
        for s in load_toml_text(text).get("sources", [])
    ]


def licence_of(path: Path, sources: Sequence[Source]) -> Source | None:
    for source in sources:
        if fnmatch.fnmatch(path.name, source.file):
            return source
    return None


@dataclass
class Example:
    text: str
    label: int
    source: str
    group: str
    max_weight: float | None = None


def read_examples(paths: Sequence[str | Path], *, allow_unlisted: bool = False) -> tuple[list[Example], list[dict]]:
    """Rows of the labeled files, and the manifest entry of each file; refuses unshippable data."""
    sources = known_sources()
    examples: list[Example] = []
    manifest: list[dict[str, Any]] = []
    for raw_path in paths:
        path = Path(raw_path)
        entry = licence_of(path, sources)
        if entry is None and not allow_unlisted:
            raise TrainingError(
                f"{path}: not listed in warnlib/data/sources.toml, so its licence is unknown; "
                "add it there (or pass --allow-unlisted for a model you will not ship)"
            )
        if entry is not None and not entry.ship:
            raise TrainingError(f"{path}: its licence ({entry.licence}) does not allow shipping a model trained on it")
        data = path.read_bytes()
        rows = []
        for number, line in enumerate(data.decode("utf-8").split("\n"), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise TrainingError(f"{path}:{number}: invalid JSON: {exc.msg}") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) or row.get("label") not in (0, 1):
                raise TrainingError(f"{path}:{number}: needs a string 'text' and a 'label' of 0 or 1")
            rows.append(row)
        source = path.stem
        for row in rows:
            if row.get("channel"):
                group = f"{source}/{row['channel']}"
            elif len(rows) > LARGE_SOURCE_ROWS:
                key = str(row.get("id") or row["text"])
                group = f"{source}#{int(hashlib.sha256(key.encode()).hexdigest(), 16) % 10}"
            else:
                group = source
            examples.append(Example(row["text"], int(row["label"]), source, group, entry.max_weight if entry else None))
        manifest.append(
            {
                "file": path.name,
                "sha256": hashlib.sha256(data).hexdigest(),
                "rows": len(rows),
                "scam": sum(r["label"] for r in rows),
                "licence": entry.licence if entry else "unlisted (not for shipping)",
            }
        )
    labels = {e.label for e in examples}
    if labels != {0, 1}:
        raise TrainingError("training needs both scam (1) and benign (0) rows")
    return examples, manifest


@dataclass
class TrainResult:
    model: LinearTextModel
    oof_scores: list[float]
    labels: list[int]
    sources: list[str]
    operating_points: dict[str, dict[str, float]]
    # The rules alone, at their hand-set cuts, on the same posts (tuned on some of them: not held out).
    rules_only_points: dict[str, dict[str, float]]
    # What `choose_cuts` found, and the levels whose cut was given instead (`train(cuts=...)`).
    searched_cuts: dict[str, float] = dataclasses.field(default_factory=dict)
    given_cuts: dict[str, float] = dataclasses.field(default_factory=dict)

    def cut_note(self) -> str:
        """'' when every cut was searched, else which were given and what the search found."""
        if not self.given_cuts:
            return ""
        given = ", ".join(
            f"{level} {cut} (the search found {self.searched_cuts[level]})" for level, cut in self.given_cuts.items()
        )
        return f"Cuts given to `warnlib train --cut` instead of searched: {given}."


def _sklearn() -> Any:
    try:
        import numpy
        from sklearn.feature_extraction.text import CountVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedGroupKFold
    except ImportError as exc:
        raise TrainingError(f"training needs the train extra: pip install -e '.[train]' ({exc})") from None
    return numpy, CountVectorizer, LogisticRegression, StratifiedGroupKFold


def _feature_names(post: ModelInput) -> list[str]:
    return list(post.features())


def _matrix(vectorizer: Any, features: Sequence[ModelInput], rules_logits: Sequence[float], *, fit: bool) -> Any:
    from scipy import sparse

    binary = vectorizer.fit_transform(features) if fit else vectorizer.transform(features)
    # Each row scaled by 1/sqrt(the post's size, its features in the vocabulary or not): what
    # `LinearTextModel.logit` computes without a lookup.
    scale = sparse.diags([feature_scale(post.size) for post in features])
    column = sparse.csr_matrix([[r * RULES_COLUMN_SCALE] for r in rules_logits])
    return sparse.hstack([scale @ binary, column]).tocsr()


def _fit(
    features: Sequence[ModelInput],
    rules_logits: Sequence[float],
    labels: Sequence[int],
    weights: Sequence[float],
    *,
    min_df: int,
    c: float,
    balanced: bool = BALANCED,
) -> Any:
    _, count_cls, lr_cls, _ = _sklearn()
    vectorizer = count_cls(analyzer=_feature_names, binary=True, min_df=min_df, lowercase=False)
    matrix = _matrix(vectorizer, features, rules_logits, fit=True)
    classifier = lr_cls(C=c, max_iter=3000, class_weight="balanced" if balanced else None, solver="liblinear")
    classifier.fit(matrix, list(labels), sample_weight=list(weights))
    return vectorizer, classifier


def _decision(vectorizer: Any, classifier: Any, features: Sequence[ModelInput], rules_logits: Sequence[float]) -> list:
    return [float(x) for x in classifier.decision_function(_matrix(vectorizer, features, rules_logits, fit=False))]


def _to_model(vectorizer: Any, classifier: Any, *, version: str, min_weight: float) -> LinearTextModel:
    """The fitted weights as a `LinearTextModel`, without features whose weight is below `min_weight`.

    Pruning is safe because a post's scale counts all its features, kept or not: dropping a
    feature only drops its own (negligible) addend.
    """
    coefs = classifier.coef_[0]
    weights = {
        feature: float(coefs[column])
        for feature, column in vectorizer.vocabulary_.items()
        if abs(float(coefs[column])) >= min_weight
    }
    return LinearTextModel(
        version=version,
        intercept=float(classifier.intercept_[0]),
        weights=weights,
        rules_coef=round(float(coefs[-1]) * RULES_COLUMN_SCALE, 5),
    )


def operating_points(
    scores: Sequence[float], labels: Sequence[int], sources: Sequence[str], cuts: dict[str, float]
) -> dict[str, dict]:
    """Precision, recall and false-positive rate (overall and per benign set) of each level's cut."""
    positives = sum(labels)
    negatives = len(labels) - positives
    out = {}
    for level, cut in cuts.items():
        tp = sum(1 for s, y in zip(scores, labels, strict=True) if y == 1 and s >= cut)
        fp = sum(1 for s, y in zip(scores, labels, strict=True) if y == 0 and s >= cut)
        out[level] = {
            "min_score": cut,
            "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
            "recall": round(tp / positives, 4) if positives else 0.0,
            "false_positive_rate": round(fp / negatives, 5) if negatives else 0.0,
            "macro_false_positive_rate": round(macro_false_positive_rate(scores, labels, sources, cut), 5),
        }
    return out


def calibrate(
    features: Sequence[ModelInput],
    rules_logits: Sequence[float],
    labels: Sequence[int],
    weights: Sequence[float],
    groups: Sequence[str],
    *,
    folds: int = 5,
    min_df: int = 2,
    c: float = DEFAULT_C,
) -> tuple[Calibration, list[float]]:
    """Out-of-fold model log-odds (folds grouped), and the calibration fitted on them."""
    numpy, _, lr_cls, group_kfold_cls = _sklearn()
    oof = [0.0] * len(labels)
    splitter = group_kfold_cls(n_splits=folds, shuffle=True, random_state=7)
    for train_idx, test_idx in splitter.split(numpy.zeros(len(labels)), labels, groups):
        vectorizer, classifier = _fit(
            [features[i] for i in train_idx],
            [rules_logits[i] for i in train_idx],
            [labels[i] for i in train_idx],
            [weights[i] for i in train_idx],
            min_df=min_df,
            c=c,
        )
        decision = _decision(
            vectorizer, classifier, [features[i] for i in test_idx], [rules_logits[i] for i in test_idx]
        )
        for i, value in zip(test_idx, decision, strict=True):
            oof[i] = value
    stack = numpy.array([[r, m] for r, m in zip(rules_logits, oof, strict=True)])
    calibrator = lr_cls(C=100.0, max_iter=1000)
    calibrator.fit(stack, list(labels), sample_weight=list(weights))
    rules_weight, model_weight = (float(x) for x in calibrator.coef_[0])
    bias = float(calibrator.intercept_[0])
    return Calibration(round(rules_weight, 4), round(model_weight, 4), round(bias, 4)), oof


def source_weights(
    sources: Sequence[str], labels: Sequence[int], caps: Sequence[float | None] | None = None
) -> list[float]:
    """Each row's training weight: a source's rows of one class count at most its cap in rows.

    The cap is the source's `max_weight` in sources.toml, else SOURCE_WEIGHT_CAP for the class.
    """
    sizes: dict[tuple[str, int], int] = {}
    for key in zip(sources, labels, strict=True):
        sizes[key] = sizes.get(key, 0) + 1
    caps = caps or [None] * len(labels)
    return [
        min(1.0, (cap if cap is not None else SOURCE_WEIGHT_CAP[key[1]]) / sizes[key])
        for key, cap in zip(zip(sources, labels, strict=True), caps, strict=True)
    ]


# The published cuts: the lowest score at which each level keeps its false-positive rate, averaged
# over the benign sets (each set counts alike, so 11,735 everyday comments cannot hide a set of
# warnings that trips the model), at or below this, out of fold.
TARGET_FALSE_POSITIVE_RATE = {"high": 0.005, "medium": 0.02}
MIN_CUT = {"high": 0.8, "medium": 0.5}  # never below these: a level is also a probability


def macro_false_positive_rate(
    scores: Sequence[float], labels: Sequence[int], sources: Sequence[str], cut: float
) -> float:
    """Mean over sources with 20+ benign posts of the share of them scoring at or above `cut`."""
    per: dict[str, list[int]] = {}
    for score, label, source in zip(scores, labels, sources, strict=True):
        if label == 0:
            per.setdefault(source, []).append(int(score >= cut))
    rates = [sum(v) / len(v) for v in per.values() if len(v) >= 20]
    return sum(rates) / len(rates) if rates else 0.0


def choose_cuts(scores: Sequence[float], labels: Sequence[int], sources: Sequence[str]) -> dict[str, float]:
    """For each level, the lowest cut (in steps of 0.01) that meets its false-positive target."""
    cuts: dict[str, float] = {}
    for level, target in TARGET_FALSE_POSITIVE_RATE.items():
        cut = MIN_CUT[level]
        while cut < 0.99 and macro_false_positive_rate(scores, labels, sources, cut) > target:
            cut = round(cut + 0.01, 2)
        cuts[level] = cut
    cuts["high"] = max(cuts["high"], cuts["medium"])
    return cuts


def check_cuts(cuts: dict[str, float]) -> dict[str, float]:
    """Given cuts, checked: only flagged levels, each a score in (0, 1]."""
    for level, cut in cuts.items():
        if level not in TARGET_FALSE_POSITIVE_RATE:
            raise TrainingError(f"no cut for level {level!r}: give {' or '.join(TARGET_FALSE_POSITIVE_RATE)}")
        if isinstance(cut, bool) or not isinstance(cut, (int, float)) or not 0 < cut <= 1:
            raise TrainingError(f"the {level} cut must be a score in (0, 1], not {cut!r}")
    if cuts.get("high", 1) < cuts.get("medium", 0):
        raise TrainingError(f"the high cut {cuts['high']} is below the medium cut {cuts['medium']}")
    return {level: float(cut) for level, cut in cuts.items()}


def train(
    paths: Sequence[str | Path],
    *,
    version: str,
    folds: int = 5,
    cuts: dict[str, float] | None = None,
    allow_unlisted: bool = False,
    min_df: int = 2,
    c: float = DEFAULT_C,
    progress: Any = None,
) -> TrainResult:
    """Train, calibrate and measure a model on labeled JSONL files (see the module docstring).

    Each level's cut is searched (`choose_cuts`) unless `cuts` gives it ({"medium": 0.81}); the
    thresholds file and the model card then say which were given and what the search found.
    """
    _sklearn()
    given = check_cuts(cuts or {})  # before the long part: a typo must not cost a training run
    from warnlib.scorer import Scorer

    examples, manifest = read_examples(paths, allow_unlisted=allow_unlisted)
    scorer = Scorer(model=None)
    features: list[ModelInput] = []
    rules_logits: list[float] = []
    iterator = progress(examples) if progress else examples
    for example in iterator:
        analysis = scorer.analyze(example.text[: scorer.max_chars])
        features.append(analysis.model_input)
        rules_logits.append(analysis.rules.logit)
    labels = [e.label for e in examples]
    sources = [e.source for e in examples]
    weights = source_weights(sources, labels, [e.max_weight for e in examples])
    groups = [e.group for e in examples]

    calibration, oof = calibrate(features, rules_logits, labels, weights, groups, folds=folds, min_df=min_df, c=c)
    oof_scores = [sigmoid(calibration.logit(r, m)) for r, m in zip(rules_logits, oof, strict=True)]

    vectorizer, classifier = _fit(features, rules_logits, labels, weights, min_df=min_df, c=c)
    searched = choose_cuts(oof_scores, labels, sources)
    cuts = {**searched, **given}
    if cuts["high"] < cuts["medium"]:
        raise TrainingError(f"the high cut {cuts['high']} is below the medium cut {cuts['medium']}")
    points = operating_points(oof_scores, labels, sources, cuts)
    fitted = _to_model(vectorizer, classifier, version=version, min_weight=PRUNE_BELOW)
    model = dataclasses.replace(
        fitted,
        calibration=calibration,
        rules_version=scorer.version["rules"],
        manifest={
            "trained_on": manifest,
            "rows": len(examples),
            "features": len(fitted.weights),
            "folds": folds,
            "min_df": min_df,
            "C": c,
            "source_weight_cap": SOURCE_WEIGHT_CAP,
        },
    )
    rules_points = operating_points([sigmoid(r) for r in rules_logits], labels, sources, RULES_ONLY_CUTS)
    return TrainResult(model, oof_scores, labels, sources, points, rules_points, searched, given)


def thresholds_toml(result: TrainResult) -> str:
    """The thresholds file: each level's cut and how it performed, on which data, for which versions."""
    files = ", ".join(f"{m['file']} ({m['rows']})" for m in result.model.manifest["trained_on"])
    lines = [
        "# Written by `warnlib train`: the score each level starts at, and how that cut performed on",
        "# out-of-fold predictions (each post scored by a model that never saw its group: its channel,",
        "# its hand-written set, or its slice of a large real set). Each cut is the lowest that keeps",
        "# the false-positive rate, averaged over the benign sets, under the level's target",
        f"# ({', '.join(f'{k} {v:.2%}' for k, v in TARGET_FALSE_POSITIVE_RATE.items())}). Re-train to change it.",
        *([f"# {result.cut_note()}"] if result.given_cuts else []),
        "",
        "[version]",
        f'rules = "{result.model.rules_version}"',
        f'model = "{result.model.version}"',
        "",
        "[measured_on]",
        f'method = "{result.model.manifest["folds"]}-fold out-of-fold predictions, folds grouped by source"',
        f'files = "{files}"',
        f"posts = {len(result.labels)}",
        f"scam = {sum(result.labels)}",
    ]
    for level, point in result.operating_points.items():
        lines += ["", f"[levels.{level}]"]
        lines += [f"{key} = {value}" for key, value in point.items()]
    lines += [
        "",
        "# The rules alone (`Scorer(model=None)`), at their hand-set cuts, on the same posts. The rules",
        "# were tuned on some of these sets, so this is not a held-out figure.",
    ]
    for level, point in result.rules_only_points.items():
        lines += ["", f"[rules_only.levels.{level}]"]
        lines += [f"{key} = {value}" for key, value in point.items()]
    medium = result.operating_points.get("medium", {}).get("min_score", 0.5)
    counts: dict[str, list[int]] = {}
    for score, label, source in zip(result.oof_scores, result.labels, result.sources, strict=True):
        row = counts.setdefault(source, [0, 0, 0, 0])  # scam, scam flagged, benign, benign flagged
        row[0 if label else 2] += 1
        row[1 if label else 3] += int(score >= medium)
    lines += ["", "# Each file, out of fold: how many of its scam and benign posts were flagged (medium+)."]
    lines += ["[flagged_by_file]"]
    for source, (scam, scam_flagged, benign, benign_flagged) in sorted(counts.items()):
        lines.append(
            f'"{source}" = {{ scam = {scam}, scam_flagged = {scam_flagged}, '
            f"benign = {benign}, benign_flagged = {benign_flagged} }}"
        )
    return "\n".join(lines) + "\n"


def model_card(result: TrainResult) -> str:
    """A readable manifest of the shipped model: what it was trained on, under which licences."""
    model = result.model
    rows = [
        f"| {m['file']} | {m['rows']} | {m['scam']} | {m['licence']} | `{m['sha256'][:12]}` |"
        for m in model.manifest["trained_on"]
    ]
    points = [
        f"| {level} | >= {p['min_score']} | {p['precision']:.3f} | {p['recall']:.3f} | "
        f"{p['false_positive_rate']:.4f} | {p['macro_false_positive_rate']:.4f} |"
        for level, p in result.operating_points.items()
    ]
    cal = model.calibration
    return "\n".join(
        [
            f"# The shipped text model, version {model.version}",
            "",
            "Written by `warnlib train` (see `scripts/train_model.sh`); do not edit by hand.",
            f"Rules version {model.rules_version}; {len(model.weights)} features; "
            f"{model.manifest['rows']} training posts.",
            "",
            "## Trained on",
            "",
            "Only files whose licence allows shipping the result (`warnlib/data/sources.toml`); the",
            "Cofacts set (CC BY-SA) and the held-out batches are never trained on.",
            "",
            "| file | posts | scam | licence | sha256 |",
            "|---|---:|---:|---|---|",
            *rows,
            "",
            "COLD: thu-coai/COLDataset (Apache-2.0). ScamSpot: ScamSpot/scamspot_ig-comment-scraper (MIT).",
            "janitr: janitrai/janitr (MIT). Pump-and-dump channels: MaBlock7/Essentials_UZH (MIT).",
            "",
            "## How it combines with the rules",
            "",
            f"`logit = {cal.rules_weight} x rules + {cal.model_weight} x model + {cal.bias}`, where the model's",
            f"own log-odds already hold `{model.rules_coef} x rules` (fitted with the n-grams). Fitted on",
            f"{model.manifest['folds']}-fold out-of-fold predictions, folds grouped by source.",
            "",
            "## Operating points (out of fold)",
            "",
            "| level | score | precision | recall | false positives | per benign set |",
            "|---|---|---:|---:|---:|---:|",
            *points,
            *(["", result.cut_note()] if result.given_cuts else []),
            "",
        ]
    )
