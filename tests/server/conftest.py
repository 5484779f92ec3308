"""Fixtures for the API: an app per test, a real server on a free loopback port, and gunicorn."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.importorskip("flask", reason="the server extra is not installed: pip install -e '.[server]'")

from flask import Flask
from warnlib_server import create_app
from warnlib_server.app import JsonErrorRequestHandler
from werkzeug.serving import make_server

from tests.conftest import free_port


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Flask]:
    """Build an app with test-friendly settings; keyword arguments override any setting."""

    def build(**settings: Any) -> Flask:
        base: dict[str, Any] = {"feedback_db": str(tmp_path / "feedback.sqlite3"), "rate_limit": "0"}
        base.update(settings)
        return create_app(base)

    return build


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()


@dataclass
class LiveServer:
    url: str
    app: Flask
    feedback_db: Path


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start real threaded HTTP servers (port 0 = a free port); all are shut down after the test."""
    servers: list[Any] = []

    def start(**settings: Any) -> LiveServer:
        db = tmp_path / f"feedback-{len(servers)}.sqlite3"
        app = create_app({"feedback_db": str(db), "rate_limit": "0", **settings})
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=JsonErrorRequestHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, feedback_db=db)

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


SERVER_DIR = Path(__file__).resolve().parents[2] / "server"
GUNICORN_START_TIMEOUT_S = 60  # two workers each load the scorer; the machine may be busy


@dataclass
class GunicornServer:
    url: str
    port: int
    process: subprocess.Popen[str]
    logs: str = field(default="", init=False)

    def stop(self) -> str:
        """Stop gunicorn and return what it printed (stdout and stderr together)."""
        if self.process.poll() is None:
            self.process.terminate()
        self.logs += self.process.communicate(timeout=30)[0] or ""
        return self.logs


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[Callable[..., GunicornServer]]:
    """Start gunicorn with server/gunicorn.conf.py on a free port, as deployed; `WARNLIB_*` keyword
    arguments become its environment. Returns once /healthz answers 200; stopped after the test."""
    if shutil.which("gunicorn") is None:
        pytest.skip("gunicorn is not installed")
    started: list[GunicornServer] = []

    def start(**env: str) -> GunicornServer:
        port = free_port()
        environment = {
            **os.environ,
            "WARNLIB_PORT": str(port),
            "WARNLIB_FEEDBACK_DB": str(tmp_path / f"feedback-{len(started)}.sqlite3"),
            **env,
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(SERVER_DIR / "gunicorn.conf.py")],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        server = GunicornServer(url=f"http://127.0.0.1:{port}", port=port, process=process)
        started.append(server)
        deadline = time.monotonic() + GUNICORN_START_TIMEOUT_S
        while True:
            try:
                if httpx.get(f"{server.url}/healthz").status_code == 200:
                    return server
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("gunicorn did not start:\n" + server.stop())
            time.sleep(0.2)

    yield start
    for server in started:
        server.stop()
