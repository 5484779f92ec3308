"""Rule packs: what counts as a scam signal, as readable TOML data.

A pack file looks like::

    [pack]
    name = "zh"
    version = "2026.11.0"
    description = "Chinese investment-scam solicitations"

    [[rules]]
    id = "zh.copy_trading.lead"
    category = "copy_trading"          # or "context" for cues that lower the score
    weight = 2.0
    messages = { zh = "提到带单/跟单", en = "Mentions copy trading" }
    phrases = ["带单", "跟单"]         # literal, matched after normalization
    patterns = ['跟(着|对)老师']        # regular expressions over normalized text
    limits_context = false             # true: a warning word cannot cancel this signal
    void_with = []                     # context rules: categories next to which the cue is void
    examples.match = ["老师每天带单"]
    examples.no_match = ["带单位证明"]

Phrases and patterns are matched against `warnlib.normalize` output: lower case,
half-width, simplified Chinese, look-alikes folded. Phrases made of Latin letters
match whole words only. A pack loaded from a file must keep its word: every
`examples.match` fires its rule and no `examples.no_match` does, or `load_rules` refuses it.

A pack may also re-weight or switch off rules of other packs (the built-in ones included)
by id, without copying them::

    [[overrides]]
    id = "zh.investment_topic.crypto"   # any rule id, extractors' ("extract.*") too
    weight = 0.5                        # a new weight in (0, 10]
    [[overrides]]
    id = "en.contact_diversion.dm_me"
    disabled = true                     # the rule no longer runs

Built-in rule ids read `<scope>.<category>.<name>`: the scope is the language the rule reads
(`zh`, `en`) or `extract` for the language-neutral extractors, and the category is the rule's
own, spelled as in `warnlib.types.CATEGORIES` (or `context`), so an id says what its signal
counts towards (`check_builtin_id`). Rules in your own packs may be named freely.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from warnlib._prefilter import Prefilter, build_prefilter
from warnlib._regex import literal_alternation
from warnlib._toml import TOMLDecodeError, load_toml_text
from warnlib.types import CATEGORIES, LOCALES, RuleInfo

CONTEXT = "context"
_VALID_CATEGORIES = {*CATEGORIES, CONTEXT}
# Nested repeats such as (a+)+ or (.*)* backtrack catastrophically; packs may not use them.
_NESTED_REPEAT = re.compile(r"\((?:[^()\\]|\\.)*[+*}]\)[+*{]")
_OPEN_REPEAT = re.compile(r"(?<!\\)\.[+*]")

BUILTIN_PACKS = ("zh", "en", "context")
# First segment of a built-in rule id: the language it reads, or the extractors' scope.
EXTRACTOR_SCOPE = "extract"
BUILTIN_ID_SCOPES: tuple[str, ...] = (*LOCALES, EXTRACTOR_SCOPE)
_ID_NAME = re.compile(r"[a-z][a-z0-9_]*")


class RuleError(ValueError):
    """A rule pack or allow-list file is malformed; the message names the file and rule."""


@dataclass(frozen=True)
class RulePart:
    """One compiled phrase list or pattern of a rule, with what its matches must start with."""

    regex: re.Pattern[str]
    prefilter: Prefilter | None  # None: requires no fixed string, always run


@dataclass(frozen=True)
class Rule:
    """One data-defined signal: phrases and patterns that, found in a post, add `weight`."""

    id: str
    category: str
    weight: float
    messages: dict[str, str]
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    limits_context: bool = False
    # Context cues only: categories next to which this cue does not lower the score.
    void_with: tuple[str, ...] = ()
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    pack: str = ""
    # Extractors only: their numeric settings (see warnlib/extractors.py).
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    # The phrase list and each pattern, compiled separately so each can be skipped on its own.
    parts: tuple[RulePart, ...] = field(default=(), compare=False, repr=False)

    @property
    def is_context(self) -> bool:
        return self.category == CONTEXT

    def message(self, locale: str) -> str:
        return self.messages.get(locale) or self.messages.get("en") or self.id

    def info(self) -> RuleInfo:
        """This rule's catalogue entry (its matchers and examples stay out)."""
        return RuleInfo(
            id=self.id,
            category=self.category,
            kind="context" if self.is_context else "signal",
            weight=self.weight,
            pack=self.pack,
            messages=dict(self.messages),
            limits_context=self.limits_context,
            void_with=self.void_with,
        )

    def to_dict(self) -> dict[str, Any]:
        return self.info().to_dict()


