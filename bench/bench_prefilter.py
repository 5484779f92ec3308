"""Which engine should tell what rules could match a post? The evidence, printed.

    python bench/bench_prefilter.py [--posts 5000]

Before any rule's regex runs, one pass over the post says which rule parts, extractors and
narration patterns could match it (warnlib._prefilter); only those run. Two engines are
compared on the same posts (drawn as bench_core.py draws them), one core:

- **Aho-Corasick** (pyahocorasick, what ships): the needles every match must contain.
- **Hyperscan** in prefilter mode (only if the `hyperscan` package is installed): each pattern
  compiled whole, look-arounds widened, so its report is tighter than needles.

For each: the time to build, the candidates per post, the time of the pass, the time of the
regexes the candidates leave to run (`re.search`), and how often the engine left out a pattern
that Python's `re` matches (0 is the only sound figure). Figures are per post and, for the
two passes, as a ratio to Aho-Corasick's in the same run.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_core import sample_corpus
from warnlib._prefilter import PrefilterIndex, build_prefilter, build_prefilter_any, fold_text
from warnlib.normalize import normalize
from warnlib.scorer import Scorer


def gated_patterns(scorer: Scorer) -> list[re.Pattern[str]]:
    """Every pattern the shipped prefilter gates, in its order: rule parts, extractors, narration."""
    parts = [regex for _, regex in scorer._parts]
    extractors = [
        re.compile("|".join(f"(?:{p.pattern})" for p in bound.extractor.requires)) for bound in scorer._extractors
    ]
    narration = [pattern for pattern, _ in scorer._narration_patterns]
    return [*parts, *extractors, *narration]


def aho_corasick(scorer: Scorer) -> tuple[float, Callable[[str], set[int]]]:
    started = time.perf_counter()
    index = PrefilterIndex(
        [
            *(part.prefilter for rule in scorer._pack_rules for part in rule.parts),
            *(build_prefilter_any(p.pattern for p in bound.extractor.requires) for bound in scorer._extractors),
            *(build_prefilter(pattern.pattern) for pattern, _ in scorer._narration_patterns),
        ]
    )
    built = time.perf_counter() - started
    return built, lambda text: set(index.candidates(fold_text(text)))


def hyperscan_engine(patterns: list[re.Pattern[str]]) -> tuple[float, int, list[int], Callable[[str], set[int]]] | None:
    """(compile seconds, database bytes, patterns it could not compile, the pass), or None."""
    try:
        import hyperscan
    except ImportError:
        return None
    flags = (
        hyperscan.HS_FLAG_PREFILTER
        | hyperscan.HS_FLAG_UTF8
        | hyperscan.HS_FLAG_UCP
        | hyperscan.HS_FLAG_SINGLEMATCH
        | hyperscan.HS_FLAG_ALLOWEMPTY
    )
    usable, failed = [], []
    for i, pattern in enumerate(patterns):
        try:
            hyperscan.Database().compile(expressions=[pattern.pattern.encode()], ids=[i], elements=1, flags=[flags])
            usable.append(i)
        except hyperscan.error:
            failed.append(i)
    started = time.perf_counter()
    database = hyperscan.Database()
    database.compile(
        expressions=[patterns[i].pattern.encode() for i in usable],
        ids=usable,
        elements=len(usable),
        flags=[flags] * len(usable),
    )
    built = time.perf_counter() - started
    scratch = hyperscan.Scratch(database)
    always = set(failed)  # a pattern it cannot hold must always run

    def candidates(text: str) -> set[int]:
        found = set(always)
        database.scan(text.encode(), match_event_handler=lambda i, *_: found.add(i), scratch=scratch)
        return found

    return built, len(hyperscan.dumpb(database)), failed, candidates


def measure(
    candidates: Callable[[str], set[int]], texts: list[str], patterns: list[re.Pattern[str]]
) -> dict[str, float]:
    found = [candidates(text) for text in texts]  # warm
    started = time.perf_counter()
    for text in texts:
        candidates(text)
    scan = (time.perf_counter() - started) / len(texts)
    started = time.perf_counter()
    for text, positions in zip(texts, found, strict=True):
        for i in positions:
            patterns[i].search(text)
    follow = (time.perf_counter() - started) / len(texts)
    missed = sum(
        1
        for text, positions in zip(texts, found, strict=True)
        for i, pattern in enumerate(patterns)
        if i not in positions and pattern.search(text)
    )
    per_post = sum(map(len, found)) / len(texts)
    return {"candidates": per_post, "scan_us": scan * 1e6, "follow_us": follow * 1e6, "missed": missed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=5000)
    args = parser.parse_args()
    scorer = Scorer(model=None)
    patterns = gated_patterns(scorer)
    texts = [normalize(text).text for text in sample_corpus(args.posts)]
    print(f"{len(patterns)} gated patterns, {len(texts)} posts (normalized), one core\n")
    ac_built, ac = aho_corasick(scorer)
    rows = [("Aho-Corasick needles (ships)", ac_built, None, [], measure(ac, texts, patterns))]
    hs = hyperscan_engine(patterns)
    if hs is None:
        print("hyperscan is not installed: only the shipped engine is measured\n")
    else:
        hs_built, size, failed, candidates = hs
        rows.append(("Hyperscan prefilter mode", hs_built, size, failed, measure(candidates, texts, patterns)))
    base = rows[0][4]["scan_us"] + rows[0][4]["follow_us"]
    print(
        "| engine | build s | database | not compiled | candidates/post | pass us | regexes after us | x total "
        "| missed |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, built, size, failed, m in rows:
        total = m["scan_us"] + m["follow_us"]
        db = f"{size / 1e6:.1f} MB" if size else "-"
        print(
            f"| {name} | {built:.2f} | {db} | {len(failed)} | {m['candidates']:.1f} | {m['scan_us']:.1f} | "
            f"{m['follow_us']:.1f} | {base / total:.2f} | {m['missed']:.0f} |"
        )


if __name__ == "__main__":
    main()
