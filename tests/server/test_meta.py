"""GET /v1/meta: the server's vocabulary and limits, taken from their single definitions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from warnlib.types import CATEGORIES, FLAGGED_LEVELS, LEVELS


def test_meta_reports_the_configured_limits_thresholds_and_versions(make_app: Callable[..., Flask]) -> None:
    app = make_app(max_text_chars=50, max_batch_items=7, max_body_bytes=4096, high_threshold=0.9, medium_threshold=0.4)
    response = app.test_client().get("/v1/meta")
    assert response.status_code == 200
    body = response.get_json()
    assert body["limits"] == {
        "max_batch_items": 7,
        "max_text_chars": 50,
        "max_body_bytes": 4096,
        "max_request_chars": app.extensions["warnlib"].config.max_request_chars,
    }
    assert body["thresholds"] == {"high": 0.9, "medium": 0.4}
    assert body["levels"] == list(LEVELS)
    assert body["flagged_levels"] == list(FLAGGED_LEVELS)
    assert body["locales"] == ["zh", "en"]
    assert body["verdicts"] == ["scam", "not_scam"]
    assert body["categories"] == list(CATEGORIES)
    assert body["background_categories"] == ["investment_topic"]
    scorer = app.extensions["warnlib"].scorer
    assert body["version"] == scorer.version
    # The limits it states are the ones the API enforces.
    client = app.test_client()
    too_many = {"items": [{"id": str(i), "text": "x"} for i in range(8)]}
    assert client.post("/v1/score/batch", json=too_many).status_code == 422
    assert client.post("/v1/score", json={"text": "x" * 51}).status_code == 422
    assert client.post("/v1/score", json={"text": "x" * 50}).status_code == 200


def test_meta_needs_no_api_key_and_is_in_the_openapi_document(make_app: Callable[..., Flask]) -> None:
    client = make_app(api_keys=["secret"]).test_client()
    assert client.post("/v1/score", json={"text": "x"}).status_code == 401
    assert client.get("/v1/meta").status_code == 200
    spec = client.get("/openapi.json").get_json()
    operation = spec["paths"]["/v1/meta"]["get"]
    assert operation["operationId"] == "meta"
    assert "Meta" in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["Meta"]["properties"]) >= {"levels", "thresholds", "limits", "version"}
    # A wrong method is answered only to a client with a key (a route's methods are not public).
    assert client.post("/v1/meta").status_code == 401
    assert client.post("/v1/meta", headers={"X-API-Key": "secret"}).status_code == 405


def test_client_reads_meta(live_server: Callable[..., Any]) -> None:
    from warnlib.client import Client

    server = live_server(max_batch_items=3)
    with Client(server.url) as client:
        meta = client.meta()
    assert meta["limits"]["max_batch_items"] == 3
    assert meta["levels"] == list(LEVELS)


def test_client_feedback_carries_level_and_locale(live_server: Callable[..., Any]) -> None:
    import asyncio
    import sqlite3
    from concurrent.futures import ThreadPoolExecutor

    from warnlib.client import AsyncClient, Client

    server = live_server()
    text = "跟着老师做合约，一周翻倍，加薇：coin888，稳赚不赔"
    with Client(server.url, locale="en") as client:
        assessment = client.score(text)
        first = client.feedback(text, "not_scam", score=assessment.score, level=assessment.level)
        second = client.feedback(text, "scam", locale="zh")

    async def send_async() -> int:
        async with AsyncClient(server.url, locale="en") as client:
            return await client.feedback(text, "scam", level="medium")

    # In a thread of its own: the browser tests' Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        third = pool.submit(asyncio.run, send_async()).result(timeout=60)
    with sqlite3.connect(server.feedback_db) as connection:
        rows = {
            row[0]: row[1:]
            for row in connection.execute("SELECT id, verdict, level, locale, rules_version FROM feedback")
        }
    rules_version = server.app.extensions["warnlib"].scorer.version["rules"]
    assert rows[first] == ("not_scam", "high", "en", rules_version)
    assert rows[second] == ("scam", None, "zh", rules_version)
    assert rows[third] == ("scam", "medium", "en", rules_version)


def test_feedback_stores_the_version_of_the_assessment_it_is_about(
    make_app: Callable[..., Flask], tmp_path: Any
) -> None:
    import sqlite3

    db = tmp_path / "feedback.sqlite3"
    # A database written by the schema before model versions were kept: it is upgraded in place.
    with sqlite3.connect(db) as old:
        old.executescript(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,"
            " verdict TEXT NOT NULL, text TEXT NOT NULL, score REAL, level TEXT, url TEXT, locale TEXT,"
            " rules_version TEXT); PRAGMA user_version = 1;"
        )
    app = make_app(feedback_db=str(db))
    client = app.test_client()
    ours = app.extensions["warnlib"].scorer.version
    sent = client.post(
        "/v1/feedback", json={"text": "a", "verdict": "scam", "version": {"rules": "2026.1.0", "model": "2026.01.02"}}
    )
    assert sent.status_code == 202, sent.get_json()
    assert client.post("/v1/feedback", json={"text": "b", "verdict": "scam"}).status_code == 202
    bad = client.post("/v1/feedback", json={"text": "c", "verdict": "scam", "version": {"rules": 5}})
    assert bad.status_code == 422
    with sqlite3.connect(db) as store:
        rows = store.execute("SELECT text, rules_version, model_version FROM feedback ORDER BY id").fetchall()
    assert rows == [("a", "2026.1.0", "2026.01.02"), ("b", ours["rules"], ours["model"])]


def test_client_feedback_sends_the_assessments_version(live_server: Callable[..., Any]) -> None:
    import sqlite3

    from warnlib.client import Client

    server = live_server()
    with Client(server.url) as client:
        assessment = client.score("跟着老师做合约，加薇：coin888")
        client.feedback("跟着老师做合约，加薇：coin888", "scam", level=assessment.level, version=assessment.version)
    with sqlite3.connect(server.feedback_db) as store:
        row = store.execute("SELECT rules_version, model_version FROM feedback").fetchone()
    assert row == (assessment.version["rules"], assessment.version["model"])


def test_options_on_meta_lists_only_its_own_methods(make_app: Callable[..., Flask]) -> None:
    # /v1/meta lives in its own blueprint beside the /v1 catch-all: Allow must not list the
    # catch-all's methods (a fuzz run caught DELETE, PATCH, POST, PUT, TRACE there).
    response = make_app().test_client().options("/v1/meta")
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
