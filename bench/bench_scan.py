"""Benchmark of `warnlib scan --workers N`: rate against one worker, same rows, same run.

    python bench/bench_scan.py [--rows 100000] [--workers 2] [--keep DIR]

The rows are the posts of tests/data/*.jsonl and ../shared/data (posts-dev.jsonl and the
external sets, when present), cycled to `--rows` rows with fresh ids. Each contender runs as
its own `warnlib scan` process, one after the other; the figures:

- posts/s of each and the ratio N workers / 1 worker (the figure to compare across changes);
- the peak RSS (VmHWM) of the parent and of every worker process, sampled from /proc while it
  runs: the parent's stays flat as the input grows (bounded in-flight chunks);
- /proc/loadavg before and after each run, because the machine may be shared: a ratio measured
  while other processes hold the cores is not the ratio on idle cores;
- the CPU seconds all processes of the run used, and so the cores it got (CPU / wall time):
  on a busy machine this shows whether the rate was bounded by the pool or by the share of
  the cores the machine gave; CPU per post, N workers against one, is the pool's overhead;
- whether the N-worker output is byte-identical to the one-worker output.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"


def corpus() -> list[str]:
    files = [*sorted((REPO / "tests" / "data").glob("*.jsonl")), *sorted(SHARED.glob("*.jsonl"))]
    files += sorted((SHARED / "external").glob("*.jsonl"))
    texts: list[str] = []
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    text = json.loads(line).get("text")
                    if isinstance(text, str) and text.strip() and len(text) <= 20_000:
                        texts.append(text)
    if not texts:
        sys.exit("no posts found in tests/data")
    return texts


def write_rows(path: Path, rows: int) -> tuple[int, float]:
    texts = corpus()
    chars = 0
    with path.open("w", encoding="utf-8") as out:
        for number, text in zip(range(rows), itertools.cycle(texts)):
            out.write(json.dumps({"id": number, "text": text}, ensure_ascii=False) + "\n")
            chars += len(text)
    return len(texts), chars / rows


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _peak_rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    try:
        tasks = Path(f"/proc/{pid}/task").iterdir()
        return [int(c) for task in tasks for c in (task / "children").read_text().split()]
    except OSError:
        return []


def run_scan(source: Path, output: Path, workers: int) -> dict[str, object]:
    command = [sys.executable, "-m", "warnlib.cli", "scan", str(source), "-o", str(output), "-q"]
    command += ["--workers", str(workers)]
    before = loadavg()
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    peaks: dict[int, int] = {}
    while process.poll() is None:
        for pid in [process.pid, *_children(process.pid)]:
            peak = _peak_rss_kb(pid)
            if peak is not None:
                peaks[pid] = max(peak, peaks.get(pid, 0))
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the scan and its workers (waited for)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    err = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        sys.exit(f"scan --workers {workers} failed ({process.returncode}): {err}")
    parent = peaks.pop(process.pid, 0)
    # The spawn start method adds a small resource-tracker process; workers are the big ones.
    workers_rss = sorted((kb for kb in peaks.values() if kb > 30_000), reverse=True)
    return {
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "parent_mb": parent / 1024,
        "worker_mb": [kb / 1024 for kb in workers_rss],
        "load_before": before,
        "load_after": loadavg(),
        "summary": err.strip().splitlines()[-1] if err.strip() else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", help="folder to keep the input and outputs in (default: a temporary one)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(args.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        source = folder / "rows.jsonl"
        distinct, mean_chars = write_rows(source, args.rows)
        print(
            f"{args.rows:,} rows from {distinct:,} distinct posts (mean {mean_chars:.0f} characters); cores: ", end=""
        )
        print(f"{os.cpu_count()}")
        results = {}
        for workers in (1, args.workers):
            results[workers] = run_scan(source, folder / f"out-{workers}.jsonl", workers)
        base = results[1]["seconds"]
        print(
            f"{'contender':<22} {'posts/s':>9} {'x 1 worker':>11} {'CPU s':>7} {'cores got':>9}  {'parent RSS':>10}  "
            "worker RSS (MB)   load before -> after"
        )
        for workers, result in results.items():
            rate = args.rows / float(result["seconds"])  # type: ignore[arg-type]
            worker_mb = ", ".join(f"{mb:.0f}" for mb in result["worker_mb"]) or "(in-process)"  # type: ignore[attr-defined]
            print(
                f"scan --workers {workers:<8} {rate:>9,.0f} {base / float(result['seconds']):>10.2f}x "  # type: ignore[arg-type]
                f"{result['cpu_seconds']:>7.1f} {float(result['cpu_seconds']) / float(result['seconds']):>9.2f}  "  # type: ignore[arg-type]
                f"{result['parent_mb']:>7.0f} MB  {worker_mb:<16} {result['load_before']} -> {result['load_after']}"
            )
        same = (folder / "out-1.jsonl").read_bytes() == (folder / f"out-{args.workers}.jsonl").read_bytes()
        overhead = float(results[args.workers]["cpu_seconds"]) / float(results[1]["cpu_seconds"])  # type: ignore[arg-type]
        print(f"CPU per post, {args.workers} workers / 1 worker: {overhead:.2f}")
        print(f"output of {args.workers} workers identical to 1 worker: {same}")
        for workers, result in results.items():
            print(f"  [{workers}] {result['summary']}")


if __name__ == "__main__":
    main()
