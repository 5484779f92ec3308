"""The learned text model: one linear layer over what the rules cannot weigh by hand.

The model reads three kinds of features of a post, all computed from the *normalized* text
(so look-alikes, full-width letters and traditional characters are already folded):

- ``g:`` character 1-3-grams that hold a non-ASCII (in practice Chinese) character, digits folded to ``0`` and spaces
  to `` ``: Chinese is written without spaces, so its n-grams are its words. At scoring time
  one Aho-Corasick pass over the post finds the n-grams the model has weights for; the others
  are never built;
- ``w:`` Latin words and pairs of adjacent words, and ``@`` for any @handle: English has spaces,
  and its letter trigrams (``me ``, ``art``) say more about one data set's style than about scams;
- ``r:`` / ``c:`` / ``x:`` the ids of the rules, the categories and the context cues that fired,
  so the model learns how far to trust each detector in each company;
- the rules' own log-odds (`rules_coef` x it), fitted jointly: the n-gram weights learn only
  what the hand-weighted rules get wrong, so the model cannot outvote a clear rule verdict
  with topic words alone.

The weights are those of a logistic regression over binary features scaled by one over the
square root of the post's size in features, plus a small prior (`feature_scale`): its n-gram
windows (`ngram_windows`, counted without building them), its distinct words and its detector ids.
The scale needs no lookup, so features with a negligible weight can be pruned from the file
without changing any other's meaning. Trained
by ``warnlib train`` with scikit-learn and stored as a small gzip'd JSON file. Inference is a set
intersection and a sum in pure Python: no scikit-learn, no NumPy at run time.

A trained file also carries its *calibration* (how to add the model's log-odds to the rules',
fitted on held-out folds so the result behaves like a probability) and a *manifest* of the data
it was trained on. ``load_model()`` reads the file shipped in the package, once, lazily.
"""

from __future__ import annotations

import functools
import gzip
import heapq
import itertools
import json
import math
import operator
import re
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

# 3: a post's size counts n-gram windows, not distinct n-grams (format 2).
MODEL_FORMAT = 3
# Weights are stored to four decimals (`to_json`) and summed as integers of this unit.
_UNITS = 10_000
# How many of a post's strongest terms `ranked_terms` finds by a partial sort before sorting all.
_FIRST_TERMS = 12
BUILTIN_MODEL = "model.json.gz"
# Runs of ASCII (their n-grams are not features), and ASCII characters alone between others.
_ASCII_RUN = re.compile(r"[\x00-\x7f]{1,1000000}")
_LONE_ASCII = re.compile(r"(?<![\x00-\x7f])[\x00-\x7f](?![\x00-\x7f])")
# A link is one token ("url"): its letters (https, www, com) say nothing about the post.
# It starts with the set of characters a token can start with, so a search skips the rest; the
# look-behinds then say which kind the first character began (a link before a word).
_WORD = re.compile(
    r"[a-z\d@](?:(?<=h)ttps?://[^\s]{1,300}|(?<=w)ww\.[^\s]{1,300}|(?<=@)[a-z0-9_.]{2,30}|(?<=[a-z])[a-z0-9']{1,24}"
    r"|(?<=\d)[\d,.]{0,12}[kx%]?)"
)


# Added to a post's feature count before the square root: a prior that shrinks what a post with
# very few features can say (a bare link is one feature; it must not carry its full weight).
SCALE_PRIOR = 8


def feature_scale(count: int) -> float:
    """What each feature of a post with `count` features is multiplied by (training and scoring)."""
    return 1.0 / math.sqrt(count + SCALE_PRIOR)


class ModelError(ValueError):
    """A model file is missing, unreadable or of an unknown format; the message says which."""


@dataclass(frozen=True)
class ModelInput:
    """What the model sees of one post (built by the scorer; see `model_input`)."""

    # The post's n-grams: a frozenset, or (from `LinearTextModel.known_ngrams`) a set of positions
    # in that model's vocabulary that reads as one.
    ngrams: AbstractSet[str]
    words: frozenset[str]
    detectors: frozenset[str]
    rules_logit: float = 0.0
    # The post's n-gram windows (`ngram_windows`): its n-gram part of the size `feature_scale` uses.
    ngram_windows: int = 0

    @property
    def size(self) -> int:
        """What `feature_scale` divides by: n-gram windows, distinct words, detector ids."""
        return self.ngram_windows + len(self.words) + len(self.detectors)

    def features(self) -> Iterable[str]:
        yield from ("g:" + g for g in self.ngrams)
        yield from ("w:" + w for w in self.words)
        yield from self.detectors


def _token(word: str) -> str:
    """A word as the model sees it: a link is "url", an @handle "@", a number "0" (keeping k, x or %)."""
    if word.startswith(("http", "www.")) and ("://" in word or word.startswith("www.")):
        return "url"
    if word.startswith("@"):
        return "@"
    if word[0].isdigit():
        return "0" + word[-1] if word[-1] in "kx%" else "0"
    return word


