"""Per-process guards: a token-bucket rate limiter, an LRU cache of assessments, API-key checks."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any


class RateLimiter:
    """Token bucket per client: `rate` requests per second sustained, bursts up to `burst`.

    Under gunicorn each worker keeps its own buckets, so the effective limit is per worker.
    """

    def __init__(
        self,
        rate: float,
        burst: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self._lock = threading.Lock()
        self._max_clients = max_clients

    def acquire(self, client: str) -> float:
        """Take one token; return 0 when allowed, else the seconds until a token is available."""
        if self.rate <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0
            if tokens >= 1:
                tokens -= 1
            else:
                wait = (1 - tokens) / self.rate
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > self._max_clients:  # forget the longest-idle clients
                self._buckets.popitem(last=False)
            return wait


class AssessmentCache:
    """Bounded LRU of assessment dicts keyed by (locale, SHA-256 of the text).

    Keys are digests so the cache holds no post text beyond the evidence inside assessments.
    """

    def __init__(self, max_items: int) -> None:
        self.max_items = max_items
        self._items: OrderedDict[bytes, dict[str, Any]] = OrderedDict()
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
            return value

    def put(self, key: bytes, value: dict[str, Any]) -> None:
        if self.max_items == 0:
            return
        with self._lock:
            self._items[key] = value
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
