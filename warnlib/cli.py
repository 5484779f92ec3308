"""The `warnlib` command: score, scan, eval, rules, serve.

warnlib score "跟着老师做合约，加薇：coin888"     # human-readable verdict
echo "..." | warnlib score - --json               # the Assessment as JSON
warnlib scan posts.jsonl -o scored.jsonl          # score a file, with progress
warnlib eval labeled.jsonl [--by channel]         # precision, recall, AUC, ...
warnlib rules                                     # list the loaded rules
warnlib train a.jsonl b.jsonl -o model.json.gz    # train the text model (train extra)
warnlib serve [--host H] [--port P] [--config F]  # run the HTTP API
warnlib feedback -o feedback.jsonl                # readers' verdicts as labeled JSONL
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from warnlib import __version__
from warnlib._bulk import DEFAULT_CHUNK_SIZE as _CHUNK_SIZE
from warnlib._bulk import Line, ScorerRecipe
from warnlib.types import LOCALES, Assessment, rule_catalogue

_COLORS = {"high": "\033[1;31m", "medium": "\033[1;33m", "low": "\033[32m"}
_MARK, _RESET = "\033[1;4;35m", "\033[0m"
# The words the extension's badges start with (extension/_locales/zh_CN: badgeHigh, badgeMedium),
# so a reader meets one word per level whichever part of warnlib speaks; a test holds them equal.
_LEVEL_ZH = {"high": "高风险", "medium": "注意", "low": "低风险"}


def _recipe(args: argparse.Namespace) -> ScorerRecipe:
    """The scorer the options describe, as a recipe the scan's worker processes rebuild."""
    return ScorerRecipe(
        rule_paths=tuple(args.rules or ()),
        allow_list=args.allow_list,
        high=args.high,
        medium=args.medium,
        model_path=args.model,
        use_model=not args.no_model,
    )


def _scorer(args: argparse.Namespace) -> Any:
    return _recipe(args).build()


def highlight(text: str, assessment: Assessment, *, color: bool) -> str:
    """The post with every evidence span marked: ANSI colour on a terminal, [[...]] otherwise."""
    spans = sorted({tuple(span) for signal in assessment.signals for span in signal.spans})
    out: list[str] = []
    last = 0
    for start, end in spans:
        if start < last:
            start = last
        if start >= end:
            continue
        out.append(text[last:start])
        out.append(f"{_MARK}{text[start:end]}{_RESET}" if color else f"[[{text[start:end]}]]")
        last = end
    out.append(text[last:])
    return "".join(out)


def format_assessment(text: str, assessment: Assessment, *, locale: str, color: bool) -> str:
    level = assessment.level
    label = _LEVEL_ZH[level] if locale == "zh" else level.upper()
    head = f"{label}  score={assessment.score:.2f}  text_language={assessment.text_language}"
    lines = [f"{_COLORS[level]}{head}{_RESET}" if color else head, "", highlight(text, assessment, color=color), ""]
    for signal in assessment.signals:
        evidence = " / ".join(signal.evidence)
        lines.append(f"  +{signal.weight:<4g} {signal.rule:<32} {signal.message}  「{evidence}」")
    for cue in assessment.context:
        lines.append(f"  -{cue.weight:<4g} {cue.rule:<32} {cue.message}  「{' / '.join(cue.evidence)}」")
    if not assessment.signals and not assessment.context:
        lines.append("  (no signals)" if locale == "en" else "  （未发现风险信号）")
    return "\n".join(lines)


