"""Skip rules that cannot match a post, before running their regex.

Most rules fire on few posts, yet a regex scan costs time on every post (and ~20 ms per rule on
100,000 characters). From a rule's parsed regex we derive the strings of up to three characters
that any match must begin with; a post whose substrings include none of them cannot match, so
the scan is skipped. Where a pattern can begin with anything (`.`, `[^x]`, `\\w`)
or the set would be huge, there is no prefilter and the rule always runs: the prefilter may only
ever say "cannot match" when that is certain.

To keep the sets small, both sides see every decimal digit as "0" and every space as " ":
`\\d\\s` is then one string, not thousands. Folding both sides the same way keeps the check sound.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

PREFIX_LENGTH = 3
# Pads a prefix after which anything may follow, so an enclosing sequence does not extend it
# as if the match ended there (`(?:a|b[^x]{1,8})c` must keep "b", never "bc"); cut off at the end.
_OPEN = "\U0010ffff"
_MAX_PREFIXES = 20_000  # beyond this the check costs more than it saves
_MAX_CLASS_SIZE = 512


def _sre_constants() -> Any:
    # The regex parser's internals moved in Python 3.11 (sre_constants -> re._constants).
    try:
        from re import _constants  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_constants as _constants
    return _constants


def _sre_parser() -> Any:
    try:
        from re import _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse as _parser
    return _parser


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


def _join(heads: set[str], tails_of: Any, k: int) -> set[str]:
    """Extend every head shorter than k with what may follow it."""
    out = {h for h in heads if len(h) >= k}
    tails: dict[int, set[str]] = {}
    for head in heads:
        if len(head) < k:
            need = k - len(head)
            if need not in tails:
                try:
                    tails[need] = tails_of(need)
                except _Unbounded:
                    # Anything may follow: keep the shorter head, which is still a sound
                    # (weaker) requirement: the text must contain it. Padded, so no enclosing
                    # sequence appends to it.
                    tails[need] = {_OPEN * need}
            out |= {head + tail for tail in tails[need]}
    if len(out) > _MAX_PREFIXES:
        raise _Unbounded
    return out


def _sequence(items: list[Any], k: int) -> set[str]:
    """Prefixes (at most k characters) of everything the sequence can match.

    A string shorter than k means the match may end there, or that anything may follow it.
    """
    if not items:
        return {""}
    first, rest = items[0], items[1:]
    return _join(_item(first, k), lambda n: _sequence(rest, n), k)


def _item(item: tuple[Any, Any], k: int) -> set[str]:
    c = _sre_constants()

    op, arg = item
    if op is c.LITERAL:
        return {_fold(chr(arg))}
    if op is c.IN:
        return _class_chars(arg)
    if op is c.SUBPATTERN:
        return _sequence(list(arg[-1]), k)
    if op is c.BRANCH:
        out: set[str] = set()
        for branch in arg[1]:
            out |= _sequence(list(branch), k)
        return out
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):  # possessive: 3.11+
        low, high, body = arg
        # k copies are enough to know the first k characters: copies are identical, and an
        # optional copy that matches nothing contributes nothing.
        copies = k if high is c.MAXREPEAT else min(high, k)
        mandatory = min(low, copies)
        seq = [(c.SUBPATTERN, (None, 0, 0, body))] * mandatory
        seq += [(c.BRANCH, (None, [list(body), []]))] * (copies - mandatory)
        return _sequence(seq, k)
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return {""}  # zero-width: says nothing about the characters consumed
    raise _Unbounded  # ANY, NOT_LITERAL, GROUPREF, ...


@dataclass(frozen=True)
class Prefilter:
    """Strings of one to PREFIX_LENGTH characters; every match of a rule part starts with one."""

    keys: frozenset[str]

    def may_match(self, features: TextFeatures) -> bool:
        """False only when no match is possible in a text with these features."""
        return not features.isdisjoint(self.keys)


def build_prefilter(pattern: str) -> Prefilter | None:
    """The prefilter for `pattern`, or None when every text must be searched."""
    _parser = _sre_parser()

    try:
        prefixes = _sequence(list(_parser.parse(pattern)), PREFIX_LENGTH)
    except (_Unbounded, re.error, RecursionError):
        return None
    prefixes = {p.split(_OPEN, 1)[0] for p in prefixes}
    if "" in prefixes:
        return None  # can match the empty string, or begin with anything
    return Prefilter(frozenset(prefixes))


# Every substring of 1 to PREFIX_LENGTH characters of a (folded) text.
TextFeatures = frozenset[str]


def fold_text(text: str) -> str:
    """`text` with every digit as "0" and every space as " " (same length, same positions)."""
    return text.translate(_fold_table())


def text_features(text: str) -> TextFeatures:
    """The (folded) substrings of 1 to PREFIX_LENGTH characters of `text`, for `Prefilter.may_match`."""
    return folded_features(fold_text(text))


def folded_features(folded: str) -> TextFeatures:
    """`text_features` of a text already passed through `fold_text`."""
    # One set comprehension per length runs faster than one generator over both loops.
    out = set(folded)
    for n in range(2, PREFIX_LENGTH + 1):
        out.update({folded[i : i + n] for i in range(len(folded) - n + 1)})
    return frozenset(out)


class PrefilterIndex:
    """Which of many prefilters could match a text, found from the text's features.

    Asking every prefilter costs a call per rule part per post; the index looks up only the
    substrings the text has, so the cost follows the text, not the number of rules.
    """

    def __init__(self, prefilters: list[Prefilter | None]) -> None:
        self._always = frozenset(i for i, prefilter in enumerate(prefilters) if prefilter is None)
        index: dict[str, list[int]] = {}
        for i, prefilter in enumerate(prefilters):
            if prefilter is not None:
                for key in prefilter.keys:
                    index.setdefault(key, []).append(i)
        self._index = {key: tuple(ids) for key, ids in index.items()}

    def candidates(self, features: TextFeatures) -> set[int]:
        """Positions (in the list given at construction) of the prefilters that may match."""
        found = set(self._always)
        for key in self._index.keys() & features:
            found.update(self._index[key])
        return found
