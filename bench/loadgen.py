"""A small HTTP load generator, run as its own process so it never shares the server's CPU time slice.

    python bench/loadgen.py URL PATH --body-file F --rate 200 --seconds 10     # open loop
    python bench/loadgen.py URL PATH --concurrency 4 --seconds 5              # closed loop

Open loop sends at a fixed rate and measures each latency from the moment the request *should*
have been sent, so a stalled server shows up in the tail instead of slowing the generator down
(no coordinated omission). Closed loop keeps N requests in flight to find the maximum rate.
Prints one JSON object: requests, errors, rps, p50_ms, p90_ms, p99_ms, max_ms.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import queue
import threading
import time
from urllib.parse import urlsplit


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


class Worker:
    def __init__(self, url: str, method: str, path: str, bodies: list[bytes]) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.method, self.path, self.bodies = method, path, bodies
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def send(self, index: int) -> int:
        body = self.bodies[index % len(self.bodies)] if self.bodies else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            self.connection.request(self.method, self.path, body=body, headers=headers)
            response = self.connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            return 0


def open_loop(args: argparse.Namespace, bodies: list[bytes]) -> tuple[list[float], int, float]:
    schedule: queue.Queue[tuple[int, float] | None] = queue.Queue()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def run() -> None:
        worker = Worker(args.url, args.method, args.path, bodies)
        while (item := schedule.get()) is not None:
            index, intended = item
            status = worker.send(index)
            done = time.perf_counter()
            with lock:
                latencies.append(done - intended)
                if not 200 <= status < 300:
                    errors[0] += 1

    threads = [threading.Thread(target=run, daemon=True) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    total = int(args.rate * args.seconds)
    started = time.perf_counter()
    for index in range(total):
        intended = started + index / args.rate
        delay = intended - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        schedule.put((index, intended))
    for _ in threads:
        schedule.put(None)
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - started


def closed_loop(args: argparse.Namespace, bodies: list[bytes]) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    counter = itertools.count()
    deadline = time.perf_counter() + args.seconds

    def run() -> None:
        worker = Worker(args.url, args.method, args.path, bodies)
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            status = worker.send(next(counter))
            with lock:
                latencies.append(time.perf_counter() - sent)
                if not 200 <= status < 300:
                    errors[0] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(args.concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("path")
    parser.add_argument("--method", default=None)
    parser.add_argument("--body-file", help="JSON lines, one request body per line, used in turn")
    parser.add_argument("--rate", type=float, help="requests per second (open loop); omit for closed loop")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    bodies: list[bytes] = []
    if args.body_file:
        with open(args.body_file, "rb") as handle:
            bodies = [line.rstrip(b"\n") for line in handle if line.strip()]
    args.method = args.method or ("POST" if bodies else "GET")
    latencies, errors, elapsed = (open_loop if args.rate else closed_loop)(args, bodies)
    latencies.sort()
    ms = [value * 1000 for value in latencies]
    print(
        json.dumps(
            {
                "requests": len(ms),
                "errors": errors,
                "rps": len(ms) / elapsed if elapsed else 0.0,
                "p50_ms": percentile(ms, 0.50),
                "p90_ms": percentile(ms, 0.90),
                "p99_ms": percentile(ms, 0.99),
                "max_ms": ms[-1] if ms else float("nan"),
            }
        )
    )


if __name__ == "__main__":
    main()
