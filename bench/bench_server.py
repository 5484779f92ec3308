"""Benchmark of the API under gunicorn: requests/s and p50/p99 latency per endpoint, hostile load, scaling.

    python bench/bench_server.py [--seconds 10] [--workers 2] [--scaling 1,2]
    python bench/bench_server.py --baseline d6a6f67 [--rounds 4] [--baseline-only]

Starts gunicorn with server/gunicorn.conf.py on a free port (rate limit off, feedback in a temp
dir), then drives it from a separate load-generator process (bench/loadgen.py):

- closed loop (8 connections) for the maximum requests/s of each endpoint;
- open loop at a fixed rate for latency: /v1/score at 200 rps, /v1/score/batch (50 posts) at
  10 rps, /healthz at 200 rps as the baseline.

Every post text carries a unique suffix so each request misses the server's cache: these are
scoring costs, not cache lookups. /healthz (no scoring, same HTTP stack) measured in the same
run is the baseline the ratios are given against.

Hostile load: four clients send maximum-cost batches back to back (real posts filling
`max_request_chars`, the most one request may hold) while /healthz is probed at 50 rps; its p99
must stay under 100 ms. Scaling: /v1/score closed-loop requests/s with 1, 2, ... workers (one
gunicorn instance each), as the ratio to one worker.

Against a baseline (`--baseline REF`, e.g. the commit before the API hardening): REF's server
package and gunicorn config are checked out in a temporary git worktree and served by gunicorn
in turn with this tree's, round after round (the order swaps each round), under the same open-loop
loads: /v1/score at 200 rps and batches of 50 at 10 rps. The figure is the ratio of p99 latencies,
new / baseline, per round and its median, so the machine's load at any moment weighs on both
sides alike. By default the baseline serves this tree's library (`--baseline-scope server`), so
the ratio is the cost of the HTTP layer alone (limiter, gate, schema checks, ProxyFix); `all`
takes REF's library too. The rate limiter is on in both, at a limit no run reaches
(`--baseline-rate-limit`), so its cost is in the figure as it is in a default deployment. A
steadier figure follows: both apps in one process (REF's server package imported under another
name), request blocks alternating, the fastest block of each kept, in milliseconds per request,
and the function calls per request (cProfile), a figure a busy machine does not change.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import itertools
import json
import os
import pstats
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_core import load_corpus  # noqa: E402

TARGETS = {"score_p99_ms_at_200rps": 15.0, "batch50_p99_ms": 60.0, "healthz_p99_ms_under_hostile_load": 100.0}
MAX_REQUEST_CHARS = 100_000  # the server default (ServerConfig.max_request_chars)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Tree:
    """Which code a gunicorn serves: the server folder (its gunicorn.conf.py) and extra import paths."""

    label: str
    server_dir: Path
    python_path: tuple[Path, ...] = ()

    def env(self) -> dict[str, str]:
        if not self.python_path:
            return {}
        paths = [str(path) for path in self.python_path]
        if os.environ.get("PYTHONPATH"):
            paths.append(os.environ["PYTHONPATH"])
        return {"PYTHONPATH": os.pathsep.join(paths)}

    def imports(self) -> str:
        """Where `warnlib` and `warnlib_server` come from for this tree (printed with the figures)."""
        code = "import warnlib, warnlib_server; print(warnlib.__file__, warnlib_server.__file__)"
        return subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, **self.env()},
            cwd=tempfile.gettempdir(),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()


THIS_TREE = Tree("this tree", REPO / "server")


def start_gunicorn(
    port: int, workers: int, tmp: Path, tree: Tree = THIS_TREE, rate_limit: str = "0"
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        **tree.env(),
        "WARNLIB_PORT": str(port),
        "WARNLIB_WORKERS": str(workers),
        "WARNLIB_RATE_LIMIT": rate_limit,
        "WARNLIB_FEEDBACK_DB": str(tmp / "feedback.sqlite3"),
        "WARNLIB_ACCESS_LOG": str(tmp / "access.log"),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(tree.server_dir / "gunicorn.conf.py")],
        env=env,
        cwd=tmp,  # gunicorn puts its working directory first on sys.path: keep it free of packages
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    sys.exit("gunicorn did not start")


def write_bodies(path: Path, texts: list[str], batch: int, count: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            if batch == 1:
                body = {"text": f"{texts[i % len(texts)]} #{i}"}
            else:
                items = [{"id": str(j), "text": f"{texts[(i * batch + j) % len(texts)]} #{i}"} for j in range(batch)]
                body = {"items": items}
            handle.write(json.dumps(body, ensure_ascii=False) + "\n")


def write_max_cost_batches(path: Path, texts: list[str], count: int) -> None:
    """Batches of real posts that together hold just under `MAX_REQUEST_CHARS` characters."""
    with path.open("w", encoding="utf-8") as handle:
        position = 0
        for i in range(count):
            items: list[dict[str, str]] = []
            total = 0
            while len(items) < 100:
                text = f"{texts[position % len(texts)]} #{i}"[:2000]
                if total + len(text) * 1.1 > MAX_REQUEST_CHARS:  # headroom for normalization's growth
                    break
                items.append({"id": str(len(items)), "text": text})
                total += len(text)
                position += 1
            handle.write(json.dumps({"items": items}, ensure_ascii=False) + "\n")


def loadgen_command(
    url: str, path: str, body_file: Path | None, seconds: float, rate: float | None, concurrency: int | None = None
) -> list[str]:
    command = [sys.executable, str(REPO / "bench" / "loadgen.py"), url, path, "--seconds", str(seconds)]
    if body_file is not None:
        command += ["--body-file", str(body_file)]
    if rate is not None:
        command += ["--rate", str(rate), "--concurrency", str(concurrency or 16)]
    else:
        command += ["--concurrency", str(concurrency or 8)]
    return command


def load(
    url: str, path: str, body_file: Path | None, seconds: float, rate: float | None, concurrency: int | None = None
) -> dict[str, float]:
    command = loadgen_command(url, path, body_file, seconds, rate, concurrency)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def hostile(url: str, batches: Path, seconds: float) -> tuple[dict[str, float], dict[str, float]]:
    """/healthz at 50 rps while 4 clients send maximum-cost batches; both loads' figures."""
    attack = subprocess.Popen(
        loadgen_command(url, "/v1/score/batch", batches, seconds + 2, None, 4), stdout=subprocess.PIPE, text=True
    )
    time.sleep(1.0)  # let the four batches occupy the workers first
    probe = load(url, "/healthz", None, seconds, 50.0, 4)
    attack_output, _ = attack.communicate()
    return probe, json.loads(attack_output.strip().splitlines()[-1])


