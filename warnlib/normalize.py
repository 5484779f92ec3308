"""Normalization that undoes the tricks scam posts use to dodge keyword filters.

Every step keeps an offset map, so a match found in the normalized text points
back to the exact characters of the text as submitted (`NormalizedText.to_original`).

Steps, in order:
1. per character: Unicode NFKC (full-width -> half-width), letters of other scripts drawn
   like Latin ones to those letters (Cyrillic `а`, Greek `ο`, Cherokee `Ꭺ`, small capitals
   `ᴀ`: a table generated from Unicode's confusables data), case folding,
   traditional -> simplified Chinese (OpenCC's character table), zero-width,
   control and variation-selector characters and zhuyin tone marks removed;
2. zhuyin syllables of the [zhuyin] table read as their characters (`ㄌㄞˋ` -> 赖), every other
   zhuyin letter dropped (`私ㄒ我` -> 私我);
3. separators inside words collapsed (`带 单`, `带-单`, `c.r.y.p.t.o`, `he 约`), and phone numbers
   spelled in English words read as digits (`plus one seven eight six …` -> `+1786…`);
4. look-alike spellings folded to one canonical form (`薇信` -> `微信`, `🐧` -> `qq`,
   `纸飞机` -> `电报`, `dai单` -> `带单`), from the data file `rules/lookalikes.toml`.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from warnlib._prefilter import Prefilter, PrefilterIndex, build_prefilter, fold_text
from warnlib._regex import gated, literal_alternation
from warnlib._toml import load_toml_text

# CJK ideographs (basic + extension A + compatibility) - the script whose words have no spaces.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = f"[{CJK}]"

# Characters people put between the letters of a word to break keyword filters.
_SEPARATORS = r"[\s\-.*_|/·~•`'\"^+=]"

# Each of these starts with what it consumes, its look-behind after the first character and
# spanning it, so a search skips to the places that character occurs instead of trying every
# position (warnlib._regex.starts_with_class); what they match is as if the look-behind came first.
_SEPARATED_CJK = re.compile(f"{_SEPARATORS}(?<={_CJK_CHAR}{_SEPARATORS}){_SEPARATORS}{{0,3}}(?={_CJK_CHAR})")
# A lone pinyin syllable or letter glued to Chinese with a space: `he 约`, `v 我`.
# Pinyin with tone marks (sī, jiā) counts as Latin here.
_PINYIN = "a-z0-9āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_SPACE_CJK_LATIN = re.compile(
    f"[ \t](?:(?<={_CJK_CHAR}[ \t])[ \t]{{0,3}}(?=[{_PINYIN}])|(?<=[{_PINYIN}][ \t])[ \t]{{0,3}}(?={_CJK_CHAR}))"
)
# Three or more single letters/digits separated by one separator each: c.r.y.p.t.o, u s d t.
# The separator must repeat (backreference), so "c.r.y.p.t.o 1.2" stays two tokens.
# Inside the run a letter may be drawn with a symbol (`w h @ t s a p p`, `b ! o`): kept as written
# here, and read as its letter by the look-alike folds that follow.
_SPELLED_OUT = re.compile(r"[a-z0-9](?<![a-z0-9]{2})([\s\-.*_|/·~•])(?:[a-z0-9@$!]\1){1,40}[a-z0-9](?![a-z0-9])")
# A phone number typed one digit at a time, its groups set off by other marks: "9 8 7 1 0 • 4 4 2",
# "0 8 1 – 3 4 4 – 7 7 2". Seven or more single digits, each after a space or a dash, dot or bullet.
_SPACED_DIGITS = re.compile(r"\d(?<!\d\d)(?:(?:[ ]{1,2}|[ ]{0,2}[•·\-–—.][ ]{0,2})\d(?!\d)){6,15}")
_SPACED_DIGITS_GAP = re.compile(r"\D")
_SPELLED_OUT_SEPARATOR = re.compile(r"[\s\-.*_|/·~•]")
_DIGIT_DOT_DIGIT = re.compile(r"^\d[.]\d")

_DROP_CATEGORIES = {"Cf", "Cc", "Co", "Cs"}
# Bopomofo (zhuyin, Taiwan's phonetic letters) and their spacing tone marks. The tone marks are
# dropped with the characters; the letters spell a word of the [zhuyin] table in lookalikes.toml
# (ㄌㄞˋ for 賴, ㄍㄨˇ ㄆㄧㄠˋ for 股票) or are dropped after it is read: written into a Chinese word
# (私ㄒ我, 老師ㄉ聯絡方式) they split it where no filter looks.
_ZHUYIN_TONE = re.compile("[\u02c7\u02ca\u02cb\u02d9]")
_ZHUYIN_LETTERS = "\u3100-\u312f\u31a0-\u31bf"
_ZHUYIN_LETTER = re.compile(f"[{_ZHUYIN_LETTERS}]")
_KEEP_AS_SPACE = {"\n", "\t", "\r", "\u2028", "\u2029"}


@dataclass(frozen=True)
class NormalizedText:
    """The normalized form of `original`, with per-character source offsets.

    `starts[i]`/`ends[i]` give the `[start, end)` range of `original` that produced
    normalized character `i`.
    """

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a `[start, end)` span of `text` to the span of `original` it came from."""
        if not self.text:
            return (0, 0)
        if end <= start:
            pos = self.starts[start] if start < len(self.starts) else len(self.original)
            return (pos, pos)
        return (self.starts[start], self.ends[end - 1])


