"""Evaluation of a scorer on labeled JSONL: `{"text": ..., "label": 0|1, ...any fields}`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warnlib.scorer import Scorer
from warnlib.types import FLAGGED_LEVELS as FLAG_LEVELS


def is_flagged(level: str) -> bool:
    """The one definition of "flagged": the reader sees a warning (level medium or high)."""
    return level in FLAG_LEVELS


@dataclass
class LabeledRow:
    line: int
    text: str
    label: int
    group: str


@dataclass
class EvalReport:
    """Metrics for "flagged" = level medium or high."""

    total: int
    positives: int
    negatives: int
    true_positives: int
    false_positives: int
    true_negatives: int
    false_negatives: int
    precision: float
    recall: float
    f1: float
    roc_auc: float | None
    levels: dict[str, dict[str, int]]
    recall_by_group: dict[str, dict[str, float | int]]
    false_positives_by_group: dict[str, dict[str, float | int]]
    posts_per_second: float
    skipped: list[dict[str, Any]] = field(default_factory=list)
    reliability: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_labeled(path: str | Path, *, group_by: str = "category") -> Iterator[LabeledRow | dict[str, Any]]:
    """Yield labeled rows; malformed lines come back as `{"line", "error"}` dicts, never dropped."""
    with open(path, encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield {"line": number, "error": f"invalid JSON: {exc.msg}"}
                continue
            if not isinstance(row, dict) or not isinstance(row.get("text"), str) or row.get("label") not in (0, 1):
                yield {"line": number, "error": "needs a string 'text' and a 'label' of 0 or 1"}
                continue
            yield LabeledRow(number, row["text"], int(row["label"]), str(row.get(group_by, "") or "-"))


def roc_auc(scores: list[float], labels: list[int]) -> float | None:
    """Area under the ROC curve (Mann-Whitney, ties counted half); None if one class is absent."""
    positives = sum(labels)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return None
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    rank_sum = 0.0
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        average_rank = (i + j) / 2 + 1
        rank_sum += sum(average_rank for k in range(i, j + 1) if labels[order[k]] == 1)
        i = j + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


RELIABILITY_BINS = 10


def reliability(scores: list[float], labels: list[int], bins: int = RELIABILITY_BINS) -> list[dict[str, Any]]:
    """Posts grouped by score into equal-width bins: each bin's mean score beside its scam rate."""
    out = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [
            (s, y) for s, y in zip(scores, labels, strict=True) if low <= s < high or (b == bins - 1 and s == 1.0)
        ]
        n = len(members)
        out.append(
            {
                "low": low,
                "high": high,
                "n": n,
                "mean_score": round(sum(s for s, _ in members) / n, 4) if n else None,
                "scam_rate": round(sum(y for _, y in members) / n, 4) if n else None,
            }
        )
    return out


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def evaluate(scorer: Scorer, rows: Iterable[LabeledRow | dict[str, Any]], *, locale: str = "zh") -> EvalReport:
    labels: list[int] = []
    scores: list[float] = []
    levels = {"1": {"low": 0, "medium": 0, "high": 0}, "0": {"low": 0, "medium": 0, "high": 0}}
    by_group_pos: dict[str, list[int]] = {}
    by_group_neg: dict[str, list[int]] = {}
    skipped: list[dict[str, Any]] = []
    elapsed = 0.0
    for row in rows:
        if isinstance(row, dict):
            skipped.append(row)
            continue
        started = time.perf_counter()
        try:
            assessment = scorer.score(row.text, locale=locale)  # type: ignore[arg-type]
        except ValueError as exc:
            skipped.append({"line": row.line, "error": str(exc)})
            continue
        elapsed += time.perf_counter() - started
        flagged = int(is_flagged(assessment.level))
        labels.append(row.label)
        scores.append(assessment.score)
        levels[str(row.label)][assessment.level] += 1
        target = by_group_pos if row.label == 1 else by_group_neg
        target.setdefault(row.group, []).append(flagged)
    tp = sum(levels["1"][level] for level in FLAG_LEVELS)
    fp = sum(levels["0"][level] for level in FLAG_LEVELS)
    positives = sum(labels)
    negatives = len(labels) - positives
    fn, tn = positives - tp, negatives - fp
    precision = _ratio(tp, tp + fp)
    recall = _ratio(tp, positives)
    f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
    auc = roc_auc(scores, labels)
    return EvalReport(
        total=len(labels),
        positives=positives,
        negatives=negatives,
        true_positives=tp,
        false_positives=fp,
        true_negatives=tn,
        false_negatives=fn,
        precision=precision,
        recall=recall,
        f1=f1,
        roc_auc=round(auc, 4) if auc is not None else None,
        levels=levels,
        recall_by_group={
            g: {"n": len(v), "flagged": sum(v), "recall": _ratio(sum(v), len(v))}
            for g, v in sorted(by_group_pos.items())
        },
        false_positives_by_group={
            g: {"n": len(v), "flagged": sum(v), "rate": _ratio(sum(v), len(v))} for g, v in sorted(by_group_neg.items())
        },
        posts_per_second=round(len(labels) / elapsed, 1) if elapsed else 0.0,
        skipped=skipped,
        reliability=reliability(scores, labels),
    )
