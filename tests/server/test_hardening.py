"""Hostile requests (issue 10): each reproduction gets a JSON 4xx/503 with a documented code.

The table below is the list of attacks from the issue; the tests after it cover what needs a
real socket (chunked bodies, malformed request lines), several requests (rate limits), or state
(health, feedback failures).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import sqlite3
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

SCAM = "跟着老师做合约，一周翻倍，加薇：coin888，稳赚不赔"
EXPANDS_18 = "\ufdfa"  # NFKC turns this one character into 18


def _raw_json(path: str, raw: bytes | str) -> dict[str, Any]:
    return {"path": path, "data": raw, "content_type": "application/json"}


HOSTILE: list[tuple[str, dict[str, Any], dict[str, Any], int, str]] = [
    # (case, settings, request, status, code)
    ("surrogate field name", {}, _raw_json("/v1/score", '{"text": "a", "\\ud800": 1}'), 422, "validation_error"),
    (
        "surrogate field name in a batch item",
        {},
        _raw_json("/v1/score/batch", '{"items": [{"id": "1", "text": "a", "\\udfff\\ud800": 1}]}'),
        422,
        "validation_error",
    ),
    (
        "surrogate field name in feedback",
        {},
        _raw_json("/v1/feedback", '{"text": "a", "verdict": "scam", "\\ud800x": 1}'),
        422,
        "validation_error",
    ),
    (
        "raw surrogate bytes ED A0 80",
        {},
        _raw_json("/v1/score", b'{"text": "a", "\xed\xa0\x80": 1}'),
        400,
        "malformed_json",
    ),
    (
        "text that expands past max_text_chars",
        {"max_text_chars": 2000},
        _raw_json("/v1/score", json.dumps({"text": EXPANDS_18 * 200})),
        422,
        "validation_error",
    ),
    (
        "batch that expands past max_request_chars",
        {"max_request_chars": 10_000},
        _raw_json(
            "/v1/score/batch", json.dumps({"items": [{"id": str(i), "text": EXPANDS_18 * 300} for i in range(4)]})
        ),
        413,
        "too_many_characters",
    ),
    (
        "batch of ordinary text over max_request_chars",
        {"max_request_chars": 10_000},
        _raw_json("/v1/score/batch", json.dumps({"items": [{"id": str(i), "text": "x" * 3000} for i in range(4)]})),
        413,
        "too_many_characters",
    ),
    (
        "expanding batch at the default limits",
        {},
        _raw_json(
            "/v1/score/batch", json.dumps({"items": [{"id": str(i), "text": EXPANDS_18 * 20_000} for i in range(4)]})
        ),
        422,
        "validation_error",
    ),
    (
        "ordinary batch over the default character budget",
        {},
        _raw_json("/v1/score/batch", json.dumps({"items": [{"id": str(i), "text": "x" * 20_000} for i in range(6)]})),
        413,
        "too_many_characters",
    ),
    (
        "score as a string",
        {},
        _raw_json("/v1/feedback", json.dumps({"text": "a", "verdict": "scam", "score": "0.5"})),
        422,
        "validation_error",
    ),
    (
        "score as a boolean",
        {},
        _raw_json("/v1/feedback", '{"text": "a", "verdict": "scam", "score": true}'),
        422,
        "validation_error",
    ),
    ("double slash inside /v1", {}, _raw_json("/v1//score", "{}"), 404, "not_found"),
    ("/v1 itself", {}, {"path": "/v1", "method": "GET"}, 404, "not_found"),
    (
        "unknown /v1 route without a key",
        {"api_keys": ["k"]},
        {"path": "/v1/nope", "method": "GET"},
        401,
        "unauthorized",
    ),
    ("wrong method without a key", {"api_keys": ["k"]}, {"path": "/v1/score", "method": "GET"}, 401, "unauthorized"),
    (
        "wrong method with a key",
        {"api_keys": ["k"]},
        {"path": "/v1/score", "method": "DELETE", "headers": {"X-API-Key": "k"}},
        405,
        "method_not_allowed",
    ),
    (
        "unknown /v1 route with a key",
        {"api_keys": ["k"]},
        {"path": "/v1/admin", "method": "GET", "headers": {"X-API-Key": "k"}},
        404,
        "not_found",
    ),
]


@pytest.mark.parametrize(("case", "settings", "request_kwargs", "status", "code"), HOSTILE, ids=[r[0] for r in HOSTILE])
def test_hostile_request_gets_a_json_error(
    make_app: Callable[..., Flask],
    caplog: pytest.LogCaptureFixture,
    case: str,
    settings: dict[str, Any],
    request_kwargs: dict[str, Any],
    status: int,
    code: str,
) -> None:
    kwargs = dict(request_kwargs)
    with caplog.at_level(logging.DEBUG):
        response = make_app(**settings).test_client().open(method=kwargs.pop("method", "POST"), **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "no tracebacks, no logged field names"


def test_trailing_slashes_are_served_not_redirected(client: Any) -> None:
    assert client.get("/healthz/").status_code == 200
    assert client.post("/v1/score/", json={"text": "hi"}).status_code == 200


def test_options_lists_only_the_routes_methods(client: Any) -> None:
    assert client.options("/v1/rules").headers["Allow"] == "GET, HEAD, OPTIONS"
    assert client.options("/v1/score").headers["Allow"] == "POST, OPTIONS"
    assert client.get("/v1/score").headers["Allow"] == "OPTIONS, POST"


def test_surrogate_field_names_are_echoed_escaped(client: Any) -> None:
    response = client.post("/v1/score", data='{"text": "a", "\\ud800": 1}', content_type="application/json")
    assert response.get_json()["error"]["fields"] == {"\\ud800": ["Unknown field."]}


def test_expanding_text_is_measured_after_normalization(make_app: Callable[..., Flask]) -> None:
    client = make_app(max_text_chars=2000).test_client()
    assert client.post("/v1/score", json={"text": EXPANDS_18 * 111}).status_code == 200  # 1998 characters
    error = client.post("/v1/score", json={"text": EXPANDS_18 * 112}).get_json()["error"]
    assert "2016" in error["fields"]["text"][0]


def test_normalized_length_folds_each_character_on_its_own() -> None:
    from warnlib_server.limits import normalized_length

    def per_character(text: str) -> int:
        return sum(len(unicodedata.normalize("NFKC", char).casefold()) for char in text)

    every_bmp_character = "".join(chr(cp) for cp in range(0x10000) if not 0xD800 <= cp <= 0xDFFF)
    assert normalized_length(every_bmp_character) == per_character(every_bmp_character)
    for text in (EXPANDS_18 * 3, "Straße", "ｖｉｐ群，私聊", "e\u0301", "\U0001d400\U0001f600", ""):
        assert normalized_length(text) == per_character(text), text
    assert normalized_length("e\u0301") == 2, "per character, not composed across characters"


def test_the_folding_table_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from warnlib_server import limits

    monkeypatch.setattr(limits, "FOLDED_CACHE_SIZE", 0)
    table = limits._Folded()
    monkeypatch.setattr(limits, "_FOLDED", table)
    assert limits.normalized_length("\U00020000\U00020001" + EXPANDS_18) == 20 and len(table) == 0


def test_limits_are_published_from_one_place(client: Any, app: Flask) -> None:
    limits = client.get("/healthz").get_json()["limits"]
    assert limits == app.extensions["warnlib"].config.limits.to_dict()
    assert limits["max_request_chars"] == 100_000 and limits["rate_limit"] == []


# --- cost-based rate limit -------------------------------------------------------------------------


def test_keys_do_not_buy_fresh_buckets_when_no_keys_are_configured(make_app: Callable[..., Flask]) -> None:
    # Per day, not per minute, in the counting tests here: the sliding-window counter weighs the
    # last window by the time left, so just after a minute turns, 3 x (1 - a little) lets one
    # more request through, and a test that crosses the turn would fail by chance.
    client = make_app(rate_limit="3/day").test_client()
    assert [client.get("/v1/rules").status_code for _ in range(3)] == [200] * 3
    for i in range(20):
        headers = {"X-API-Key": uuid.uuid4().hex} if i % 2 else {"Authorization": f"Bearer {uuid.uuid4().hex}"}
        assert client.get("/v1/rules", headers=headers).status_code == 429


def test_valid_keys_get_their_own_bucket_and_guessers_share_the_address(make_app: Callable[..., Flask]) -> None:
    client = make_app(rate_limit="2/day", api_keys=["k1", "k2"]).test_client()
    assert [client.get("/v1/rules", headers={"X-API-Key": "guess"}).status_code for _ in range(3)] == [401, 401, 429]
    assert client.get("/v1/rules", headers={"X-API-Key": "other-guess"}).status_code == 429
    assert client.get("/v1/rules", headers={"X-API-Key": "k1"}).status_code == 200
    assert client.get("/v1/rules", headers={"Authorization": "Bearer k2"}).status_code == 200


def test_the_limiter_charges_by_characters(make_app: Callable[..., Flask]) -> None:
    client = make_app(rate_limit="30/day").test_client()
    items = [{"id": str(i), "text": "x" * 2500} for i in range(10)]  # 3 units each
    response = client.post("/v1/score/batch", json={"items": items})
    assert response.status_code == 200 and response.headers["X-RateLimit-Remaining"] == "0"
    assert client.post("/v1/score", json={"text": "hi"}).status_code == 429


def test_the_in_memory_limiter_starts_no_thread_per_request(
    make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = make_app(rate_limit="100/day").test_client()
    assert client.get("/v1/rules").status_code == 200
    started: list[threading.Thread] = []
    real_start = threading.Thread.start
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread) or real_start(thread))
    for _ in range(30):
        time.sleep(0.012)  # past the 10 ms after which limits' own storage would start a new timer
        assert client.get("/v1/rules").status_code == 200
    assert started == [], "counting a request must not start a thread"
    assert client.get("/v1/rules").headers["X-RateLimit-Remaining"] == str(100 - 32)


def test_in_memory_counters_of_quiet_clients_are_swept(monkeypatch: pytest.MonkeyPatch) -> None:
    from warnlib_server import ratelimit

    monkeypatch.setattr(ratelimit, "SWEEP_INTERVAL_S", 0.0)
    storage = ratelimit.SweepingMemoryStorage()
    storage.incr("quiet-client", expiry=1)
    time.sleep(1.05)
    storage.incr("active-client", expiry=60)
    assert "quiet-client" not in storage.storage and storage.get("active-client") == 1


def test_an_oversized_body_is_charged_and_keeps_the_counters(make_app: Callable[..., Flask]) -> None:
    # Measuring the cost of a body over max_body_bytes raises 413; that is the request's error, not
    # the storage's: it must neither skip the charge nor switch to fresh fallback counters.
    client = make_app(rate_limit="3/day", max_body_bytes=1000).test_client()
    oversized = {"data": b'{"text": "' + b"x" * 2000 + b'"}', "content_type": "application/json"}
    first = client.post("/v1/score", **oversized)
    assert first.status_code == 413 and first.headers["X-RateLimit-Remaining"] == "2"
    assert [client.get("/v1/rules").status_code for _ in range(3)] == [200, 200, 429]
    assert client.post("/v1/score", **oversized).status_code == 429, "a limited client stays limited"
    assert client.get("/v1/rules").status_code == 429
    assert client.get("/healthz").get_json()["checks"]["rate_limit_storage"] == "ok"


def test_unknown_v1_routes_are_rate_limited(make_app: Callable[..., Flask]) -> None:
    client = make_app(rate_limit="2/day").test_client()
    assert [client.get(f"/v1/probe{i}").status_code for i in range(3)] == [404, 404, 429]


def test_only_the_api_is_limited(make_app: Callable[..., Flask]) -> None:
    """/healthz, /docs and /openapi.json answer a limited client, spend nothing and carry no
    X-RateLimit headers: a load balancer's probe must never be refused or use a client's budget."""
    client = make_app(rate_limit="2/day").test_client()
    for path in ("/healthz", "/openapi.json", "/docs") * 3:
        response = client.get(path)
        assert response.status_code == 200 and "X-RateLimit-Limit" not in response.headers, path
    assert [client.get("/v1/rules").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/healthz").status_code == 200


def test_trusted_proxy_hops_separate_clients_behind_a_proxy(make_app: Callable[..., Flask]) -> None:
    behind = make_app(rate_limit="1/day", trusted_proxy_hops=1).test_client()
    assert behind.get("/v1/rules", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert behind.get("/v1/rules", headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 200
    assert behind.get("/v1/rules", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    # A client-written entry before the proxy's is not believed: only the last hop counts.
    assert behind.get("/v1/rules", headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.2"}).status_code == 429
    direct = make_app(rate_limit="1/day").test_client()
    assert direct.get("/v1/rules", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert direct.get("/v1/rules", headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 429, "no proxy: ignored"


# --- time budget ---------------------------------------------------------------------------------------


def test_batch_over_its_time_budget_is_a_503(make_app: Callable[..., Flask]) -> None:
    client = make_app(request_time_budget_s=0.01, cache_size=0).test_client()
    items = [{"id": str(i), "text": f"{SCAM} #{i} " * 40} for i in range(50)]
    response = client.post("/v1/score/batch", json={"items": items})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "over_time_budget" and response.headers["Retry-After"] == "1"


def test_requests_wait_for_a_scoring_slot_only_within_the_budget(make_app: Callable[..., Flask]) -> None:
    app = make_app(request_time_budget_s=0.2)
    gate = app.extensions["warnlib"].gate
    entered, release = threading.Event(), threading.Event()

    def occupy() -> None:
        with gate.scoring():
            entered.set()
            release.wait(10)

    holder = threading.Thread(target=occupy)
    holder.start()
    entered.wait(5)
    try:
        client = app.test_client()
        response = client.post("/v1/score", json={"text": "hi"})
        assert response.status_code == 503 and response.get_json()["error"]["code"] == "over_time_budget"
        assert client.get("/healthz").status_code == 200, "health never waits for a scoring slot"
    finally:
        release.set()
        holder.join()
    assert app.test_client().post("/v1/score", json={"text": "hi"}).status_code == 200


# --- CORS "*" ----------------------------------------------------------------------------------------


def test_cors_star_allows_any_origin(make_app: Callable[..., Flask]) -> None:
    client = make_app(cors_origins=["*"]).test_client()
    response = client.post("/v1/score", json={"text": "hi"}, headers={"Origin": "https://dashboard.example"})
    assert response.headers["Access-Control-Allow-Origin"] in ("*", "https://dashboard.example")
    assert "X-RateLimit-Remaining" in response.headers.get("Access-Control-Expose-Headers", "")


# --- health and feedback failures ------------------------------------------------------------------


def test_healthz_is_degraded_when_feedback_cannot_be_stored(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    client = make_app(feedback_db=str(blocker / "feedback.sqlite3")).test_client()
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and body["checks"]["scoring"] == "ok"
    assert body["checks"]["feedback"].startswith("cannot store")
    response = client.post("/v1/feedback", json={"text": "x", "verdict": "scam"})
    assert response.status_code == 503
    error = response.get_json()["error"]
    assert error["code"] == "feedback_unavailable" and "will not help" in error["message"]
    assert "Retry-After" not in response.headers


def _failing(error: Exception) -> Callable[[], Any]:
    """A stand-in for the store's connection factory that fails the way SQLite does."""

    def connect() -> Any:
        raise error

    return connect


