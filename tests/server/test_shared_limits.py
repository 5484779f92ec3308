"""Rate limits shared through Redis: across apps, across 2 gunicorn workers, and when Redis is gone.

A real `redis-server` (Debian's package) is started on a free port. Without it the tests skip
with a message, except under CI (CI set), where a missing server is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from flask import Flask

from .conftest import GunicornServer, free_port


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    executable = shutil.which("redis-server")
    if executable is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if os.environ.get("CI"):
            pytest.fail(message + "; .ci/run installs it")
        pytest.skip(message)
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    import redis

    redis.Redis.from_url(redis_server).flushall()  # every test starts with no counters
    return redis_server


def test_two_apps_share_one_limit_through_redis(make_app: Callable[..., Flask], redis_url: str) -> None:
    first = make_app(rate_limit="5/day", rate_limit_storage=redis_url).test_client()
    second = make_app(rate_limit="5/day", rate_limit_storage=redis_url).test_client()
    statuses = [(first if i % 2 else second).get("/v1/rules").status_code for i in range(10)]
    assert statuses.count(200) == 5 and statuses[5:] == [429] * 5
    assert second.get("/healthz").get_json()["checks"]["rate_limit_storage"] == "ok"


def test_costs_are_charged_in_redis(make_app: Callable[..., Flask], redis_url: str) -> None:
    client = make_app(rate_limit="10/day", rate_limit_storage=redis_url).test_client()
    items = [{"id": str(i), "text": "x" * 1500} for i in range(4)]  # 2 units each
    assert client.post("/v1/score/batch", json={"items": items}).headers["X-RateLimit-Remaining"] == "2"


def test_unreachable_storage_degrades_to_per_process_limits(make_app: Callable[..., Flask]) -> None:
    client = make_app(rate_limit="3/day", rate_limit_storage=f"redis://127.0.0.1:{free_port()}").test_client()
    statuses = [client.get("/v1/rules").status_code for _ in range(5)]
    assert 200 in statuses and 500 not in statuses, statuses
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and body["checks"]["rate_limit_storage"].startswith("unreachable")


def _raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_limit_holds_across_two_gunicorn_workers(
    gunicorn: Callable[..., GunicornServer], redis_url: str, tmp_path: Path
) -> None:
    limit = 25
    server = gunicorn(
        WARNLIB_WORKERS="2",
        WARNLIB_RATE_LIMIT=f"{limit}/day",
        WARNLIB_RATE_LIMIT_STORAGE=redis_url,
        WARNLIB_ACCESS_LOG=str(tmp_path / "access.log"),
    )
    port = server.port
    statuses: list[int] = []
    lock = threading.Lock()

    def client() -> None:
        for _ in range(10):  # a new connection each time, so both workers accept some
            status = httpx.get(f"http://127.0.0.1:{port}/v1/rules", headers={"Connection": "close"}).status_code
            with lock:
                statuses.append(status)

    try:
        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        # gunicorn's own refusals come back in the API's JSON shape, without the offending text.
        refused = [
            _raw(port, b"NOT A REQUEST LINE secretpost\r\n\r\n"),
            _raw(port, b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: " + b"s" * 9000 + b"\r\n\r\n"),
        ]
    finally:
        logs = server.stop()
    assert statuses.count(200) == limit, f"{statuses.count(200)} accepted for a limit of {limit}"
    assert statuses.count(429) == len(statuses) - limit
    workers = {
        part
        for line in (tmp_path / "access.log").read_text().splitlines()
        for part in line.split()
        if part.startswith("worker=")
    }
    assert len(workers) == 2, f"both workers served requests: {workers}"
    for answer, status, code in zip(refused, (400, 431), ("bad_request", "headers_too_large"), strict=True):
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 %d" % status) and b"application/json" in head, answer[:300]
        assert json.loads(body)["error"]["code"] == code
    assert "secretpost" not in logs, "gunicorn's log of refused requests withholds the request line"