@lru_cache(maxsize=1)
def _traditional_to_simplified() -> dict[str, str]:
    import opencc

    table: dict[str, str] = {}
    path = resources.files(opencc) / "dictionary" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if len(source) == 1 and targets:
            table[source] = targets.split(" ")[0]
    return table


@lru_cache(maxsize=1)
def _latin_lookalikes() -> dict[str, str]:
    """Letters of other scripts -> the ASCII letter each is drawn like (Cyrillic `а` -> `a`,
    Greek `Ο` -> `O`, Canadian syllabics `ᗷ` -> `B`, small capital `ᴏ` -> `o`).

    Mixed-script spelling (`Thаnks tо Mr Оliver`) hides words from filters while reading the
    same. The table (`rules/latin_lookalikes.toml`) is generated from Unicode's confusables
    data by scripts/latin_lookalikes.py: only letters map, only to letters, never Chinese,
    Japanese or Korean. A post in Russian or Greek then reads as partly Latin, which no rule
    or model here is written for.
    """
    text = resources.files("warnlib.rules").joinpath("latin_lookalikes.toml").read_text("utf-8")
    return {str(k): str(v) for k, v in load_toml_text(text)["letters"].items()}


# Scripts whose letters are never in the table: checked first, so that Chinese posts never
# need the table read at all.
_EAST_ASIAN_NAME = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "HALFWIDTH", "FULLWIDTH", "IDEOGRAPHIC")


def _latin_lookalike(char: str) -> str:
    if char.isascii() or not unicodedata.category(char).startswith("L"):
        return char
    if unicodedata.name(char, "").startswith(_EAST_ASIAN_NAME):
        return char
    return _latin_lookalikes().get(char, char)


_char_cache: dict[str, str] = {}
_char_cache_lock = threading.Lock()
# Over every cached character: ord -> its fold, for the characters that fold to exactly one
# other character, and the characters that fold to none or to several (they move offsets).
_one_to_one: dict[int, str] = {}
_irregular: set[str] = set()


def _fold_char(char: str) -> str:
    """What one original character becomes: '' to drop it, or one or more characters."""
    folded = _char_cache.get(char)
    if folded is not None:
        return folded
    if char in _KEEP_AS_SPACE:
        folded = " "
    elif unicodedata.category(char) in _DROP_CATEGORIES or "\ufe00" <= char <= "\ufe0f" or _ZHUYIN_TONE.match(char):
        folded = ""
    else:
        t2s = _traditional_to_simplified()
        # Look-alikes before and after case folding: Cyrillic `Т` is drawn like `T`, and its
        # lower case `т` like no Latin letter.
        compatible = "".join(map(_latin_lookalike, unicodedata.normalize("NFKC", char)))
        folded = "".join(t2s.get(c, c) for c in map(_latin_lookalike, compatible.casefold()))
        folded = "".join(c for c in folded if unicodedata.category(c) not in _DROP_CATEGORIES)
    with _char_cache_lock:
        if len(_char_cache) < 200_000:  # hostile input must not grow the cache without bound
            _char_cache[char] = folded
            if len(folded) != 1:
                _irregular.add(char)
            elif folded != char:
                _one_to_one[ord(char)] = folded
    return folded