def scaling(texts_file: Path, worker_counts: list[int], seconds: float, tmp: Path) -> dict[int, float]:
    """Closed-loop /v1/score requests/s for each worker count."""
    rates: dict[int, float] = {}
    for workers in worker_counts:
        port = free_port()
        server = start_gunicorn(port, workers, tmp)
        try:
            url = f"http://127.0.0.1:{port}"
            load(url, "/v1/score", texts_file, 2, None, 4 * workers)  # warm-up
            rates[workers] = load(url, "/v1/score", texts_file, seconds, None, 4 * workers)["rps"]
        finally:
            server.terminate()
            server.wait(timeout=30)
    return rates


@contextmanager
def baseline_tree(ref: str, scope: str, tmp: Path) -> Iterator[Tree]:
    """REF checked out in a temporary worktree, importable as `warnlib_server` (and `warnlib`)."""
    checkout = tmp / "baseline"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(checkout), ref], cwd=REPO, check=True, capture_output=True
    )
    try:
        # setup.py maps the package `warnlib_server` to the folder `server`: a link gives REF's
        # folder that name, ahead of this tree's editable install on sys.path.
        shim = tmp / "baseline-imports"
        shim.mkdir()
        (shim / "warnlib_server").symlink_to(checkout / "server", target_is_directory=True)
        paths = (shim, checkout) if scope == "all" else (shim,)
        yield Tree(f"baseline {ref}", checkout / "server", paths)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(checkout)], cwd=REPO, check=False)