def ngram_windows(folded: str) -> int:
    """How many windows of one to three characters of `folded` hold a non-ASCII character.

    Counted from the lengths of the ASCII runs, in C, without building a single n-gram.
    """
    if folded.isascii():
        return 0
    # A run of L characters holds L + (L - 1) + (L - 2) windows when L >= 2, that is 3L - 3,
    # and one when L == 1: so the ASCII runs hold 3 x (their characters - their count) plus
    # the number of runs of one character.
    runs = _ASCII_RUN.findall(folded)
    lone = len(_LONE_ASCII.findall(folded))
    ascii_windows = 3 * (sum(map(len, runs)) - len(runs)) + lone
    return _windows(len(folded)) - ascii_windows


def _windows(length: int) -> int:
    return 1 if length == 1 else max(0, 3 * length - 3)


def char_ngrams(folded: str) -> set[str]:
    """Every substring of one to three characters of `folded` (the normalized text through
    `fold_text`: digits as "0", spaces as " "). Pairs and triples are built by `map` over
    shifted copies of the string, which runs in C, several times faster than slicing in a loop."""
    pairs = list(map(operator.add, folded, folded[1:]))
    out = set(folded)
    out.update(pairs)
    out.update(map(operator.add, pairs, folded[2:]))
    return out


def model_input(
    folded: str,
    normalized_text: str,
    rules: Iterable[str],
    categories: Iterable[str],
    cues: Iterable[str],
    rules_logit: float,
    *,
    known_ngrams: Callable[[str], AbstractSet[str]] | None = None,
) -> ModelInput:
    """The model's view of a post: its n-grams, Latin words, which detectors fired, the rules' verdict.

    With `known_ngrams` (a model's `LinearTextModel.known_ngrams`), `ngrams` holds only the
    n-grams that model has weights for (what scoring needs, found in one pass); without, every
    n-gram (what training needs). Both give that model the same log-odds.
    """
    tokens = [_token(w) for w in _WORD.findall(normalized_text)]
    words = frozenset([*tokens, *(f"{a} {b}" for a, b in itertools.pairwise(tokens))])
    # Chinese (and emoji) n-grams: all but the pure-ASCII ones. filter() calls the C method
    # directly, several times faster than a generator over a post's few hundred n-grams.
    if normalized_text.isascii():
        ngrams: AbstractSet[str] = frozenset()
    elif known_ngrams is not None:
        ngrams = known_ngrams(folded)
    else:
        every = char_ngrams(folded)
        every.difference_update(list(filter(str.isascii, every)))
        ngrams = frozenset(every)
    detectors = frozenset([*("r:" + r for r in rules), *("c:" + c for c in categories), *("x:" + x for x in cues)])
    return ModelInput(ngrams, words, detectors, rules_logit, ngram_windows(folded))


@dataclass(frozen=True)
class Calibration:
    """How the model's and the rules' log-odds add up to a probability-like score.

    ``logit = rules_weight * rules_logit + model_weight * model_logit + bias``, fitted by a
    logistic regression on out-of-fold predictions (see `warnlib.training`).
    """

    rules_weight: float = 1.0
    model_weight: float = 1.0
    bias: float = 0.0

    def logit(self, rules_logit: float, model_logit: float) -> float:
        """The calibrated log-odds of a post (its score is this through a sigmoid)."""
        return self.rules_weight * rules_logit + self.model_weight * model_logit + self.bias


@dataclass(frozen=True)
class FeatureContribution:
    """One feature's push on the model's log-odds (positive: towards scam)."""

    feature: str
    contribution: float

    @property
    def text(self) -> str | None:
        """The n-gram or word this term stands for in the normalized text, or None for detectors."""
        kind, _, value = self.feature.partition(":")
        return value if kind in ("g", "w") and value != "@" else None