def _map_chars(original: str) -> tuple[str, tuple[int, ...], tuple[int, ...]]:
    distinct = set(original)
    # Characters seen before are folded by one str.translate over a shared table (C); only
    # new ones go through Unicode normalization, once each.
    unseen = distinct.difference(_char_cache)
    for char in unseen:
        _fold_char(char)
    size = len(original)
    if distinct.isdisjoint(_irregular) and not (unseen and unseen.difference(_char_cache)):
        # The common case: every character maps to exactly one, so offsets are the identity.
        return original.translate(_one_to_one), tuple(range(size)), tuple(range(1, size + 1))
    folds = {char: _fold_char(char) for char in distinct}
    if all(len(folded) == 1 for folded in folds.values()):
        table = {ord(char): folded for char, folded in folds.items() if folded != char}
        return (original.translate(table) if table else original), tuple(range(size)), tuple(range(1, size + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(original):
        for piece in folds[char]:
            out.append(piece)
            starts.append(index)
            ends.append(index + 1)
    return "".join(out), tuple(starts), tuple(ends)


def _rewrite(
    text: str,
    starts: Sequence[int],
    ends: Sequence[int],
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str]], str],
) -> tuple[str, Sequence[int], Sequence[int]]:
    """Apply `pattern.sub(replace)` and carry the offset map along (see `_edit`)."""
    return _edit(text, starts, ends, ((*m.span(), replace(m)) for m in pattern.finditer(text)))


def _edit(
    text: str,
    starts: Sequence[int],
    ends: Sequence[int],
    edits: Iterable[tuple[int, int, str]],
) -> tuple[str, Sequence[int], Sequence[int]]:
    """Replace each (start, end) of `text` (in order, not overlapping) by its string, and carry
    the offset map along: characters of a replacement all map to the whole original range the
    replaced text covered."""
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for start, end, replacement in edits:
        if replacement == text[start:end]:
            continue
        out.append(text[last:start])
        new_starts.extend(starts[last:start])
        new_ends.extend(ends[last:start])
        if replacement:
            source_start, source_end = starts[start], ends[end - 1]
            out.append(replacement)
            new_starts.extend([source_start] * len(replacement))
            new_ends.extend([source_end] * len(replacement))
        last = end
    if last == 0 and not out:
        return text, starts, ends
    out.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return "".join(out), new_starts, new_ends


def _drop_separator(match: re.Match[str]) -> str:
    """A separator between Chinese characters goes (加.微.信), except a lone '"' that opens or
    closes a quote of more than two characters (他说"加我微信"): quotes tell whose words those are."""
    if match.group(0) != '"':
        return ""
    text, at = match.string, match.start()
    after = text.find('"', at + 1, at + _MAX_QUOTE + 2)
    before = text.rfind('"', max(0, at - _MAX_QUOTE - 1), at)
    return '"' if (after != -1 and after - at > 3) or (before != -1 and at - before > 3) else ""


_MAX_QUOTE = 200  # as the narration's quote patterns (context.toml)


def _join_digits(match: re.Match[str]) -> str:
    return _SPACED_DIGITS_GAP.sub("", match.group(0))


def _collapse_spelled_out(match: re.Match[str]) -> str:
    token = match.group(0)
    if _DIGIT_DOT_DIGIT.match(token) and token.count(".") == len(_SPELLED_OUT_SEPARATOR.findall(token)):
        return token  # a version number or date like 1.2.3, not a spelled-out word
    if " " in token and not any(c.isdigit() for c in token) and len(token) <= 5:
        return token  # "a b c" style lists of two or three letters in prose
    return _SPELLED_OUT_SEPARATOR.sub("", token)


_DIGIT_WORD_GAP = r"[\s,.\-]{1,3}"
_DIGIT_WORD = re.compile(r"[a-z]+")