def p99_side_by_side(
    trees: list[Tree], rounds: int, seconds: float, workers: int, rate_limit: str, bodies: dict[str, Path], tmp: Path
) -> dict[str, dict[str, list[float]]]:
    """p99 of /v1/score at 200 rps and batch-of-50 at 10 rps, per tree, per round (order swaps)."""
    figures: dict[str, dict[str, list[float]]] = {tree.label: {"score": [], "batch50": []} for tree in trees}
    for round_index in range(rounds):
        order = trees if round_index % 2 == 0 else list(reversed(trees))
        for tree in order:
            port = free_port()
            server = start_gunicorn(port, workers, tmp, tree, rate_limit)
            try:
                url = f"http://127.0.0.1:{port}"
                load(url, "/v1/score", bodies["single"], 2, None)  # warm-up in each worker
                load(url, "/v1/score/batch", bodies["batch"], 1, None, 2)
                score = load(url, "/v1/score", bodies["single"], seconds, 200.0)
                batch = load(url, "/v1/score/batch", bodies["batch"], seconds, 10.0)
            finally:
                server.terminate()
                server.wait(timeout=30)
            for name, result in (("score", score), ("batch50", batch)):
                if result["errors"]:
                    sys.exit(f"{tree.label}: {result['errors']:.0f} non-2xx answers to {name}; figures would lie")
                figures[tree.label][name].append(result["p99_ms"])
            print(
                f"  round {round_index + 1} {tree.label:>18}: /v1/score p99 {score['p99_ms']:6.1f} ms, "
                f"batch of 50 p99 {batch['p99_ms']:6.1f} ms (load {os.getloadavg()[0]:.1f})",
                flush=True,
            )
    return figures


def _load_package(name: str, folder: Path) -> Any:
    """Import the package in `folder` under `name`, beside this tree's `warnlib_server`."""
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def in_process_costs(baseline_server: Path, rate_limit: str, texts: list[str]) -> dict[str, dict[str, float]]:
    """Milliseconds per request of both apps in one process (Flask's test client, no HTTP server).

    Blocks of requests alternate between the two apps and the fastest block of each is kept, so
    another process taking the CPU for a while slows a block of each, not one side: on a busy
    machine this is the steadiest view of what the request path itself costs.
    """
    import warnlib_server

    baseline = _load_package("warnlib_server_baseline", baseline_server)
    with tempfile.TemporaryDirectory() as tmp:
        clients = {
            label: package.create_app({"rate_limit": rate_limit, "feedback_db": f"{tmp}/{label}.sqlite3"}).test_client()
            for label, package in (("new", warnlib_server), ("baseline", baseline))
        }
        sent = itertools.count()

        def single(client: Any) -> Any:
            i = next(sent)
            return client.post("/v1/score", json={"text": f"{texts[i % len(texts)]} #{i}"})

        def batch(client: Any) -> Any:
            i = next(sent)
            items = [{"id": str(j), "text": f"{texts[(i * 50 + j) % len(texts)]} #{i}"} for j in range(50)]
            return client.post("/v1/score/batch", json={"items": items})

        def health(client: Any) -> Any:
            return client.get("/healthz")

        for client in clients.values():
            for _ in range(200):
                single(client)  # warm-up: caches, lazy imports
        costs: dict[str, dict[str, float]] = {}
        for name, send, per_block, blocks in (
            ("score", single, 50, 30),
            ("batch50", batch, 2, 30),
            ("healthz", health, 100, 20),
        ):
            best = dict.fromkeys(clients, float("inf"))
            for _ in range(blocks):
                for label, client in clients.items():
                    started = time.perf_counter()
                    for _ in range(per_block):
                        if send(client).status_code != 200:
                            sys.exit(f"{label} {name}: a non-200 answer")
                    best[label] = min(best[label], (time.perf_counter() - started) / per_block * 1000)
            costs[name] = best
        # Function calls per request, counted by cProfile: the same on an idle or a busy machine
        # (the test client's own calls are in both figures alike).
        for name, send, count in (("score", single, 200), ("batch50", batch, 10), ("healthz", health, 200)):
            for label, client in clients.items():
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(count):
                    send(client)
                profile.disable()
                calls = sum(entry[1] for entry in pstats.Stats(profile).stats.values())  # type: ignore[attr-defined]
                costs[f"{name}_calls"] = costs.get(f"{name}_calls", {}) | {label: calls / count}
    return costs


