"""The learned text model: one linear layer over what the rules cannot weigh by hand.

The model reads three kinds of features of a post, all computed from the *normalized* text
(so look-alikes, full-width letters and traditional characters are already folded):

- ``g:`` character 1-3-grams, digits folded to ``0`` and spaces to `` `` (the same set the
  rule prefilter computes, so the model costs almost nothing extra per post);
- ``w:`` Latin words, and ``@`` for any @handle;
- ``r:`` / ``c:`` / ``x:`` the ids of the rules, the categories and the context cues that fired,
  so the model learns how far to trust each detector in each company.

The weights are those of a TF-IDF (binary term frequency, L2-normalised) logistic regression,
trained by ``warnlib train`` with scikit-learn and stored as a small gzip'd JSON file. Inference
is a dictionary walk in pure Python: no scikit-learn, no NumPy at run time.

A trained file also carries its *calibration* (how to add the model's log-odds to the rules',
fitted on held-out folds so the result behaves like a probability) and a *manifest* of the data
it was trained on. ``load_model()`` reads the file shipped in the package, once, lazily.
"""

from __future__ import annotations

import gzip
import json
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

MODEL_FORMAT = 1
BUILTIN_MODEL = "model.json.gz"
# Terms shorter than this are too generic to show a reader as evidence (a lone 的 or "a").
MIN_EVIDENCE_CHARS = 2
_WORD = re.compile(r"@[a-z0-9_.]{2,30}|[a-z][a-z0-9']{1,24}")


class ModelError(ValueError):
    """A model file is missing, unreadable or of an unknown format; the message says which."""


@dataclass(frozen=True)
class ModelInput:
    """What the model sees of one post (built by the scorer; see `model_input`)."""

    ngrams: frozenset[str]
    words: frozenset[str]
    detectors: frozenset[str]

    def features(self) -> Iterable[str]:
        yield from ("g:" + g for g in self.ngrams)
        yield from ("w:" + w for w in self.words)
        yield from self.detectors


def model_input(
    ngrams: frozenset[str], normalized_text: str, rules: Iterable[str], categories: Iterable[str], cues: Iterable[str]
) -> ModelInput:
    """The model's view of a post: its n-grams, Latin words and which detectors fired."""
    words = frozenset("@" if w.startswith("@") else w for w in _WORD.findall(normalized_text))
    detectors = frozenset([*("r:" + r for r in rules), *("c:" + c for c in categories), *("x:" + x for x in cues)])
    return ModelInput(ngrams, words, detectors)


@dataclass(frozen=True)
class Calibration:
    """How the model's and the rules' log-odds add up to a probability-like score.

    ``logit = rules_weight * rules_logit + model_weight * model_logit + bias``, fitted by a
    logistic regression on out-of-fold predictions (see `warnlib.training`).
    """

    rules_weight: float = 1.0
    model_weight: float = 1.0
    bias: float = 0.0


@dataclass(frozen=True)
class Term:
    """One feature's push on the model's log-odds (positive: towards scam)."""

    feature: str
    contribution: float

    @property
    def text(self) -> str | None:
        """The n-gram or word this term stands for in the normalized text, or None for detectors."""
        kind, _, value = self.feature.partition(":")
        return value if kind in ("g", "w") and value != "@" else None


@dataclass(frozen=True)
class LinearTextModel:
    """A trained linear model; `logit()` scores a `ModelInput`, `terms()` explains it."""

    version: str
    intercept: float
    # feature -> (coefficient * idf, idf ** 2): the two numbers the L2-normalised dot product needs.
    weights: dict[str, tuple[float, float]]
    calibration: Calibration = Calibration()
    rules_version: str = ""
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)

    def _present(self, features: ModelInput) -> list[tuple[str, float, float]]:
        get = self.weights.get
        out = []
        for feature in features.features():
            entry = get(feature)
            if entry is not None:
                out.append((feature, entry[0], entry[1]))
        return out

    def logit(self, features: ModelInput) -> float:
        """Log-odds that the post is a scam solicitation, by the model alone."""
        present = self._present(features)
        norm = math.sqrt(sum(n for _, _, n in present))
        if not norm:
            return self.intercept
        return self.intercept + sum(w for _, w, _ in present) / norm

    def terms(self, features: ModelInput) -> list[Term]:
        """Every present feature's contribution, strongest push towards scam first."""
        present = self._present(features)
        norm = math.sqrt(sum(n for _, _, n in present)) or 1.0
        terms = [Term(f, w / norm) for f, w, _ in present]
        terms.sort(key=lambda t: -t.contribution)
        return terms

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": self.version,
            "rules_version": self.rules_version,
            "intercept": self.intercept,
            "calibration": {
                "rules_weight": self.calibration.rules_weight,
                "model_weight": self.calibration.model_weight,
                "bias": self.calibration.bias,
            },
            "manifest": self.manifest,
            "weights": {f: [round(w, 5), round(n, 4)] for f, (w, n) in sorted(self.weights.items())},
        }

    def save(self, path: str | Path) -> None:
        data = json.dumps(self.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        # mtime=0: the same model always gives the same bytes.
        Path(path).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))

    @classmethod
    def from_json(cls, data: dict[str, Any], *, source: str = "<data>") -> LinearTextModel:
        if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
            raise ModelError(f"{source}: not a warnlib model of format {MODEL_FORMAT}")
        try:
            cal = data.get("calibration", {})
            return cls(
                version=str(data["version"]),
                intercept=float(data["intercept"]),
                weights={str(f): (float(v[0]), float(v[1])) for f, v in data["weights"].items()},
                calibration=Calibration(
                    float(cal.get("rules_weight", 1.0)), float(cal.get("model_weight", 1.0)), float(cal.get("bias", 0.0))
                ),
                rules_version=str(data.get("rules_version", "")),
                manifest=dict(data.get("manifest", {})),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ModelError(f"{source}: malformed model file: {exc!r}") from exc


def read_model(path: str | Path) -> LinearTextModel:
    """Load a model file written by ``warnlib train`` (gzip'd or plain JSON)."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read model {file}: {exc}") from exc
    return _parse(raw, str(file))


def _parse(raw: bytes, source: str) -> LinearTextModel:
    try:
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        data = json.loads(raw.decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{source}: not a readable model file: {exc}") from exc
    return LinearTextModel.from_json(data, source=source)


_builtin: LinearTextModel | None = None
_builtin_lock = threading.Lock()


def load_model() -> LinearTextModel:
    """The model shipped in the package, read once (thread-safe) on first use."""
    global _builtin
    if _builtin is None:
        with _builtin_lock:
            if _builtin is None:
                raw = resources.files("warnlib.data").joinpath(BUILTIN_MODEL).read_bytes()
                _builtin = _parse(raw, f"warnlib/data/{BUILTIN_MODEL}")
    return _builtin
