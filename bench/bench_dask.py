"""Benchmark of warnlib.dask on a local two-worker cluster against one process, same posts, same run.

    python bench/bench_dask.py [--rows 20000] [--workers 2] [--partitions 16]

Contenders: `Scorer.score_many` in this process (the baseline), `score_bag` and
`score_dataframe` on a `distributed.LocalCluster` with `--workers` single-threaded worker
processes. The cluster's start (a few seconds, scorers built on the first partition) is
reported apart from the scoring, which is what grows with the data. /proc/loadavg before and
after, because the machine may be shared.
"""

from __future__ import annotations

import argparse
import itertools
import time

from bench_scan import corpus, loadavg  # run as a script: bench/ is on sys.path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partitions", type=int, default=16)
    args = parser.parse_args()

    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    from distributed import Client, LocalCluster

    import warnlib
    import warnlib.dask as wd

    texts = [text for _, text in zip(range(args.rows), itertools.cycle(corpus()))]
    print(f"{len(texts):,} posts; load {loadavg()}")

    scorer = warnlib.Scorer()
    scorer.score_many(texts[:200])
    started = time.perf_counter()
    scorer.score_many(texts)
    base = len(texts) / (time.perf_counter() - started)

    started = time.perf_counter()
    with (
        LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        ) as cluster,
        Client(cluster),
    ):
        # Warm up: every worker builds its scorer on a first small partition.
        wd.score_bag(db.from_sequence(texts[: args.workers * 4], npartitions=args.workers * 2)).compute()
        start_seconds = time.perf_counter() - started
        rates = {}
        started = time.perf_counter()
        wd.score_bag(db.from_sequence(texts, npartitions=args.partitions)).compute()
        rates["score_bag"] = len(texts) / (time.perf_counter() - started)
        frame = dd.from_pandas(pd.DataFrame({"text": texts}), npartitions=args.partitions)
        started = time.perf_counter()
        wd.score_dataframe(frame).compute()
        rates["score_dataframe"] = len(texts) / (time.perf_counter() - started)

    print(f"{'contender':<52} {'posts/s':>9} {'x 1 process':>12}")
    print(f"{'Scorer.score_many, this process':<52} {base:>9,.0f} {1.0:>11.2f}x")
    for name, rate in rates.items():
        label = f"{name}, LocalCluster {args.workers} workers x 1 thread"
        print(f"{label:<52} {rate:>9,.0f} {rate / base:>11.2f}x")
    print(f"cluster start + first partitions (scorers built): {start_seconds:.1f}s; load {loadavg()}")


if __name__ == "__main__":
    main()
