"""Long schema fuzzing run: schemathesis, every check, against a real server, with and without keys.

    python bench/fuzz_server.py [--seconds 120]      # per mode; two modes, so 4 minutes by default

The suite runs the same thing for ~35 s (tests/server/test_fuzz.py); this is the long version.
Each mode starts the API on a free port (Werkzeug's threaded server with the JSON refusal
handler, as `warnlib serve` runs it), points schemathesis at /openapi.json with `--checks all`
(no 5xx, responses and status codes as documented, schema-valid data accepted, invalid rejected)
and prints what it generated, what failed, and how many answers were 5xx (from the access log).
Exit status 1 if any mode found a failure.
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SCHEMATHESIS_CONFIG = REPO / "tests" / "server" / "schemathesis.toml"


class _StatusCounter(logging.Handler):
    """Counts access-log lines by status class (the lines never hold bodies)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_class: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        match = re.match(r"\S+ \S+ (\d)\d\d ", record.getMessage())
        if match:
            key = f"{match.group(1)}xx"
            self.by_class[key] = self.by_class.get(key, 0) + 1


def run_mode(name: str, api_keys: list[str], seconds: int, tmp: Path) -> bool:
    from warnlib_server import create_app
    from warnlib_server.app import JsonErrorRequestHandler
    from werkzeug.serving import make_server

    app = create_app({"feedback_db": str(tmp / f"{name}.sqlite3"), "rate_limit": "0", "api_keys": api_keys})
    counter = _StatusCounter()
    access = logging.getLogger("warnlib_server.access")
    access.addHandler(counter)
    access.setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=JsonErrorRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    exe = shutil.which("schemathesis") or shutil.which("st")
    if exe is None:
        sys.exit("schemathesis is not installed: pip install -e '.[dev]'")
    command = [
        exe,
        "--config-file",
        str(SCHEMATHESIS_CONFIG),
        "run",
        f"http://127.0.0.1:{server.server_port}/openapi.json",
        "--checks",
        "all",
        "--max-time",
        str(seconds),
        "--workers",
        "2",
        "--no-color",
    ]
    for key in api_keys:
        command += ["--header", f"Authorization: Bearer {key}"]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=tmp, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    server.shutdown()
    access.removeHandler(counter)
    output = result.stdout + result.stderr
    summary = [
        line
        for line in output.splitlines()
        if re.search(r"generated|passed|failed|error|Failures|test cases", line, re.I)
    ]
    print(f"== {name}: schemathesis exit {result.returncode}, {elapsed:.0f} s, answers by status {counter.by_class}")
    for line in summary[-12:]:
        print("   " + line.strip())
    if result.returncode != 0:
        print(output[-4000:])
    return result.returncode == 0 and counter.by_class.get("5xx", 0) == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=120, help="per mode (open, with a key)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        ok = [run_mode("open", [], args.seconds, tmp), run_mode("with-key", ["fuzz-key"], args.seconds, tmp)]
    print("result:", "no failures, no 5xx" if all(ok) else "FAILURES (see above)")
    sys.exit(0 if all(ok) else 1)


if __name__ == "__main__":
    main()
