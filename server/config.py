"""Server configuration: embedded defaults, then a TOML file, then `WARNLIB_*` environment variables.

Every setting has a default that works on a laptop with nothing else installed. A config file
uses the same names in lower case (see `server/warnlib.example.toml`); an environment variable is
the name in upper case with a `WARNLIB_` prefix, e.g. `WARNLIB_PORT=9000` or
`WARNLIB_API_KEYS=key1,key2`. Later sources win: defaults < file < environment < explicit overrides.
"""

from __future__ import annotations

import dataclasses
import os
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union, get_args, get_origin, get_type_hints

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
        so CLI flags that were not passed do not clobber the file or environment. A bad value
        raises `ConfigError` naming the setting and where it came from.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        origins: dict[str, str] = {}
        path = path or env.get(f"{ENV_PREFIX}CONFIG") or None
        if path:
            source = f"config file {path}"
            for name, value in _read_file(Path(path)).items():
                values[name], origins[name] = parse_setting(name, value, source), source
        for name in _SETTING_TYPES:
            variable = ENV_PREFIX + name.upper()
            raw = env.get(variable)
            if raw is not None:
                source = f"environment variable {variable}"
                values[name], origins[name] = parse_setting(name, raw, source, from_text=True), source
        for name, value in overrides.items():
            if value is not None:
                values[name], origins[name] = parse_setting(name, value, "arguments"), "arguments"
        try:
            return cls(**values)
        except ConfigError as exc:
            # A range check names the setting; say which source set it.
            named = [f"{name} from {origins[name]}" for name in origins if re.search(rf"\b{name}\b", str(exc))]
            raise ConfigError(f"{exc} ({'; '.join(named)})" if named else str(exc)) from None

    def replace(self, **changes: Any) -> ServerConfig:
        return dataclasses.replace(self, **{k: parse_setting(k, v, "replace()") for k, v in changes.items()})


# Each setting's real type, read from the annotations (not from their text, which
# `from __future__ import annotations` leaves in `fields()`).
_SETTING_TYPES: dict[str, Any] = {item.name: get_type_hints(ServerConfig)[item.name] for item in fields(ServerConfig)}
# How an environment variable lists several values: rule pack paths may hold commas.
_LIST_SEPARATORS = {"rules": os.pathsep}


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
    unknown = sorted(set(data) - set(_SETTING_TYPES))
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting(s) {', '.join(unknown)}")
    return data


def _integer(value: Any) -> int:
    # bool is an int to Python, but `port = true` is a mistake; 9000.5 must not become 9000.
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise TypeError
    return int(value.strip() if isinstance(value, str) else value)


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError
    return float(value.strip() if isinstance(value, str) else value)


def _text(value: Any) -> str:
    # TOML numbers are taken as their text: `rate_limit = 0` means "0".
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError
    return str(value)


# Converter and the words an error uses, per type a setting can have.
_CONVERTERS: dict[Any, tuple[Callable[[Any], Any], str]] = {
    int: (_integer, "a whole number"),
    float: (_number, "a number"),
    str: (_text, "text"),
}


def _describe(kind: Any) -> str:
    if get_origin(kind) is tuple:
        return "a list of text"
    if _optional(kind) is not None:
        return f"{_describe(_optional(kind))} or empty"
    return _CONVERTERS[kind][1]


def _optional(kind: Any) -> Any:
    """X for `X | None`, else None."""
    args = get_args(kind)
    if get_origin(kind) in (Union, types.UnionType) and type(None) in args and len(args) == 2:
        return next(a for a in args if a is not type(None))
    return None


def _convert(name: str, kind: Any, value: Any, *, from_text: bool) -> Any:
    if get_origin(kind) is tuple:  # tuple[str, ...]
        if isinstance(value, str):
            separator = _LIST_SEPARATORS.get(name, ",")
            items = [part.strip() for part in value.split(separator)] if from_text else [value]
            value = [part for part in items if part]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise TypeError
        return tuple(value)
    inner = _optional(kind)
    if inner is not None:
        return None if value in (None, "") else _convert(name, inner, value, from_text=from_text)
    return _CONVERTERS[kind][0](value)


def parse_setting(name: str, value: Any, source: str, *, from_text: bool = False) -> Any:
    """`value` as setting `name`'s type; `from_text` for environment variables (lists split on ',').

    Raises `ConfigError` naming the setting, the value, the type wanted and `source`.
    """
    if name in _REMOVED:
        raise ConfigError(f"{source}: {name} is no longer a setting: {_REMOVED[name]}")
    if name not in _SETTING_TYPES:
        raise ConfigError(f"{source}: unknown setting {name!r}")
    kind = _SETTING_TYPES[name]
    try:
        return _convert(name, kind, value, from_text=from_text)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{source}: setting {name} = {value!r} should be {_describe(kind)}") from exc
