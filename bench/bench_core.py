"""Benchmark of the library, every figure a ratio against a contender timed in the same run.

    python bench/bench_core.py [--posts 20000] [--rounds 5] [--baseline REF]

1. Throughput, one core, on the same posts (up to `--posts` drawn with a fixed seed from
   tests/data and ../shared/data, external sets included, when present): `warnlib.score`
   against a scikit-learn TF-IDF (character 1-3-grams) + logistic-regression pipeline
   predicting on 500-post batches, against warnlib's own `normalize()` alone, the rule
   phrases in one Aho-Corasick automaton (pyahocorasick), Hyperscan (if installed), and
   `jieba.cut` as a labeled reference (jieba is not on the scoring path). Contenders take
   turns in rounds; each ratio is the median of its per-round ratios, so a busy machine
   slows both sides of a ratio alike. Throughput counts the CPU time of the process (posts per
   CPU-second, the per-core rate), so that other processes taking turns on the core do not count.
2. Against a baseline commit (default `BASELINE_REF`, the last rules-only scorer), checked out
   in a temporary git worktree and timed in its own process, alternating with this tree.
3. Import time, cold first score, peak RSS, model file size, and the time to score 100,000
   characters of ordinary and of hostile text.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# The rules-only scorer the learned model must not slow down (main before detection v2).
BASELINE_REF = "3e0b506"
_RATE = (
    "import json, sys, time; sys.path.insert(0, {root!r}); from warnlib.scorer import Scorer; "
    "texts = [json.loads(l)['text'] for f in {files!r} for l in open(f, encoding='utf-8') if l.strip()]; "
    "s = Scorer({kwargs}); [s.score(t) for t in texts[:200]]; t0 = time.process_time(); "
    "[s.score(t) for t in texts]; print(len(texts) / (time.process_time() - t0))"
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
        started = time.process_time()
        for text in texts:
            func(text)
        rates.append(len(texts) / (time.process_time() - started))
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


def sample_corpus(size: int, seed: int = 20) -> list[str]:
    """Up to `size` posts from every labeled set found (tests/data, ../shared/data and its
    external sets), drawn with a fixed seed, each cut to the scorer's length limit."""
    import random

    from warnlib.scorer import DEFAULT_MAX_CHARS

    files = [*CORPUS_FILES, *sorted((REPO.parent / "shared" / "data" / "external").glob("*.jsonl"))]
    texts: list[str] = []
    for path in files:
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                rows = (json.loads(line) for line in handle if line.strip())
                posts = (r["text"] for r in rows if isinstance(r.get("text"), str) and r["text"])
                texts.extend(text[:DEFAULT_MAX_CHARS] for text in posts)
    random.Random(seed).shuffle(texts)
    return texts[:size]


def _tfidf_pipeline(texts: list[str]) -> Any:
    """A TF-IDF (char 1-3) + LR pipeline fitted on the corpus, labeled by the library's own verdicts
    (the labels only need two classes; what is timed is prediction)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    import warnlib

    labels = [int(warnlib.score(t).level != "low") for t in texts]
    pipeline = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3)), LogisticRegression(max_iter=500))
    pipeline.fit(texts, labels)
    return pipeline


def contenders(texts: list[str]) -> dict[str, Callable[[list[str]], object]]:
    """What `warnlib.score` is compared with, each a function over a list of posts."""
    import ahocorasick
    import jieba

    import warnlib
    from warnlib.normalize import normalize

    scorer = warnlib.default_scorer()
    rules_only = warnlib.Scorer(model=None)
    out: dict[str, Callable[[list[str]], object]] = {
        "warnlib.score": lambda batch: [scorer.score(t) for t in batch],
        "warnlib rules only": lambda batch: [rules_only.score(t) for t in batch],
    }
    try:
        pipeline = _tfidf_pipeline(texts)
        out["TF-IDF (char 1-3) + LR, 500-post batches"] = lambda batch: [
            pipeline.predict_proba(batch[i : i + 500]) for i in range(0, len(batch), 500)
        ]
    except ImportError:
        print("(scikit-learn not installed: no TF-IDF + LR contender; pip install -e '.[train]')")
    out["warnlib normalize() alone"] = lambda batch: [normalize(t) for t in batch]
    phrases = sorted({normalize(p).text for rule in scorer.rules for p in rule.phrases} - {""})
    automaton = ahocorasick.Automaton()
    for i, phrase in enumerate(phrases):
        automaton.add_word(phrase, i)
    automaton.make_automaton()
    out[f"the {len(phrases)} rule phrases, one Aho-Corasick automaton"] = lambda batch: [
        list(automaton.iter(t.lower())) for t in batch
    ]
    try:
        import hyperscan

        database = hyperscan.Database()
        database.compile(
            expressions=[re.escape(p).encode("utf-8") for p in phrases],
            ids=list(range(len(phrases))),
            elements=len(phrases),
            flags=[hyperscan.HS_FLAG_UTF8 | hyperscan.HS_FLAG_SINGLEMATCH] * len(phrases),
        )
        out["the same phrases in Hyperscan"] = lambda batch: [
            database.scan(t.lower().encode("utf-8"), match_event_handler=_ignore) for t in batch
        ]
    except ImportError:
        print("(hyperscan not installed: no Hyperscan contender; pip install hyperscan)")
    jieba.setLogLevel(logging.WARNING)
    jieba.lcut("预热词典")  # load its dictionary before timing, as the scorer's packs are
    out["jieba.cut (reference only: not on the scoring path)"] = lambda batch: [list(jieba.cut(t)) for t in batch]
    return out


def _load() -> str:
    """The machine's 1, 5 and 15-minute load averages: other work on the machine shows here."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _ignore(*_: object) -> None:
    return None