def report_baseline(args: argparse.Namespace, texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        bodies = {"single": tmp / "single.jsonl", "batch": tmp / "batch.jsonl"}
        write_bodies(bodies["single"], texts, 1, 20_000)
        write_bodies(bodies["batch"], texts, 50, 2_000)
        with baseline_tree(args.baseline, args.baseline_scope, tmp) as baseline:
            rounds = f"{args.rounds} rounds of {args.seconds:g} s"
            print(f"side by side with {args.baseline} (scope {args.baseline_scope}), {rounds}:")
            for tree in (THIS_TREE, baseline):
                print(f"  {tree.label} imports {tree.imports()}")
            figures = p99_side_by_side(
                [THIS_TREE, baseline], args.rounds, args.seconds, args.workers, args.baseline_rate_limit, bodies, tmp
            )
            command = [sys.executable, __file__, "--in-process-against", str(baseline.server_dir)]
            command += ["--baseline-rate-limit", args.baseline_rate_limit]
            in_process = subprocess.run(command, capture_output=True, text=True, check=True, cwd=tmp)
            costs = json.loads(in_process.stdout.strip().splitlines()[-1])
    ours, theirs = figures[THIS_TREE.label], figures[baseline.label]
    print(f"p99 ratio this tree / {args.baseline} (< 1 is faster; rate limit {args.baseline_rate_limit} in both):")
    for name, title in (("score", "/v1/score at 200 rps"), ("batch50", "batch of 50 at 10 rps")):
        ratios = [new / old for new, old in zip(ours[name], theirs[name], strict=True)]
        print(
            f"  {title:22} median x{median(ratios):.2f}  rounds "
            + " ".join(f"x{ratio:.2f}" for ratio in ratios)
            + f"  (median p99 {median(ours[name]):.1f} ms vs {median(theirs[name]):.1f} ms)"
        )
    print("request path in one process, blocks alternating, fastest block of each (ms per request):")
    for name, title in (("score", "/v1/score"), ("batch50", "batch of 50"), ("healthz", "/healthz")):
        new, old = costs[name]["new"], costs[name]["baseline"]
        new_calls, old_calls = costs[f"{name}_calls"]["new"], costs[f"{name}_calls"]["baseline"]
        print(
            f"  {title:22} x{new / old:.2f}  ({new:.2f} ms vs {old:.2f} ms); function calls per request "
            f"x{new_calls / old_calls:.2f} ({new_calls:.0f} vs {old_calls:.0f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--scaling", default=",".join(str(n) for n in range(1, (os.cpu_count() or 2) + 1)))
    parser.add_argument("--baseline", help="git ref to time side by side (e.g. the commit before a change)")
    parser.add_argument("--baseline-scope", choices=("server", "all"), default="server")
    parser.add_argument("--baseline-rate-limit", default="1000000/minute", help="on in both, never reached")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds against the baseline")
    parser.add_argument("--baseline-only", action="store_true", help="skip the other scenarios")
    parser.add_argument("--in-process-against", type=Path, help=argparse.SUPPRESS)  # the child of --baseline
    args = parser.parse_args()
    if args.in_process_against:
        print(json.dumps(in_process_costs(args.in_process_against, args.baseline_rate_limit, load_corpus())))
        return
    if args.baseline:
        report_baseline(args, load_corpus())
        if args.baseline_only:
            return
    worker_counts = [int(part) for part in args.scaling.split(",") if part.strip()]

    texts = load_corpus()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        single, batch = tmp / "single.jsonl", tmp / "batch.jsonl"
        write_bodies(single, texts, 1, 20_000)
        write_bodies(batch, texts, 50, 2_000)
        max_cost = tmp / "max_cost.jsonl"
        write_max_cost_batches(max_cost, texts, 200)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_gunicorn(port, args.workers, tmp)
        try:
            load(url, "/v1/score", single, 2, None)  # warm-up: imports, jieba, rule compilation in each worker
            plan = [
                ("healthz", "/healthz", None, 200.0),
                ("score", "/v1/score", single, 200.0),
                ("batch50", "/v1/score/batch", batch, 10.0),
            ]
            results: dict[str, dict[str, dict[str, float]]] = {}
            for name, path, body, rate in plan:
                results[name] = {
                    "max": load(url, path, body, args.seconds, None),
                    "fixed": load(url, path, body, args.seconds, rate) | {"rate": rate},
                }
            probe, attack = hostile(url, max_cost, args.seconds)
        finally:
            server.terminate()
            server.wait(timeout=30)
        rates = scaling(single, worker_counts, args.seconds, tmp)

    load_average = os.getloadavg()[0]
    print(
        f"gunicorn, {args.workers} workers x 8 threads, {os.cpu_count()} CPUs (load average before the "
        f"summary {load_average:.2f}); load generator in its own process"
    )
    print(f"{'endpoint':10} {'max rps':>9} {'fixed rate':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, result in results.items():
        fixed = result["fixed"]
        print(
            f"{name:10} {result['max']['rps']:9.0f} {fixed['rate']:10.0f} {fixed['p50_ms']:8.2f} "
            f"{fixed['p99_ms']:8.2f} {int(result['max']['errors'] + fixed['errors']):7d}"
        )
    base = results["healthz"]
    print("ratios against /healthz in this run:")
    for name in ("score", "batch50"):
        max_ratio = results[name]["max"]["rps"] / base["max"]["rps"]
        p99_ratio = results[name]["fixed"]["p99_ms"] / base["fixed"]["p99_ms"]
        posts_per_s = results[name]["max"]["rps"] * (50 if name == "batch50" else 1)
        print(f"  {name:8} max rps x{max_ratio:.2f}, p99 x{p99_ratio:.2f}, posts/s {posts_per_s:.0f}")
    score_p99 = results["score"]["fixed"]["p99_ms"]
    batch_p99 = results["batch50"]["fixed"]["p99_ms"]
    print(
        f"targets: /v1/score p99 {score_p99:.1f} ms at 200 rps (<= {TARGETS['score_p99_ms_at_200rps']:.0f}: "
        f"{'met' if score_p99 <= TARGETS['score_p99_ms_at_200rps'] else 'MISSED'}); "
        f"batch of 50 p99 {batch_p99:.1f} ms (<= {TARGETS['batch50_p99_ms']:.0f}: "
        f"{'met' if batch_p99 <= TARGETS['batch50_p99_ms'] else 'MISSED'})"
    )
    health_p99 = probe["p99_ms"]
    health_target = TARGETS["healthz_p99_ms_under_hostile_load"]
    print(
        f"hostile load: 4 clients sending batches of up to {MAX_REQUEST_CHARS} characters "
        f"({attack['requests']:.0f} batches, {attack['rps']:.2f}/s, p50 {attack['p50_ms']:.0f} ms, "
        f"{attack['errors']:.0f} refused with 503 over_time_budget or other non-2xx)"
    )
    print(
        f"  /healthz at 50 rps meanwhile: p50 {probe['p50_ms']:.1f} ms, p99 {health_p99:.1f} ms, max "
        f"{probe['max_ms']:.1f} ms, {probe['errors']:.0f} errors; x{health_p99 / base['fixed']['p99_ms']:.1f} "
        f"its idle p99 (target < {health_target:.0f} ms: {'met' if health_p99 < health_target else 'MISSED'})"
    )
    print("scaling: /v1/score closed loop (4 connections per worker), one gunicorn per row")
    first = rates[worker_counts[0]]
    for workers, rate in rates.items():
        print(f"  {workers} worker(s): {rate:7.0f} rps  x{rate / first:.2f}")


if __name__ == "__main__":
    main()
