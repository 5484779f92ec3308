"""Scoring many posts on every core: a process pool whose workers each build one scorer.

`Scorer.score_many(texts, workers=N)` and `warnlib scan --workers N` both run on `ordered_map`:

- Each worker process builds its scorer once, in the pool's initializer, from a small picklable
  recipe (`ScorerRecipe`: rule pack paths, allow-list, cuts, model file) or from a pickled
  `Scorer`; the tasks then carry only posts.
- Results come back in input order, whatever order the workers finish in.
- Memory stays bounded: the input is read lazily, in chunks, and at most `in_flight` chunks are
  out at once (submitted, or finished but waiting for an earlier one), so a 10-million-row
  file costs the same memory as a thousand-row one.

The pool is the standard library's `concurrent.futures.ProcessPoolExecutor` with the "spawn"
start method: the same behaviour on Linux, macOS and Windows and on every Python version (3.14
moves Linux off "fork"; forking a process that has threads, such as tqdm's monitor, can
deadlock), and the workers rebuild their scorer anyway. Spawn re-imports the caller's main
module, so a script that calls `score_many(..., workers=N)` needs the usual
`if __name__ == "__main__":` guard.
"""

from __future__ import annotations

import json
import os
import signal
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from warnlib.scorer import Scorer
    from warnlib.types import Assessment, Locale

T = TypeVar("T")
R = TypeVar("R")

# Posts per task: large enough that sending a task costs little next to scoring it (about 0.2 s
# of work at 1,000 posts/s), small enough that the progress bar moves and memory stays small.
DEFAULT_CHUNK_SIZE = 200
# Chunks out at once per worker: enough that a worker never waits for the next one.
IN_FLIGHT_PER_WORKER = 4


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity where the platform tells it)."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counter is not None:
        return counter() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


@dataclass(frozen=True)
class ScorerRecipe:
    """How to build a `Scorer`: small, hashable and picklable, so it can travel to other processes.

    Paths are read where the scorer is built, so on a cluster they must exist on every worker.

    >>> ScorerRecipe(rule_paths=("my-rules.toml",), use_model=False).build()  # doctest: +SKIP
    """

    rule_paths: tuple[str, ...] = ()
    allow_list: str | None = None
    high: float | None = None  # None: the default cut (the published one, or the rules' own)
    medium: float | None = None
    model_path: str | None = None  # None: the shipped model
    use_model: bool = True
    max_chars: int | None = None  # None: the scorer's default limit

    def build(self) -> Scorer:
        from warnlib.model import read_model
        from warnlib.scorer import DEFAULT_MODEL, Scorer, Thresholds

        model: Any = None
        if self.use_model:
            model = read_model(self.model_path) if self.model_path else DEFAULT_MODEL
        cuts = {name: value for name, value in (("high", self.high), ("medium", self.medium)) if value is not None}
        thresholds = None
        if cuts:
            # A cut not given keeps the default of the scorer being built (with or without model).
            base = Thresholds() if model is not None else Thresholds.rules_only()
            thresholds = replace(base, **cuts)
        extra: dict[str, Any] = {} if self.max_chars is None else {"max_chars": self.max_chars}
        return Scorer(
            rule_paths=list(self.rule_paths) or None,
            allow_list=self.allow_list,
            thresholds=thresholds,
            model=model,
            **extra,
        )

    def __call__(self) -> Scorer:
        return self.build()


ScorerSource = Callable[[], "Scorer"]


@dataclass(frozen=True)
class _Given:
    """A scorer that already exists: pickled once into each worker instead of rebuilt from files."""

    scorer: Scorer = field(repr=False)

    def __call__(self) -> Scorer:
        return self.scorer


_worker_scorer: Scorer | None = None


def _init_worker(source: ScorerSource) -> None:
    global _worker_scorer
    # Ctrl-C reaches the whole process group: the parent stops the pool and keeps what is written;
    # workers dying with their own KeyboardInterrupt tracebacks would only add noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_scorer = source()


def _in_worker(task: Callable[[Scorer, T], R], chunk: T) -> R:
    assert _worker_scorer is not None, "the pool initializer builds the scorer"
    return task(_worker_scorer, chunk)


