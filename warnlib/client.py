"""Python clients for a warnlib API server, returning the library's own types.

    >>> from warnlib.client import Client
    >>> with Client("http://127.0.0.1:8765") as client:          # doctest: +SKIP
    ...     assessment = client.score("跟着老师做合约，一周翻倍，加薇：coin888")
    ...     assessment.level, [s.rule for s in assessment.signals]
    ('high', ['zh.copy_trading.mentor', ...])

`AsyncClient` has the same methods as coroutines. Failures raise:

- `APIError`: the server answered with an error; `.status`, `.code`, `.message` and `.fields`
  carry its JSON error body (e.g. 422 `validation_error` with the offending fields).
- `ServerUnavailable`: no answer (not running, refused, timed out); the original httpx error is
  its `__cause__`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import httpx

from warnlib.types import Assessment, Level, Locale, RuleInfo

DEFAULT_URL = "http://127.0.0.1:8765"
DEFAULT_TIMEOUT = 10.0
DEFAULT_BATCH_SIZE = 100  # the server's default max_batch_items

Verdict = Literal["scam", "not_scam"]

__all__ = [
    "APIError",
    "AsyncClient",
    "Client",
    "RuleInfo",
    "ServerUnavailable",
    "WarnlibClientError",
]


class WarnlibClientError(Exception):
    """Base class of everything the clients raise."""


class ServerUnavailable(WarnlibClientError):
    """The server could not be reached or did not answer in time."""


class APIError(WarnlibClientError):
    """The server answered with an error status and a JSON error body."""

    def __init__(self, status: int, code: str, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}" + (f" {fields}" if fields else ""))
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or {}


def _headers(api_key: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json", "User-Agent": "warnlib-client"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    return headers


def _check(response: httpx.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.is_success and body is not None:
        return body
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        raise APIError(response.status_code, str(error.get("code")), str(error.get("message")), error.get("fields"))
    raise APIError(response.status_code, "unexpected_response", response.text[:200] or response.reason_phrase)


def _chunks(texts: Sequence[str], size: int) -> list[tuple[int, Sequence[str]]]:
    """(offset, slice) pairs of at most `size` texts, so ids stay unique across calls."""
    return [(i, texts[i : i + size]) for i in range(0, len(texts), size)]


def _batch_body(chunk: Sequence[str], offset: int, locale: Locale) -> dict[str, Any]:
    return {"items": [{"id": str(offset + i), "text": text} for i, text in enumerate(chunk)], "locale": locale}


def _feedback_body(
    text: str,
    verdict: Verdict,
    *,
    score: float | None,
    level: Level | None,
    locale: Locale,
    url: str | None,
    version: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    # The level and locale the reader saw go with the verdict: an English reader's verdict is
    # stored as "en", and `warnlib feedback` exports can be evaluated per level.
    body: dict[str, Any] = {"text": text, "verdict": verdict, "locale": locale}
    if version:
        body["version"] = {k: str(v) for k, v in version.items() if k in ("warnlib", "rules", "model")}
    if score is not None:
        body["score"] = score
    if level is not None:
        body["level"] = level
    if url is not None:
        body["url"] = url
    return body


def _rules(body: dict[str, Any]) -> list[RuleInfo]:
    return [RuleInfo.from_dict(rule) for rule in body["rules"]]


class Client:
    """A synchronous client. Reuses one connection pool; use it as a context manager or `close()` it.

    `locale` sets the language of messages ("zh" or "en"); each call may override it.
    `transport` lets tests plug in an `httpx.MockTransport` or `httpx.WSGITransport`.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        api_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        locale: Locale = "zh",
        batch_size: int = DEFAULT_BATCH_SIZE,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.locale: Locale = locale
        self.batch_size = batch_size
        self._http = httpx.Client(base_url=base_url, headers=_headers(api_key), timeout=timeout, transport=transport)

    def score(self, text: str, *, locale: Locale | None = None) -> Assessment:
        """Score one post."""
        body = self._request("POST", "/v1/score", json={"text": text, "locale": locale or self.locale})
        return Assessment.from_dict(body)

    def score_batch(self, texts: Sequence[str], *, locale: Locale | None = None) -> list[Assessment]:
        """Score many posts; results come back in the order of `texts` (split into server-sized calls)."""
        results: list[Assessment] = []
        for offset, chunk in _chunks(texts, self.batch_size):
            body = self._request("POST", "/v1/score/batch", json=_batch_body(chunk, offset, locale or self.locale))
            results.extend(Assessment.from_dict(item) for item in body["results"])
        return results

    def rules(self) -> list[RuleInfo]:
        """The server's loaded rule catalogue (`warnlib.types.RuleInfo`, as `warnlib rules --json` lists it)."""
        return _rules(self._request("GET", "/v1/rules"))

    def feedback(
        self,
        text: str,
        verdict: Verdict,
        *,
        score: float | None = None,
        level: Level | None = None,
        locale: Locale | None = None,
        url: str | None = None,
        version: Mapping[str, str] | None = None,
    ) -> int:
        """Report whether a post is a scam; the server stores the text. Returns the stored row id.

        Pass the `score`, `level` and `version` of the assessment the verdict is about; `locale`
        defaults to the client's (the language the reader saw the post's reasons in).
        """
        body = _feedback_body(
            text, verdict, score=score, level=level, locale=locale or self.locale, url=url, version=version
        )
        return int(self._request("POST", "/v1/feedback", json=body)["id"])

    def health(self) -> dict[str, Any]:
        """The server's status, versions and limits."""
        return self._request("GET", "/healthz")

    def meta(self) -> dict[str, Any]:
        """The server's levels, thresholds, request limits, locales and versions (`GET /v1/meta`)."""
        return self._request("GET", "/v1/meta")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ServerUnavailable(f"cannot reach the warnlib server at {self._http.base_url}: {exc}") from exc
        return _check(response)


