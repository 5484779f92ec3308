"""What one request may cost, and the guards that hold it to that.

Size alone does not bound the work: normalization can turn one character into eighteen (U+FDFA),
and a batch multiplies everything by its length. So a request is measured in characters *after*
Unicode normalization, per text and in total, and charged to the rate limiter in cost units. A
per-process scoring gate and a time budget keep a burst of expensive requests from occupying
every thread: cheap requests such as /healthz always find one free.

Also here: the LRU cache of assessments and the constant-time API-key check.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import math
import queue
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import ServerConfig

# One cost unit is one text of up to this many (normalized) characters; longer texts cost more.
COST_UNIT_CHARS = 1_000


@dataclass(frozen=True)
class ApiLimits:
    """Every limit a client can run into, from one `ServerConfig`. /healthz publishes `to_dict()`."""

    max_text_chars: int
    max_batch_items: int
    max_body_bytes: int
    max_request_chars: int
    request_time_budget_s: float
    rate_limit: tuple[str, ...]  # windows such as "1200 per 1 minute"; empty: unlimited
    cost_unit_chars: int = COST_UNIT_CHARS

    @classmethod
    def from_config(cls, config: ServerConfig) -> ApiLimits:
        return cls(
            max_text_chars=config.max_text_chars,
            max_batch_items=config.max_batch_items,
            max_body_bytes=config.max_body_bytes,
            max_request_chars=config.max_request_chars,
            request_time_budget_s=config.request_time_budget_s,
            rate_limit=config.rate_limits,
        )

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["rate_limit"] = list(self.rate_limit)
        return values

    @cached_property
    def published(self) -> dict[str, Any]:
        """`to_dict()` worked out once, for /healthz to send as it is (never change it in place).

        `asdict` walks and deep-copies every field: over a hundred function calls per /healthz.
        """
        return self.to_dict()

    def cost(self, normalized_lengths: Iterable[int]) -> int:
        """Rate-limit units for texts of these normalized lengths: one per started unit, at least one each."""
        return max(1, sum(max(1, math.ceil(length / self.cost_unit_chars)) for length in normalized_lengths))


class _Folded(dict[int, str]):
    """Code point -> its character after NFKC and case folding: a `str.translate` table, filled as met.

    Holds at most `FOLDED_CACHE_SIZE` entries (every character met beyond them is folded again each
    time: still correct, only slower), so texts of ever new characters cannot grow it without bound.
    """

    def __missing__(self, code_point: int) -> str:
        folded = unicodedata.normalize("NFKC", chr(code_point)).casefold()
        if len(self) < FOLDED_CACHE_SIZE:
            self[code_point] = folded
        return folded


FOLDED_CACHE_SIZE = 65_536
_FOLDED = _Folded()


def normalized_length(text: str) -> int:
    """How many characters `text` has after the Unicode step of warnlib's normalization.

    warnlib folds each character on its own (NFKC, then case folding), which is where text can
    grow: U+FDFA becomes 18 characters, 'ß' two. `str.translate` applies that per character in C,
    looking each up in a table of the characters met so far: ~6 µs for a 70-character post (a
    Python loop over its distinct characters took ~17), about 1.4 ms for 20,000 characters, far
    below the cost of scoring them.
    """
    return len(text.translate(_FOLDED))


class OverBudget(Exception):
    """The request used up its time budget (waiting for a slot or scoring)."""


class ScoringGate:
    """At most `slots` requests score at once in this process; each within `budget_s` seconds.

    Scoring is pure Python and holds the GIL, so more concurrent scorers in one process share one
    core and only make every request slower; waiting ones sleep instead of competing, which keeps
    the GIL available to cheap requests. The wait counts against the request's time budget.

    The free slots are tokens in a `queue.SimpleQueue`, which is written in C: taking one (with a
    timeout) and putting it back are two calls, where `threading.BoundedSemaphore`'s Condition
    made about a dozen Python calls per request; `scoring()` is a plain context manager for the
    same reason (a generator-based one adds five).
    """

    def __init__(self, slots: int, budget_s: float) -> None:
        self.slots = slots
        self.budget_s = budget_s
        self._free: queue.SimpleQueue[None] = queue.SimpleQueue()
        for _ in range(slots):
            self._free.put(None)

    def scoring(self) -> _Slot:
        """`with gate.scoring() as deadline:` holds a slot; `OverBudget` when none frees in time."""
        return _Slot(self)


class _Slot:
    __slots__ = ("_gate",)

    def __init__(self, gate: ScoringGate) -> None:
        self._gate = gate

    def __enter__(self) -> Deadline:
        gate = self._gate
        deadline = Deadline(time.monotonic() + gate.budget_s)
        try:
            gate._free.get(timeout=gate.budget_s)
        except queue.Empty:
            raise OverBudget(f"no scoring slot became free within {gate.budget_s:g} s") from None
        return deadline

    def __exit__(self, *exc_info: object) -> None:
        self._gate._free.put(None)


@dataclass(frozen=True)
class Deadline:
    at: float  # time.monotonic() value

    def check(self) -> None:
        """Raise `OverBudget` once the deadline has passed (call it between units of work)."""
        if time.monotonic() > self.at:
            raise OverBudget("scoring took longer than the request's time budget")


class AssessmentCache:
    """Bounded LRU of assessments keyed by (locale, SHA-256 of the text).

    Keys are digests so the cache holds no post text beyond the evidence inside assessments.
    Values are kept serialized: one bytes object per entry is invisible to the cyclic garbage
    collector, while 4,096 nested dicts made each of its full passes take ~100 ms with the GIL
    held, stalling every request of the worker (/healthz included). `marshal` (CPython's own
    format for plain values, read back only by the process that wrote it) takes ~10 µs to write
    an assessment and ~14 to read it, where JSON took ~26 and ~29: a miss pays the write.
    """

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self._items: OrderedDict[bytes, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(text: str, locale: str) -> bytes:
        return hashlib.sha256(f"{locale}\x00{text}".encode("utf-8", "surrogatepass")).digest()

    def get(self, key: bytes) -> dict[str, Any] | None:
        if self.max_items == 0:
            return None
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
        return marshal.loads(value)  # type: ignore[no-any-return]

    def put(self, key: bytes, value: dict[str, Any]) -> None:
        if self.max_items == 0:
            return
        encoded = marshal.dumps(value)
        with self._lock:
            self._items[key] = encoded
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def key_matches(presented: str, keys: Sequence[str]) -> bool:
    """True when `presented` equals one of `keys`, in time independent of where they differ.

    Every key is compared (no early exit), and digests make the comparison length-independent.
    """
    presented_digest = hashlib.sha256(presented.encode("utf-8", "surrogatepass")).digest()
    found = False
    for key in keys:
        found |= hmac.compare_digest(presented_digest, hashlib.sha256(key.encode("utf-8")).digest())
    return found
