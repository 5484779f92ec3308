"""Schema-driven fuzzing: schemathesis generates requests from /openapi.json against a real server.

Bounded in time (WARNLIB_FUZZ_SECONDS, default 25). Every check is on, which includes: no 5xx,
responses match the documented schemas, status codes and content types are documented, invalid
data is rejected and valid data accepted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

SCHEMATHESIS_CONFIG = Path(__file__).with_name("schemathesis.toml")


def _schemathesis() -> list[str]:
    exe = shutil.which("schemathesis") or shutil.which("st")
    if exe is None:
        pytest.skip("schemathesis is not installed (pip install -e '.[dev]')")
    return [exe]


@pytest.mark.parametrize("api_keys", [(), ("fuzz-key",)], ids=["open", "with-key"])
def test_fuzz_finds_no_server_errors_or_schema_violations(
    live_server: Callable[..., Any], tmp_path: Path, api_keys: tuple[str, ...]
) -> None:
    server = live_server(api_keys=list(api_keys), max_text_chars=2000, max_batch_items=20)
    seconds = os.environ.get("WARNLIB_FUZZ_SECONDS", "25" if not api_keys else "10")
    command = [
        *_schemathesis(),
        "--config-file",
        str(SCHEMATHESIS_CONFIG),
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "all",
        "--max-time",
        seconds,
        "--workers",
        "2",
        "--seed",
        "20261125",
        "--no-color",
    ]
    for key in api_keys:
        command += ["--header", f"Authorization: Bearer {key}"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=int(seconds) + 120)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "generated" in output and " 0 passed" not in output, output[-2000:]
