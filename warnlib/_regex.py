"""Regex building blocks shared by normalization and rule packs."""

from __future__ import annotations

import re
from collections.abc import Iterable

_WORD_EDGE_BEFORE = "(?<![a-z0-9])"
_WORD_EDGE_AFTER = "(?![a-z0-9])"


def _is_word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _trie(words: Iterable[str]) -> str:
    """One alternation for many literals, with shared prefixes factored out.

    Python's `re` tries each branch of `a|b|c` in turn at every position; a trie
    (`ab(?:c|d)`) rejects most positions after one character. Every branch starts
    with a distinct literal, so the result cannot backtrack catastrophically.
    """
    root: dict[str, dict] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends_here = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            return (body if len(branches) > 1 else f"(?:{body})") + "?"
        return body

    return build(root)


def literal_alternation(words: Iterable[str]) -> str:
    """A regex matching any of `words`; words that begin or end with a Latin letter or
    digit match only at word edges, so "line" does not fire inside "online"."""
    groups: dict[tuple[bool, bool], list[str]] = {}
    for word in set(words):
        if word:
            groups.setdefault((_is_word_char(word[0]), _is_word_char(word[-1])), []).append(word)
    parts = []
    for (edge_before, edge_after), members in sorted(groups.items()):
        body = _trie(members)
        if edge_before:
            body = _WORD_EDGE_BEFORE + body
        if edge_after:
            body = f"(?:{body}){_WORD_EDGE_AFTER}"
        parts.append(body)
    return "|".join(parts)
