"""Side-by-side quality: rules only, rules + model, and a plain TF-IDF + LR baseline, on every set.

    python bench/quality.py [--shared ../shared/data] [--jobs 2] [--only SET[,SET...]]

Every labeled set found in ../shared/data and tests/data is scored three ways:

- **rules**: the rules-only scorer (`Scorer(model=None)`), no training involved;
- **rules+model**: warnlib's own training pipeline (`warnlib.training`: features from
  `Scorer.analyze`, grouped out-of-fold calibration), trained without the set under test;
- **baseline**: scikit-learn `TfidfVectorizer(char_wb, 1-3)` + `LogisticRegression` on the raw
  text, trained on exactly the same rows.

No source or channel leaks between training and test: a hand-written set is left out whole
(and its sibling batches by the same hand stay in, as they would for a new post); a large real
set is split in five folds by channel (pump-and-dump) or by a hash of the post, and each fold is
tested on models trained on the other four plus every other set. Sets whose licence forbids
training (Cofacts), every held-out batch (a name ending in -holdout) and janitr-valid are only
ever tested, on models trained on everything trainable.

ROC-AUC needs both classes: for a one-class set (all scam, or all benign) it is computed against
the opposite class of the same language from every other set, scored out of fold the same way.
Recall is the share of scam posts at `medium` or above; FPR the share of benign ones.

`--only` tests just the named sets (every other set still trains the models, as in a full run):
a few minutes for one real set instead of the whole table. A one-class set's ROC-AUC needs the
other sets' out-of-fold scores, so it shows as '-' there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from warnlib.combine import sigmoid  # noqa: E402
from warnlib.evaluate import roc_auc  # noqa: E402
from warnlib.model import ModelInput  # noqa: E402
from warnlib.training import DEFAULT_C, calibrate, known_sources, licence_of, source_weights  # noqa: E402
from warnlib.types import RULES_ONLY_CUTS  # noqa: E402

# Never trained on: every hand-written *-holdout batch (as scripts/train_model.sh skips them) and
# janitr's validation split.
HOLDOUT_SUFFIX = "-holdout"
HOLDOUT_EXTERNAL = {"janitr-en-valid"}
LARGE = 1000  # sets at least this big are tested in folds, not left out whole
FOLDS = 5


@dataclass
class Row:
    set: str
    text: str
    label: int
    fold: str  # the unit left out together
    lang: str
    max_weight: float | None = None  # the set's training weight cap from sources.toml


def find_sets(shared: Path) -> dict[str, Path]:
    paths = sorted((ROOT / "tests" / "data").glob("*.jsonl"))
    if shared.is_dir():
        paths += sorted(shared.glob("*.jsonl")) + sorted((shared / "external").glob("*.jsonl"))
    return {p.stem: p for p in paths}


def load(sets: dict[str, Path]) -> list[Row]:
    from warnlib.scorer import detect_language

    rows: list[Row] = []
    sources = known_sources()
    for name, path in sets.items():
        entry = licence_of(path, sources)
        cap = entry.max_weight if entry else None
        raw = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]
        for r in raw:
            if not isinstance(r.get("text"), str) or r.get("label") not in (0, 1):
                continue
            if len(raw) >= LARGE:
                key = str(r.get("channel") or r.get("id") or r["text"])
                fold = f"{name}#{int(hashlib.sha256(key.encode()).hexdigest(), 16) % FOLDS}"
            else:
                fold = name
            lang = "zh" if detect_language(r["text"]) == "zh" else "en"
            rows.append(Row(name, r["text"], int(r["label"]), fold, lang, cap))
    return rows


def trainable(name: str, path: Path) -> bool:
    entry = licence_of(path, known_sources())
    return entry is not None and entry.ship and not (name.endswith(HOLDOUT_SUFFIX) or name in HOLDOUT_EXTERNAL)


def _features(rows: list[Row]) -> tuple[list[ModelInput], list[float]]:
    from warnlib.scorer import Scorer

    scorer = Scorer(model=None)
    features, logits = [], []
    for row in rows:
        analysis = scorer.analyze(row.text[: scorer.max_chars])
        features.append(analysis.model_input)
        logits.append(analysis.rules.logit)
    return features, logits


_SHARED: dict = {}


def _init(features: list[ModelInput], logits: list[float], rows: list[Row]) -> None:
    _SHARED.update(features=features, logits=logits, rows=rows)


def _run_fold(train_idx: list[int], test_idx: list[int]) -> dict[int, tuple[float, float]]:
    """Scores (rules+model, baseline) of the test rows, from models fitted on the train rows."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from warnlib.training import _decision, _fit

    features, logits, rows = _SHARED["features"], _SHARED["logits"], _SHARED["rows"]
    f_train = [features[i] for i in train_idx]
    y_train = [rows[i].label for i in train_idx]
    w_train = source_weights([rows[i].set for i in train_idx], y_train, [rows[i].max_weight for i in train_idx])
    groups = [rows[i].fold for i in train_idx]
    calibration, _ = calibrate(f_train, [logits[i] for i in train_idx], y_train, w_train, groups, folds=3, c=DEFAULT_C)
    r_train = [logits[i] for i in train_idx]
    vectorizer, classifier = _fit(f_train, r_train, y_train, w_train, min_df=2, c=DEFAULT_C)
    model_logits = _decision(vectorizer, classifier, [features[i] for i in test_idx], [logits[i] for i in test_idx])

    baseline_vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
    baseline = LogisticRegression(max_iter=2000)
    baseline.fit(baseline_vec.fit_transform([rows[i].text for i in train_idx]), y_train)
    baseline_p = baseline.predict_proba(baseline_vec.transform([rows[i].text for i in test_idx]))[:, 1]

    out = {}
    for i, m, b in zip(test_idx, model_logits, baseline_p, strict=True):
        out[i] = (sigmoid(calibration.logit(logits[i], float(m))), float(b))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", default="", help="comma-separated set names to test (default: all)")
    args = parser.parse_args()

    from warnlib.scorer import Thresholds

    sets = find_sets(args.shared)
    only = {name for name in args.only.split(",") if name}
    if only - sets.keys():
        parser.error(f"no such set: {', '.join(sorted(only - sets.keys()))}; sets: {', '.join(sets)}")
    started = time.perf_counter()
    rows = load(sets)
    features, logits = _features(rows)
    can_train = {name: trainable(name, path) for name, path in sets.items()}
    units = sorted({r.fold for r in rows if can_train[r.set]})
    jobs = []
    for unit in units:
        test = [i for i, r in enumerate(rows) if r.fold == unit and (not only or r.set in only)]
        if not test:
            continue
        train = [i for i, r in enumerate(rows) if can_train[r.set] and r.fold != unit]
        jobs.append((train, test))
    eval_only = [i for i, r in enumerate(rows) if not can_train[r.set] and (not only or r.set in only)]
    if eval_only:
        jobs.append(([i for i, r in enumerate(rows) if can_train[r.set]], eval_only))

    scores: dict[int, tuple[float, float]] = {}
    with ProcessPoolExecutor(args.jobs, initializer=_init, initargs=(features, logits, rows)) as pool:
        for result in pool.map(_run_fold, *zip(*jobs, strict=True)):
            scores.update(result)
    # Each contender at its own cut: the published one for rules + model, the rules' hand-set one
    # for the rules alone, 0.5 (its probability) for the baseline.
    cuts = (RULES_ONLY_CUTS["medium"], Thresholds().medium, 0.5)
    medium = cuts[1]
    rules_p = [sigmoid(z) for z in logits]

    def metrics(idx: list[int], kind: int) -> tuple[str, str, str]:
        def score(i: int) -> float:
            return rules_p[i] if kind == 0 else scores[i][kind - 1]

        labels = [rows[i].label for i in idx]
        if len(set(labels)) == 2:
            auc = roc_auc([score(i) for i in idx], labels)
        elif only:  # the other sets were not scored
            auc = None
        else:  # against the other class of the same language, from every other set
            lang = rows[idx[0]].lang
            other = [
                i for i, r in enumerate(rows) if r.lang == lang and r.label != labels[0] and r.set != rows[idx[0]].set
            ]
            pool = idx + other
            auc = roc_auc([score(i) for i in pool], [rows[i].label for i in pool]) if other else None
        pos = [i for i in idx if rows[i].label == 1]
        neg = [i for i in idx if rows[i].label == 0]
        cut = cuts[kind]
        recall = f"{sum(score(i) >= cut for i in pos) / len(pos):.3f}" if pos else "  -  "
        fpr = f"{sum(score(i) >= cut for i in neg) / len(neg):.4f}" if neg else "  -   "
        return (f"{auc:.4f}" if auc is not None else "  -   "), recall, fpr

    print(
        f"{len(rows)} posts in {len(sets)} sets; {len(jobs)} train/test splits; flagged = medium or higher "
        f"(rules {cuts[0]}, rules+model {medium}, baseline {cuts[2]})"
    )
    head = f"{'set':<24} {'posts':>6} {'scam':>5}  " + "  ".join(
        f"{name:^26}" for name in ("rules", "rules+model", "TF-IDF+LR baseline")
    )
    print(head)
    print(f"{'':<24} {'':>6} {'':>5}  " + "  ".join(f"{'AUC':>7} {'recall':>7} {'FPR':>8}  " for _ in range(3)))
    for name in sets:
        if only and name not in only:
            continue
        idx = [i for i, r in enumerate(rows) if r.set == name]
        if not idx:
            continue
        cells = [metrics(idx, kind) for kind in range(3)]
        tag = "" if can_train[name] else " *"
        print(
            f"{name + tag:<24} {len(idx):>6} {sum(rows[i].label for i in idx):>5}  "
            + "  ".join(f"{a:>7} {r:>7} {f:>8}  " for a, r, f in cells)
        )
    print("* never trained on (held out, or its licence forbids it); scored by models trained on every other set")
    print(f"took {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
