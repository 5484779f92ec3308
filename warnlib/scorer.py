"""`Scorer`: rule packs + extractors + context -> `Assessment`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from warnlib import __version__
from warnlib._prefilter import PrefilterIndex, text_features
from warnlib.combine import CombineConfig, combine
from warnlib.extractors import EXTRACTORS, Extractor
from warnlib.normalize import NormalizedText, normalize
from warnlib.rules import BUILTIN_PACKS, Rule, RuleError, RulePack, load_allow_list, load_builtin, load_rules
from warnlib.types import Assessment, ContextSignal, Level, Locale, Signal, Span

DEFAULT_MAX_CHARS = 100_000
MAX_SPANS_PER_SIGNAL = 8
# Signals quoted inside a post that also warns ("所谓的“稳赚不赔”全是骗局") count this much.
QUOTED_WEIGHT_FACTOR = 0.3
_QUOTED = re.compile(
    r"“[^”]{1,60}”|「[^」]{1,60}」|『[^』]{1,60}』|《[^》]{1,60}》|\"[^\"]{1,60}\""
    r"|(?<![a-z])'[^']{1,60}'(?![a-z])"  # not the apostrophes of don't ... let's
)
# So do signals in a clause that tells the reader not to believe or touch them ("不要相信任何带单老师").
_WARNED = re.compile(
    r"(?:不要相信|别相信|别信|不要信|千万别|千万不要|切勿|请勿|远离|警惕|谨防|提防|不要碰|别碰)(?!错过|犹豫|等)"
    r"[^,，。；;！？!?\n]{1,24}|看到[^,，。；;！？!?\n]{1,16}(?:直接|立刻|马上|就)(?:拉黑|举报|跑|删)"
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[A-Za-z\uff21-\uff3a\uff41-\uff5a]")


class TextTooLongError(ValueError):
    """The text is longer than the scorer's `max_chars`; split it or raise the limit."""


class TextModel(Protocol):
    """A learned model the scorer can add as one more input (see `Scorer(model=...)`)."""

    version: str

    def logit(self, normalized_text: str) -> float:
        """Log-odds that the normalized text is a scam solicitation."""
        ...


@dataclass(frozen=True)
class Thresholds:
    """Score cut-offs for the levels: `high` at or above `high`, `medium` at or above `medium`."""

    high: float = 0.8
    medium: float = 0.5

    def __post_init__(self) -> None:
        if not 0.0 < self.medium <= self.high <= 1.0:
            raise ValueError("thresholds need 0 < medium <= high <= 1")

    def level(self, score: float) -> Level:
        if score >= self.high:
            return "high"
        if score >= self.medium:
            return "medium"
        return "low"


