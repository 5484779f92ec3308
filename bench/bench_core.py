"""Benchmark of the library: throughput with the model against the rules-only scorer of a baseline
commit, import time, cold start, memory, and the time to score 100,000 characters of ordinary
and of hostile text.

    python bench/bench_core.py [--repeat 15] [--baseline REF]

The corpus is fixed: the labeled posts in tests/data/ plus ../shared/data/posts-dev.jsonl
when it is present. The baseline (default: the last commit before the learned model,
`BASELINE_REF`) is checked out in a temporary git worktree and timed in its own process,
alternating with this tree's scorer, so both figures come from this one run on this machine:
the ratio is what to compare across changes.
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
# The rules-only scorer the learned model must not slow down (main before detection v2).
BASELINE_REF = "3e0b506"
_RATE = (
    "import json, sys, time; sys.path.insert(0, {root!r}); from warnlib.scorer import Scorer; "
    "texts = [json.loads(l)['text'] for f in {files!r} for l in open(f, encoding='utf-8') if l.strip()]; "
    "s = Scorer({kwargs}); [s.score(t) for t in texts[:200]]; t0 = time.perf_counter(); "
    "[s.score(t) for t in texts]; print(len(texts) / (time.perf_counter() - t0))"
)
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


def rate_in_process(root: Path, kwargs: str) -> float:
    """Posts per second of `Scorer(kwargs)` from the tree at `root`, in a fresh interpreter."""
    files = [str(p) for p in CORPUS_FILES if p.is_file()]
    code = _RATE.format(root=str(root), files=files, kwargs=kwargs)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    return float(out.stdout.strip().splitlines()[-1])


def versus_baseline(ref: str, runs: int) -> tuple[float, float, float]:
    """(this tree with its model, this tree rules only, `ref` as it was), best of `runs` alternations."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), ref], cwd=REPO, check=True, capture_output=True
        )
        try:
            ours, rules, theirs = [], [], []
            for _ in range(runs):
                ours.append(rate_in_process(REPO, ""))
                rules.append(rate_in_process(REPO, "model=None"))
                theirs.append(rate_in_process(base, ""))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=REPO, check=False)
    return max(ours), max(rules), max(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--baseline", default=BASELINE_REF, help="git ref of the rules-only scorer to compare with")
    parser.add_argument("--runs", type=int, default=5, help="alternating runs of each scorer (best is kept)")
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

    ours, rules_only, baseline = versus_baseline(args.baseline, args.runs)
    model_file = REPO / "warnlib" / "data" / "model.json.gz"

    print(f"corpus: {len(texts)} posts, {chars} characters ({chars / len(texts):.0f} per post)")
    print(f"baseline {args.baseline:<9} {baseline:10.0f} posts/s   (rules only, as it was)")
    print(f"rules + model      {ours:10.0f} posts/s   ratio {ours / baseline:.2f} of the baseline")
    print(f"rules only (now)   {rules_only:10.0f} posts/s   ratio {rules_only / baseline:.2f} of the baseline")
    print(f"model file         {model_file.stat().st_size / 1e6:10.2f} MB")
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