@dataclass(frozen=True)
class Override:
    """A pack's change to a rule defined elsewhere: a new weight, or switched off."""

    id: str
    weight: float | None = None
    disabled: bool = False
    source: str = ""


@dataclass(frozen=True)
class RulePack:
    """A named, versioned list of rules loaded from one TOML file."""

    name: str
    version: str
    description: str
    rules: tuple[Rule, ...]
    source: str = ""
    # Shipped inside warnlib (warnlib/rules/*.toml), as opposed to an operator's own file.
    builtin: bool = False
    overrides: tuple[Override, ...] = ()

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


def check_pattern_safety(pattern: str) -> None:
    """Reject regex shapes that can backtrack catastrophically on hostile input."""
    if _NESTED_REPEAT.search(pattern):
        raise RuleError(f"pattern {pattern!r} nests repeats; bound the inner repeat instead")
    if _OPEN_REPEAT.search(pattern):
        raise RuleError(f"pattern {pattern!r} uses an open-ended .* or .+; use .{{0,N}}")


def _compile(rule_id: str, phrases: Iterable[str], patterns: Iterable[str]) -> tuple[RulePart, ...]:
    from warnlib.normalize import normalize

    normalized = [text for text in (normalize(p).text.strip() for p in phrases) if text]
    sources: list[str] = [literal_alternation(normalized)] if normalized else []
    for pattern in patterns:
        try:
            check_pattern_safety(pattern)
        except RuleError as exc:
            raise RuleError(f"{rule_id}: {exc}") from None
        sources.append(pattern)
    parts: list[RulePart] = []
    for source in sources:
        try:
            regex = re.compile(source)
        except re.error as exc:
            raise RuleError(f"rule {rule_id}: bad pattern {source!r}: {exc}") from exc
        parts.append(RulePart(regex, build_prefilter(source)))
    return tuple(parts)


