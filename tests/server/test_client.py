"""warnlib.client against the real app over a real socket, plus `warnlib serve` as a process."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields
from pathlib import Path
from typing import Any

import httpx
import pytest

import warnlib
from tests.conftest import read_jsonl
from warnlib.client import APIError, AsyncClient, Client, RuleInfo, ServerUnavailable
from warnlib.types import Assessment

SCAM = "跟着老师做合约，一周翻倍，加薇：coin888，稳赚不赔"
BENIGN = "今天去西湖边散步，天气真好"


def test_client_round_trip(live_server: Callable[..., Any]) -> None:
    server = live_server()
    with Client(server.url, locale="en") as client:
        assessment = client.score(SCAM)
        assert isinstance(assessment, Assessment)
        assert assessment == warnlib.score(SCAM, locale="en")
        assert client.score(SCAM, locale="zh").signals[0].message == warnlib.score(SCAM).signals[0].message

        texts = [SCAM, BENIGN] * 130  # more than one server batch: the client splits and re-joins
        results = client.score_batch(texts)
        assert [r.level for r in results] == ["high", "low"] * 130

        rules = client.rules()
        assert all(isinstance(rule, RuleInfo) for rule in rules)
        assert "zh.copy_trading.lead" in {rule.id for rule in rules}

        row_id = client.feedback(SCAM, "scam", score=assessment.score, url="https://example.com/n/1")
        assert client.health()["status"] == "ok"
    with sqlite3.connect(server.feedback_db) as connection:
        row = connection.execute("SELECT text, verdict, url FROM feedback WHERE id = ?", (row_id,)).fetchone()
    assert row == (SCAM, "scam", "https://example.com/n/1")


def test_client_raises_the_servers_error_body(live_server: Callable[..., Any]) -> None:
    server = live_server(max_text_chars=10, api_keys=["k"])
    with Client(server.url, api_key="k") as client:
        with pytest.raises(APIError) as caught:
            client.score("x" * 11)
        assert caught.value.status == 422
        assert caught.value.code == "validation_error"
        assert "text" in caught.value.fields
    with Client(server.url, api_key="wrong") as client, pytest.raises(APIError) as caught:
        client.rules()
    assert (caught.value.status, caught.value.code) == (401, "unauthorized")


def test_client_reports_an_unreachable_server() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the socket closes
    with Client(f"http://127.0.0.1:{port}", timeout=2) as client, pytest.raises(ServerUnavailable) as caught:
        client.score("hi")
    assert isinstance(caught.value.__cause__, httpx.TransportError)


def test_client_timeout_is_enforced() -> None:
    # A server that accepts the connection and never answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
    started = time.perf_counter()
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        with Client(url, timeout=0.5) as client, pytest.raises(ServerUnavailable):
            client.score("hi")
        assert time.perf_counter() - started < 5
    finally:
        for conn in accepted:
            conn.close()
        listener.close()


def test_async_client(live_server: Callable[..., Any]) -> None:
    server = live_server()

    async def run() -> tuple[list[Assessment], int]:
        async with AsyncClient(server.url) as client:
            results = await asyncio.gather(client.score(SCAM), client.score(BENIGN))
            batch = await client.score_batch([BENIGN, SCAM])
            assert [r.level for r in batch] == ["low", "high"]
            with pytest.raises(APIError):
                await client.feedback("", "maybe")  # type: ignore[arg-type]
            return list(results), len(await client.rules())

    # Its own thread and loop: other tests (Playwright's sync API) may leave a loop on this thread.
    with ThreadPoolExecutor(max_workers=1) as pool:
        results, rule_count = pool.submit(asyncio.run, run()).result(timeout=60)
    assert [r.level for r in results] == ["high", "low"]
    assert rule_count > 10


def test_concurrent_feedback_loses_no_write(live_server: Callable[..., Any]) -> None:
    server = live_server()
    per_thread, threads = 25, 8

    def send(worker: int) -> None:
        with Client(server.url) as client:
            for i in range(per_thread):
                client.feedback(f"post {worker}-{i}", "not_scam" if i % 2 else "scam")

    pool = [threading.Thread(target=send, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    with sqlite3.connect(server.feedback_db) as connection:
        texts = {row[0] for row in connection.execute("SELECT text FROM feedback")}
    assert texts == {f"post {w}-{i}" for w in range(threads) for i in range(per_thread)}


def test_feedback_from_two_processes_share_one_file(tmp_path: Path) -> None:
    # gunicorn workers are separate processes writing the same SQLite file.
    db = tmp_path / "shared.sqlite3"
    script = (
        "import sys; from warnlib_server.feedback import FeedbackStore, FeedbackRecord\n"
        "store = FeedbackStore(sys.argv[1])\n"
        "for i in range(100): store.add(FeedbackRecord(text=f'{sys.argv[2]}-{i}', verdict='scam'))\n"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script, str(db), name]) for name in ("a", "b", "c")]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT count(DISTINCT text) FROM feedback").fetchone()[0] == 300


def test_warnlib_serve_prints_its_url_and_serves(tmp_path: Path) -> None:
    env = {**os.environ, "WARNLIB_FEEDBACK_DB": str(tmp_path / "fb.sqlite3"), "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "warnlib.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, line + (process.stderr.read() if process.poll() else "")
        url = line.split("serving on ")[1].split()[0]
        with Client(url) as client:
            assert client.score(SCAM).level == "high"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert SCAM not in (process.stderr.read() if process.stderr else ""), "post text must not be logged"


def test_serve_rejects_a_bad_config_file(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('port = "eighty"\n')
    result = subprocess.run(
        [sys.executable, "-m", "warnlib_server", "--config", str(config)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "port" in result.stderr and "Traceback" not in result.stderr


def test_feedback_export_feeds_eval(live_server: Callable[..., Any], tmp_path: Path) -> None:
    from warnlib.cli import main

    server = live_server()
    with Client(server.url) as client:
        client.feedback(SCAM, "scam", score=0.97, url="https://example.com/1")
        client.feedback(BENIGN, "not_scam")
    exported = tmp_path / "feedback.jsonl"
    assert main(["feedback", "--db", str(server.feedback_db), "-o", str(exported)]) == 0
    rows = read_jsonl(exported)
    assert [(r["text"], r["label"], r["verdict"]) for r in rows] == [(SCAM, 1, "scam"), (BENIGN, 0, "not_scam")]
    assert rows[0]["url"] == "https://example.com/1" and rows[0]["score"] == 0.97
    assert main(["eval", str(exported), "--json"]) == 0, "exported feedback is valid eval input"


def test_assessment_reads_the_language_key_older_servers_send() -> None:
    current = warnlib.score(SCAM).to_dict()
    older = {("language" if k == "text_language" else k): v for k, v in current.items()}
    assert Assessment.from_dict(older) == Assessment.from_dict(current)
    assert Assessment.from_dict(current).text_language == "zh"


def test_the_cli_the_api_and_the_client_give_one_rule_catalogue(
    make_app: Callable[..., Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from server.schemas import RuleSchema
    from warnlib.cli import main
    from warnlib.types import RuleInfo as LibraryRuleInfo

    # With a pack of one's own, so an override and the custom version show in all three.
    pack = tmp_path / "team.toml"
    pack.write_text('[[overrides]]\nid = "zh.copy_trading.lead"\nweight = 0.5\n', encoding="utf-8")
    assert main(["rules", "--json", "--rules", str(pack)]) == 0
    from_cli = json.loads(capsys.readouterr().out)
    app = make_app(rules=[str(pack)])
    from_api = app.test_client().get("/v1/rules").get_json()
    assert from_cli == from_api
    assert from_api["version"]["rules"].endswith("+custom")
    lead = next(r for r in from_api["rules"] if r["id"] == "zh.copy_trading.lead")
    assert lead["weight"] == 0.5 and lead["kind"] == "signal"

    with Client("http://warnlib.test", transport=httpx.WSGITransport(app=app)) as client:
        from_client = client.rules()
    assert RuleInfo is LibraryRuleInfo, "the client returns the library's type, not a copy of it"
    assert [r.to_dict() for r in from_client] == from_api["rules"]
    # The OpenAPI schema documents exactly those fields.
    assert set(RuleSchema().fields) == {f.name for f in fields(LibraryRuleInfo)} == set(lead)


def test_rule_catalogue_tolerates_fields_a_newer_server_adds() -> None:
    from warnlib.client import _rules

    body = {
        "rules": [
            {
                "id": "x.y",
                "category": "giveaway",
                "weight": 1.0,
                "pack": "p",
                "kind": "signal",
                "messages": {"zh": "a", "en": "b"},
                "limits_context": False,
                "void_with": ["stock_tip"],
                "added_in_2027": True,
            }
        ]
    }
    (rule,) = _rules(body)
    assert rule.id == "x.y" and rule.void_with == ("stock_tip",)
