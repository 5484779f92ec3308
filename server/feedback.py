"""Reader feedback ('this is a scam' / 'not a scam') kept in one SQLite file.

The only place post text is stored, and only because a reader chose to send it. The file is
created on first write, runs in WAL mode so readers never block the writer, and carries its schema
version in `PRAGMA user_version` so later releases can migrate it in place.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1

# Index i upgrades a database from version i to i + 1.
_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE feedback (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at    TEXT    NOT NULL,
        verdict       TEXT    NOT NULL CHECK (verdict IN ('scam', 'not_scam')),
        text          TEXT    NOT NULL,
        score         REAL,
        level         TEXT,
        url           TEXT,
        locale        TEXT,
        rules_version TEXT
    );
    CREATE INDEX feedback_created_at ON feedback (created_at);
    """,
)


@dataclass(frozen=True)
class FeedbackRecord:
    text: str
    verdict: str
    score: float | None = None
    level: str | None = None
    url: str | None = None
    locale: str | None = None
    rules_version: str | None = None


class FeedbackStore:
    """Append-only feedback table. Safe to share between threads and between processes."""

    def __init__(self, path: str | Path, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path).expanduser()
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._init_lock = threading.Lock()
        self._ready = False

    def add(self, record: FeedbackRecord) -> int:
        """Store one record and return its id; raises `sqlite3.Error` rather than dropping it."""
        connection = self._connection()
        created_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        with connection:  # one transaction; sqlite's busy timeout makes concurrent writers queue
            cursor = connection.execute(
                "INSERT INTO feedback (created_at, verdict, text, score, level, url, locale, rules_version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    created_at,
                    record.verdict,
                    record.text,
                    record.score,
                    record.level,
                    record.url,
                    record.locale,
                    record.rules_version,
                ),
            )
        return int(cursor.lastrowid or 0)

    def export(self) -> Iterator[dict[str, Any]]:
        """Every record, oldest first, as a labeled row ready for `warnlib eval` (label 1 = scam)."""
        if not self.path.exists():
            return
        connection = self._connection()
        columns = ("id", "created_at", "verdict", "text", "score", "level", "url", "locale", "rules_version")
        for row in connection.execute(f"SELECT {', '.join(columns)} FROM feedback ORDER BY id"):
            record = dict(zip(columns, row, strict=True))
            yield {"text": record.pop("text"), "label": int(record["verdict"] == "scam"), **record}

    def _connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            self._ensure_schema()
            connection = self._open()
            self._local.connection = connection
        return connection

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level="DEFERRED")
        # Switching a new file to WAL needs an exclusive lock, and SQLite answers "database is
        # locked" at once, without its busy timeout, while another process does the same: retry
        # for as long as the busy timeout allows.
        deadline = time.monotonic() + self._busy_timeout_s
        while True:
            try:
                connection.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    connection.close()
                    raise
                time.sleep(0.01)
        connection.execute("PRAGMA synchronous=NORMAL")
        return connection

    def _ensure_schema(self) -> None:
        with self._init_lock:
            if self._ready:
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = self._open()
            try:
                # BEGIN IMMEDIATE: two processes starting together must not both migrate.
                connection.isolation_level = None
                connection.execute("BEGIN IMMEDIATE")
                version = connection.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    connection.execute("ROLLBACK")
                    raise RuntimeError(
                        f"{self.path} has feedback schema {version}, newer than this warnlib ({SCHEMA_VERSION})"
                    )
                for step in range(version, SCHEMA_VERSION):
                    for statement in filter(str.strip, _MIGRATIONS[step].split(";")):
                        connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                connection.execute("COMMIT")
            finally:
                connection.close()
            self._ready = True
