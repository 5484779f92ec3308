"""Rate limiting with flask-limiter: cost units per client, shared by workers through a storage URI.

    rate_limit = "1200/minute"                  # or "1200/minute;200/10 seconds"
    rate_limit_storage = "redis://redis:6379"   # default "memory://": per process

Every /v1 request (known route or not) is charged `api.request_cost()` units to the bucket of
`api.client_identity()`: a configured API key, else the client address. Answers carry the standard
`X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` and, once limited,
`Retry-After`. The sliding-window-counter strategy keeps one pair of counters per client, so a
charge of N units is one increment in Redis, not N entries.

If the shared storage goes away the limiter falls back to per-process memory (logged, and
/healthz says degraded) rather than failing requests.

`memory://` is served by `SweepingMemoryStorage`, limits' own memory storage with its expiry
sweep run in the request thread instead of a new timer thread per request.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from flask import Flask, request
from flask_limiter import Limiter
from limits.storage import MemoryStorage

from .api import client_identity, request_cost, v1
from .config import ServerConfig

# How often the in-memory counters of clients that went quiet are dropped.
SWEEP_INTERVAL_S = 1.0


class SweepingMemoryStorage(MemoryStorage):
    """limits' `MemoryStorage`, sweeping expired counters inline at most once per `SWEEP_INTERVAL_S`.

    The parent schedules its sweep as a `threading.Timer` of 10 ms on every increment once the
    previous one has fired: below 100 requests/s per worker that is a new OS thread per request,
    and `Thread.start()` waits until the new thread has run, a GIL hand-off in the path of every
    /v1 request (about 1 ms of a request's ~2 on a busy worker, and a source of tail latency).
    Counts stay exact without it: every read drops an expired counter first. The sweep only
    bounds memory (clients that stopped sending), which once a second does as well.
    """

    STORAGE_SCHEME: ClassVar[list[str]] = ["warnlib-memory"]  # limits registers storages by scheme

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        self._next_sweep = 0.0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    # The parent calls this name-mangled hook from incr/decr/acquire_*; a test checks it still does.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_INTERVAL_S
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def storage_uri(configured: str) -> str:
    """The URI handed to flask-limiter: `memory://` means `SweepingMemoryStorage`."""
    if configured.startswith("memory://"):
        return "warnlib-memory://" + configured.removeprefix("memory://")
    return configured


def init_rate_limits(app: Flask, config: ServerConfig) -> Limiter | None:
    """Attach the limiter to `app` (before the v1 blueprint's own checks run); None when disabled."""
    if not config.rate_limits:
        return None
    limiter = Limiter(
        key_func=client_identity,
        storage_uri=storage_uri(config.rate_limit_storage),
        strategy="sliding-window-counter",
        headers_enabled=True,
        key_prefix="warnlib",
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    before = len(app.before_request_funcs.get(None, []))
    teardown = len(app.teardown_request_funcs.get(None, []))
    limiter.init_app(app)
    # Only the API is limited: /healthz, /docs and /openapi.json cost nothing to answer. So the
    # check that flask-limiter hooks onto every request runs in the v1 blueprint's hooks instead
    # (first among them, as before _guard), and other paths never enter flask-limiter's limit
    # resolution at all (168 of /healthz's 1,424 function calls per request). Its after-request
    # hook stays app-wide, in its place among the others, so headers keep their order; without
    # a check it adds nothing.
    _move_to_v1(app.before_request_funcs, before, at_front=True)
    _move_to_v1(app.teardown_request_funcs, teardown, at_front=False)
    # CORS preflights carry no key: not limited. (Request filters are flask-limiter's first check.)
    limiter.request_filter(lambda: request.method == "OPTIONS")
    # One shared counter for all of /v1: a client's budget is spread over the endpoints it uses.
    limiter.shared_limit(";".join(config.rate_limits), scope="v1", cost=request_cost)(v1)
    return limiter


def _move_to_v1(hooks: dict[str | None, list[Any]], registered_before: int, *, at_front: bool) -> None:
    """Move the app-wide hooks appended since `registered_before` into the v1 blueprint's own."""
    app_wide = hooks.get(None, [])
    added, app_wide[registered_before:] = app_wide[registered_before:], []
    blueprint = hooks.setdefault(v1.name, [])
    if at_front:
        blueprint[:0] = added
    else:
        blueprint.extend(added)


def storage_health(limiter: Limiter | None) -> str:
    """'ok', 'off' (no limit configured), or why the shared counters cannot be reached."""
    if limiter is None:
        return "off"
    try:
        reachable = limiter.storage.check()
    except Exception as exc:  # a client library error of any kind means the same thing here
        return f"unreachable ({type(exc).__name__})"
    return "ok" if reachable else "unreachable"