class AsyncClient:
    """The asynchronous twin of `Client`: same arguments, same methods, awaited."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        *,
        api_key: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        locale: Locale = "zh",
        batch_size: int = DEFAULT_BATCH_SIZE,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.locale: Locale = locale
        self.batch_size = batch_size
        self._http = httpx.AsyncClient(
            base_url=base_url, headers=_headers(api_key), timeout=timeout, transport=transport
        )

    async def score(self, text: str, *, locale: Locale | None = None) -> Assessment:
        body = await self._request("POST", "/v1/score", json={"text": text, "locale": locale or self.locale})
        return Assessment.from_dict(body)

    async def score_batch(self, texts: Sequence[str], *, locale: Locale | None = None) -> list[Assessment]:
        results: list[Assessment] = []
        for offset, chunk in _chunks(texts, self.batch_size):
            body = await self._request(
                "POST", "/v1/score/batch", json=_batch_body(chunk, offset, locale or self.locale)
            )
            results.extend(Assessment.from_dict(item) for item in body["results"])
        return results

    async def rules(self) -> list[RuleInfo]:
        return _rules(await self._request("GET", "/v1/rules"))

    async def feedback(
        self,
        text: str,
        verdict: Verdict,
        *,
        score: float | None = None,
        level: Level | None = None,
        locale: Locale | None = None,
        url: str | None = None,
        version: Mapping[str, str] | None = None,
    ) -> int:
        body = _feedback_body(
            text, verdict, score=score, level=level, locale=locale or self.locale, url=url, version=version
        )
        return int((await self._request("POST", "/v1/feedback", json=body))["id"])

    async def health(self) -> dict[str, Any]:
        return await self._request("GET", "/healthz")

    async def meta(self) -> dict[str, Any]:
        return await self._request("GET", "/v1/meta")

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            raise ServerUnavailable(f"cannot reach the warnlib server at {self._http.base_url}: {exc}") from exc
        return _check(response)
