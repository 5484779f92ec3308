"""The v1 API through Flask's test client: contract, every error row, CORS, keys, limits, privacy."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from warnlib_server.feedback import SCHEMA_VERSION

import warnlib

SCAM = "跟着老师做合约，一周翻倍，加薇：coin888，稳赚不赔"
BENIGN = "今天去西湖边散步，天气真好"


def test_score_returns_the_library_assessment(client: Any) -> None:
    response = client.post("/v1/score", json={"text": SCAM})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body == warnlib.score(SCAM).to_dict()
    assert body["level"] == "high"
    assert body["version"]["warnlib"] == warnlib.__version__ and body["version"]["rules"]
    for signal in body["signals"]:
        for (start, end), evidence in zip(signal["spans"], signal["evidence"], strict=True):
            assert SCAM[start:end] == evidence


def test_locale_selects_message_language(client: Any) -> None:
    zh = client.post("/v1/score", json={"text": SCAM}).get_json()
    en = client.post("/v1/score", json={"text": SCAM, "locale": "en"}).get_json()
    assert zh["signals"][0]["message"] != en["signals"][0]["message"]
    assert en["signals"][0]["message"].isascii()


def test_text_language_is_the_posts_language_whatever_the_locale(client: Any) -> None:
    # The post's language and the messages' locale are two words: a reader of English messages
    # still learns that the post was Chinese, and an English post asked for in Chinese is "en".
    zh_post_en_messages = client.post("/v1/score", json={"text": SCAM, "locale": "en"}).get_json()
    en_post_zh_messages = client.post("/v1/score", json={"text": "Copy my trades, DM me", "locale": "zh"}).get_json()
    assert zh_post_en_messages["text_language"] == "zh"
    assert en_post_zh_messages["text_language"] == "en"
    assert "language" not in zh_post_en_messages
    documented = client.get("/openapi.json").get_json()["components"]["schemas"]["Assessment"]["properties"]
    assert "text_language" in documented and "language" not in documented


def test_batch_keeps_ids_and_order(client: Any) -> None:
    items = [{"id": "b", "text": BENIGN}, {"id": "a", "text": SCAM}, {"id": "c", "text": ""}]
    response = client.post("/v1/score/batch", json={"items": items, "locale": "en"})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [r["id"] for r in results] == ["b", "a", "c"]
    assert [r["level"] for r in results] == ["low", "high", "low"]
    # Ids are correlation keys chosen by the caller; repeats are echoed, not rejected.
    again = client.post("/v1/score/batch", json={"items": [{"id": "x", "text": SCAM}, {"id": "x", "text": BENIGN}]})
    assert [r["level"] for r in again.get_json()["results"]] == ["high", "low"]


def test_rules_catalogue_lists_loaded_rules(client: Any) -> None:
    body = client.get("/v1/rules").get_json()
    ids = {rule["id"] for rule in body["rules"]}
    assert "zh.copy_trading.lead" in ids and any(r["kind"] == "context" for r in body["rules"])
    assert len(ids) == len(body["rules"]) == len(warnlib.default_scorer().rules)
    assert all(set(rule["messages"]) >= {"zh", "en"} for rule in body["rules"])


def test_feedback_is_stored_with_verdict_score_and_url(app: Flask, client: Any, tmp_path: Path) -> None:
    db = tmp_path / "feedback.sqlite3"
    assert not db.exists(), "the database is created on first use, not at start-up"
    response = client.post(
        "/v1/feedback", json={"text": SCAM, "verdict": "scam", "score": 0.93, "url": "https://example.com/p/1"}
    )
    assert response.status_code == 202
    row_id = response.get_json()["id"]
    with sqlite3.connect(db) as connection:
        row = connection.execute(
            "SELECT text, verdict, score, url, created_at FROM feedback WHERE id = ?", (row_id,)
        ).fetchone()
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert row[:4] == (SCAM, "scam", 0.93, "https://example.com/p/1")
    assert row[4].startswith("20")


def test_healthz_and_request_id(client: Any) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.headers["X-Request-ID"] == "abc-123"
    # A hostile request id is replaced, not echoed.
    assert client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"] != "<script>"


def test_openapi_and_offline_docs(client: Any) -> None:
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {"/v1/score", "/v1/score/batch", "/v1/rules", "/v1/feedback", "/v1/meta", "/healthz"}
    text_schema = spec["components"]["schemas"]["ScoreRequest"]["properties"]["text"]
    assert text_schema["maxLength"] == 20_000
    page = client.get("/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "/openapi.json" in html and "http" not in html.split("<script>")[1].replace("location.origin", "")
    assert "innerHTML" not in html


# --- the bad-input table ---------------------------------------------------------------------

TEXT_LIMIT = 50
BATCH_LIMIT = 3
BODY_LIMIT = 4096


def _json_post(path: str, body: Any) -> dict[str, Any]:
    return {"path": path, "data": json.dumps(body), "content_type": "application/json"}


BAD_INPUTS: list[tuple[str, dict[str, Any], int, str]] = [
    (
        "malformed JSON",
        {"path": "/v1/score", "data": '{"text": ', "content_type": "application/json"},
        400,
        "malformed_json",
    ),
    (
        "deeply nested JSON",
        {"path": "/v1/score", "data": "[" * 3000, "content_type": "application/json"},
        400,
        "malformed_json",
    ),
    (
        "form content type",
        {"path": "/v1/score", "data": "text=hi", "content_type": "application/x-www-form-urlencoded"},
        415,
        "unsupported_media_type",
    ),
    ("no content type", {"path": "/v1/score", "data": '{"text": "hi"}'}, 415, "unsupported_media_type"),
    ("missing field", _json_post("/v1/score", {}), 422, "validation_error"),
    ("extra field", _json_post("/v1/score", {"text": "hi", "user": "x"}), 422, "validation_error"),
    ("mistyped field", _json_post("/v1/score", {"text": 42}), 422, "validation_error"),
    ("null text", _json_post("/v1/score", {"text": None}), 422, "validation_error"),
    ("unknown locale", _json_post("/v1/score", {"text": "hi", "locale": "fr"}), 422, "validation_error"),
    ("body is a list", _json_post("/v1/score", ["hi"]), 422, "validation_error"),
    ("text too long", _json_post("/v1/score", {"text": "x" * (TEXT_LIMIT + 1)}), 422, "validation_error"),
    (
        "unpaired surrogate",
        {"path": "/v1/score", "data": '{"text": "a\\ud800b"}', "content_type": "application/json"},
        422,
        "validation_error",
    ),
    (
        "too many items",
        _json_post("/v1/score/batch", {"items": [{"id": str(i), "text": "x"} for i in range(4)]}),
        422,
        "validation_error",
    ),
    ("empty batch", _json_post("/v1/score/batch", {"items": []}), 422, "validation_error"),
    ("empty id", _json_post("/v1/score/batch", {"items": [{"id": "", "text": "x"}]}), 422, "validation_error"),
    (
        "batch item too long",
        _json_post("/v1/score/batch", {"items": [{"id": "a", "text": "x" * 51}]}),
        422,
        "validation_error",
    ),
    ("bad verdict", _json_post("/v1/feedback", {"text": "x", "verdict": "maybe"}), 422, "validation_error"),
    (
        "score out of range",
        _json_post("/v1/feedback", {"text": "x", "verdict": "scam", "score": 7}),
        422,
        "validation_error",
    ),
    ("body too large", _json_post("/v1/score", {"text": "x" * BODY_LIMIT}), 413, "body_too_large"),
    ("unknown route", {"path": "/v1/nope", "method": "GET"}, 404, "not_found"),
    ("wrong method", {"path": "/v1/score", "method": "GET"}, 405, "method_not_allowed"),
    ("wrong method on rules", {"path": "/v1/rules", "method": "DELETE"}, 405, "method_not_allowed"),
]


@pytest.mark.parametrize(("case", "request_kwargs", "status", "code"), BAD_INPUTS, ids=[row[0] for row in BAD_INPUTS])
def test_bad_input_gets_json_error(
    make_app: Callable[..., Flask], case: str, request_kwargs: dict[str, Any], status: int, code: str
) -> None:
    app = make_app(max_text_chars=TEXT_LIMIT, max_batch_items=BATCH_LIMIT, max_body_bytes=BODY_LIMIT)
    kwargs = dict(request_kwargs)
    response = app.test_client().open(method=kwargs.pop("method", "POST"), **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert isinstance(error["fields"], dict)


def test_validation_errors_name_the_fields(client: Any) -> None:
    error = client.post("/v1/score", json={"text": 1, "extra": True}).get_json()["error"]
    assert set(error["fields"]) == {"text", "extra"}


def test_wrong_method_lists_allowed_methods(client: Any) -> None:
    assert "POST" in client.get("/v1/score").headers["Allow"]


# --- API keys ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong"}, 401),
        ({"X-API-Key": "secret-2x"}, 401),
        ({"Authorization": "Bearer secret-1"}, 200),
        ({"authorization": "bearer secret-1"}, 200),
        ({"X-API-Key": "secret-2"}, 200),
    ],
)
def test_api_keys(make_app: Callable[..., Flask], headers: dict[str, str], status: int) -> None:
    client = make_app(api_keys=["secret-1", "secret-2"]).test_client()
    response = client.post("/v1/score", json={"text": "hi"}, headers=headers)
    assert response.status_code == status
    if status == 401:
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/healthz").status_code == 200, "health checks need no key"


def test_keys_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    import hmac

    from warnlib_server import limits

    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest
    monkeypatch.setattr(limits.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert limits.key_matches("k2", ["k1", "k2", "k3"])
    assert len(calls) == 3, "every key is compared, with no early exit"
    assert all(len(a) == len(b) == 32 for a, b in calls), "digests hide the key length"


# --- rate limiting -------------------------------------------------------------------------------


def test_rate_limit_returns_429_with_retry_after(make_app: Callable[..., Flask]) -> None:
    client = make_app(rate_limit="2/day").test_client()
    statuses = [client.post("/v1/score", json={"text": "hi"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.post("/v1/score", json={"text": "hi"})
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["X-RateLimit-Limit"] == "2" and response.headers["X-RateLimit-Remaining"] == "0"
    assert int(response.headers["X-RateLimit-Reset"]) > 0
    assert client.get("/healthz").status_code == 200


def test_rate_limit_headers_count_down(make_app: Callable[..., Flask]) -> None:
    client = make_app(rate_limit="10/day").test_client()
    remaining = [int(client.get("/v1/rules").headers["X-RateLimit-Remaining"]) for _ in range(3)]
    assert remaining == [9, 8, 7]
    assert "X-RateLimit-Limit" not in client.get("/healthz").headers, "health checks are never limited"


# --- CORS ------------------------------------------------------------------------------------------

EXTENSION_ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"


def test_cors_allows_extension_origins_only(client: Any) -> None:
    allowed = client.post("/v1/score", json={"text": "hi"}, headers={"Origin": EXTENSION_ORIGIN})
    assert allowed.headers["Access-Control-Allow-Origin"] == EXTENSION_ORIGIN
    for origin in ("https://evil.example", "https://www.xiaohongshu.com", "null"):
        denied = client.post("/v1/score", json={"text": "hi"}, headers={"Origin": origin})
        assert "Access-Control-Allow-Origin" not in denied.headers, origin


def test_cors_preflight(make_app: Callable[..., Flask]) -> None:
    client = make_app(api_keys=["k"]).test_client()
    headers = {
        "Origin": "moz-extension://1234-5678",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization",
    }
    response = client.options("/v1/score", headers=headers)
    assert response.status_code == 200, "preflights carry no key and must not be refused"
    assert response.headers["Access-Control-Allow-Origin"] == "moz-extension://1234-5678"
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()
    evil = client.options("/v1/score", headers={**headers, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in evil.headers


def test_cors_origins_are_configurable(make_app: Callable[..., Flask]) -> None:
    client = make_app(cors_origins=["https://dashboard.example"]).test_client()
    ok = client.get("/healthz", headers={"Origin": "https://dashboard.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://dashboard.example"
    assert "Access-Control-Allow-Origin" not in client.get("/healthz", headers={"Origin": EXTENSION_ORIGIN}).headers


# --- cache, logs -------------------------------------------------------------------------------------


def test_repeated_texts_come_from_the_cache(app: Flask, client: Any) -> None:
    cache = app.extensions["warnlib"].cache
    first = client.post("/v1/score", json={"text": SCAM}).get_json()
    second = client.post("/v1/score", json={"text": SCAM}).get_json()
    assert first == second and cache.hits == 1 and cache.misses == 1
    client.post("/v1/score", json={"text": SCAM, "locale": "en"})
    assert cache.misses == 2, "messages differ by locale, so the locale is part of the key"


def test_cache_is_bounded() -> None:
    from warnlib_server.limits import AssessmentCache

    cache = AssessmentCache(max_items=2)
    for text in ("a", "b", "c"):
        cache.put(cache.key(text, "zh"), {"t": text})
    assert len(cache) == 2 and cache.get(cache.key("a", "zh")) is None


def test_cached_assessments_are_invisible_to_the_garbage_collector(app: Flask, client: Any) -> None:
    import gc

    expected = client.post("/v1/score", json={"text": SCAM}).get_json()
    cache = app.extensions["warnlib"].cache
    key = cache.key(SCAM, "zh")
    assert not gc.is_tracked(cache._items[key]), "nested dicts would lengthen every full collection"
    first = cache.get(key)
    assert first == expected
    first["signals"].clear()
    assert cache.get(key) == expected, "each read is a fresh copy"


def test_logs_never_contain_post_text(client: Any, caplog: pytest.LogCaptureFixture) -> None:
    secret = "加我薇信secretpost带单"
    with caplog.at_level(logging.DEBUG):
        client.post("/v1/score", json={"text": secret})
        client.post("/v1/feedback", json={"text": secret, "verdict": "scam", "url": "https://x.example/?q=1"})
        client.post("/v1/score", json={"text": secret, "bogus": 1})
    access = [r.getMessage() for r in caplog.records if r.name == "warnlib_server.access"]
    assert len(access) == 3
    assert access[0].startswith("POST /v1/score 200 ") and " id=" in access[0]
    assert not any("secretpost" in r.getMessage() for r in caplog.records)


def test_feedback_write_failure_is_a_503_not_a_silent_loss(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    client = make_app(feedback_db=str(blocker / "feedback.sqlite3")).test_client()
    response = client.post("/v1/feedback", json={"text": "x", "verdict": "scam"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "feedback_unavailable"


@pytest.mark.parametrize("value", [0, 1, 0.0, "true", None])
def test_explain_must_be_a_json_boolean(client, value) -> None:
    response = client.post("/v1/score", json={"text": "稳赚不赔", "explain": value})
    assert response.status_code == 422
    assert "explain" in response.get_json()["error"]["fields"]


def test_explain_returns_the_decision_terms(client) -> None:
    body = client.post("/v1/score", json={"text": "跟着老师做合约，加薇：coin888", "explain": True}).get_json()
    assert body["decision"][0]["term"] == "bias"
    assert "decision" not in client.post("/v1/score", json={"text": "跟着老师做合约"}).get_json()


def test_the_fast_score_load_agrees_with_the_schema() -> None:
    """`fast_score` returns what ScoreRequestSchema loads, or None (then the schema decides)."""
    from marshmallow import ValidationError
    from warnlib_server.schemas import build_schemas

    schemas = build_schemas(20, 5)
    bodies: list[object] = [
        {"text": "hi"},
        {"text": ""},
        {"text": "x" * 20},
        {"text": "x" * 21},
        {"text": "hi", "locale": "en", "explain": True},
        {"text": "hi", "locale": "fr"},
        {"text": "hi", "locale": None},
        {"text": "hi", "explain": 1},
        {"text": "hi", "explain": None},
        {"text": "a\ud800b"},
        {"text": 5},
        {"text": None},
        {"text": "hi", "extra": 1},
        {"locale": "en"},
        ["hi"],
        "hi",
    ]
    for body in bodies:
        fast = schemas.fast_score(body)
        try:
            loaded = dict(schemas.score.load(body))
        except ValidationError:
            assert fast is None, body
            continue
        assert fast is None or fast == loaded, body
    assert schemas.fast_score({"text": "hi"}) == {"text": "hi", "locale": "zh", "explain": False}