def detect_language(text: str) -> str:
    """'zh' when Chinese characters carry the post, 'en' for Latin script, 'und' otherwise."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
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
class _ExtractorRule:
    rule: Rule
    extractor: Extractor


class Scorer:
    """A configured scorer: which rule packs, allow-list, thresholds and model to use.

    >>> scorer = Scorer(thresholds=Thresholds(high=0.9, medium=0.6))
    >>> scorer.score("稳赚不赔，日息1.5%，加微信：coin888").level
    'high'

    Instances are immutable after construction and safe to share between threads.
    """

    def __init__(
        self,
        *,
        rule_paths: Sequence[str | Path] | None = None,
        include_builtin: bool = True,
        allow_list: Sequence[str] | str | Path | None = None,
        thresholds: Thresholds | None = None,
        model: TextModel | None = None,
        max_chars: int = DEFAULT_MAX_CHARS,
        combine_config: CombineConfig | None = None,
    ) -> None:
        self.thresholds = thresholds or Thresholds()
        self.max_chars = max_chars
        self.model = model
        self.combine_config = combine_config or CombineConfig()
        packs: list[RulePack] = [load_builtin(name) for name in BUILTIN_PACKS] if include_builtin else []
        for path in rule_paths or ():
            packs.extend(_load_path(Path(path)))
        self.packs: tuple[RulePack, ...] = tuple(packs)
        extractor_pack = load_builtin("extractors", require_matchers=False) if include_builtin else None
        self._extractors = _bind_extractors(extractor_pack)
        rules = [rule for pack in self.packs for rule in pack]
        rules.extend(bound.rule for bound in self._extractors)
        ids = [rule.id for rule in rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise RuleError(f"rule ids defined twice: {', '.join(duplicates)}")
        self.rules: tuple[Rule, ...] = tuple(rules)
        # Context rules first, then signal rules: the order their results are reported in.
        self._pack_rules = tuple(sorted(self.packs_rules(), key=lambda r: not r.is_context))
        self._parts = [(i, part.regex) for i, rule in enumerate(self._pack_rules) for part in rule.parts]
        self._part_index = PrefilterIndex([part.prefilter for rule in self._pack_rules for part in rule.parts])
        if isinstance(allow_list, (str, Path)):
            allow_list = load_allow_list(allow_list)
        self.allow_list: tuple[str, ...] = tuple(normalize(p).text for p in allow_list or () if p.strip())
        custom = any(pack.source and not pack.source.startswith("warnlib/rules/") for pack in self.packs)
        rules_version = max((p.version for p in self.packs if p.source.startswith("warnlib/rules/")), default="0")
        self.version: dict[str, str] = {
            "warnlib": __version__,
            "rules": rules_version + ("+custom" if custom else ""),
            "model": model.version if model is not None else "none",
        }

    def packs_rules(self) -> Iterable[Rule]:
        return (rule for pack in self.packs for rule in pack)

    def score(self, text: str, *, locale: Locale = "zh") -> Assessment:
        """Assess one post. Messages come in `locale` ("zh" or "en")."""
        if not isinstance(text, str):
            raise TypeError(f"text must be str, not {type(text).__name__}")
        if locale not in ("zh", "en"):
            raise ValueError(f"locale must be 'zh' or 'en', not {locale!r}")
        if len(text) > self.max_chars:
            raise TextTooLongError(f"text has {len(text)} characters; the limit is {self.max_chars}")
        norm = normalize(text)
        allowed = self._allowed_spans(norm.text)
        quoted = [m.span() for m in _QUOTED.finditer(norm.text)] + [m.span() for m in _WARNED.finditer(norm.text)]

        found = self._find(norm.text, allowed)
        context: list[ContextSignal] = []
        candidates: list[tuple[Rule, list[Span]]] = []
        for rule, spans in found:
            if not rule.is_context:
                candidates.append((rule, spans))
                continue
            original = self._to_original(norm, spans)
            context.append(
                ContextSignal(rule.id, rule.message(locale), original, [text[s:e] for s, e in original], rule.weight)
            )

        signals: list[Signal] = []
        limited = False
        candidates.extend(
            (bound.rule, self._filter(bound.extractor.extract(norm.text), allowed)) for bound in self._extractors
        )
        for rule, spans in candidates:
            if not spans:
                continue
            weight = rule.weight
            if context and quoted and all(_inside(span, quoted) for span in spans):
                weight = round(weight * QUOTED_WEIGHT_FACTOR, 3)
            elif rule.limits_context:
                limited = True
            original = self._to_original(norm, spans)
            signals.append(
                Signal(rule.id, rule.category, weight, rule.message(locale), original, [text[s:e] for s, e in original])
            )

        model_logit = self.model.logit(norm.text) if self.model is not None and norm.text.strip() else None
        combined = combine(
            ((s.category, s.weight) for s in signals),
            (c.weight for c in context),
            context_limited=limited,
            model_logit=model_logit,
            config=self.combine_config,
        )
        signals.sort(key=lambda s: (-s.weight, s.spans[0] if s.spans else (0, 0)))
        score = round(combined.score, 4)
        return Assessment(
            score=score,
            level=self.thresholds.level(score),
            language=detect_language(text),
            categories=combined.categories,
            signals=signals,
            context=context,
            version=dict(self.version),
        )

    def score_many(self, texts: Iterable[str], *, locale: Locale = "zh") -> list[Assessment]:
        """Assess many posts with the same settings, in order."""
        return [self.score(text, locale=locale) for text in texts]

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

    def _find(self, text: str, allowed: list[Span]) -> list[tuple[Rule, list[Span]]]:
        """Every pack rule that matches `text`, with its spans, running only parts that could match."""
        spans_by_rule: dict[int, list[Span]] = {}
        for position in sorted(self._part_index.candidates(text_features(text))):
            rule_index, regex = self._parts[position]
            # Enough matches per part for the evidence; a hostile text may hold thousands.
            for _, match in zip(range(4 * MAX_SPANS_PER_SIGNAL), regex.finditer(text), strict=False):
                spans_by_rule.setdefault(rule_index, []).append(match.span())
        found = []
        for rule_index, spans in spans_by_rule.items():
            kept = self._filter(spans, allowed)
            if kept:
                found.append((self._pack_rules[rule_index], kept))
        return found

    @staticmethod
    def _to_original(norm: NormalizedText, spans: list[Span]) -> list[Span]:
        return _merge(norm.to_original(s, e) for s, e in spans)


def _inside(span: Span, regions: list[Span]) -> bool:
    return any(lo <= span[0] and span[1] <= hi for lo, hi in regions)


def _load_path(path: Path) -> list[RulePack]:
    if path.is_dir():
        return [load_rules(p) for p in sorted(path.glob("*.toml"))]
    return [load_rules(path)]


def _bind_extractors(pack: RulePack | None) -> tuple[_ExtractorRule, ...]:
    if pack is None:
        return ()
    by_id = {rule.id: rule for rule in pack}
    missing = [cls.id for cls in EXTRACTORS if cls.id not in by_id]
    if missing:
        raise RuleError(f"extractors.toml has no entry for {', '.join(missing)}")
    return tuple(_ExtractorRule(by_id[cls.id], cls()) for cls in EXTRACTORS)
