"""Regex building blocks shared by normalization and rule packs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

_WORD_EDGE_AFTER = "(?![a-z0-9])"


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _trie(words: Iterable[str]) -> str:
    """One alternation for many literals, with shared prefixes factored out and word edges kept.

    Python's `re` tries each branch of `a|b|c` in turn at every position; a trie
    (`ab(?:c|d)`) rejects most positions after one character. Every branch starts
    with a distinct literal, so the result cannot backtrack catastrophically.

    A word that begins with a Latin letter or digit matches only at a word edge, so "line" does
    not fire inside "online"; that check is written after the word's first character, as a
    look-behind spanning it (`l(?<![a-z0-9]l)ine`), never before it: then every branch of the
    trie starts with a literal, the whole alternation starts with a set of characters, and the
    engine skips straight to the places where one of them occurs instead of trying every
    position (`starts_with_class` tells). A word that ends with one matches only when no letter
    or digit follows; where it is also the prefix of a longer word, the longer is tried first.
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict], last: str) -> str:
        branches = []
        for char, child in sorted(node.items()):
            if not char:
                continue
            head = re.escape(char)
            if not last and _is_word_char(char):
                head += f"(?<![a-z0-9]{head})"
            branches.append(head + build(child, char))
        stop = _WORD_EDGE_AFTER if _is_word_char(last) else ""
        if "" not in node:
            return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if not branches:
            return stop
        return "(?:" + "|".join([*branches, stop]) + ")"

    return build(root, "")


def literal_alternation(words: Iterable[str]) -> str:
    """A regex matching any of `words` (longest first where one is a prefix of another);
    words that begin or end with a Latin letter or digit match only at word edges, so "line"
    does not fire inside "online"."""
    return _trie(sorted({word for word in words if word}))


def starts_with_class(pattern: re.Pattern[str]) -> bool:
    """Whether `pattern` starts with a literal or a set of characters, so that a search jumps
    between the places those occur instead of trying the whole pattern at every position.

    A pattern that starts with a look-behind or a repeat (`(?<![a-z])qq`, `\\d{1,3}`) does not:
    write the first character before the look-behind (`q(?<![a-z]q)q`, `\\d\\d{0,2}`).
    """
    parser = sre_parser()
    compiler = _sre_compiler()
    parsed = parser.parse(pattern.pattern, pattern.flags)
    prefix, _, _ = compiler._get_literal_prefix(parsed, pattern.flags)
    return bool(prefix) or bool(compiler._get_charset_prefix(parsed, pattern.flags))


def first_char_class(patterns: Iterable[str]) -> str | None:
    """A character class that every match of any of `patterns` starts with (`[o0-9]`), or None
    when that is not known for one of them (it may match the empty string, start with `.` or a
    negated class, or ignore case).

    Look-arounds at the start consume nothing, so the first character comes from what follows
    them. An alternation of many patterns (`(?P<a>x…)|(?P<b>y…)`) does not start with a class
    even when each of its branches does, and the engine tries every branch at every position;
    written after `(?=[xy])` it tries them only where one could start, and matches the same.
    """
    parser = sre_parser()
    items: set[str] = set()
    for pattern in patterns:
        try:
            if re.compile(pattern).flags & re.IGNORECASE:
                return None
            items.update(_first_items(list(parser.parse(pattern))))
        except (re.error, _NoClass):
            return None
    return "[" + "".join(sorted(items)) + "]" if items else None


def gated(source: str, patterns: Iterable[str]) -> str:
    """`source` (a regex that matches only where one of `patterns` does) written after the
    look-ahead of `first_char_class(patterns)`, or unchanged when that class is not known."""
    gate = first_char_class(patterns)
    return f"(?={gate})(?:{source})" if gate is not None else source


class _NoClass(Exception):
    pass


def _first_items(items: list[Any]) -> list[str]:
    """The class items (escaped, as class source) one of which starts every match of `items`."""
    c = _sre_constants()
    zero_width = (c.ASSERT, c.ASSERT_NOT, c.AT)
    for index, (op, arg) in enumerate(items):
        if op in zero_width:
            continue
        if op is c.LITERAL:
            return [re.escape(chr(arg))]
        if op is c.IN:
            return [_class_item(kind, value) for kind, value in arg]
        if op is c.SUBPATTERN:
            if arg[1] & re.IGNORECASE:  # (?i:...)
                raise _NoClass
            return _first_items([*arg[-1], *items[index + 1 :]])
        if op is c.BRANCH:
            rest = items[index + 1 :]
            return [item for branch in arg[1] for item in _first_items([*branch, *rest])]
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, _, body = arg
            if low >= 1:
                return _first_items(list(body))
            # Optional: a match starts with the body or with what follows it.
            return [*_first_items([*body, *items[index + 1 :]]), *_first_items(items[index + 1 :])]
        raise _NoClass  # ANY, NOT_LITERAL, group references...
    raise _NoClass  # only zero-width items: the match may be empty


def _class_item(kind: Any, value: Any) -> str:
    c = _sre_constants()
    if kind is c.LITERAL:
        return re.escape(chr(value))
    if kind is c.RANGE:
        return f"{re.escape(chr(value[0]))}-{re.escape(chr(value[1]))}"
    if kind is c.CATEGORY and value in _CATEGORIES:
        return _CATEGORIES[value]
    raise _NoClass  # negated classes and other categories


def _sre_constants() -> Any:
    try:
        from re import _constants  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_constants as _constants
    return _constants


_CATEGORIES = {
    _sre_constants().CATEGORY_DIGIT: r"\d",
    _sre_constants().CATEGORY_SPACE: r"\s",
    _sre_constants().CATEGORY_WORD: r"\w",
}


def sre_parser() -> Any:
    """The regex parser's module (its internals moved in Python 3.11: sre_parse -> re._parser)."""
    try:
        from re import _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse as _parser
    return _parser


def _sre_compiler() -> Any:
    try:
        from re import _compiler  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_compile as _compiler
    return _compiler
