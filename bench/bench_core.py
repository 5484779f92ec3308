"""Benchmark of the library: throughput against bare jieba.cut, import time, cold start, memory,
and the time to score 100,000 characters of ordinary and of hostile text.

    python bench/bench_core.py [--repeat 20]

The corpus is fixed: the labeled posts in tests/data/ plus ../shared/data/posts-dev.jsonl
when it is present. Every figure comes from this one run, on this machine, so the ratios
(warnlib vs jieba, import vs a bare interpreter) are what to compare across changes.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS_FILES = [*sorted((REPO / "tests" / "data").glob("*.jsonl")), REPO.parent / "shared" / "data" / "posts-dev.jsonl"]


def load_corpus() -> list[str]:
    texts: list[str] = []
    for path in CORPUS_FILES:
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                texts.extend(json.loads(line)["text"] for line in handle if line.strip())
    if not texts:
        sys.exit("no corpus found: expected tests/data/*.jsonl")
    return texts


def throughput(func, texts: list[str], repeat: int) -> float:  # type: ignore[no-untyped-def]
    """Posts per second, the median of `repeat` passes over the corpus."""
    rates = []
    for _ in range(repeat):
        started = time.perf_counter()
        for text in texts:
            func(text)
        rates.append(len(texts) / (time.perf_counter() - started))
    return statistics.median(rates)


def in_fresh_process(code: str, runs: int = 5) -> float:
    """Median of a figure printed by `code` run in a fresh interpreter each time."""
    values = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
        values.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    import jieba

    import warnlib

    jieba.setLogLevel(logging.WARNING)
    texts = load_corpus()
    chars = sum(len(t) for t in texts)
    jieba.lcut("预热词典")  # load jieba's dictionary before timing, as the scorer's packs are
    warnlib.score("预热")

    jieba_rate = throughput(lambda t: list(jieba.cut(t)), texts, args.repeat)
    warnlib_rate = throughput(warnlib.score, texts, args.repeat)

    timer = "import time; t = time.perf_counter(); {body}; print(time.perf_counter() - t)"
    bare = in_fresh_process(timer.format(body="import json"))
    import_time = in_fresh_process(timer.format(body="import warnlib"))
    cold = in_fresh_process(timer.format(body="import warnlib; warnlib.score('跟着老师做合约，加微信：coin888')"))
    # VmHWM is the peak resident set of this process image (ru_maxrss survives fork+exec).
    peak = "print(int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) / 1024)"
    rss = in_fresh_process(
        f"import warnlib; from bench.bench_core import load_corpus; [warnlib.score(t) for t in load_corpus()]; {peak}",
        1,
    )
    rss_python = in_fresh_process(peak, 1)

    from tests.hostile import HOSTILE, LENGTH, ordinary_text, seconds_to_score

    scorer = warnlib.default_scorer()
    ordinary = seconds_to_score(scorer, ordinary_text(), runs=3)
    hostile = {name: seconds_to_score(scorer, text, runs=3) for name, text in HOSTILE.items()}
    worst = max(hostile, key=hostile.__getitem__)

    print(f"corpus: {len(texts)} posts, {chars} characters ({chars / len(texts):.0f} per post)")
    print(f"jieba.cut          {jieba_rate:10.0f} posts/s   (baseline)")
    print(f"warnlib.score      {warnlib_rate:10.0f} posts/s   ratio {warnlib_rate / jieba_rate:.2f} of jieba.cut")
    print(f"import warnlib     {import_time * 1000:10.1f} ms        ({import_time / bare:.1f}x 'import json')")
    print(f"cold first score   {cold * 1000:10.1f} ms        (import + first score in a new process)")
    print(f"peak RSS           {rss:10.1f} MB        (bare interpreter {rss_python:.1f} MB)")
    print(f"{LENGTH:,} chars     {ordinary * 1000:10.0f} ms        (ordinary posts run together)")
    print(f"hostile {LENGTH:,}  {hostile[worst] * 1000:10.0f} ms        (worst of {len(hostile)}: {worst}, ", end="")
    print(f"{hostile[worst] / ordinary:.2f}x ordinary)")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
