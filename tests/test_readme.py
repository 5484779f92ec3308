"""The README's first-screen example and commands stay true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import warnlib

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_quick_example_holds() -> None:
    a = warnlib.score("跟 着 老 師 做 he 约，一周收益翻倍，想进群的加薇信：coin888")
    assert (a.level, a.score > 0.9) == ("high", True)
    assert "extract.contact_diversion.handle" in {s.rule for s in a.signals}
    assert warnlib.score("Copy my trades! 40% a month. DM me on telegram", locale="en").level == "high"


def test_ci_runs_the_readme_test_command() -> None:
    command = re.search(r"# 2\. Run the tests\n(.+)\n", README)
    assert command, "README must show the test command under '# 2. Run the tests'"
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert command.group(1).strip() in ci.splitlines()


def test_readme_curl_examples_work(tmp_path: Path) -> None:
    server = pytest.importorskip("warnlib_server", reason="the server extra is not installed")
    flask_app = server.create_app({"feedback_db": str(tmp_path / "f.sqlite3")})
    calls = re.findall(r"curl -s http://127\.0\.0\.1:8765(\S+) .*?\n\s+-d '(.+?)'\n# -> (.+)\n", README)
    assert len(calls) >= 2, "README shows curl calls for the API, each with the verdict it returns"
    client = flask_app.test_client()
    for path, body, said in calls:
        response = client.post(path, data=body, content_type="application/json")
        assert response.status_code == 200, (path, response.get_json())
        data = response.get_json()
        # The levels the README promises, in order, are the levels the API returns.
        promised = re.findall(r'"level": "(\w+)"', said)
        returned = [data["level"]] if "level" in data else [r["level"] for r in data["results"]]
        assert promised == returned, (path, promised, returned)
        for rule in re.findall(r'"rule": "([\w.]+)"', said):
            assert rule in {s["rule"] for s in data["signals"]}
