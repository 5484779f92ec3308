"""Fixtures for the API: an app per test and a real server on a free loopback port."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("flask", reason="the server extra is not installed: pip install -e '.[server]'")

from flask import Flask
from warnlib_server import create_app
from warnlib_server.app import JsonErrorRequestHandler
from werkzeug.serving import make_server


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
