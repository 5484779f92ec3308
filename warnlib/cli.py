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
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from warnlib import __version__
from warnlib.types import Assessment

_COLORS = {"high": "\033[1;31m", "medium": "\033[1;33m", "low": "\033[32m"}
_MARK, _RESET = "\033[1;4;35m", "\033[0m"
_LEVEL_ZH = {"high": "高风险", "medium": "中风险", "low": "低风险"}


def _scorer(args: argparse.Namespace) -> Any:
    from warnlib.model import read_model
    from warnlib.scorer import DEFAULT_MODEL, Scorer, Thresholds

    cuts = {k: v for k, v in (("high", args.high), ("medium", args.medium)) if v is not None}
    model = None if args.no_model else read_model(args.model) if args.model else DEFAULT_MODEL
    return Scorer(
        rule_paths=args.rules or None,
        allow_list=args.allow_list,
        thresholds=Thresholds(**cuts),
        model=model,
    )


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
    head = f"{label}  score={assessment.score:.2f}  language={assessment.language}"
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


def _open_out(path: str | None) -> TextIO:
    return open(path, "w", encoding="utf-8") if path and path != "-" else sys.stdout


def cmd_scan(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    scorer = _scorer(args)
    counts = {"low": 0, "medium": 0, "high": 0, "error": 0}
    source = Path(args.input)
    total_lines = sum(1 for _ in source.open(encoding="utf-8"))
    out = _open_out(args.output)
    started = time.perf_counter()
    try:
        with source.open(encoding="utf-8") as handle:
            for number, raw in enumerate(
                tqdm(handle, total=total_lines, unit="post", file=sys.stderr, disable=args.quiet), 1
            ):
                if not raw.strip():
                    continue
                row: dict[str, Any]
                try:
                    row = json.loads(raw)
                    if not isinstance(row, dict):
                        raise ValueError("each line must be a JSON object")
                    assessment = scorer.score(row.get("text"), locale=args.locale)
                except (ValueError, TypeError) as exc:
                    # Keep the row in the output with the reason, so nothing is lost silently.
                    counts["error"] += 1
                    out.write(json.dumps({"line": number, "error": str(exc)}, ensure_ascii=False) + "\n")
                    continue
                counts[assessment.level] += 1
                row["assessment"] = assessment.to_dict()
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    elapsed = time.perf_counter() - started
    scored = counts["low"] + counts["medium"] + counts["high"]
    print(
        f"scanned {scored} posts in {elapsed:.1f}s ({scored / elapsed if elapsed else 0:.0f}/s): "
        f"high {counts['high']}, medium {counts['medium']}, low {counts['low']}, errors {counts['error']}",
        file=sys.stderr,
    )
    return 1 if counts["error"] and not scored else 0


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
        print(json.dumps([r.to_dict() for r in scorer.rules], ensure_ascii=False, indent=2))
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


def cmd_train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from warnlib.training import model_card, thresholds_toml, train

    def progress(items: Any) -> Any:
        return tqdm(items, unit="post", file=sys.stderr, disable=args.quiet, desc="features")

    result = train(args.labeled, version=args.model_version, folds=args.folds, c=args.C, progress=progress)
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


def build_parser() -> argparse.ArgumentParser:
    from warnlib.training import DEFAULT_C  # no scikit-learn at import: only its settings

    parser = argparse.ArgumentParser(prog="warnlib", description="Warn before investment scams in posts.")
    parser.add_argument("--version", action="version", version=f"warnlib {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--locale", choices=("zh", "en"), default="zh", help="language of messages")
    common.add_argument("--rules", action="append", metavar="PATH", help="extra rule pack file or folder")
    common.add_argument("--allow-list", metavar="PATH", help="allow-list file (one phrase per line)")
    common.add_argument("--high", type=float, help="score for level high (default: the published cut)")
    common.add_argument("--medium", type=float, help="score for level medium (default: the published cut)")
    common.add_argument("--model", metavar="PATH", help="text model file to use instead of the shipped one")
    common.add_argument("--no-model", action="store_true", help="score with the rules only")
    sub = parser.add_subparsers(dest="command", required=True)

    score = sub.add_parser("score", parents=[common], help="score one text ('-' reads stdin)")
    score.add_argument("text")
    score.add_argument("--json", action="store_true")
    score.set_defaults(func=cmd_score)

    scan = sub.add_parser("scan", parents=[common], help="score every row of a JSONL file")
    scan.add_argument("input")
    scan.add_argument("-o", "--output", help="output JSONL (default stdout)")
    scan.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
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
    rules.add_argument("--json", action="store_true")
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
    tr.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    tr.set_defaults(func=cmd_train)

    serve = sub.add_parser("serve", help="run the HTTP API (default http://127.0.0.1:8765)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--config", help="TOML config file")
    serve.set_defaults(func=cmd_serve)

    feedback = sub.add_parser("feedback", help="export readers' feedback as labeled JSONL (for eval)")
    feedback.add_argument("--db", help="feedback database (default: the server's feedback_db)")
    feedback.add_argument("--config", help="server TOML config file to read feedback_db from")
    feedback.add_argument("-o", "--output", help="output JSONL (default stdout)")
    feedback.set_defaults(func=cmd_feedback)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
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
