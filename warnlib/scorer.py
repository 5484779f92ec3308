"""`Scorer`: rule packs + extractors + context -> `Assessment`."""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from warnlib import __version__
from warnlib._prefilter import PrefilterIndex, build_prefilter, build_prefilter_any, fold_text
from warnlib.combine import CombineConfig, Combined, Term, combine, sigmoid
from warnlib.extractors import EXTRACTORS, Extractor
from warnlib.model import (
    Calibration,
    FeatureContribution,
    ModelInput,
    load_model,
    load_operating_points,
    model_input,
)
from warnlib.normalize import NormalizedText, normalize
from warnlib.rules import (
    BUILTIN_PACKS,
    Override,
    Rule,
    RuleError,
    RulePack,
    load_allow_list,
    load_builtin,
    load_builtin_narration,
    load_rules,
    unknown_rule_message,
)
from warnlib.types import (
    RULES_ONLY_CUTS,
    Assessment,
    ContextSignal,
    Level,
    Locale,
    ModelEvidence,
    ModelView,
    Signal,
    Span,
)

DEFAULT_MAX_CHARS = 100_000
MAX_SPANS_PER_SIGNAL = 8
# How many n-grams of the model's to show as evidence, and how many places each.
MODEL_EVIDENCE_TERMS = 5
MODEL_EVIDENCE_SPANS = 3
# How many of the model's strongest terms may be looked at to find them (the rest are too weak).
MODEL_EVIDENCE_LOOKAHEAD = 8 * MODEL_EVIDENCE_TERMS
# N-grams shorter than this are too generic to show a reader as evidence (a lone 的 or "a").
MIN_EVIDENCE_CHARS = 2
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_LATIN_LETTER = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]+")
# Where a narrated stretch ends (see `Scorer._narrated_regions`): Chinese and English sentence
# marks, and an English full stop before a space (normalization turns line breaks into spaces),
# so that in "They asked for my wallet. Reach them at …" the poster's own call is not retold.
_SENTENCE_END = re.compile(r"[。！？!?\n；;]|\.(?=\s)|$")
_CLAUSE_END = re.compile(r"[,，。！？!?\n；;]|\.(?=\s)|$")


class TextTooLongError(ValueError):
    """The text is longer than the scorer's `max_chars`; split it or raise the limit."""


class TextModel(Protocol):
    """A learned model the scorer adds to the rules (see `warnlib.model.LinearTextModel`).

    A model may also offer ``known_ngrams(folded) -> AbstractSet[str]``, the n-grams of a post
    it has weights for; the scorer then builds no others. Without it, `ModelInput.ngrams`
    holds every n-gram of the post. And ``ranked_terms(features) -> Iterator[FeatureContribution]``,
    `terms` one at a time: the evidence then builds only the terms it reads.
    """

    version: str
    calibration: Calibration
    rules_coef: float  # weight of the rules' log-odds inside `logit` (0 if it ignores them)

    def logit(self, features: ModelInput) -> float:
        """Log-odds that the post is a scam solicitation."""
        ...

    def terms(self, features: ModelInput, *, limit: int | None = None) -> list[FeatureContribution]:
        """Each feature's contribution to `logit`, strongest push towards scam first."""
        ...


_PUBLISHED = load_operating_points()


@dataclass(frozen=True)
class Thresholds:
    """Score cut-offs for the levels: `high` at or above `high`, `medium` at or above `medium`.

    The defaults are the published operating points of the shipped model
    (`warnlib/data/thresholds.toml`, with the precision and recall measured at each).
    """

    high: float = _PUBLISHED["high"].min_score
    medium: float = _PUBLISHED["medium"].min_score

    def __post_init__(self) -> None:
        if not 0.0 < self.medium <= self.high <= 1.0:
            raise ValueError("thresholds need 0 < medium <= high <= 1")

    @classmethod
    def rules_only(cls) -> Thresholds:
        """The cuts for a scorer without the model (`warnlib.types.RULES_ONLY_CUTS`)."""
        return cls(high=RULES_ONLY_CUTS["high"], medium=RULES_ONLY_CUTS["medium"])

    def level(self, score: float) -> Level:
        if score >= self.high:
            return "high"
        if score >= self.medium:
            return "medium"
        return "low"


