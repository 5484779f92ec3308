"""The `warnlib` command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from warnlib.cli import main

SCAM = "跟着老师做合约，一周收益翻倍，想进群的加微信：coin888"


def test_score_human_output_highlights_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", SCAM]) == 0
    out = capsys.readouterr().out
    assert out.startswith("高风险")
    assert "[[跟着老师]]" in out
    assert "zh.copy_trading.mentor" in out


def test_score_json_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(SCAM))
    assert main(["score", "-", "--json", "--locale", "en"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["level"] == "high"
    assert all(s["message"].isascii() for s in data["signals"])


def test_scan_keeps_every_row_and_reports_bad_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    rows = [{"id": "a", "text": SCAM}, {"id": "b", "text": "今天天气不错"}]
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + '\nnot json\n{"id": 3}\n')
    out = tmp_path / "out.jsonl"
    assert main(["scan", str(source), "-o", str(out), "-q"]) == 0
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [w.get("id") for w in written[:2]] == ["a", "b"]
    assert written[0]["assessment"]["level"] == "high"
    assert [w["line"] for w in written[2:]] == [3, 4]
    assert all("error" in w for w in written[2:])
    assert "errors 2" in capsys.readouterr().err


def test_eval_reports_metrics(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    labeled = tmp_path / "labeled.jsonl"
    rows = [
        {"text": SCAM, "label": 1, "category": "copy_trading"},
        {"text": "今天天气不错，去公园散步", "label": 0, "category": "lifestyle"},
        {"text": "Earn 3% daily, no risk, DM me on telegram", "label": 1, "category": "returns"},
    ]
    labeled.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    assert main(["eval", str(labeled), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["true_positives"] == 2 and report["false_positives"] == 0
    assert report["recall"] == 1.0 and report["roc_auc"] == 1.0
    assert report["recall_by_group"]["copy_trading"]["recall"] == 1.0
    assert main(["eval", str(labeled)]) == 0
    assert "precision 1.000" in capsys.readouterr().out


def test_rules_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert {"zh.copy_trading.lead", "extract.contact_handle", "context.zh.warning"} <= {r["id"] for r in rules}


def test_bad_rule_pack_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rules]]\nid='x'\n")
    assert main(["score", "x", "--rules", str(bad)]) == 2
    assert "warnlib: error:" in capsys.readouterr().err
