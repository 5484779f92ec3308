"""Bulk scoring on several processes: `Scorer.score_many(workers=N)` and `warnlib scan --workers N`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import warnlib
from warnlib import _bulk
from warnlib.cli import main

from .conftest import REPO, read_jsonl

SCAM = "跟着老师做合约，一周收益翻倍，想进群的加微信：coin888"
CUSTOM_PACK = """
[pack]
name = "team"
version = "2026.12.1"

[[rules]]
id = "team.bulk.marker"
category = "guaranteed_returns"
weight = 3.0
phrases = ["bulk-marker-phrase"]
messages = { zh = "测试规则", en = "test rule" }
examples = { match = ["a bulk-marker-phrase here"] }
"""


def labeled_rows(limit: int) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in sorted((REPO / "tests" / "data").glob("*.jsonl")):
        rows.extend(read_jsonl(path))
    return rows[:limit]


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_score_many_on_two_workers_equals_one(scorer: warnlib.Scorer) -> None:
    texts = [str(r["text"]) for r in labeled_rows(300)]
    one = scorer.score_many(texts, locale="en")
    two = scorer.score_many(iter(texts), locale="en", workers=2, chunk_size=16)
    assert [a.to_dict() for a in two] == [a.to_dict() for a in one]


def test_score_many_raises_a_workers_error_in_the_caller(scorer: warnlib.Scorer) -> None:
    with pytest.raises(TypeError, match="text must be str"):
        scorer.score_many(["ok", None, "ok"], workers=2, chunk_size=1)  # type: ignore[list-item]


def test_ordered_map_keeps_order_and_bounds_what_is_in_flight() -> None:
    read = []

    def chunks():  # records how far the input has been read when each result arrives
        for i in range(40):
            read.append(i)
            yield [str(i)]

    results = _bulk.ordered_map(
        _bulk_echo, chunks(), source=_bulk.ScorerRecipe(use_model=False), workers=2, in_flight=3
    )
    seen = []
    for got in results:
        seen.append(got)
        # Never more than `in_flight` chunks read ahead of what has been handed back.
        assert len(read) - len(seen) <= 3
    assert seen == [[str(i)] for i in range(40)]


def _bulk_echo(scorer: warnlib.Scorer, chunk: list[str]) -> list[str]:
    return chunk


def test_scan_on_two_workers_writes_what_one_writes_with_custom_rules(tmp_path: Path) -> None:
    pack = tmp_path / "team.toml"
    pack.write_text(CUSTOM_PACK, encoding="utf-8")
    rows = [*labeled_rows(250), {"id": "marker", "text": "bulk-marker-phrase"}, {"id": "bad"}]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    options = ["--rules", str(pack), "--no-model", "--high", "0.9", "-q", "--chunk-size", "20"]
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert main(["scan", str(source), "-o", str(one), "--workers", "1", *options]) == 0
    assert main(["scan", str(source), "-o", str(two), "--workers", "2", *options]) == 0
    assert two.read_bytes() == one.read_bytes()
    written = read_jsonl(two)
    assert [w.get("id") for w in written] == [r.get("id") for r in rows]
    marker = written[-2]["assessment"]
    # The pack, --no-model and the cut reached the workers.
    assert [s["rule"] for s in marker["signals"]] == ["team.bulk.marker"]
    assert marker["version"]["model"] == "none" and marker["version"]["rules"].endswith("+custom")


def test_resume_appends_only_the_missing_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = labeled_rows(120)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    source.write_bytes(source.read_bytes().replace(b"\n", b"\n\n", 1))  # a blank line near the top
    full = tmp_path / "full.jsonl"
    assert main(["scan", str(source), "-o", str(full), "-q", "-w", "1"]) == 0
    complete = full.read_bytes()
    lines = complete.splitlines(keepends=True)
    partial = tmp_path / "partial.jsonl"
    # 70 complete rows and half of the 71st, as a killed run leaves them.
    partial.write_bytes(b"".join(lines[:70]) + lines[70][:25])
    capsys.readouterr()
    assert main(["scan", str(source), "-o", str(partial), "-q", "-w", "1", "--resume"]) == 0
    assert partial.read_bytes() == complete
    err = capsys.readouterr().err
    assert "scanned 50 posts" in err and "70 rows kept" in err and "truncated last row" in err
    # Nothing to do: the finished output stays as it is.
    assert main(["scan", str(source), "-o", str(partial), "-q", "--resume"]) == 0
    assert partial.read_bytes() == complete


def test_resume_refuses_the_output_of_other_settings_or_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", labeled_rows(30))
    out = tmp_path / "out.jsonl"
    assert main(["scan", str(source), "-o", str(out), "-q", "-w", "1"]) == 0
    head = b"".join(out.read_bytes().splitlines(keepends=True)[:10])
    out.write_bytes(head)
    assert main(["scan", str(source), "-o", str(out), "-q", "--resume", "--no-model"]) == 2
    assert "not its output" in capsys.readouterr().err
    assert out.read_bytes() == head
    short = write_jsonl(tmp_path / "short.jsonl", labeled_rows(5))
    assert main(["scan", str(short), "-o", str(out), "-q", "--resume"]) == 2
    assert "has 10 rows" in capsys.readouterr().err
    assert main(["scan", str(source), "--resume", "-q"]) == 2
    assert "--resume needs an output file" in capsys.readouterr().err


def test_interrupted_scan_resumes_to_the_same_output(tmp_path: Path) -> None:
    # Enough rows that the scan cannot finish before the interrupt, even at low priority on a
    # busy machine (600 once finished first: the test then saw exit 0, not 130).
    rows = labeled_rows(1800)
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "warnlib.cli", "scan", str(source), "-o", str(out), "-w", "2", "-q"]
    command += ["--chunk-size", "20"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < 8_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the parent and its workers
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"--resume" in err and b"Traceback" not in err
    kept = len(out.read_bytes().splitlines())
    assert 0 < kept < len(rows)
    assert subprocess.run([*command, "--resume"], capture_output=True, timeout=120).returncode == 0
    expected = tmp_path / "expected.jsonl"
    assert main(["scan", str(source), "-o", str(expected), "-q", "-w", "1"]) == 0
    assert out.read_bytes() == expected.read_bytes()


def test_resume_point_and_line_count_read_in_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_bulk, "_BLOCK", 7)  # rows longer than a block, split anywhere
    path = tmp_path / "out.jsonl"
    path.write_bytes(b'{"a": 1}\n{"b": 22222222}\n{"c": 3')
    point = _bulk.resume_point(path)
    assert (point.rows, point.last_row, point.dropped_bytes) == (2, b'{"b": 22222222}\n', 7)
    assert path.read_bytes() == b'{"a": 1}\n{"b": 22222222}\n'
    assert _bulk.count_lines(path) == 2
    path.write_bytes(b"x\n\ny")
    assert _bulk.count_lines(path) == 3
    path.write_bytes(b"partial")
    assert _bulk.resume_point(path) == _bulk.ResumePoint(0, None, 7)
