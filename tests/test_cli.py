"""The `warnlib` command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import read_jsonl
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
    written = read_jsonl(out)
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
    catalogue = json.loads(capsys.readouterr().out)
    ids = [r["id"] for r in catalogue["rules"]]
    assert {"zh.copy_trading.lead", "extract.contact_diversion.handle", "zh.context.warning"} <= set(ids)
    assert ids == sorted(ids) and catalogue["version"]["rules"]


def test_bad_rule_pack_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rules]]\nid='x'\n")
    assert main(["score", "x", "--rules", str(bad)]) == 2
    assert "warnlib: error:" in capsys.readouterr().err


def test_scan_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    data = json.dumps({"id": "a", "text": SCAM}, ensure_ascii=False) + "\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data.encode("utf-8")), encoding="utf-8"))
    assert main(["scan", "-", "-q"]) == 0
    written = json.loads(capsys.readouterr().out)
    assert written["id"] == "a" and written["assessment"]["level"] == "high"


def test_scan_bad_rows_keep_their_fields_and_say_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.jsonl"
    lines = ['{"id": 7, "channel": "x"}', '{"id": 8, "text": 42}', "[1, 2]", "{oops", '{"id": 9, "text": "ok"}']
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["scan", str(source), "-o", str(out), "-q"]) == 0
    written = read_jsonl(out)
    assert written[0] == {"id": 7, "channel": "x", "error": 'the row has no "text" field', "line": 1}
    assert written[1]["id"] == 8 and written[1]["error"] == '"text" must be a string, not a number'
    assert "JSON object" in written[2]["error"] and written[2]["line"] == 3
    assert written[3]["error"].startswith("line is not JSON") and written[3]["line"] == 4
    assert written[4]["id"] == 9 and "assessment" in written[4]
    assert not any("NoneType" in w.get("error", "") for w in written)


def test_scan_counts_blank_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "a"}\n\n   \n{"text": "b"}\n\n', encoding="utf-8")
    assert main(["scan", str(source), "-o", str(tmp_path / "out.jsonl"), "-q"]) == 0
    err = capsys.readouterr().err
    assert "scanned 2 posts" in err and "blank lines 3" in err


@pytest.mark.parametrize("command", ["score", "rules", "eval"])
def test_json_option_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_line = next(line for line in capsys.readouterr().out.splitlines() if line.strip().startswith("--json"))
    assert len(help_line.split()) > 2, help_line


CUSTOM_PACK = """
[pack]
name = "team"
version = "2026.12.1"

[[rules]]
id = "team.cli.marker"
category = "guaranteed_returns"
weight = 3.0
phrases = ["cli-marker-phrase"]
messages = { zh = "测试规则", en = "test rule" }
"""


def test_scorer_options_go_before_or_after_the_subcommand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text(CUSTOM_PACK, encoding="utf-8")
    second.write_text(CUSTOM_PACK.replace("cli.marker", "cli.other").replace('"team"', '"team2"'), encoding="utf-8")
    text = "cli-marker-phrase"
    assert main(["--rules", str(first), "--locale", "en", "score", text, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["rule"] for s in data["signals"]] == ["team.cli.marker"]
    assert data["signals"][0]["message"] == "test rule"
    # Before and after add up; an option after the subcommand wins over the same one before it.
    assert main(["--rules", str(first), "--no-model", "rules", "--rules", str(second), "--json"]) == 0
    ids = {r["id"] for r in json.loads(capsys.readouterr().out)["rules"]}
    assert {"team.cli.marker", "team.cli.other"} <= ids
    assert main(["--locale", "en", "score", SCAM, "--locale", "zh"]) == 0
    assert capsys.readouterr().out.startswith("高风险")


def test_serve_takes_rules_and_cuts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    import warnlib_server

    pack = tmp_path / "a.toml"
    pack.write_text(CUSTOM_PACK, encoding="utf-8")
    seen = {}

    def fake_serve(host: str | None = None, port: int | None = None, config_path: str | None = None) -> None:
        config = warnlib_server.ServerConfig.load(config_path, host=host, port=port)
        seen.update(rules=config.rules, high=config.high_threshold, medium=config.medium_threshold)

    for name in ("WARNLIB_RULES", "WARNLIB_HIGH_THRESHOLD", "WARNLIB_MEDIUM_THRESHOLD", "WARNLIB_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(os, "environ", dict(os.environ))  # the settings this test makes stay in it
    monkeypatch.setattr(warnlib_server, "serve", fake_serve)
    assert main(["--rules", str(pack), "serve", "--high", "0.9", "--medium", "0.6"]) == 0
    assert seen == {"rules": (str(pack),), "high": 0.9, "medium": 0.6}


def test_commands_that_do_not_score_refuse_scorer_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--rules", "x.toml", "feedback"])
    assert stop.value.code == 2
    assert "warnlib feedback does not take --rules" in capsys.readouterr().err


@pytest.mark.parametrize(
    "command",
    [["rules"], ["score", SCAM], ["scan", "-", "--workers", "2"], ["eval", "-"]],
    ids=["rules", "score", "scan", "eval"],
)
def test_closed_pipe_ends_quietly(command: list[str], tmp_path: Path) -> None:
    import subprocess
    import sys

    rows = "".join(json.dumps({"text": f"{SCAM} {i}", "label": 1}, ensure_ascii=False) + "\n" for i in range(400))
    source = tmp_path / "in.jsonl"
    source.write_text(rows, encoding="utf-8")
    command = [str(source) if part == "-" and command[0] == "eval" else part for part in command]
    process = subprocess.Popen(
        [sys.executable, "-m", "warnlib.cli", *command],
        stdin=source.open("rb"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `| head -0` would
    err = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "Broken pipe" not in err and "BrokenPipe" not in err


def test_the_cli_names_levels_with_the_words_of_the_extensions_badges() -> None:
    import json as _json
    from pathlib import Path as _Path

    from warnlib.cli import _LEVEL_ZH

    messages = _json.loads(
        (_Path(__file__).resolve().parent.parent / "extension" / "_locales" / "zh_CN" / "messages.json").read_text(
            encoding="utf-8"
        )
    )
    for level, key in (("high", "badgeHigh"), ("medium", "badgeMedium")):
        assert messages[key]["message"].split("：")[0] == _LEVEL_ZH[level]