class _FoldTable:
    """The look-alike folds of lookalikes.toml, each run only on posts that could hold it.

    Literal variants ("薇信", "v❤") act as one trie alternation (the longest at a place wins);
    regex folds as one alternation of named groups, in one pass (a fold may not rely on another's
    output; the first listed wins at a place). Most posts hold none of them, yet scanning every
    post with both alternations was half the cost of normalizing. So one Aho-Corasick pass finds
    which variants occur and which regex folds' needles (see `warnlib._prefilter`) occur, and
    only those are searched, each on its own (`_leftmost`), which finds what their alternation
    would. Leaving out an alternative that cannot match anywhere in the text changes no match:
    the result is the same as with the whole alternation (tests/test_normalize.py checks).
    """

    def __init__(
        self,
        targets: dict[str, str],
        folds: list[tuple[str, str]],
        zhuyin: dict[str, str],
        spelled_digits: dict[str, Any],
    ) -> None:
        self.targets = targets
        # Digits spelled as words: the run as one match, each word then read by `read_digits`.
        self.digit_words: dict[str, str] = {str(k): str(v) for k, v in spelled_digits.get("words", {}).items()}
        self.digit_plus = str(spelled_digits.get("plus", ""))
        self.digit_regex: re.Pattern[str] | None = None
        if self.digit_words:
            word = literal_alternation(self.digit_words)
            lead = f"(?:{re.escape(self.digit_plus)}{_DIGIT_WORD_GAP})?" if self.digit_plus else ""
            run = int(spelled_digits.get("min_run", 7))
            pattern = f"{lead}(?:{word}{_DIGIT_WORD_GAP}){{{run - 1},24}}{word}"
            self.digit_regex = re.compile(gated(pattern, [pattern]))
        # The zhuyin words, longest first, then any other zhuyin letter (replaced by nothing).
        self.zhuyin = zhuyin
        words = "|".join(re.escape(word) for word in sorted(zhuyin, key=lambda w: (-len(w), w)))
        self.zhuyin_regex = re.compile(f"{words}|[{_ZHUYIN_LETTERS}]" if words else f"[{_ZHUYIN_LETTERS}]")
        self._variants = sorted(targets)
        self._folds = folds  # (regex, canonical) in file order
        self._variant_regexes: list[re.Pattern[str] | None] = [None] * len(self._variants)
        self._fold_regexes: list[re.Pattern[str] | None] = [None] * len(folds)
        # One index for both kinds, over text with digits and spaces folded (`fold_text`): a
        # variant is looked for in that form too, which may find one that is not there ("v0"
        # for "v8"), never miss one that is; the alternation built from the finds is exact.
        variant_needles = [Prefilter(frozenset({fold_text(v)})) for v in self._variants]
        self._index = PrefilterIndex([*variant_needles, *(build_prefilter(regex) for regex, _ in folds)])

    def read_digits(self, match: re.Match[str]) -> str:
        """A run of `digit_regex`: `plus one seven eight six ...` -> `+1786...`."""
        words = _DIGIT_WORD.findall(match.group(0))
        return "".join("+" if word == self.digit_plus else self.digit_words[word] for word in words)

    def present(self, text: str) -> list[int]:
        """Which variants and folds could occur in `text`, from one Aho-Corasick pass: the
        argument `literal_edits` and `fold_edits` take (only those are looked for)."""
        return sorted(self._index.candidates(fold_text(text)))

    def literal_edits(self, text: str, present: list[int]) -> list[tuple[int, int, str]] | None:
        """Where the literal variants occur in `text` and what each becomes; None if none could."""
        count = len(self._variants)
        present = tuple(i for i in present if i < count)
        if not present:
            return None
        targets = self.targets
        patterns = [self._variant_regex(i) for i in present]
        return [(start, end, targets[text[start:end]]) for start, end, _ in _leftmost(text, patterns, longest=True)]

    def fold_edits(self, text: str, present: list[int]) -> list[tuple[int, int, str]] | None:
        """Where the regex folds that could match `text` match, and the canonical form of each."""
        count = len(self._variants)
        present = tuple(i - count for i in present if i >= count)
        if not present:
            return None
        folds = self._folds
        patterns = [self._fold_regex(i) for i in present]
        return [(start, end, folds[present[k]][1]) for start, end, k in _leftmost(text, patterns, longest=False)]

    def _variant_regex(self, i: int) -> re.Pattern[str]:
        # Compiled on first use and kept: one per variant, a bounded set. (A regex per combination
        # of variants, as an earlier version built, kept compiling new ones on new posts, at a
        # few hundred microseconds each; searched one by one, a post's few run as fast.)
        regex = self._variant_regexes[i]
        if regex is None:
            regex = self._variant_regexes[i] = re.compile(literal_alternation([self._variants[i]]))
        return regex

    def _fold_regex(self, i: int) -> re.Pattern[str]:
        regex = self._fold_regexes[i]
        if regex is None:
            regex = self._fold_regexes[i] = re.compile(self._folds[i][0])
        return regex