def ordered_map(
    task: Callable[[Scorer, T], R],
    chunks: Iterable[T],
    *,
    source: ScorerSource,
    workers: int,
    in_flight: int | None = None,
) -> Iterator[R]:
    """`task(scorer, chunk)` for every chunk, in order, on `workers` processes (1: this process).

    `task` must be a module-level function (or a `functools.partial` of one) so it pickles.
    `chunks` is consumed lazily: at most `in_flight` chunks (default 4 per worker) are out at
    once. An exception raised by a task is raised here, at that chunk's place in the order.
    Closing the iterator early stops the pool without waiting for queued chunks.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    if workers == 1:
        scorer = source()
        for chunk in chunks:
            yield task(scorer, chunk)
        return
    limit = in_flight or workers * IN_FLIGHT_PER_WORKER
    executor = ProcessPoolExecutor(
        max_workers=workers, mp_context=get_context("spawn"), initializer=_init_worker, initargs=(source,)
    )
    pending: deque[Future[R]] = deque()
    try:
        for chunk in chunks:
            pending.append(executor.submit(_in_worker, task, chunk))
            if len(pending) >= limit:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        # Normal end: nothing is left. Early stop (error, Ctrl-C, closed pipe): drop queued chunks
        # and wait only for the few already running, so no worker outlives the call.
        executor.shutdown(wait=True, cancel_futures=True)


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- Scorer.score_many ------------------------------------------------------------------------


def _score_texts(scorer: Scorer, texts: Sequence[str], *, locale: Locale) -> list[Assessment]:
    return [scorer.score(text, locale=locale) for text in texts]


def score_in_pool(
    scorer: Scorer, texts: Iterable[str], *, locale: Locale, workers: int, chunk_size: int
) -> list[Assessment]:
    """`Scorer.score_many` on `workers` processes, each holding a copy of `scorer`."""
    results: list[Assessment] = []
    task = partial(_score_texts, locale=locale)
    for batch in ordered_map(task, chunked(texts, chunk_size), source=_Given(scorer), workers=workers):
        results.extend(batch)
    return results


# --- warnlib scan: one JSONL row in, one JSONL row out ------------------------------------------

# A row of `warnlib scan`'s input: its line number and its bytes (decoded in the worker).
Line = tuple[int, bytes]


@dataclass
class ScannedChunk:
    """What a worker sends back for a chunk of input rows: the output rows and their tally."""

    rows: list[bytes]
    counts: Counter[str]


def row_error(row: Any, text_key: str = "text") -> str | None:
    """Why a parsed input row cannot be scored, in words that name the field; None if it can."""
    if not isinstance(row, dict):
        return f'each line must be a JSON object with a "{text_key}" field, not {_json_kind(row)}'
    if text_key not in row:
        return f'the row has no "{text_key}" field'
    if not isinstance(row[text_key], str):
        return f'"{text_key}" must be a string, not {_json_kind(row[text_key])}'
    return None


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return "a string"


def score_row(scorer: Scorer, row: Any, *, locale: Locale, text_key: str = "text") -> tuple[dict[str, Any], str]:
    """One input row scored: the row with its `assessment` added (and its level), or with `error`.

    A bad row keeps every field it had, so its id survives; `error` says what is wrong.
    """
    problem = row_error(row, text_key)
    if problem is None:
        try:
            assessment = scorer.score(row[text_key], locale=locale)
        except (ValueError, TypeError) as exc:  # TextTooLongError is a ValueError
            problem = str(exc)
        else:
            return {**row, "assessment": assessment.to_dict()}, assessment.level
    kept = row if isinstance(row, dict) else {}
    return {**kept, "error": problem}, "error"


def _encode(row: dict[str, Any]) -> bytes:
    try:
        return (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate escaped in the input ("\ud800"): keep it escaped
        return (json.dumps(row) + "\n").encode("ascii")


def scan_line(scorer: Scorer, number: int, raw: bytes, *, locale: Locale) -> tuple[bytes, str]:
    """One line of `warnlib scan` input -> its output line and its level (or "error")."""
    try:
        row = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return _encode(
            {"line": number, "error": f"line is not valid UTF-8 ({exc.reason} at byte {exc.start})"}
        ), "error"
    except ValueError as exc:
        return _encode({"line": number, "error": f"line is not JSON ({exc})"}), "error"
    out, level = score_row(scorer, row, locale=locale)
    if level == "error":
        out = {**out, "line": number}
    return _encode(out), level


def scan_chunk(scorer: Scorer, lines: Sequence[Line], *, locale: Locale) -> ScannedChunk:
    rows: list[bytes] = []
    counts: Counter[str] = Counter()
    for number, raw in lines:
        encoded, level = scan_line(scorer, number, raw, locale=locale)
        rows.append(encoded)
        counts[level] += 1
    return ScannedChunk(rows, counts)


# --- resuming an interrupted scan ---------------------------------------------------------------

_BLOCK = 1 << 20


@dataclass(frozen=True)
class ResumePoint:
    """Where an earlier scan's output stops: its complete rows, the last of them, what was cut."""

    rows: int
    last_row: bytes | None
    dropped_bytes: int  # a truncated last row, removed so it is written again whole


def resume_point(path: str | os.PathLike[str]) -> ResumePoint:
    """Count the complete rows of an output file, cutting off a partial last row (read in blocks)."""
    with open(path, "rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        end = size
        # Find the last newline, scanning back from the end block by block.
        while end > 0:
            start = max(0, end - _BLOCK)
            handle.seek(start)
            block = handle.read(end - start)
            cut = block.rfind(b"\n")
            if cut >= 0:
                end = start + cut + 1
                break
            end = start
        dropped = size - end
        if dropped:
            handle.truncate(end)
        handle.seek(0)
        rows = 0
        remaining = end
        while remaining > 0:
            block = handle.read(min(_BLOCK, remaining))
            remaining -= len(block)
            rows += block.count(b"\n")
        last_row = None
        if rows:
            start = max(0, end - _BLOCK)
            while True:
                handle.seek(start)
                tail = handle.read(end - start)
                previous = tail.rfind(b"\n", 0, len(tail) - 1)
                if previous >= 0 or start == 0:
                    last_row = tail[previous + 1 :]
                    break
                start = max(0, start - _BLOCK)
    return ResumePoint(rows, last_row, dropped)


def count_lines(path: str | os.PathLike[str]) -> int:
    """Lines in a file (a last line without a newline counts), read in blocks: constant memory."""
    lines = 0
    last = b"\n"
    with open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")
