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
"""

from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter

from .api import client_identity, request_cost, v1
from .config import ServerConfig


def init_rate_limits(app: Flask, config: ServerConfig) -> Limiter | None:
    """Attach the limiter to `app` (before the v1 blueprint's own checks run); None when disabled."""
    if not config.rate_limits:
        return None
    limiter = Limiter(
        key_func=client_identity,
        storage_uri=config.rate_limit_storage,
        strategy="sliding-window-counter",
        headers_enabled=True,
        key_prefix="warnlib",
        in_memory_fallback_enabled=True,
        swallow_errors=True,
    )
    limiter.init_app(app)
    limiter.request_filter(lambda: request.method == "OPTIONS")  # CORS preflights carry no key
    # One shared counter for all of /v1: a client's budget is spread over the endpoints it uses.
    limiter.shared_limit(";".join(config.rate_limits), scope="v1", cost=request_cost)(v1)
    return limiter


def storage_health(limiter: Limiter | None) -> str:
    """'ok', 'off' (no limit configured), or why the shared counters cannot be reached."""
    if limiter is None:
        return "off"
    try:
        reachable = limiter.storage.check()
    except Exception as exc:  # a client library error of any kind means the same thing here
        return f"unreachable ({type(exc).__name__})"
    return "ok" if reachable else "unreachable"
