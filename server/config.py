"""Server configuration: embedded defaults, then a TOML file, then `WARNLIB_*` environment variables.

Every setting has a default that works on a laptop with nothing else installed. A config file
uses the same names in lower case (see `server/warnlib.example.toml`); an environment variable is
the name in upper case with a `WARNLIB_` prefix, e.g. `WARNLIB_PORT=9000` or
`WARNLIB_API_KEYS=key1,key2`. Later sources win: defaults < file < environment < explicit overrides.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warnlib._toml import TOMLDecodeError, load_toml_text

if TYPE_CHECKING:
    from .limits import ApiLimits

ENV_PREFIX = "WARNLIB_"

# Extension pages call the API from these origins; ordinary web pages must not.
DEFAULT_CORS_ORIGINS = ("chrome-extension://*", "moz-extension://*", "safari-web-extension://*")

# Settings that were removed, with what replaces them: a config file naming one gets this message.
_REMOVED = {
    "rate_limit_burst": 'add a shorter window to rate_limit instead, e.g. rate_limit = "1200/minute;200/10 seconds"',
}


class ConfigError(ValueError):
    """A setting is missing, mistyped or out of range; the message names it and its source."""


def _published() -> Any:
    from warnlib.scorer import Thresholds

    return Thresholds()


def default_feedback_db() -> str:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(data_home) / "warnlib" / "feedback.sqlite3")


@dataclass(frozen=True)
class ServerConfig:
    """Everything the service can be told. Build one with `ServerConfig.load()`."""

    host: str = "127.0.0.1"
    port: int = 8765
    # Scoring: by default the published cuts of the shipped model (warnlib/data/thresholds.toml)
    high_threshold: float = field(default_factory=lambda: _published().high)
    medium_threshold: float = field(default_factory=lambda: _published().medium)
    rules: tuple[str, ...] = ()  # extra rule pack files or folders
    allow_list: str | None = None  # file with one allowed phrase per line
    # Limits: what one request may cost (see server/limits.py for how each is counted)
    max_text_chars: int = 20_000  # per text, as submitted and after Unicode normalization
    max_batch_items: int = 100
    max_body_bytes: int = 2 * 1024 * 1024
    max_request_chars: int = 100_000  # all texts of one request together, after normalization
    request_time_budget_s: float = 5.0  # waiting for a scoring slot plus scoring; over it: 503
    scoring_concurrency: int = 1  # requests scoring at once per process (scoring holds the GIL)
    # Access
    api_keys: tuple[str, ...] = ()  # empty: no key needed (fine on 127.0.0.1)
    cors_origins: tuple[str, ...] = DEFAULT_CORS_ORIGINS
    # Cost units per client (valid API key, else address); "1200/minute;200/10 seconds" sets two
    # windows; "" or "0" disables. A unit is one text of up to 1,000 characters (limits.COST_UNIT_CHARS).
    rate_limit: str = "1200/minute"
    # Where the counters live: "memory://" (per process) or shared by every worker and instance,
    # e.g. "redis://localhost:6379" (or "memcached://localhost:11211" with pymemcache installed).
    rate_limit_storage: str = "memory://"
    trusted_proxy_hops: int = 0  # reverse proxies in front that set X-Forwarded-For / -Proto
    # State
    feedback_db: str = field(default_factory=default_feedback_db)
    cache_size: int = 4096  # assessments kept by text hash; 0 disables

    def __post_init__(self) -> None:
        if not 0 < self.medium_threshold <= self.high_threshold <= 1:
            raise ConfigError("thresholds need 0 < medium_threshold <= high_threshold <= 1")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port {self.port} is not in 0..65535")
        for name in ("max_text_chars", "max_batch_items", "max_body_bytes", "max_request_chars", "scoring_concurrency"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1")
        if not self.request_time_budget_s > 0:
            raise ConfigError("request_time_budget_s must be more than 0")
        if self.cache_size < 0 or self.trusted_proxy_hops < 0:
            raise ConfigError("cache_size and trusted_proxy_hops must be >= 0")
        self.rate_limits  # noqa: B018 - validates the rate string early
        if "://" not in self.rate_limit_storage:
            raise ConfigError(
                f"rate_limit_storage {self.rate_limit_storage!r} should be a storage URI such as "
                "'memory://' or 'redis://localhost:6379'"
            )

    @property
    def rate_limits(self) -> tuple[str, ...]:
        """The rate-limit windows, each as 'N per P' text; empty means unlimited."""
        from limits import parse_many

        if self.rate_limit.strip() in ("", "0"):
            return ()
        try:
            return tuple(str(item) for item in parse_many(self.rate_limit))
        except ValueError:
            raise ConfigError(
                f"rate_limit {self.rate_limit!r} should look like '1200/minute' or "
                "'1200/minute;200/10 seconds' (or '0' to disable)"
            ) from None

    @property
    def limits(self) -> ApiLimits:
        """Every per-request limit in one object: what the server enforces and what it publishes."""
        from .limits import ApiLimits

        return ApiLimits.from_config(self)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        env: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> ServerConfig:
        """Defaults, then the TOML file at `path`, then `WARNLIB_*` variables, then `overrides`.

        `WARNLIB_CONFIG` names a file when `path` is not given. `None` overrides are ignored,
        so CLI flags that were not passed do not clobber the file or environment.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        path = path or env.get(f"{ENV_PREFIX}CONFIG") or None
        if path:
            values.update(_read_file(Path(path)))
        for item in fields(cls):
            raw = env.get(ENV_PREFIX + item.name.upper())
            if raw is not None:
                values[item.name] = _from_env(item.name, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**{name: _coerce(name, value) for name, value in values.items()})

    def replace(self, **changes: Any) -> ServerConfig:
        return dataclasses.replace(self, **{k: _coerce(k, v) for k, v in changes.items()})


_FIELD_TYPES = {item.name: item.type for item in fields(ServerConfig)}


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = load_toml_text(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
    data = data.get("warnlib", data)  # allow either top-level keys or a [warnlib] table
    removed = sorted(set(data) & set(_REMOVED))
    if removed:
        raise ConfigError(f"config file {path}: {removed[0]} is no longer a setting: {_REMOVED[removed[0]]}")
    unknown = sorted(set(data) - set(_FIELD_TYPES))
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")
    return data


def _from_env(name: str, raw: str) -> Any:
    kind = _FIELD_TYPES[name]
    if "tuple" in str(kind):
        separator = os.pathsep if name == "rules" else ","
        return tuple(part.strip() for part in raw.split(separator) if part.strip())
    return raw


def _coerce(name: str, value: Any) -> Any:
    if name in _REMOVED:
        raise ConfigError(f"{name} is no longer a setting: {_REMOVED[name]}")
    if name not in _FIELD_TYPES:
        raise ConfigError(f"unknown setting {name!r}")
    kind = str(_FIELD_TYPES[name])
    try:
        if "tuple" in kind:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise TypeError
            return tuple(value)
        if kind == "int":
            if isinstance(value, bool):
                raise TypeError
            return int(value)
        if kind == "float":
            if isinstance(value, bool):
                raise TypeError
            return float(value)
        if kind == "str | None":
            return None if value in (None, "") else str(value)
        if not isinstance(value, (str, int, float)):
            raise TypeError
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name} = {value!r} should be {kind}") from exc