class KnownNgrams(AbstractSet[str]):
    """The n-grams of a post that a model has weights for, held as positions in its vocabulary.

    What `LinearTextModel.known_ngrams` returns: it reads as a set of n-grams (`in`, iteration,
    equality with a frozenset), while the model that built it sums their weights from one array
    by position, without hashing a string or touching its large dictionary once per n-gram.
    """

    __slots__ = ("ids", "model")

    def __init__(self, ids: frozenset[int], model: LinearTextModel) -> None:
        self.ids = ids
        self.model = model

    def __contains__(self, ngram: object) -> bool:
        return self.model._ngram_ids.get(ngram, -1) in self.ids  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[str]:
        keys = self.model._ngram_keys  # type: ignore[attr-defined]
        return (keys[i] for i in self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __hash__(self) -> int:
        return self._hash()

    def __repr__(self) -> str:
        return f"KnownNgrams({sorted(self)!r})"


@dataclass(frozen=True)
class LinearTextModel:
    """A trained linear model; `logit()` scores a `ModelInput`, `terms()` explains it."""

    version: str
    intercept: float
    # feature -> coefficient, for every feature whose weight survived pruning.
    weights: dict[str, float]
    calibration: Calibration = Calibration()
    # Weight of the rules' log-odds inside the model (fitted with the n-grams).
    rules_coef: float = 0.0
    rules_version: str = ""
    manifest: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        # Split by kind once, so scoring looks a post's n-grams up in the vocabulary instead of
        # building a prefixed string per n-gram.
        by_kind: dict[str, dict[str, float]] = {"g": {}, "w": {}, "": {}}
        for feature, entry in self.weights.items():
            kind, _, value = feature.partition(":")
            if kind in ("g", "w"):
                by_kind[kind][value] = entry
            else:
                by_kind[""][feature] = entry
        object.__setattr__(self, "_tables", tuple((kind, table) for kind, table in by_kind.items()))
        # The same weights in units of 1e-4 (the file's precision), for `logit`: a sum of integers
        # is exact whatever order a set iterates in, as math.fsum of floats is, at a third of the cost.
        object.__setattr__(
            self,
            "_unit_tables",
            tuple({key: round(w * _UNITS) for key, w in table.items()} for _, table in self._tables),  # type: ignore[attr-defined]
        )
        # The n-gram vocabulary in a fixed order: the automaton finds positions in it, whose
        # weights are read from one array (`KnownNgrams`).
        keys = tuple(by_kind["g"])
        object.__setattr__(self, "_ngram_keys", keys)
        object.__setattr__(self, "_ngram_units", array("q", (round(w * _UNITS) for w in by_kind["g"].values())))
        # What can explain a verdict: n-grams and words with a push towards scam (detector ids
        # stand for no text), each as the (weight, kind, key) it is ranked by, built once so that
        # explaining a post looks its features up instead of building a tuple for each. N-grams
        # are keyed by their position in the vocabulary, words by themselves.
        ranked_ngrams = {i: (w, "g", key) for i, (key, w) in enumerate(by_kind["g"].items()) if w > 0}
        ranked_words = {key: (w, "w", key) for key, w in by_kind["w"].items() if w > 0}
        object.__setattr__(
            self,
            "_explaining",
            ((frozenset(ranked_ngrams), ranked_ngrams), (frozenset(ranked_words), ranked_words)),
        )

    @staticmethod
    def _values(features: ModelInput) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        return features.ngrams, features.words, features.detectors

    @staticmethod
    def _scale(features: ModelInput) -> float:
        return feature_scale(features.size)

    def known_ngrams(self, folded: str) -> AbstractSet[str]:
        """The n-grams of `folded` (normalized, through `fold_text`) this model has a weight for."""
        automaton = self._ngram_automaton()
        if automaton is None:
            return frozenset(self._ngram_vocabulary.intersection(char_ngrams(folded)))
        return KnownNgrams(frozenset(map(_VALUE, automaton.iter(folded))), self)

    @functools.cached_property
    def _ngram_ids(self) -> dict[str, int]:
        # N-gram -> its position: only to ask a `KnownNgrams` whether it holds a given n-gram, or
        # to explain n-grams given by name; built on first use, not each time a model loads.
        return {key: i for i, key in enumerate(self._ngram_keys)}  # type: ignore[attr-defined]

    @functools.cached_property
    def _ngram_vocabulary(self) -> frozenset[str]:
        # Only without pyahocorasick: set & set walks the smaller side in C (a dict's keys view
        # would be copied whole first). Built on first use, so models that have the automaton
        # never hold a second copy of the vocabulary.
        return frozenset(self._tables[0][1])  # type: ignore[attr-defined]

    def _ngram_automaton(self) -> Any:
        # Built on first use (a few tens of ms), not when the file is read.
        automaton = getattr(self, "_automaton", _UNBUILT)
        if automaton is _UNBUILT:
            with _automaton_lock:
                automaton = getattr(self, "_automaton", _UNBUILT)
                if automaton is _UNBUILT:
                    automaton = _ngram_automaton(self._ngram_keys)  # type: ignore[attr-defined]
                    object.__setattr__(self, "_automaton", automaton)
        return automaton

    def logit(self, features: ModelInput) -> float:
        """Log-odds that the post is a scam solicitation: intercept + features + rules_coef x rules."""
        units = 0
        for table, values in zip(self._unit_tables, self._values(features), strict=True):  # type: ignore[attr-defined]
            if isinstance(values, KnownNgrams) and values.model is self:
                # Positions in this model's vocabulary: their weights, read by position.
                units += sum(map(self._ngram_units.__getitem__, values.ids))  # type: ignore[attr-defined]
                continue
            # A feature outside the vocabulary weighs 0. Looked up directly rather than through an
            # intersection: scoring's n-grams are all in the vocabulary already (`known_ngrams`).
            units += sum(map(table.get, values, itertools.repeat(0)))
        total = units / _UNITS
        return self.intercept + total * self._scale(features) + self.rules_coef * features.rules_logit

    def terms(self, features: ModelInput, *, limit: int | None = None) -> list[FeatureContribution]:
        """The n-grams and words that pushed the log-odds up most, strongest first (the top `limit`).

        Equal weights are ordered by kind, then by the n-gram or word, both descending.
        """
        return list(itertools.islice(self.ranked_terms(features), limit))

    def ranked_terms(self, features: ModelInput) -> Iterator[FeatureContribution]:
        """`terms` one at a time, strongest first, for a reader that stops early (the scorer's
        evidence keeps the first few that show): the first few come from a partial sort."""
        (positive_ngrams, ranked_ngrams), (positive_words, ranked_words) = self._explaining  # type: ignore[attr-defined]
        ngrams = features.ngrams
        if isinstance(ngrams, KnownNgrams) and ngrams.model is self:
            ngram_ids: AbstractSet[int] = ngrams.ids
        else:
            index = self._ngram_ids
            ngram_ids = frozenset(index[g] for g in ngrams if g in index)
        # frozenset & frozenset walks the smaller side in C.
        candidates = [*map(ranked_ngrams.__getitem__, positive_ngrams & ngram_ids)]
        candidates.extend(map(ranked_words.__getitem__, positive_words & features.words))
        scale = self._scale(features)
        # nlargest(k) is sorted(reverse=True)[:k]; most readers stop within the first few.
        first = heapq.nlargest(_FIRST_TERMS, candidates)
        for w, kind, key in first:
            yield FeatureContribution(f"{kind}:{key}", w * scale)
        if len(candidates) > _FIRST_TERMS:
            candidates.sort(reverse=True)
            for w, kind, key in candidates[_FIRST_TERMS:]:
                yield FeatureContribution(f"{kind}:{key}", w * scale)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MODEL_FORMAT,
            "version": self.version,
            "rules_version": self.rules_version,
            "intercept": self.intercept,
            "rules_coef": self.rules_coef,
            "calibration": {
                "rules_weight": self.calibration.rules_weight,
                "model_weight": self.calibration.model_weight,
                "bias": self.calibration.bias,
            },
            "manifest": self.manifest,
            "weights": {f: round(w, 4) for f, w in sorted(self.weights.items())},
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
                weights={str(f): float(v) for f, v in data["weights"].items()},
                calibration=Calibration(
                    float(cal.get("rules_weight", 1.0)),
                    float(cal.get("model_weight", 1.0)),
                    float(cal.get("bias", 0.0)),
                ),
                rules_coef=float(data.get("rules_coef", 0.0)),
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


_UNBUILT = object()
_automaton_lock = threading.Lock()
# An automaton yields (end position, value) pairs; the value is the n-gram's position.
_VALUE = operator.itemgetter(1)


def _ngram_automaton(ngrams: Iterable[str]) -> Any:
    """An Aho-Corasick automaton of `ngrams` whose values are their positions (stored as integers
    inside the automaton, not as Python objects), or None without pyahocorasick."""
    try:
        import ahocorasick
    except ImportError:  # pragma: no cover - a dependency; the set intersection gives the same
        return None
    automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
    for position, ngram in enumerate(ngrams):
        automaton.add_word(ngram, position)
    if not len(automaton):
        return None
    automaton.make_automaton()
    return automaton


THRESHOLDS_FILE = "thresholds.toml"


@dataclass(frozen=True)
class OperatingPoint:
    """One level's cut and how it performed out of fold (from the thresholds file)."""

    level: str
    min_score: float
    precision: float
    recall: float
    false_positive_rate: float


def load_operating_points(section: str = "levels") -> dict[str, OperatingPoint]:
    """The levels' cuts and measured performance, from `warnlib/data/thresholds.toml`.

    The file is written by ``warnlib train`` with the model it belongs to; `Thresholds()`
    takes its defaults from here, so the cut and its published precision never disagree.
    `section="rules_only"` gives how the rules alone did at their hand-set cuts.
    """
    from warnlib._toml import load_toml_text

    text = resources.files("warnlib.data").joinpath(THRESHOLDS_FILE).read_text(encoding="utf-8")
    data = load_toml_text(text)
    levels = data.get(section, {}) if section == "levels" else data.get(section, {}).get("levels", {})
    return {
        name: OperatingPoint(
            name,
            float(p["min_score"]),
            float(p.get("precision", 0.0)),
            float(p.get("recall", 0.0)),
            float(p.get("false_positive_rate", 0.0)),
        )
        for name, p in levels.items()
    }


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