def detect_language(text: str) -> str:
    """'zh' when Chinese characters carry the post, 'en' for Latin script, 'und' otherwise."""
    # Counted by runs, which are few, rather than one string per character.
    cjk = sum(map(len, _CJK.findall(text)))
    latin = sum(map(len, _LATIN_LETTER.findall(text)))
    if cjk == 0 and latin == 0:
        return "und"
    # One Chinese character carries about as much as a short English word.
    return "zh" if cjk * 4 >= latin else "en"


def _merge(spans: Iterable[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass(frozen=True)
class _Candidates:
    """What could match a post, by position: rule parts, extractors, narration patterns (sorted)."""

    parts: list[int]
    extractors: list[int]
    narration: list[int]


@dataclass(frozen=True)
class _ExtractorRule:
    rule: Rule
    extractor: Extractor


@dataclass(frozen=True)
class Analysis:
    """Everything the scorer found in a post before the model weighs in (see `Scorer.analyze`)."""

    norm: NormalizedText
    folded: str  # norm.text with digits as "0" and spaces as " " (same positions)
    signals: list[Signal]
    context: list[ContextSignal]
    # A signal that reaches the reader (not quoted, not narrated) and may not be warned away.
    addressed: bool
    narrated: bool
    rules: Combined
    # The model's n-gram lookup (`LinearTextModel.known_ngrams`), or None for every n-gram.
    known_ngrams: Callable[[str], AbstractSet[str]] | None = field(default=None, repr=False, compare=False)
    # Stretches of norm.text that tell someone else's words (quotes, retold steps) in a post with
    # context cues: the model does not read them, as the rules discount what fires inside them.
    retold: tuple[Span, ...] = ()
    # The context cues' own words in a post that addresses the reader: "PSA, beware of fakes, DM
    # me @real_one" may not warn its offer away, so the model reads neither them nor their ids,
    # as the rules cap their discount (`limited_context_cap`).
    excused: tuple[Span, ...] = ()

    @functools.cached_property
    def model_input(self) -> ModelInput:
        """What the model sees of the post; built on first use (a rules-only scorer never needs it).

        Retold stretches are blanked out of the text it reads: a warning that quotes "加我微信带你
        赚钱" word for word must not read to the model as the invitation itself.
        """
        structure = [*(("addressed",) if self.addressed else ()), *(("narrated",) if self.narrated else ())]
        folded, text = self.folded, self.norm.text
        unread = _merge([*self.retold, *self.excused]) if self.excused else self.retold
        if unread:
            folded, text = _blank(folded, unread), _blank(text, unread)
        cues = [] if self.addressed else [c.rule for c in self.context]
        return model_input(
            folded,
            text,
            (s.rule for s in self.signals),
            {s.category for s in self.signals},
            [*cues, *structure],
            self.rules.logit,
            known_ngrams=self.known_ngrams,
        )


class _Default:
    def __repr__(self) -> str:
        return "DEFAULT_MODEL"


DEFAULT_MODEL: Any = _Default()


class Scorer:
    """A configured scorer: which rule packs, allow-list, thresholds and model to use.

    >>> scorer = Scorer(thresholds=Thresholds(high=0.9, medium=0.6))
    >>> scorer.score("稳赚不赔，日息1.5%，加微信：coin888").level
    'high'

    `model` is the learned text model added to the rules: the one shipped in the package by
    default (`warnlib.model.load_model`), any object with `logit`/`terms`/`calibration`, or
    None for rules only. Instances are immutable after construction and safe to share
    between threads.
    """

    def __init__(
        self,
        *,
        rule_paths: Sequence[str | Path] | None = None,
        include_builtin: bool = True,
        extractors: bool = True,
        allow_list: Sequence[str] | str | Path | None = None,
        thresholds: Thresholds | None = None,
        model: TextModel | None = DEFAULT_MODEL,
        max_chars: int = DEFAULT_MAX_CHARS,
        combine_config: CombineConfig | None = None,
    ) -> None:
        self.max_chars = max_chars
        self.model: TextModel | None = load_model() if model is DEFAULT_MODEL else model
        self.thresholds = thresholds or (Thresholds() if self.model is not None else Thresholds.rules_only())
        self.combine_config = combine_config or CombineConfig()
        packs: list[RulePack] = [load_builtin(name) for name in BUILTIN_PACKS] if include_builtin else []
        for path in rule_paths or ():
            packs.extend(_load_path(Path(path)))
        self.packs: tuple[RulePack, ...] = tuple(packs)
        # Extractors are code with their settings in extractors.toml: they run unless
        # `extractors=False`, with or without the built-in phrase packs.
        self._extractors = _bind_extractors(load_builtin("extractors", require_matchers=False) if extractors else None)
        self.narration = load_builtin_narration()
        rules = [rule for pack in self.packs for rule in pack]
        rules.extend(bound.rule for bound in self._extractors)
        ids = [rule.id for rule in rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            twice = ", ".join(duplicates)
            raise RuleError(f"rule ids defined twice: {twice} (to change a rule, use [[overrides]] in your pack)")
        by_id = _apply_overrides({rule.id: rule for rule in rules}, [o for pack in self.packs for o in pack.overrides])
        self._extractors = tuple(
            _ExtractorRule(by_id[bound.rule.id], bound.extractor)
            for bound in self._extractors
            if bound.rule.id in by_id
        )
        # Every rule that runs (after overrides), pack rules first, in the order they were defined.
        self.rules: tuple[Rule, ...] = tuple(by_id[i] for i in ids if i in by_id)
        # Context rules first, then signal rules: the order their results are reported in.
        extractor_ids = {bound.rule.id for bound in self._extractors}
        self._pack_rules = tuple(
            sorted((r for r in self.rules if r.id not in extractor_ids), key=lambda r: not r.is_context)
        )
        self._parts = [(i, part.regex) for i, rule in enumerate(self._pack_rules) for part in rule.parts]
        # Narration: quotes, then the sentence and clause openers, each with where its region ends.
        self._narration_patterns: list[tuple[re.Pattern[str], re.Pattern[str] | None]] = [
            *((q, None) for q in self.narration.quotes),
            *((p, _SENTENCE_END) for p in self.narration.sentences),
            *((p, _CLAUSE_END) for p in self.narration.clauses),
        ]
        # One Aho-Corasick pass per post tells which rule parts, extractors and narration patterns
        # could match it (`_Candidates`); only those run.
        self._index = PrefilterIndex(
            [
                *(part.prefilter for rule in self._pack_rules for part in rule.parts),
                *(build_prefilter_any(p.pattern for p in bound.extractor.requires) for bound in self._extractors),
                *(build_prefilter(pattern.pattern) for pattern, _ in self._narration_patterns),
            ]
        )
        if isinstance(allow_list, (str, Path)):
            allow_list = load_allow_list(allow_list)
        self.allow_list: tuple[str, ...] = tuple(normalize(p).text for p in allow_list or () if p.strip())
        custom = any(not pack.builtin for pack in self.packs)
        rules_version = max((p.version for p in self.packs if p.builtin), key=version_key, default="0")
        self.version: dict[str, str] = {
            "warnlib": __version__,
            "rules": rules_version + ("+custom" if custom else ""),
            "model": self.model.version if self.model is not None else "none",
        }

    def score(self, text: str, *, locale: Locale = "zh", explain: bool = False) -> Assessment:
        """Assess one post. Messages come in `locale` ("zh" or "en").

        With `explain=True` the Assessment also carries `decision`: every term that added up to
        the score (bias, each category's capped sum, bonuses, context discount, the model's
        contribution and its calibration), so a verdict can be read back without the code.
        """
        analysis = self.analyze(text, locale=locale)
        logit, terms, model_view = self._add_model(analysis, explain=explain)
        score = round(sigmoid(logit), 4)
        level = self.thresholds.level(score)
        if model_view is not None and (explain or level != "low"):
            model_view = self._model_evidence(analysis, model_view)
        analysis.signals.sort(key=lambda s: (-s.weight, s.spans[0] if s.spans else (0, 0)))
        return Assessment(
            score=score,
            level=level,
            text_language=detect_language(text),
            categories=analysis.rules.categories,
            signals=analysis.signals,
            context=analysis.context,
            version=dict(self.version),
            model=model_view,
            decision=[t.to_dict() for t in terms] if explain else None,
        )

    def analyze(self, text: str, *, locale: Locale = "zh") -> Analysis:
        """The steps before the model: check, normalize, detect, judge who speaks, combine rules.

        `warnlib train` builds its features with this, so training and scoring see one thing.
        """
        self._check_input(text, locale)
        norm = normalize(text)
        folded = fold_text(norm.text)
        allowed = self._allowed_spans(norm.text)
        candidates = self._candidates(folded)
        found = self._detect(norm.text, candidates, allowed)
        # Narrated stretches count as someone else's words only in a post with context cues.
        has_cues = any(rule.is_context for rule, _ in found)
        retold = self._narrated_regions(norm.text, candidates.narration) if has_cues else []
        signals, context, addressed, in_narration = self._weigh(found, retold, norm, locale)
        rules = combine(
            ((s.category, s.weight) for s in signals),
            (c.weight for c in context),
            context_limited=addressed,
            config=self.combine_config,
        )
        known_ngrams = getattr(self.model, "known_ngrams", None)
        excused = tuple(self._warning_clauses(norm.text, found)) if addressed else ()
        return Analysis(
            norm, folded, signals, context, addressed, in_narration, rules, known_ngrams, tuple(retold), excused
        )

    def score_many(
        self, texts: Iterable[str], *, locale: Locale = "zh", workers: int | None = 1, chunk_size: int = 200
    ) -> list[Assessment]:
        """Assess many posts with the same settings, in order.

        `workers=N` scores on N processes (`None`: every core), each holding one copy of this
        scorer, `chunk_size` posts per task; the result is the same as with one. Processes
        start with "spawn", so a script calling this needs `if __name__ == "__main__":`.
        """
        from warnlib import _bulk

        count = _bulk.available_cores() if workers is None else workers
        if count == 1:
            return [self.score(text, locale=locale) for text in texts]
        return _bulk.score_in_pool(self, texts, locale=locale, workers=count, chunk_size=chunk_size)

    # --- the steps ----------------------------------------------------------------------------

    def _check_input(self, text: object, locale: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if locale not in ("zh", "en"):
            raise ValueError(f"locale must be 'zh' or 'en', not {locale!r}")
        if len(text) > self.max_chars:
            raise TextTooLongError(f"text has {len(text)} characters; the limit is {self.max_chars}")

    def _candidates(self, folded: str) -> _Candidates:
        """Which rule parts, extractors and narration patterns could match the post (one pass)."""
        parts, extractors = len(self._parts), len(self._extractors)
        positions = sorted(self._index.candidates(folded))
        cut = bisect.bisect_left(positions, parts)
        cut2 = bisect.bisect_left(positions, parts + extractors, cut)
        return _Candidates(
            positions[:cut],
            [i - parts for i in positions[cut:cut2]],
            [i - parts - extractors for i in positions[cut2:]],
        )

    def _detect(self, text: str, candidates: _Candidates, allowed: list[Span]) -> list[tuple[Rule, list[Span]]]:
        """Every rule and extractor that fires on the normalized text, with its spans."""
        found = self._find(text, candidates.parts, allowed)
        for i in candidates.extractors:
            bound = self._extractors[i]
            found.append((bound.rule, self._filter(bound.extractor.extract(text), allowed)))
        return [(rule, spans) for rule, spans in found if spans]

    @staticmethod
    def _warning_clauses(text: str, found: list[tuple[Rule, list[Span]]]) -> list[Span]:
        """Each context cue with the rest of its clause ("PSA: beware of fake mentors!"), up to the
        clause's end or the first signal after it, whichever comes first: the warning words a
        post that addresses the reader adds around its offer."""
        starts = sorted(span[0] for rule, spans in found if not rule.is_context for span in spans)
        clauses = []
        for rule, spans in found:
            if not rule.is_context:
                continue
            for start, end in spans:
                stop = _CLAUSE_END.search(text, end)
                clause_end = stop.start() if stop else len(text)
                at = bisect.bisect_left(starts, end)
                if at < len(starts):
                    clause_end = min(clause_end, starts[at])
                clauses.append((start, max(end, clause_end)))
        return _merge(clauses)

    def _narrated_regions(self, text: str, candidates: Iterable[int] | None = None) -> list[Span]:
        """Stretches of the post that tell someone else's words: quotes, retold steps, warned clauses.

        `candidates`: which of the narration patterns could match (default: try every one).
        """
        regions = []
        patterns = self._narration_patterns
        for i in range(len(patterns)) if candidates is None else candidates:
            pattern, end = patterns[i]
            for match in pattern.finditer(text):
                if end is None:
                    regions.append(match.span())
                else:
                    stop = end.search(text, match.end())
                    regions.append((match.start(), stop.start() if stop else len(text)))
        return _merge(regions)

    def _weigh(
        self, found: list[tuple[Rule, list[Span]]], retold: list[Span], norm: NormalizedText, locale: Locale
    ) -> tuple[list[Signal], list[ContextSignal], bool, bool]:
        """Signals and context cues with their weights, and who the signals speak to.

        `retold`: the narrated stretches of a post with context cues (none without). A signal
        that starts inside retold text counts `narration.weight_factor` of its weight and does
        not cap the context discount; a limiting signal anywhere else means the poster addresses
        the reader. A post with
        cues of `narration.narrating_post_min_cues` or more that addresses no one is
        narration as a whole: every signal in it is discounted so.
        """
        text = norm.original
        cues_found = [(rule, spans) for rule, spans in found if rule.is_context]
        signals_found = [(rule, spans) for rule, spans in found if not rule.is_context]
        fired = {rule.category for rule, _ in signals_found}
        context: list[ContextSignal] = []
        for rule, spans in cues_found:
            # A cue void next to what fired (market talk beside a stock tip) is listed at weight 0.
            weight = 0.0 if fired.intersection(rule.void_with) else rule.weight
            original = self._to_original(norm, spans)
            context.append(
                ContextSignal(rule.id, rule.message(locale), original, [text[s:e] for s, e in original], weight)
            )
        # Who speaks to whom: a limiting signal outside narrated text addresses the reader. A span
        # that starts in narrated text belongs to it, though the pattern read on past its end (a
        # quoted "send 1 ETH and get 2 back" followed by ` from a wallet address`).
        inside = [bool(retold and all(_starts_inside(span, retold) for span in spans)) for _, spans in signals_found]
        addressed = any(rule.limits_context and not i for (rule, _), i in zip(signals_found, inside, strict=True))
        cues = sum(c.weight for c in context)
        whole_post = not addressed and cues >= self.narration.narrating_post_min_cues
        signals: list[Signal] = []
        in_narration = False
        for (rule, spans), is_inside in zip(signals_found, inside, strict=True):
            weight = rule.weight
            if whole_post or is_inside:
                weight = round(weight * self.narration.weight_factor, 3)
                in_narration = True
            original = self._to_original(norm, spans)
            signals.append(
                Signal(rule.id, rule.category, weight, rule.message(locale), original, [text[s:e] for s, e in original])
            )
        return signals, context, addressed, in_narration

    def _add_model(self, analysis: Analysis, *, explain: bool) -> tuple[float, list[Term], ModelView | None]:
        """The final log-odds: the rules' terms, then the model's through its calibration.

        The terms (the rules' and the model's) are written out only when `explain` asks for them.
        """
        # The terms are written out only for an explained verdict (`Combined.terms` is lazy).
        terms = list(analysis.rules.terms) if explain else []
        rules_logit = analysis.rules.logit
        if self.model is None or not analysis.norm.text.strip():
            return rules_logit, terms, None
        cal = self.model.calibration
        model_logit = self.model.logit(analysis.model_input)
        contribution = cal.model_weight * model_logit
        # The rules' log-odds reach the score twice: directly (rules_weight) and inside the model
        # (rules_coef); the terms say so, so that the whole sum reads back.
        rules_coef = getattr(self.model, "rules_coef", 0.0)
        through_model = cal.model_weight * rules_coef * rules_logit
        logit = cal.logit(rules_logit, model_logit)
        view = ModelView(self.model.version, round(model_logit, 4), round(contribution - through_model, 4))
        if not explain:
            return logit, terms, view
        scale = cal.rules_weight + cal.model_weight * rules_coef
        terms.append(
            Term(
                "calibration:rules",
                (cal.rules_weight - 1.0) * rules_logit + through_model,
                f"rules' log-odds x {scale:.3g} in all",
            )
        )
        terms.append(
            Term(
                "model", contribution - through_model, f"n-grams and detectors, x {cal.model_weight:.3g} (calibration)"
            )
        )
        terms.append(Term("calibration:bias", cal.bias, "fitted on held-out folds"))
        return logit, terms, view

    def _model_evidence(self, analysis: Analysis, view: ModelView) -> ModelView:
        """The n-grams that pushed the model towards scam most, as spans of the original text,
        taken from its strongest `MODEL_EVIDENCE_LOOKAHEAD` terms."""
        assert self.model is not None
        folded = analysis.folded
        scale = self.model.calibration.model_weight
        kept: list[ModelEvidence] = []
        # A model that can rank its terms lazily (`LinearTextModel.ranked_terms`) builds only those read.
        ranked = getattr(self.model, "ranked_terms", None)
        terms = (
            itertools.islice(ranked(analysis.model_input), MODEL_EVIDENCE_LOOKAHEAD)
            if ranked is not None
            else self.model.terms(analysis.model_input, limit=MODEL_EVIDENCE_LOOKAHEAD)
        )
        for term in terms:
            if len(kept) >= MODEL_EVIDENCE_TERMS or term.contribution <= 0:
                break
            needle = term.text
            if needle is None or len(needle.strip()) < MIN_EVIDENCE_CHARS:
                continue
            if any(needle in k.ngram or k.ngram in needle for k in kept):
                continue
            spans: list[Span] = []
            start = folded.find(needle)
            while start != -1 and len(spans) < MODEL_EVIDENCE_SPANS:
                spans.append((start, start + len(needle)))
                start = folded.find(needle, start + len(needle))
            original = self._to_original(analysis.norm, spans)
            if not original:
                continue
            text = analysis.norm.original
            kept.append(
                ModelEvidence(needle, round(term.contribution * scale, 4), original, [text[s:e] for s, e in original])
            )
        return ModelView(view.version, view.logit, view.contribution, kept)

    # --- helpers ------------------------------------------------------------------------------

    def _allowed_spans(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for phrase in self.allow_list:
            start = text.find(phrase)
            while start != -1:
                spans.append((start, start + len(phrase)))
                start = text.find(phrase, start + 1)
        return spans

    @staticmethod
    def _filter(spans: list[Span], allowed: list[Span]) -> list[Span]:
        kept = [s for s in spans if s[1] > s[0] and not (allowed and _inside(s, allowed))]
        return _merge(kept)[:MAX_SPANS_PER_SIGNAL]

    def _find(self, text: str, parts: Iterable[int], allowed: list[Span]) -> list[tuple[Rule, list[Span]]]:
        """Every pack rule that matches `text`, with its spans, running only the `parts` that could match."""
        spans_by_rule: dict[int, list[Span]] = {}
        every = self._parts
        for position in parts:
            rule_index, regex = every[position]
            # Enough matches per part for the evidence; a hostile text may hold thousands.
            spans = [match.span() for match in itertools.islice(regex.finditer(text), _MATCHES_PER_PART)]
            if spans:
                spans_by_rule.setdefault(rule_index, []).extend(spans)
        found = []
        for rule_index, spans in spans_by_rule.items():
            kept = self._filter(spans, allowed)
            if kept:
                found.append((self._pack_rules[rule_index], kept))
        return found

    @staticmethod
    def _to_original(norm: NormalizedText, spans: list[Span]) -> list[Span]:
        return _merge(norm.to_original(s, e) for s, e in spans)


_MATCHES_PER_PART = 4 * MAX_SPANS_PER_SIGNAL


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Order versions by their parts as numbers: 2026.11.10 comes after 2026.11.9."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.replace("-", ".").split("."))


def _inside(span: Span, regions: list[Span]) -> bool:
    return any(lo <= span[0] and span[1] <= hi for lo, hi in regions)


def _blank(text: str, regions: Iterable[Span]) -> str:
    """`text` with each region replaced by spaces (positions kept)."""
    parts, at = [], 0
    for start, end in regions:
        parts += [text[at:start], " " * (end - start)]
        at = end
    parts.append(text[at:])
    return "".join(parts)


def _starts_inside(span: Span, regions: list[Span]) -> bool:
    return any(lo <= span[0] < hi for lo, hi in regions)


def _load_path(path: Path) -> list[RulePack]:
    if path.is_dir():
        return [load_rules(p) for p in sorted(path.glob("*.toml"))]
    return [load_rules(path)]


def _apply_overrides(by_id: dict[str, Rule], overrides: list[Override]) -> dict[str, Rule]:
    """`by_id` with each override applied in order: a new weight, or the rule left out."""
    out = dict(by_id)
    for override in overrides:
        if override.id not in by_id:
            raise RuleError(f"{override.source}: override names no rule: {unknown_rule_message(override.id)}")
        if override.disabled:
            out.pop(override.id, None)
        elif override.id in out and override.weight is not None:
            out[override.id] = dataclasses.replace(out[override.id], weight=override.weight)
    return out


def _bind_extractors(pack: RulePack | None) -> tuple[_ExtractorRule, ...]:
    if pack is None:
        return ()
    by_id = {rule.id: rule for rule in pack}
    missing = [cls.id for cls in EXTRACTORS if cls.id not in by_id]
    if missing:
        raise RuleError(f"extractors.toml has no entry for {', '.join(missing)}")
    bound = []
    for cls in EXTRACTORS:
        rule = by_id[cls.id]
        try:
            extractor = cls(**rule.params)
        except ValueError as exc:
            raise RuleError(f"{pack.source}: rule {rule.id}: {exc}") from None
        bound.append(_ExtractorRule(rule, extractor))
    return tuple(bound)
