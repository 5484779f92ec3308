"""Skip rules that cannot match a post, before running their regex.

Most rules fire on few posts, yet a regex scan costs time on every post. From a rule's parsed
regex we derive its *needles*: strings such that every match contains at least one of them
(`加\\s?微信` needs "加微信" or "加 微信"; `跟(着|对)老师` needs "跟着老师" or "跟对老师"). One
Aho-Corasick pass over a post finds which needles it holds, so only the rules that could match
run their regex; the cost follows the text, not the number of rules. Where a pattern requires no
fixed string (`.`, `[^x]`, `\\w+`, `(?:x)?`), or the choice would be huge, there is no
prefilter and the rule always runs: the prefilter may only ever say "cannot match" when that is
certain.

To keep the sets small, both sides see every decimal digit as "0" and every space as " ":
`\\d\\s` is then one string, not thousands. Folding both sides the same way keeps the check sound.

The automaton is pyahocorasick's (C, one pass for all needles); without it the index falls back
to one substring test per needle, slower but identical.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from warnlib._regex import _sre_constants
from warnlib._regex import sre_parser as _sre_parser

# Exact sets (every string a piece of pattern can match) larger than this are not listed.
_MAX_EXACT = 256
# Needles longer than this add little selectivity and only cost automaton size.
_MAX_NEEDLE = 6
_MAX_CLASS_SIZE = 512
# A second needle set (`Prefilter.also`) is kept only when at least this rare (`_cost`): one that
# nearly every post holds ("me", a space) costs a look-up and rules out nothing.
_SECOND_MAX_COST = 0.05


class _Unbounded(Exception):
    """The pattern can begin with too many different strings to be worth listing."""


@functools.cache
def _fold_table() -> dict[int, str]:
    # What \d and \s match in str patterns: every Unicode decimal digit (all below U+20000;
    # the last is U+1FBF9) and every Unicode space (all below U+3001).
    space = re.compile(r"\s")
    table = {x: "0" for x in range(0x20000) if chr(x).isdecimal()}
    table.update({x: " " for x in range(0x3001) if space.match(chr(x))})
    return table


def _fold(char: str) -> str:
    return _fold_table().get(ord(char), char)


def _category_chars(category: Any) -> set[str]:
    c = _sre_constants()

    if category is c.CATEGORY_DIGIT:
        return {"0"}
    if category is c.CATEGORY_SPACE:
        return {" "}
    raise _Unbounded


def _class_chars(items: Any) -> set[str]:
    c = _sre_constants()

    chars: set[str] = set()
    for kind, value in items:
        if kind is c.LITERAL:
            chars.add(_fold(chr(value)))
        elif kind is c.RANGE and value[1] - value[0] < _MAX_CLASS_SIZE:
            chars.update(_fold(chr(x)) for x in range(value[0], value[1] + 1))
        elif kind is c.CATEGORY:
            chars |= _category_chars(value)
        else:  # negated classes, huge ranges
            raise _Unbounded
    return chars


def _product(left: set[str], right: set[str]) -> set[str] | None:
    if len(left) * len(right) > _MAX_EXACT:
        return None
    return {a + b for a in left for b in right}


def _exact(item: tuple[Any, Any]) -> set[str] | None:
    """Every (folded) string `item` can match, or None when that is infinite or too many."""
    c = _sre_constants()

    op, arg = item
    try:
        if op is c.LITERAL:
            return {_fold(chr(arg))}
        if op is c.IN:
            chars = _class_chars(arg)
            return chars if len(chars) <= _MAX_EXACT else None
    except _Unbounded:
        return None
    if op is c.SUBPATTERN:
        return _exact_sequence(list(arg[-1]))
    if op is c.BRANCH:
        out: set[str] = set()
        for branch in arg[1]:
            strings = _exact_sequence(list(branch))
            if strings is None or len(out | strings) > _MAX_EXACT:
                return None
            out |= strings
        return out
    if op in _repeats():
        low, high, body = arg
        if high is c.MAXREPEAT or high > _MAX_NEEDLE:
            return None
        once = _exact_sequence(list(body))
        if once is None:
            return None
        out, power = (set(), {""})
        for count in range(high + 1):
            if count >= low:
                out |= power
            if count < high:
                power = _product(power, once)  # type: ignore[assignment]
                if power is None:
                    return None
        return out if len(out) <= _MAX_EXACT else None
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return {""}  # zero-width: consumes nothing
    return None  # ANY, NOT_LITERAL, GROUPREF, ...


def _exact_sequence(items: list[Any]) -> set[str] | None:
    out: set[str] | None = {""}
    for item in items:
        strings = _exact(item)
        if strings is None or out is None:
            return None
        out = _product(out, strings)
    return out


def _repeats() -> tuple[Any, ...]:
    c = _sre_constants()
    return (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))  # possessive: 3.11+


def _cost(needles: set[str]) -> float:
    """How often a post holds one of `needles`, roughly: short and digit/space-only strings are common."""
    total = 0.0
    for needle in needles:
        common = needle.strip("0 ") == ""
        total += (8.0 if common else 1.0) / 6.0 ** min(len(needle), _MAX_NEEDLE)
    return total


def _best(options: list[set[str]]) -> set[str] | None:
    usable = [o for o in options if o and "" not in o]
    return min(usable, key=_cost) if usable else None


def _options(items: list[Any]) -> list[tuple[int, int, set[str]]]:
    """What a match of the sequence must contain, as (first item, item after the last, strings):
    each run of consecutive items whose exact sets are known (their product is a substring of
    every match), and the needles of each item that is not exact."""
    exact = [_exact(item) for item in items]
    options: list[tuple[int, int, set[str]]] = []
    for start, strings in enumerate(exact):
        if strings is None:
            options.append((start, start + 1, _needles(items[start]) or set()))
            continue
        run: set[str] | None = {""}
        for end in range(start, len(exact)):
            following = exact[end]
            if following is None:
                break
            run = _product(run, following)  # type: ignore[arg-type]
            if run is None:
                break
            options.append((start, end + 1, run))
            if min(map(len, run)) >= _MAX_NEEDLE:
                break
    return [option for option in options if option[2] and "" not in option[2]]


def _needles_sequence(items: list[Any]) -> set[str] | None:
    """Strings one of which every match of the sequence contains, or None when there are none
    (the rarest of its `_options`)."""
    best = _best([strings for _, _, strings in _options(items)])
    return {needle[:_MAX_NEEDLE] for needle in best} if best else None


def _two_needle_sets(items: list[Any]) -> tuple[set[str], set[str]] | None:
    """The rarest option of the sequence, and the rarest of those from items it does not cover:
    every match holds one string of each, in different places. The second is empty when none is
    rare enough to be worth a look-up (`_SECOND_MAX_COST`)."""
    options = _options(items)
    if not options:
        return None
    first = min(options, key=lambda option: _cost(option[2]))
    apart = [o for o in options if o[1] <= first[0] or o[0] >= first[1]]
    second = min(apart, key=lambda option: _cost(option[2])) if apart else None
    also = second[2] if second is not None and _cost(second[2]) < _SECOND_MAX_COST else set()
    return {n[:_MAX_NEEDLE] for n in first[2]}, {n[:_MAX_NEEDLE] for n in also}


def _needles(item: tuple[Any, Any]) -> set[str] | None:
    c = _sre_constants()

    op, arg = item
    if op is c.SUBPATTERN:
        return _needles_sequence(list(arg[-1]))
    if op is c.BRANCH:
        out: set[str] = set()
        for branch in arg[1]:
            needles = _needles_sequence(list(branch))
            if needles is None:
                return None  # one branch requires nothing, so the whole requires nothing
            out |= needles
        return out
    if op in _repeats() and arg[0] >= 1:
        return _needles_sequence(list(arg[2]))
    exact = _exact(item)
    return exact if exact and "" not in exact else None


@dataclass(frozen=True)
class Prefilter:
    """Needles (folded strings) one of which every match of a rule part contains, and, when
    `also` is not empty, one of `also` too (found in another part of the match)."""

    needles: frozenset[str]
    also: frozenset[str] = frozenset()

    def may_match(self, folded: str) -> bool:
        """False only when no match is possible in a text (passed through `fold_text`)."""
        if not any(needle in folded for needle in self.needles):
            return False
        return not self.also or any(needle in folded for needle in self.also)


def build_prefilter(pattern: str) -> Prefilter | None:
    """The prefilter for `pattern`, or None when every text must be searched."""
    _parser = _sre_parser()

    try:
        found = _two_needle_sets(list(_parser.parse(pattern)))
    except (re.error, RecursionError):
        return None
    if found is None:
        return None
    needles, also = found
    return Prefilter(frozenset(needles), frozenset(also))


def build_prefilter_any(patterns: Iterable[str]) -> Prefilter | None:
    """The prefilter for "one of `patterns` matches": the union of their needles, or None when
    one of them has no prefilter (then every text must be searched)."""
    needles: set[str] = set()
    for pattern in patterns:
        prefilter = build_prefilter(pattern)
        if prefilter is None:
            return None
        needles |= prefilter.needles
    return Prefilter(frozenset(needles)) if needles else None


def fold_text(text: str) -> str:
    """`text` with every digit as "0" and every space as " " (same length, same positions).

    Two substitutions of what differs (a digit other than "0", a space other than " "): they
    skip ahead in C to the few characters that change, where `str.translate` looks every
    character of a non-ASCII post up in a table, about 2.5x slower. `_fold_table` is the same
    map character by character (a test compares the two over every code point).
    """
    return _OTHER_SPACE.sub(" ", _OTHER_DIGIT.sub("0", text))


_OTHER_DIGIT = re.compile(r"[^\D0]")
_OTHER_SPACE = re.compile(r"[^\S ]")


class PrefilterIndex:
    """Which of many prefilters could match a text, found in one pass over the text.

    Each prefilter's `needles` own its position; its `also` needles (if any) own a second slot,
    numbered after all positions. A position is a candidate when one of its needles is found
    and, if it has a second slot, one of that slot's too.
    """

    def __init__(self, prefilters: list[Prefilter | None]) -> None:
        self._always = frozenset(i for i, prefilter in enumerate(prefilters) if prefilter is None)
        owners: dict[str, list[int]] = {}
        second: dict[int, int] = {}
        for i, prefilter in enumerate(prefilters):
            if prefilter is None:
                continue
            for needle in prefilter.needles:
                owners.setdefault(needle, []).append(i)
            if prefilter.also:
                slot = second[i] = len(prefilters) + len(second)
                for needle in prefilter.also:
                    owners.setdefault(needle, []).append(slot)
        self._needles = list(owners)
        self._owners = [frozenset(owners[needle]) for needle in self._needles]
        self._second = second
        self._needs_second = frozenset(second)
        self._second_slots = frozenset(second.values())
        self._automaton = _automaton(self._needles)

    def candidates(self, folded: str) -> frozenset[int]:
        """Positions (in the list given at construction) of the prefilters that may match `folded`."""
        # One union of the owners of every needle found, in C; then the positions whose second
        # slot was not found are dropped.
        found = frozenset().union(*map(self._owners.__getitem__, self._hits(folded)))
        if self._second:
            second = self._second
            missing = [i for i in found & self._needs_second if second[i] not in found]
            found = found.difference(self._second_slots, missing)
        return self._always.union(found)

    def _hits(self, folded: str) -> set[int] | list[int]:
        if self._automaton is not None:
            return set(map(_VALUE, self._automaton.iter(folded)))
        return [i for i, needle in enumerate(self._needles) if needle in folded]


# The automaton yields (end position, value) pairs; the value is the needle's position.
_VALUE = operator.itemgetter(1)


def _automaton(needles: list[str]) -> Any:
    """A pyahocorasick automaton whose values are needle positions, or None without the package."""
    try:
        import ahocorasick
    except ImportError:  # pragma: no cover - the package is a dependency; kept for odd platforms
        return None
    if not needles:
        return None
    automaton = ahocorasick.Automaton()
    for position, needle in enumerate(needles):
        automaton.add_word(needle, position)
    automaton.make_automaton()
    return automaton