def _str_tuple(value: Any, what: str, rule_id: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleError(f"rule {rule_id}: {what} must be a list of strings")
    return tuple(value)


def _is_number(value: Any) -> bool:
    """An int or float from TOML (TOML booleans are ints to Python, so they are refused here)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _params(value: Any, rule_id: str, source: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RuleError(f"{source}: rule {rule_id}: params must be a table")
    return dict(value)


def _categories(value: Any, rule_id: str, source: str) -> tuple[str, ...]:
    names = _str_tuple(value, "void_with", rule_id)
    unknown = [n for n in names if n not in CATEGORIES]
    if unknown:
        raise RuleError(f"{source}: rule {rule_id}: void_with names unknown categories {unknown}")
    return names


def _parse_rule(raw: dict[str, Any], pack: str, source: str) -> Rule:
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not rule_id:
        raise RuleError(f"{source}: every rule needs a string id")
    category = raw.get("category")
    if category not in _VALID_CATEGORIES:
        raise RuleError(f"{source}: rule {rule_id}: unknown category {category!r}")
    weight = raw.get("weight")
    if not _is_number(weight) or not 0 < weight <= 10:
        raise RuleError(f"{source}: rule {rule_id}: weight must be a number in (0, 10]")
    messages = raw.get("messages")
    if not isinstance(messages, dict) or not {"zh", "en"} <= messages.keys():
        raise RuleError(f"{source}: rule {rule_id}: messages needs both zh and en")
    phrases = _str_tuple(raw.get("phrases"), "phrases", rule_id)
    patterns = _str_tuple(raw.get("patterns"), "patterns", rule_id)
    examples = raw.get("examples", {})
    if not isinstance(examples, dict):
        raise RuleError(f"{source}: rule {rule_id}: examples must be a table (examples.match = [...])")
    return Rule(
        id=rule_id,
        category=category,
        weight=float(weight),
        messages={k: str(v) for k, v in messages.items()},
        phrases=phrases,
        patterns=patterns,
        limits_context=bool(raw.get("limits_context", False)),
        void_with=_categories(raw.get("void_with"), rule_id, source),
        examples_match=_str_tuple(examples.get("match"), "examples.match", rule_id),
        examples_no_match=_str_tuple(examples.get("no_match"), "examples.no_match", rule_id),
        pack=pack,
        params=_params(raw.get("params", {}), rule_id, source),
        parts=_compile(f"{source}: {rule_id}", phrases, patterns),
    )


def _parse_override(raw: Any, source: str) -> Override:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
        raise RuleError(f"{source}: every [[overrides]] entry needs a string id")
    rule_id = raw["id"]
    unknown = sorted(set(raw) - {"id", "weight", "disabled", "reason"})
    if unknown:
        raise RuleError(f"{source}: override {rule_id}: unknown keys {unknown}")
    weight = raw.get("weight")
    disabled = raw.get("disabled", False)
    if not isinstance(disabled, bool):
        raise RuleError(f"{source}: override {rule_id}: disabled must be true or false")
    if weight is not None and (not _is_number(weight) or not 0 < weight <= 10):
        raise RuleError(f"{source}: override {rule_id}: weight must be a number in (0, 10]")
    if weight is None and not disabled:
        raise RuleError(f"{source}: override {rule_id}: give a weight or disabled = true")
    return Override(rule_id, None if weight is None else float(weight), disabled, source)


def check_examples(rule: Rule, source: str) -> None:
    """Raise `RuleError` unless every match example fires `rule` and no no-match example does."""
    from warnlib.normalize import normalize

    def fires(example: str) -> bool:
        text = normalize(example).text
        return any(match.end() > match.start() for part in rule.parts for match in part.regex.finditer(text))

    missed = [e for e in rule.examples_match if not fires(e)]
    if missed:
        raise RuleError(f"{source}: rule {rule.id}: examples.match that do not fire it: {missed}")
    wrong = [e for e in rule.examples_no_match if fires(e)]
    if wrong:
        raise RuleError(f"{source}: rule {rule.id}: examples.no_match that fire it: {wrong}")


def check_builtin_id(rule_id: str, category: str, source: str) -> None:
    """Refuse a built-in rule id that is not `<scope>.<category>.<name>` for its own category.

    Ids are what operators override, what feedback and logs name and what the model's features
    are called ("r:<id>"): an id whose middle says one category while the rule counts towards
    another (en.payment.* in contact_diversion) misleads all of them.
    """
    parts = rule_id.split(".")
    if len(parts) != 3 or parts[0] not in BUILTIN_ID_SCOPES or not _ID_NAME.fullmatch(parts[2]):
        raise RuleError(
            f"{source}: rule {rule_id}: a built-in rule id must read <scope>.<category>.<name> "
            f"with scope one of {', '.join(BUILTIN_ID_SCOPES)} and a lower-case name"
        )
    if parts[1] != category:
        raise RuleError(
            f"{source}: rule {rule_id}: its middle segment must be its category ({parts[0]}.{category}.{parts[2]})"
        )


def parse_pack(
    text: str,
    *,
    source: str = "<string>",
    require_matchers: bool = True,
    builtin: bool = False,
    check: bool = False,
) -> RulePack:
    """Parse a rule pack from TOML text; raises `RuleError` with the file and rule at fault.

    With `check`, every rule's examples are run too (`check_examples`).
    """
    try:
        data = load_toml_text(text)
    except TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from exc
    header = data.get("pack", {})
    name = str(header.get("name") or Path(source).stem)
    rules = tuple(_parse_rule(raw, name, source) for raw in data.get("rules", []))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"{source}: duplicate rule id {rule.id}")
        seen.add(rule.id)
        if builtin:
            check_builtin_id(rule.id, rule.category, source)
        if require_matchers and not rule.parts:
            raise RuleError(f"{source}: rule {rule.id} has no phrases or patterns")
        if check:
            check_examples(rule, source)
    overrides = data.get("overrides", [])
    if not isinstance(overrides, list):
        raise RuleError(f"{source}: overrides must be an array of tables ([[overrides]])")
    return RulePack(
        name=name,
        version=str(header.get("version", "0")),
        description=str(header.get("description", "")),
        rules=rules,
        source=source,
        builtin=builtin,
        overrides=tuple(_parse_override(raw, source) for raw in overrides),
    )


def load_rules(path: str | Path) -> RulePack:
    """Load one rule pack from a TOML file (see this module's docstring for the format).

    >>> pack = load_rules("my-rules.toml")            # doctest: +SKIP
    >>> scorer = warnlib.Scorer(rule_paths=["my-rules.toml"])  # doctest: +SKIP
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"cannot read rule pack {file}: {exc}") from exc
    return parse_pack(text, source=str(file), check=True)


@dataclass(frozen=True)
class Narration:
    """Where a post tells of someone else's words (see the `[narration]` table of context.toml)."""

    weight_factor: float
    narrating_post_min_cues: float
    quotes: tuple[re.Pattern[str], ...]
    sentences: tuple[re.Pattern[str], ...]
    clauses: tuple[re.Pattern[str], ...]


def parse_narration(text: str, *, source: str = "<string>") -> Narration:
    """Read the `[narration]` table of a context pack; raises `RuleError` naming the file."""
    try:
        table = load_toml_text(text).get("narration", {})
    except TOMLDecodeError as exc:
        raise RuleError(f"{source}: not valid TOML: {exc}") from exc
    factor = table.get("weight_factor", 1.0)
    if not _is_number(factor) or not 0 <= factor <= 1:
        raise RuleError(f"{source}: [narration] weight_factor must be a number in [0, 1]")

    def compiled(key: str) -> tuple[re.Pattern[str], ...]:
        out = []
        for pattern in _str_tuple(table.get(key), key, f"{source} [narration]"):
            try:
                check_pattern_safety(pattern)
            except RuleError as exc:
                raise RuleError(f"{source}: [narration] {key}: {exc}") from None
            try:
                out.append(re.compile(pattern))
            except re.error as exc:
                raise RuleError(f"{source}: [narration] {key}: bad pattern {pattern!r}: {exc}") from exc
        return tuple(out)

    min_cues = table.get("narrating_post_min_cues", float("inf"))
    if not _is_number(min_cues) or min_cues <= 0:
        raise RuleError(f"{source}: [narration] narrating_post_min_cues must be a positive number")
    return Narration(
        float(factor),
        float(min_cues),
        compiled("quote_patterns"),
        compiled("sentence_patterns"),
        compiled("clause_patterns"),
    )


def load_builtin_narration() -> Narration:
    return parse_narration(_builtin_text("context"), source="warnlib/rules/context.toml")


@functools.cache
def _builtin_text(name: str) -> str:
    # context.toml feeds both its pack and its [narration] table: read each shipped file once.
    return resources.files(__name__).joinpath(f"{name}.toml").read_text(encoding="utf-8")


@functools.cache
def renamed_rule_ids() -> dict[str, str]:
    """Old built-in rule id -> its current id (`warnlib/rules/renamed.toml`)."""
    return dict(load_toml_text(_builtin_text("renamed"))["renamed"])


def unknown_rule_message(rule_id: str) -> str:
    """What to tell someone who named a rule that does not exist: its new name, if it was renamed."""
    new = renamed_rule_ids().get(rule_id)
    return f"{rule_id} (renamed {new}: built-in rule ids read <scope>.<category>.<name>)" if new else rule_id


@functools.cache
def load_builtin(name: str, *, require_matchers: bool = True) -> RulePack:
    """A shipped pack, parsed once per process: its regexes and prefilters take most of the time
    a Scorer takes to build, and packs are immutable, so every Scorer (one per server app, per
    test, per worker) shares them."""
    # The shipped packs' examples are run by the test suite, not on every start.
    return parse_pack(
        _builtin_text(name), source=f"warnlib/rules/{name}.toml", require_matchers=require_matchers, builtin=True
    )


def load_allow_list(path: str | Path) -> list[str]:
    """Read an allow-list: one phrase per line (`#` starts a comment), or TOML `phrases = [...]`.

    Signals whose evidence lies inside an allow-listed phrase are dropped, e.g. your
    own customer-service WeChat id or a trusted broker's name.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"cannot read allow-list {file}: {exc}") from exc
    if file.suffix == ".toml":
        try:
            phrases = load_toml_text(text).get("phrases", [])
        except TOMLDecodeError as exc:
            raise RuleError(f"{file}: not valid TOML: {exc}") from exc
        return list(_str_tuple(phrases, "phrases", str(file)))
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line]
