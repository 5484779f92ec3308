"""warnlib.dask on a real two-worker `distributed.LocalCluster`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import warnlib
from warnlib import _bulk

from .conftest import REPO, read_jsonl

dask = pytest.importorskip("dask", reason="the dask extra is not installed: pip install -e '.[dask]'")
distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
pd = pytest.importorskip("pandas")
import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402

import warnlib.dask as wd  # noqa: E402

CUSTOM_PACK = """
[pack]
name = "team"
version = "2026.12.1"

[[rules]]
id = "team.dask.marker"
category = "guaranteed_returns"
weight = 3.0
phrases = ["dask-marker-phrase"]
messages = { zh = "测试规则", en = "test rule" }
"""


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        yield dask_client


def posts(limit: int = 60) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for path in sorted((REPO / "tests" / "data").glob("*.jsonl")):
        rows.extend(read_jsonl(path))
    return rows[:limit]


def test_bag_rows_match_scan_and_each_worker_builds_one_scorer(client: Any, scorer: warnlib.Scorer) -> None:
    rows = [*posts(), {"id": "no-text"}]
    scored = wd.score_bag(db.from_sequence(rows, npartitions=8), locale="en").compute()
    assert scored == [_bulk.score_row(scorer, row, locale="en")[0] for row in rows]
    assert scored[-1] == {"id": "no-text", "error": 'the row has no "text" field'}
    builds = client.run(wd.builds_in_this_process)
    assert sorted(builds.values()) == [1, 1], builds  # 8 partitions, 2 workers, 2 threads each: 1 build each


def test_bag_of_strings_gives_assessments(client: Any, scorer: warnlib.Scorer) -> None:
    texts = [row["text"] for row in posts(40)]
    scored = wd.score_bag(db.from_sequence(texts, npartitions=4)).compute()
    assert scored == [scorer.score(t).to_dict() for t in texts]


def test_dataframe_gets_score_columns(client: Any, scorer: warnlib.Scorer) -> None:
    frame = pd.DataFrame(posts())
    frame.loc[len(frame)] = {"id": "missing", "text": None}
    scored = wd.score_dataframe(dd.from_pandas(frame, npartitions=6)).compute()
    assert list(scored.columns) == [*frame.columns, *wd.COLUMNS]
    assert len(scored) == len(frame)
    for _, row in scored.iloc[:-1].iterrows():
        expected = scorer.score(row["text"])
        assert (row["score"], row["level"]) == (expected.score, expected.level)
        assert row["signals"] == ",".join(s.rule for s in expected.signals)
        assert pd.isna(row["error"])
    last = scored.iloc[-1]
    assert pd.isna(last["score"]) and last["error"] == '"text" is missing (null)'
    with pytest.raises(ValueError, match="no column 'body'"):
        wd.score_dataframe(dd.from_pandas(frame, npartitions=2), text_column="body")


def test_a_scorer_built_here_travels_with_its_rules(client: Any, tmp_path: Path) -> None:
    pack = tmp_path / "team.toml"
    pack.write_text(CUSTOM_PACK, encoding="utf-8")
    custom = warnlib.Scorer(rule_paths=[pack], model=None)
    pack.unlink()  # the workers never read the file: the scorer is shipped as data
    frame = dd.from_pandas(pd.DataFrame({"body": ["dask-marker-phrase", "今天天气不错"]}), npartitions=2)
    scored = wd.score_dataframe(frame, text_column="body", scorer=custom, locale="en").compute()
    assert scored["signals"].tolist() == ["team.dask.marker", ""]