def test_healthz_reports_a_database_file_that_is_not_sqlite(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    database = tmp_path / "feedback.sqlite3"
    database.write_bytes(b"not a database, but writable " * 200)
    client = make_app(feedback_db=str(database)).test_client()
    assert client.get("/healthz").get_json()["status"] == "ok", "nothing has failed yet"
    response = client.post("/v1/feedback", json={"text": "x", "verdict": "scam"})
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "feedback_unavailable"
    assert "Retry-After" not in response.headers, "retrying cannot fix a file that is not a database"
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and "not a database" in body["checks"]["feedback"]
    database.unlink()  # the operator's fix
    assert client.post("/v1/feedback", json={"text": "x", "verdict": "scam"}).status_code == 202
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_healthz_remembers_a_failed_write(make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    store = app.extensions["warnlib"].feedback
    client = app.test_client()
    assert client.get("/healthz").get_json()["status"] == "ok"
    monkeypatch.setattr(store, "_connection", _failing(sqlite3.OperationalError("disk I/O error")))
    assert client.post("/v1/feedback", json={"text": "x", "verdict": "scam"}).status_code == 503
    assert "disk I/O error" in client.get("/healthz").get_json()["checks"]["feedback"]
    monkeypatch.undo()
    assert client.post("/v1/feedback", json={"text": "x", "verdict": "scam"}).status_code == 202
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_a_busy_database_says_retry(make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app()
    store = app.extensions["warnlib"].feedback
    monkeypatch.setattr(store, "_connection", _failing(sqlite3.OperationalError("database is locked")))
    response = app.test_client().post("/v1/feedback", json={"text": "x", "verdict": "scam"})
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "feedback_busy"
    assert int(response.headers["Retry-After"]) > 0
    assert app.test_client().get("/healthz").get_json()["status"] == "ok", "a busy moment is not a degraded service"


# --- what the HTTP server answers before the app (warnlib serve) -------------------------------------


def _exchange(url: str, raw: bytes, *, read_timeout: float = 5.0) -> tuple[bytes, bool]:
    """Send raw bytes; return everything the server sent and whether it then closed the connection."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=read_timeout) as sock:
        with contextlib.suppress(OSError):  # the server may close while we still send a refused body
            sock.sendall(raw)
        received = b""
        closed = False
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    closed = True
                    break
                received += chunk
        except TimeoutError:
            pass
        except OSError:
            closed = True
    return received, closed


def _status_and_body(received: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = received.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    assert b"content-type: application/json" in head.lower(), head
    return status, json.loads(body)


def test_chunked_body_over_the_limit_is_413_and_closes(live_server: Callable[..., Any]) -> None:
    server = live_server(max_body_bytes=4096)
    payload = json.dumps({"text": "x" * 10_000}).encode()
    chunks = b"".join(
        b"%x\r\n%s\r\n" % (len(payload[i : i + 1000]), payload[i : i + 1000]) for i in range(0, len(payload), 1000)
    )
    raw = (
        b"POST /v1/score HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + chunks + b"0\r\n\r\n"
    )
    received, closed = _exchange(server.url, raw)
    status, body = _status_and_body(received)
    assert (status, body["error"]["code"]) == (413, "body_too_large")
    assert closed, "the unread rest of the body must not be parsed as the next request"


def test_chunked_body_over_the_limit_is_charged_once_and_413(live_server: Callable[..., Any]) -> None:
    server = live_server(max_body_bytes=4096, rate_limit="5/day")
    payload = json.dumps({"text": "x" * 10_000}).encode()
    raw = (
        b"POST /v1/score HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
    )
    received, _ = _exchange(server.url, raw)
    status, body = _status_and_body(received)
    assert (status, body["error"]["code"]) == (413, "body_too_large")
    assert b"x-ratelimit-remaining: 4" in received.partition(b"\r\n\r\n")[0].lower()


def test_chunked_body_under_the_limit_is_scored(live_server: Callable[..., Any]) -> None:
    server = live_server(max_body_bytes=4096)
    payload = json.dumps({"text": SCAM}).encode()
    raw = (
        b"POST /v1/score HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nConnection: close\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
    )
    status, body = _status_and_body(_exchange(server.url, raw)[0])
    assert status == 200 and body["level"] == "high"


def test_post_without_length_or_chunking_is_answered_at_once(live_server: Callable[..., Any]) -> None:
    raw = b"POST /v1/score HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n\r\n"
    status, body = _status_and_body(_exchange(live_server().url, raw, read_timeout=10)[0])
    assert (status, body["error"]["code"]) == (400, "malformed_json")


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        # Werkzeug's server reads leading slashes as one; the app never redirects.
        (b"//", 405, "method_not_allowed"),
        (b"//healthz", 405, "method_not_allowed"),
        (b"//v1/score", 422, "validation_error"),
        (b"/v1//score", 404, "not_found"),
        (b"/v1/score//", 404, "not_found"),
        (b"/healthz//", 404, "not_found"),
    ],
)
def test_double_slashes_get_json_not_a_redirect(
    live_server: Callable[..., Any], path: bytes, status: int, code: str
) -> None:
    raw = b"POST " + path + b" HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    answered, body = _status_and_body(_exchange(live_server().url, raw)[0])
    assert (answered, body["error"]["code"]) == (status, code)


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        (b"GARBAGE\r\n\r\n", 400, "bad_request"),
        (b"GET /healthz HTTP/9.9\r\n\r\n", 400, "bad_request"),
        (b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n", 431, "headers_too_large"),
        (
            b"GET /healthz HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(120)) + b"\r\n",
            431,
            "headers_too_large",
        ),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414, "uri_too_long"),
    ],
    ids=["malformed line", "bad version", "huge header", "too many headers", "huge request line"],
)
def test_requests_the_http_server_refuses_are_json(
    live_server: Callable[..., Any], raw: bytes, status: int, code: str
) -> None:
    received, closed = _exchange(live_server().url, raw)
    answered, body = _status_and_body(received)
    assert (answered, body["error"]["code"]) == (status, code) and body["error"]["message"]
    assert b"a" * 100 not in received, "the refused line or header is not echoed"
    assert closed


# --- every code the API can answer is documented -----------------------------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "server.md"


def _documented_codes() -> set[str]:
    """The codes in docs/server.md's error tables: the app's (`| 404 | `not_found` | when |`) and
    the HTTP servers' (`| request | 400 `bad_request` | 400 `bad_request` |`)."""
    text = DOCS.read_text(encoding="utf-8")
    app_rows = re.findall(r"^\| \d{3} \| `([a-z_]+)` \|", text, flags=re.M)
    server_cells = re.findall(r"\| \d{3} `([a-z_]+)`", text)
    return set(app_rows) | set(server_cells)


def test_every_error_code_the_app_can_answer_is_documented(make_app: Callable[..., Flask]) -> None:
    from werkzeug.exceptions import abort, default_exceptions

    app = make_app()

    @app.get("/test-abort/<int:status>")
    def _abort(status: int) -> None:
        abort(status)

    @app.get("/test-bug")
    def _bug() -> None:
        raise RuntimeError("a bug that quotes post text: secretpost")

    documented = _documented_codes()
    assert {"validation_error", "rate_limited", "internal_error", "headers_too_large"} <= documented
    client = app.test_client()
    for status in sorted(code for code in default_exceptions if code >= 400):
        response = client.get(f"/test-abort/{status}")
        assert response.status_code == status and response.mimetype == "application/json"
        code = response.get_json()["error"]["code"]
        assert code in documented, f"{status} answers the undocumented code {code!r}"
    response = client.get("/test-bug")
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    assert "secretpost" not in response.get_data(as_text=True)


# --- the issue's reproductions over a real socket --------------------------------------------------


def _http(method: str, path: str, body: bytes | str = b"", headers: dict[str, str] | None = None) -> bytes:
    """One raw HTTP/1.1 request that asks the server to close the connection after answering."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    head = f"{method} {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
    if data or method == "POST":
        head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    return head.encode("latin-1") + b"\r\n" + data


def _chunked_post(path: str, payload: bytes) -> bytes:
    pieces = [payload[i : i + 1000] for i in range(0, len(payload), 1000)]
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"
    head = f"POST {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\n"
    return head.encode() + b"Transfer-Encoding: chunked\r\n\r\n" + chunks


def _batch(text: str, count: int) -> str:
    return json.dumps({"items": [{"id": str(i), "text": text} for i in range(count)]}, ensure_ascii=False)


# (issue item, settings, requests sent in order, (status, code) expected of the last answer)
REPRODUCTIONS: list[tuple[str, dict[str, Any], list[bytes], tuple[int, str]]] = [
    ("1 surrogate field name", {}, [_http("POST", "/v1/score", '{"text":"a","\\ud800":1}')], (422, "validation_error")),
    (
        "1 surrogate field name in a batch item",
        {},
        [_http("POST", "/v1/score/batch", '{"items":[{"id":"1","text":"a","\\ud800":1}]}')],
        (422, "validation_error"),
    ),
    (
        "1 surrogate field name in feedback",
        {},
        [_http("POST", "/v1/feedback", '{"text":"a","verdict":"scam","\\ud800":1}')],
        (422, "validation_error"),
    ),
    (
        "1 raw bytes ED A0 80",
        {},
        [_http("POST", "/v1/score", b'{"text":"a","\xed\xa0\x80":1}')],
        (400, "malformed_json"),
    ),
    (
        "2 random keys after the address is limited",
        {"rate_limit": "2/day"},
        [_http("GET", "/v1/rules"), _http("GET", "/v1/rules")]
        + [_http("GET", "/v1/rules", headers={"X-API-Key": uuid.uuid4().hex}) for _ in range(2)]
        + [_http("GET", "/v1/rules", headers={"Authorization": f"Bearer {uuid.uuid4().hex}"}) for _ in range(2)],
        (429, "rate_limited"),
    ),
    (
        "3 characters that expand 18 times",
        {},
        [_http("POST", "/v1/score/batch", _batch(EXPANDS_18 * 20_000, 4))],
        (422, "validation_error"),
    ),
    (
        "3 ordinary batch over the request's character budget",
        {},
        [_http("POST", "/v1/score/batch", _batch("x" * 20_000, 6))],
        (413, "too_many_characters"),
    ),
    (
        "4 chunked body over max_body_bytes",
        {"max_body_bytes": 4096},
        [_chunked_post("/v1/score", json.dumps({"text": "x" * 10_000}).encode())],
        (413, "body_too_large"),
    ),
    (
        "5 forged X-Forwarded-For behind one proxy",
        {"rate_limit": "1/day", "trusted_proxy_hops": 1},
        [
            _http("GET", "/v1/rules", headers={"X-Forwarded-For": "203.0.113.2"}),
            _http("GET", "/v1/rules", headers={"X-Forwarded-For": "198.51.100.9, 203.0.113.2"}),
        ],
        (429, "rate_limited"),
    ),
    (
        "7 score as a string",
        {},
        [_http("POST", "/v1/feedback", '{"text":"a","verdict":"scam","score":"0.5"}')],
        (422, "validation_error"),
    ),
    ("8 double slash in a /v1 path", {}, [_http("POST", "/v1//score", "{}")], (404, "not_found")),
    ("8 malformed request line", {}, [b"GARBAGE\r\n\r\n"], (400, "bad_request")),
    (
        "8 huge header",
        {},
        [b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 70_000 + b"\r\n\r\n"],
        (431, "headers_too_large"),
    ),
    ("10 unknown /v1 route without a key", {"api_keys": ["k"]}, [_http("GET", "/v1/admin")], (401, "unauthorized")),
    ("10 wrong method without a key", {"api_keys": ["k"]}, [_http("DELETE", "/v1/score")], (401, "unauthorized")),
    (
        "10 probing unknown /v1 routes is rate limited",
        {"rate_limit": "2/day"},
        [_http("GET", f"/v1/probe{i}") for i in range(3)],
        (429, "rate_limited"),
    ),
]


@pytest.mark.parametrize(
    ("case", "settings", "requests", "expected"), REPRODUCTIONS, ids=[row[0] for row in REPRODUCTIONS]
)
def test_issue_reproductions_get_documented_json_4xx_over_http(
    live_server: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
    case: str,
    settings: dict[str, Any],
    requests: list[bytes],
    expected: tuple[int, str],
) -> None:
    """Each attack of issue 10, sent as raw bytes through the HTTP server `warnlib serve` runs."""
    server = live_server(**settings)
    documented = _documented_codes()
    with caplog.at_level(logging.DEBUG):
        answers = []
        for raw in requests:
            received, closed = _exchange(server.url, raw)
            assert closed, f"{case}: the connection is closed as asked"
            answers.append((*_status_and_body(received), received.partition(b"\r\n\r\n")[0].lower()))
    for status, body, head in answers:
        if status >= 400:
            assert body["error"]["code"] in documented and body["error"]["message"]
        if status == 429:
            assert b"retry-after:" in head and b"x-ratelimit-limit:" in head and b"x-ratelimit-reset:" in head
    status, body, _ = answers[-1]
    assert (status, body["error"]["code"]) == expected
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], "no tracebacks, no logged field names"
