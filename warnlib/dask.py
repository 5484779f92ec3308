"""Score posts on a Dask cluster (needs the dask extra: `pip install "warnlib[dask]"`).

    >>> import dask.dataframe as dd
    >>> from warnlib.dask import score_dataframe
    >>> posts = dd.read_parquet("s3://bucket/posts/")                  # doctest: +SKIP
    >>> scored = score_dataframe(posts, text_column="text")             # doctest: +SKIP
    >>> scored.to_parquet("s3://bucket/scored/")                        # doctest: +SKIP

The scorer is built once per worker process, not once per task: pass a `ScorerRecipe` (the
default: the built-in packs and model) and each process builds it on its first partition and
keeps it (scorers are thread-safe, so a worker's threads share it); or pass a `Scorer` you
built here, which Dask ships once to each worker as one piece of data (your rule packs need
not exist on the workers then). Rows that cannot be scored (no text, not a string, too long)
get an `error` instead of failing the job, as in `warnlib scan`. See docs/scale.md.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from warnlib._bulk import ScorerRecipe, row_error, score_row

if TYPE_CHECKING:
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    from warnlib.scorer import Scorer
    from warnlib.types import Locale

__all__ = ["ScorerRecipe", "score_bag", "score_dataframe", "scorer_for"]

# The columns `score_dataframe` adds: the score, the level, the fired rules' ids (signals, then
# context cues, comma-separated so any format stores them) and the reason a row was not scored.
_DTYPES = {"score": "float64", "level": "string", "signals": "string", "context": "string", "error": "string"}
COLUMNS = tuple(_DTYPES)

_scorers: dict[ScorerRecipe, Scorer] = {}
_builds = 0  # scorers built in this process (the tests check: one per worker)
_lock = threading.Lock()


def scorer_for(recipe: ScorerRecipe) -> Scorer:
    """This process's scorer for `recipe`, built on first use and then reused (thread-safe)."""
    global _builds
    scorer = _scorers.get(recipe)
    if scorer is None:
        with _lock:
            scorer = _scorers.get(recipe)
            if scorer is None:
                scorer = _scorers[recipe] = recipe.build()
                _builds += 1
    return scorer


def builds_in_this_process() -> int:
    """How many scorers this process has built for Dask tasks (for checks and monitoring)."""
    return _builds


def _resolve(scorer: Scorer | ScorerRecipe) -> Scorer:
    return scorer_for(scorer) if isinstance(scorer, ScorerRecipe) else scorer


def _as_graph_argument(scorer: Scorer | ScorerRecipe | None) -> Any:
    """A recipe travels inside each task (it is tiny); a Scorer becomes one graph node, sent once per worker."""
    if scorer is None:
        return ScorerRecipe()
    if isinstance(scorer, ScorerRecipe):
        return scorer
    import dask

    return dask.delayed(scorer, pure=True)


def _score_records(records: list[Any], scorer: Scorer | ScorerRecipe, locale: Locale, text_key: str) -> list[Any]:
    resolved = _resolve(scorer)
    out: list[Any] = []
    for record in records:
        if isinstance(record, str):
            out.append(resolved.score(record, locale=locale).to_dict())
        else:
            out.append(score_row(resolved, record, locale=locale, text_key=text_key)[0])
    return out


def score_bag(
    bag: db.Bag, *, scorer: Scorer | ScorerRecipe | None = None, locale: Locale = "zh", text_key: str = "text"
) -> db.Bag:
    """Score a bag of posts: strings give Assessment dicts; dicts give `warnlib scan`'s output rows.

    A dict row comes back with `assessment` added, or with `error` when it cannot be scored, so
    `score_bag(b).map(json.dumps).to_textfiles(...)` writes what `warnlib scan` writes.
    """
    return bag.map_partitions(_score_records, _as_graph_argument(scorer), locale, text_key)


def _score_frame(frame: pd.DataFrame, scorer: Scorer | ScorerRecipe, locale: Locale, text_column: str) -> pd.DataFrame:
    import pandas as pd

    resolved = _resolve(scorer)
    scores: list[float | None] = []
    levels: list[str | None] = []
    signals: list[str | None] = []
    context: list[str | None] = []
    errors: list[str | None] = []
    for text in frame[text_column].tolist():
        # pandas stores a missing value as None, NaN or NA depending on the column's dtype.
        missing = not isinstance(text, str) and bool(pd.isna(text)) if pd.api.types.is_scalar(text) else False
        problem = f'"{text_column}" is missing (null)' if missing else row_error({text_column: text}, text_column)
        assessment = None
        if problem is None:
            try:
                assessment = resolved.score(text, locale=locale)
            except (ValueError, TypeError) as exc:
                problem = str(exc)
        if assessment is None:
            scores.append(None)
            levels.append(None)
            signals.append(None)
            context.append(None)
            errors.append(problem)
            continue
        scores.append(assessment.score)
        levels.append(assessment.level)
        signals.append(",".join(s.rule for s in assessment.signals))
        context.append(",".join(c.rule for c in assessment.context))
        errors.append(None)
    added = pd.DataFrame(
        {
            "score": pd.Series(scores, index=frame.index, dtype="float64"),
            "level": pd.Series(levels, index=frame.index, dtype="string"),
            "signals": pd.Series(signals, index=frame.index, dtype="string"),
            "context": pd.Series(context, index=frame.index, dtype="string"),
            "error": pd.Series(errors, index=frame.index, dtype="string"),
        }
    )
    return pd.concat([frame, added], axis=1)


def score_dataframe(
    frame: dd.DataFrame,
    *,
    text_column: str = "text",
    scorer: Scorer | ScorerRecipe | None = None,
    locale: Locale = "zh",
) -> dd.DataFrame:
    """The frame with the columns score, level, signals, context and error added (see `COLUMNS`).

    `signals` and `context` hold the fired rule ids, comma-separated; a row that cannot be
    scored has a null score and level and says why in `error`.
    """
    import pandas as pd

    if text_column not in frame.columns:
        raise ValueError(f"the frame has no column {text_column!r} (columns: {', '.join(map(str, frame.columns))})")
    taken = [name for name in COLUMNS if name in frame.columns]
    if taken:
        raise ValueError(f"the frame already has column(s) {', '.join(taken)}: rename them before scoring")
    empty = {name: pd.Series(dtype=dtype) for name, dtype in _DTYPES.items()}
    meta = pd.concat([frame._meta, pd.DataFrame(empty, index=frame._meta.index)], axis=1)
    return frame.map_partitions(_score_frame, _as_graph_argument(scorer), locale, text_column, meta=meta)
