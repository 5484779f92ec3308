"""Reading amounts written the many ways posts write them: 5k, 5w, 100w, 3万, 一百万, $1.5m.

All patterns here are bounded; `find_amounts` runs in linear time on any input.
"""

from __future__ import annotations

import operator
import re
from functools import lru_cache
from typing import NamedTuple

# A space groups thousands only right after a currency sign ("$15 000"); elsewhere "2024 100"
# is two numbers.
# The first digit comes before the look-behinds (which then span it), so the pattern starts with a
# character class: the engine skips from digit to digit instead of trying every position (see
# warnlib._regex.starts_with_class).
_ARABIC = re.compile(
    r"(\d(?<![\d.]\d)(?:(?<=[$€£¥]\d)\d{0,2}(?: \d{3}){1,3}(?!\d|[,.]\d)|\d{0,2}(?:,\d{3}){1,4}"
    r"|\d{0,11}(?:\.\d{1,4})?))\s{0,1}"
    # Not followed by a letter or more digits; a full stop ends a sentence, ".5" continues a number.
    r"(千万|百万|亿|万|千|百|k|w|m|million|mil|thousand|grand)?(?![a-z]|\d|\.\d)"
)
# "二十多万" (two hundred thousand odd) reads as 二十万.
_CHINESE = re.compile(r"[零一二两三四五六七八九十百千万亿][零一二两三四五六七八九十百千万亿]{0,9}(?:多[万亿千百])?")
# Where `find_amounts` finds its amounts.
AMOUNT_PATTERNS = (_ARABIC, _CHINESE)
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_SUFFIX = {
    "千万": 10_000_000,
    "百万": 1_000_000,
    "亿": 100_000_000,
    "万": 10_000,
    "w": 10_000,
    "千": 1_000,
    "百": 100,
    "k": 1_000,
    "thousand": 1_000,
    "grand": 1_000,
    "m": 1_000_000,
    "million": 1_000_000,
    "mil": 1_000_000,
}


class Amount(NamedTuple):
    """A number found in normalized text: `value` at `[start, end)`.

    A named tuple, not a dataclass: a post holds a few of them (every 一 is one), and a tuple is
    built several times faster.
    """

    start: int
    end: int
    value: float


def parse_chinese_number(text: str) -> float | None:
    """'一百万' -> 1000000, '三千' -> 3000, '十' -> 10, '百万' -> 1000000; None if not a number."""
    if not text or any(c not in _CN_DIGITS and c not in _CN_SMALL_UNITS and c not in _CN_BIG_UNITS for c in text):
        return None
    total = 0.0
    section = 0.0
    digit: float | None = None
    for char in text:
        if char in _CN_DIGITS:
            digit = _CN_DIGITS[char]
        elif char in _CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * _CN_SMALL_UNITS[char]
            digit = None
        else:
            section += digit or 0
            base = section or 1
            total = (total + base) * _CN_BIG_UNITS[char] if char == "亿" else total + base * _CN_BIG_UNITS[char]
            section, digit = 0.0, None
    return total + section + (digit or 0)


def find_amounts(text: str) -> list[Amount]:
    """Every amount in `text` (normalized: lower case, half-width), in order of position."""
    return list(_find_amounts(text))


_START = operator.itemgetter(0)


@lru_cache(maxsize=4)
def _find_amounts(text: str) -> tuple[Amount, ...]:
    # Several extractors read the amounts of the same post: find them once.
    found: list[Amount] = []
    for match in _ARABIC.finditer(text):
        number = float(match.group(1).replace(",", "").replace(" ", ""))
        suffix = match.group(2)
        found.append(Amount(match.start(), match.end(), number * _SUFFIX[suffix] if suffix else number))
    for match in _CHINESE.finditer(text):
        value = parse_chinese_number(match.group(0).replace("多", ""))
        # A lone unit character ("万", "千") is a word, not a number.
        if value is not None and (len(match.group(0)) > 1 or match.group(0) in _CN_DIGITS):
            found.append(Amount(match.start(), match.end(), value))
    found.sort(key=_START)
    return tuple(found)