def cmd_score(args: argparse.Namespace) -> int:
    text = sys.stdin.read() if args.text == "-" else args.text
    assessment = _scorer(args).score(text, locale=args.locale)
    if args.json:
        print(json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(format_assessment(text, assessment, locale=args.locale, color=sys.stdout.isatty()))
    return 0


def cmd_scan(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from warnlib import _bulk

    to_stdout = not args.output or args.output == "-"
    if args.resume and to_stdout:
        raise ValueError("--resume needs an output file (-o FILE) to continue")
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers must be at least 1, not {args.workers}")
    if args.chunk_size < 1:
        raise ValueError(f"--chunk-size must be at least 1, not {args.chunk_size}")
    from_stdin = args.input == "-"
    source: BinaryIO = sys.stdin.buffer if from_stdin else open(args.input, "rb")  # noqa: SIM115
    total = None if from_stdin else _bulk.count_lines(args.input)
    workers = args.workers
    if workers is None:
        # Every core, but no pool for a file too small to give each worker a chunk.
        cores = _bulk.available_cores()
        workers = cores if total is None else max(1, min(cores, -(-total // args.chunk_size)))

    kept = _bulk.ResumePoint(0, None, 0)
    if args.resume and Path(args.output).exists():
        kept = _bulk.resume_point(args.output)
        if kept.dropped_bytes:
            print(
                f"resume: dropped a truncated last row ({kept.dropped_bytes} bytes); it is scored again",
                file=sys.stderr,
            )

    counts: Counter[str] = Counter()
    skipped_lines = 0  # input lines (rows and blanks) already covered by the kept output

    def chunks() -> Iterator[tuple[list[Line], int]]:
        """Rows to score, with the input lines each chunk covers (blank lines included)."""
        nonlocal skipped_lines
        lines = enumerate(source, 1)
        if kept.rows:
            last: Line | None = None
            rows = 0
            for number, raw in lines:
                skipped_lines = number
                if raw.strip():
                    rows += 1
                    last = (number, raw)
                    if rows == kept.rows:
                        break
            if rows < kept.rows or last is None:
                raise ValueError(f"{args.output} has {kept.rows} rows but {args.input} only {rows}: not its output")
            yield [last], 0  # rescored to check that the output continues this input and these settings
        batch: list[Line] = []
        covered = 0
        for number, raw in lines:
            covered += 1
            if not raw.strip():
                counts["blank"] += 1
                continue
            batch.append((number, raw))
            if len(batch) >= args.chunk_size:
                yield batch, covered
                batch, covered = [], 0
        if batch or covered:
            yield batch, covered

    task = partial(_bulk.scan_chunk, locale=args.locale)
    out: BinaryIO = sys.stdout.buffer if to_stdout else open(args.output, "ab" if args.resume else "wb")  # noqa: SIM115
    progress = tqdm(total=total, unit="line", file=sys.stderr, disable=args.quiet, desc=f"{workers} worker(s)")
    written = 0
    interrupted = False
    started = time.perf_counter()
    results = _scan_results(task, chunks(), recipe=_recipe(args), workers=workers)
    try:
        checked = not kept.rows
        for scanned, covered in results:
            if not checked:
                checked = True
                if scanned.rows != [kept.last_row]:
                    raise ValueError(
                        f"the last row of {args.output} is not what this input and these settings give for "
                        f"line {skipped_lines}: not its output (run without --resume to start over)"
                    )
                progress.update(skipped_lines)
                continue
            out.writelines(scanned.rows)
            written += len(scanned.rows)
            counts.update(scanned.counts)
            progress.update(covered)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        results.close()
        progress.close()
        if not to_stdout:
            out.close()
        if not from_stdin:
            source.close()
    if interrupted:
        print(
            f"interrupted: {kept.rows + written} rows are in {args.output or 'the output'}; "
            "run the same command with --resume to go on",
            file=sys.stderr,
        )
        return 130
    elapsed = time.perf_counter() - started
    scored = counts["low"] + counts["medium"] + counts["high"]
    resumed = f"; {kept.rows} rows kept from the earlier run" if kept.rows else ""
    print(
        f"scanned {scored} posts in {elapsed:.1f}s ({scored / elapsed if elapsed else 0:.0f}/s, {workers} worker(s)): "
        f"high {counts['high']}, medium {counts['medium']}, low {counts['low']}, errors {counts['error']}, "
        f"blank lines {counts['blank']}{resumed}",
        file=sys.stderr,
    )
    return 1 if counts["error"] and not scored and not kept.rows else 0


def _scan_results(
    task: Callable[[Any, list[Line]], Any],
    chunks: Iterator[tuple[list[Line], int]],
    *,
    recipe: ScorerRecipe,
    workers: int,
) -> Generator[tuple[Any, int], None, None]:
    """Each chunk scanned (in order, on `workers` processes), with the input lines it covers."""
    from warnlib import _bulk

    covered: deque[int] = deque()

    def rows() -> Iterator[list[Line]]:
        for batch, lines in chunks:
            covered.append(lines)
            yield batch

    scanned = _bulk.ordered_map(task, rows(), source=recipe, workers=workers)
    try:
        for result in scanned:
            yield result, covered.popleft()
    finally:
        scanned.close()


def cmd_eval(args: argparse.Namespace) -> int:
    from warnlib.evaluate import evaluate, read_labeled

    report = evaluate(_scorer(args), read_labeled(args.labeled, group_by=args.by), locale=args.locale)
    if args.reliability:
        print(format_reliability(report.reliability))
        return 0
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return 0
    auc = f"{report.roc_auc:.3f}" if report.roc_auc is not None else "n/a"
    print(f"posts {report.total} (scam {report.positives}, benign {report.negatives}); flagged = medium or high")
    print(f"precision {report.precision:.3f}  recall {report.recall:.3f}  F1 {report.f1:.3f}  ROC-AUC {auc}")
    print(
        f"confusion: TP {report.true_positives}  FP {report.false_positives}  "
        f"TN {report.true_negatives}  FN {report.false_negatives}"
    )
    for label, name in (("1", "scam"), ("0", "benign")):
        counts = report.levels[label]
        print(f"{name:>6} levels: high {counts['high']}  medium {counts['medium']}  low {counts['low']}")
    if report.recall_by_group:
        print(f"recall by {args.by}:")
        for group, row in report.recall_by_group.items():
            print(f"  {group:<40} {row['flagged']:>5}/{row['n']:<5} {row['recall']:.3f}")
    if report.false_positives_by_group:
        print(f"false positives by {args.by}:")
        for group, row in report.false_positives_by_group.items():
            print(f"  {group:<40} {row['flagged']:>5}/{row['n']:<5} {row['rate']:.3f}")
    print(f"speed: {report.posts_per_second:.0f} posts/s")
    if report.skipped:
        print(f"skipped {len(report.skipped)} malformed rows, first: {report.skipped[0]}", file=sys.stderr)
    return 0


def format_reliability(bins: list[dict[str, Any]]) -> str:
    """Scores behave like probabilities when each bin's mean score is close to its scam rate."""
    lines = ["score bin      posts   mean score   scam rate", "-" * 44]
    for b in bins:
        rate = f"{b['scam_rate']:.3f}" if b["n"] else "  -  "
        mean = f"{b['mean_score']:.3f}" if b["n"] else "  -  "
        lines.append(f"[{b['low']:.1f}, {b['high']:.1f}){'':3} {b['n']:>7}   {mean:>10}   {rate:>9}")
    return "\n".join(lines)


def cmd_rules(args: argparse.Namespace) -> int:
    scorer = _scorer(args)
    if args.json:
        catalogue = rule_catalogue((rule.info() for rule in scorer.rules), scorer.version)
        print(json.dumps(catalogue, ensure_ascii=False, indent=2))
        return 0
    for rule in scorer.rules:
        print(f"{rule.id:<34} {rule.category:<19} {rule.weight:>4g}  {rule.message(args.locale)}")
    print(f"{len(scorer.rules)} rules, version {scorer.version['rules']}", file=sys.stderr)
    return 0


class _MissingExtra(Exception):
    pass


def _server_package() -> Any:
    """`warnlib_server`, or a clear hint when the server extra is not installed."""
    try:
        import warnlib_server
    except ImportError as exc:
        raise _MissingExtra(f"this command needs the server extra: pip install -e '.[server]' ({exc})") from None
    return warnlib_server


def cmd_serve(args: argparse.Namespace) -> int:
    server = _server_package()
    try:
        _serving_options_to_env(args, server)
        server.serve(host=args.host, port=args.port, config_path=args.config)
    except server.ConfigError as exc:
        print(f"warnlib: configuration error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"warnlib: cannot start the server on {args.host or '127.0.0.1'}:{args.port or 8765}: {exc}",
            file=sys.stderr,
        )
        return 1
    return 0


def _serving_options_to_env(args: argparse.Namespace, server: Any) -> None:
    """--rules, --allow-list, --high and --medium as the server's settings: flags over variables over file.

    `--rules` adds to the packs the config file or WARNLIB_RULES already name.
    """
    if args.rules:
        configured = server.ServerConfig.load(args.config).rules
        os.environ["WARNLIB_RULES"] = os.pathsep.join([*configured, *args.rules])
    for value, name in (
        (args.allow_list, "ALLOW_LIST"),
        (args.high, "HIGH_THRESHOLD"),
        (args.medium, "MEDIUM_THRESHOLD"),
    ):
        if value is not None:
            os.environ[f"WARNLIB_{name}"] = str(value)


def cmd_feedback(args: argparse.Namespace) -> int:
    server = _server_package()
    path = args.db or server.ServerConfig.load(args.config).feedback_db
    out: TextIO = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout  # noqa: SIM115
    count = 0
    try:
        for row in server.FeedbackStore(path).export():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"{count} feedback rows from {path}", file=sys.stderr)
    return 0


def _level_cut(value: str) -> tuple[str, float]:
    level, sep, score = value.partition("=")
    try:
        if not sep:
            raise ValueError
        return level.strip(), float(score)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} should read LEVEL=SCORE, e.g. medium=0.81") from None


def cmd_train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from warnlib.training import model_card, thresholds_toml, train

    def progress(items: Any) -> Any:
        return tqdm(items, unit="post", file=sys.stderr, disable=args.quiet, desc="features")

    result = train(
        args.labeled, version=args.model_version, folds=args.folds, c=args.C, cuts=dict(args.cut), progress=progress
    )
    result.model.save(args.output)
    if args.thresholds:
        Path(args.thresholds).write_text(thresholds_toml(result), encoding="utf-8")
    if args.card:
        Path(args.card).write_text(model_card(result), encoding="utf-8")
    size = Path(args.output).stat().st_size
    cal = result.model.calibration
    print(
        f"model {result.model.version}: {len(result.model.weights)} features, {size / 1e6:.2f} MB -> {args.output}\n"
        f"calibration: {cal.rules_weight:.3f} x rules + {cal.model_weight:.3f} x model + {cal.bias:.3f}",
        file=sys.stderr,
    )
    for level, point in result.operating_points.items():
        print(
            f"  {level:<6} >= {point['min_score']}: precision {point['precision']:.3f}  recall {point['recall']:.3f}  "
            f"false positives {point['false_positive_rate']:.4f}, "
            f"per benign set {point['macro_false_positive_rate']:.4f} (out of fold)",
            file=sys.stderr,
        )
    return 0


# Options that choose the scorer: (flags, argparse settings). They go before or after the
# subcommand (`warnlib --rules my.toml score ...` = `warnlib score ... --rules my.toml`).
_SCORER_OPTIONS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "locale": (("--locale",), {"choices": LOCALES, "help": "language of the messages (default zh)"}),
    "rules": (
        ("--rules",),
        {"action": "append", "metavar": "PATH", "help": "extra rule pack file or folder"},
    ),
    "allow_list": (("--allow-list",), {"metavar": "PATH", "help": "allow-list file (one phrase per line)"}),
    "high": (("--high",), {"type": float, "help": "score for level high (default: the published cut)"}),
    "medium": (("--medium",), {"type": float, "help": "score for level medium (default: the published cut)"}),
    "model": (("--model",), {"metavar": "PATH", "help": "text model file to use instead of the shipped one"}),
    "no_model": (("--no-model",), {"action": "store_true", "default": None, "help": "score with the rules only"}),
}
# What `warnlib serve` passes on to the server's settings (it has no model or message options).
_SERVE_OPTIONS = ("rules", "allow_list", "high", "medium")
_GLOBAL = "global_"


def _add_options(parser: argparse.ArgumentParser, names: Sequence[str], *, dest_prefix: str = "") -> None:
    for name in names:
        flags, settings = _SCORER_OPTIONS[name]
        parser.add_argument(*flags, dest=dest_prefix + name, **settings)


def _merge_global_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Options given before the subcommand join those after it (rules add up; after wins otherwise)."""
    for name, (flags, _) in _SCORER_OPTIONS.items():
        given = getattr(args, _GLOBAL + name)
        delattr(args, _GLOBAL + name)
        if given is None:
            continue
        if not hasattr(args, name):
            parser.error(f"warnlib {args.command} does not take {flags[0]}")
        if name == "rules":
            args.rules = [*given, *(args.rules or ())]
        elif getattr(args, name) is None:
            setattr(args, name, given)
    if hasattr(args, "locale") and args.locale is None:
        args.locale = "zh"


def build_parser() -> argparse.ArgumentParser:
    from warnlib.training import DEFAULT_C  # no scikit-learn at import: only its settings

    parser = argparse.ArgumentParser(
        prog="warnlib",
        description="Warn before investment scams in posts.",
        epilog="Scorer options (--rules, --allow-list, --high, --medium, --model, --no-model, --locale) go "
        "before or after score, scan, eval and rules; serve takes --rules, --allow-list, --high and --medium.",
    )
    parser.add_argument("--version", action="version", version=f"warnlib {__version__}")
    _add_options(parser, list(_SCORER_OPTIONS), dest_prefix=_GLOBAL)
    common = argparse.ArgumentParser(add_help=False)
    _add_options(common, list(_SCORER_OPTIONS))
    sub = parser.add_subparsers(dest="command", required=True)

    score = sub.add_parser("score", parents=[common], help="score one text ('-' reads stdin)")
    score.add_argument("text", help="the post to score, or '-' to read it from stdin")
    score.add_argument("--json", action="store_true", help="print the Assessment as JSON")
    score.set_defaults(func=cmd_score)

    scan = sub.add_parser("scan", parents=[common], help="score every row of a JSONL file ('-' reads stdin)")
    scan.add_argument("input", help='JSONL file, one {"text": ...} object per line (more fields are kept); - for stdin')
    scan.add_argument("-o", "--output", help="output JSONL (default stdout)")
    scan.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    scan.add_argument(
        "-w",
        "--workers",
        type=int,
        help="processes to score on (default: every core; one for a file of a single chunk)",
    )
    scan.add_argument(
        "--resume",
        action="store_true",
        help="continue an interrupted scan: keep the rows already in --output, score the rest and append",
    )
    scan.add_argument(
        "--chunk-size", type=int, default=_CHUNK_SIZE, help=f"rows per task sent to a worker (default {_CHUNK_SIZE})"
    )
    scan.set_defaults(func=cmd_scan)

    ev = sub.add_parser("eval", parents=[common], help="measure accuracy on labeled JSONL")
    ev.add_argument("labeled")
    ev.add_argument("--by", default="category", help="field to group recall and false positives by")
    ev.add_argument("--json", action="store_true", help="the report as JSON")
    ev.add_argument(
        "--reliability", action="store_true", help="print a reliability table: predicted score vs observed scam rate"
    )
    ev.set_defaults(func=cmd_eval)

    rules = sub.add_parser("rules", parents=[common], help="list the loaded rules")
    rules.add_argument("--json", action="store_true", help="the catalogue as JSON, as GET /v1/rules answers it")
    rules.set_defaults(func=cmd_rules)

    tr = sub.add_parser("train", help="train the text model on labeled JSONL (needs the train extra)")
    tr.add_argument("labeled", nargs="+", help="labeled JSONL files ({text, label} per line)")
    tr.add_argument("-o", "--output", required=True, help="model file to write (gzip'd JSON)")
    tr.add_argument("--thresholds", help="also write the thresholds file (operating points) here")
    tr.add_argument("--card", help="also write a readable manifest (what it was trained on) here")
    tr.add_argument("--model-version", default=time.strftime("%Y.%m.%d"), help="version to stamp on the model")
    tr.add_argument("--folds", type=int, default=5, help="folds for out-of-fold calibration (default 5)")
    tr.add_argument(
        "--C", type=float, default=DEFAULT_C, help=f"inverse regularization strength (default {DEFAULT_C:g})"
    )
    tr.add_argument(
        "--cut",
        type=_level_cut,
        action="append",
        default=[],
        metavar="LEVEL=SCORE",
        help="publish this cut for medium or high instead of searching for the lowest that meets its "
        "false-positive target (e.g. to keep the published cuts through a retrain that changes no data)",
    )
    tr.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    tr.set_defaults(func=cmd_train)

    serve = sub.add_parser("serve", help="run the HTTP API (default http://127.0.0.1:8765)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--config", help="TOML config file")
    _add_options(serve, _SERVE_OPTIONS)
    serve.set_defaults(func=cmd_serve)

    feedback = sub.add_parser("feedback", help="export readers' feedback as labeled JSONL (for eval)")
    feedback.add_argument("--db", help="feedback database (default: the server's feedback_db)")
    feedback.add_argument("--config", help="server TOML config file to read feedback_db from")
    feedback.add_argument("-o", "--output", help="output JSONL (default stdout)")
    feedback.set_defaults(func=cmd_feedback)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _merge_global_options(parser, args)
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # a closed pipe shows here, inside the handler, not at interpreter exit
        return status
    except BrokenPipeError:
        # The reader closed the pipe (`warnlib rules | head -1`): stop quietly, as well-kept CLIs do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except (ValueError, TypeError, OSError, _MissingExtra) as exc:
        print(f"warnlib: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