def race(
    runners: dict[str, Callable[[list[str]], object]], texts: list[str], rounds: int
) -> dict[str, tuple[float, float]]:
    """Posts/s of each runner, and warnlib.score's speed over it, both medians over `rounds` turns."""
    rates: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(rounds):
        for name, run in runners.items():
            started = time.process_time()
            run(texts)
            rates[name].append(len(texts) / (time.process_time() - started))
    first = next(iter(runners))
    return {
        name: (
            statistics.median(values),
            statistics.median(ours / theirs for ours, theirs in zip(rates[first], values, strict=True)),
        )
        for name, values in rates.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=20_000, help="posts in the throughput table")
    parser.add_argument("--rounds", type=int, default=5, help="turns each contender takes (medians are kept)")
    parser.add_argument("--baseline", default=BASELINE_REF, help="git ref of the rules-only scorer to compare with")
    parser.add_argument("--runs", type=int, default=5, help="alternating runs against the baseline (best is kept)")
    args = parser.parse_args()

    import warnlib

    texts = sample_corpus(args.posts)
    chars = sum(len(t) for t in texts)
    chinese = sum(1 for t in texts if any("\u4e00" <= c <= "\u9fff" for c in t))
    runners = contenders(texts)
    [warnlib.score(t) for t in texts[:500]]
    print(f"machine load before: {_load()}")
    table = race(runners, texts, args.rounds)
    print(
        f"corpus: {len(texts)} posts, {chars / len(texts):.0f} characters per post, {chinese / len(texts):.0%} Chinese"
    )
    print(f"{'contender (same posts, one core)':<58} {'posts/s':>9} {'warnlib x':>10}")
    for name, (rate, ratio) in table.items():
        print(f"{name:<58} {rate:9.0f} {ratio:10.2f}")
    print("(warnlib x: warnlib.score's speed over the contender's, median of per-round ratios)")

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

    print(f"baseline {args.baseline:<9} {baseline:10.0f} posts/s   (rules only, as it was; tests/data posts)")
    print(f"rules + model      {ours:10.0f} posts/s   ratio {ours / baseline:.2f} of the baseline")
    print(f"rules only (now)   {rules_only:10.0f} posts/s   ratio {rules_only / baseline:.2f} of the baseline")
    print(f"model file         {model_file.stat().st_size / 1e6:10.2f} MB")
    print(f"import warnlib     {import_time * 1000:10.1f} ms        ({import_time / bare:.1f}x 'import json')")
    print(f"cold first score   {cold * 1000:10.1f} ms        (import + first score in a new process)")
    print(f"peak RSS           {rss:10.1f} MB        (bare interpreter {rss_python:.1f} MB)")
    print(f"{LENGTH:,} chars     {ordinary * 1000:10.0f} ms        (ordinary posts run together)")
    print(f"hostile {LENGTH:,}  {hostile[worst] * 1000:10.0f} ms        (worst of {len(hostile)}: {worst}, ", end="")
    print(f"{hostile[worst] / ordinary:.2f}x ordinary)")
    print(f"machine load after: {_load()}")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