def _leftmost(text: str, patterns: Sequence[re.Pattern[str]], *, longest: bool) -> list[tuple[int, int, int]]:
    """The matches `finditer` of the alternation of `patterns` would give, as (start, end, which).

    The earliest match wins; of matches at the same place the longest (`longest`, as a trie of
    literals picks) or the first pattern's (as `a|b` picks); the search goes on after its end.
    Searching each pattern on its own needs no regex compiled for the combination a post holds.
    Patterns must not match the empty string.
    """
    if len(patterns) == 1:
        return [(*m.span(), 0) for m in patterns[0].finditer(text)]
    found: list[tuple[int, int, int]] = []
    nexts = [pattern.search(text) for pattern in patterns]
    while True:
        best = -1
        for k, match in enumerate(nexts):
            if match is None:
                continue
            if best < 0:
                best = k
                continue
            other = nexts[best]
            assert other is not None
            if match.start() < other.start() or (
                longest and match.start() == other.start() and match.end() > other.end()
            ):
                best = k
        if best < 0:
            return found
        chosen = nexts[best]
        assert chosen is not None
        start, end = chosen.span()
        found.append((start, end, best))
        for k, match in enumerate(nexts):
            if match is not None and match.start() < end:
                nexts[k] = patterns[k].search(text, end)


@lru_cache(maxsize=1)
def _fold_table() -> _FoldTable:
    data = load_toml_text(resources.files("warnlib.rules").joinpath("lookalikes.toml").read_text("utf-8"))
    targets: dict[str, str] = {}
    folds: list[tuple[str, str]] = []
    for entry in data.get("fold", []):
        canonical = entry["to"]
        for variant in entry.get("from", []):
            key, _, _ = _map_chars(variant)
            targets[key] = canonical
        for regex in entry.get("patterns", []):
            re.compile(regex)  # a bad fold fails here, on its own, with its own text
            folds.append((regex, canonical))
    targets.pop("", None)
    zhuyin = {str(word): str(char) for word, char in data.get("zhuyin", {}).items()}
    return _FoldTable(targets, folds, zhuyin, data.get("spelled_digits", {}))


def normalize(text: str) -> NormalizedText:
    """Normalize `text` for matching; see the module docstring for the steps."""
    folded, starts, ends = _map_chars(text)
    table = _fold_table()
    if _ZHUYIN_LETTER.search(folded):
        folded, starts, ends = _rewrite(
            folded, starts, ends, table.zhuyin_regex, lambda m: table.zhuyin.get(m.group(0), "")
        )
    folded, starts, ends = _rewrite(folded, starts, ends, _SEPARATED_CJK, _drop_separator)
    folded, starts, ends = _rewrite(folded, starts, ends, _SPACE_CJK_LATIN, lambda m: "")
    folded, starts, ends = _rewrite(folded, starts, ends, _SPACED_DIGITS, _join_digits)
    folded, starts, ends = _rewrite(folded, starts, ends, _SPELLED_OUT, _collapse_spelled_out)
    if table.digit_regex is not None:
        folded, starts, ends = _rewrite(folded, starts, ends, table.digit_regex, table.read_digits)
    # Literal folds first, so "加v❤" becomes "加微信" and not "加微信❤".
    present = table.present(folded)
    literal = table.literal_edits(folded, present)
    if literal:
        before = folded
        folded, starts, ends = _edit(folded, starts, ends, literal)
        if folded != before:
            present = table.present(folded)
    folds = table.fold_edits(folded, present)
    if folds:
        folded, starts, ends = _edit(folded, starts, ends, folds)
    return NormalizedText(text, folded, tuple(starts), tuple(ends))
