"""Reader feedback ('this is a scam' / 'not a scam') kept in one SQLite file.

The only place post text is stored, and only because a reader chose to send it. The file is
created on first write, runs in WAL mode so readers never block the writer, and carries its schema
version in `PRAGMA user_version` so later releases can migrate it in place.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 2

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
    # 2: the model version the verdict is about, beside the rules version.
    """
    ALTER TABLE feedback ADD COLUMN model_version TEXT;
    """,
)


class FeedbackUnavailable(Exception):
    """A record could not be stored. `transient` says whether retrying later can succeed."""

    def __init__(self, reason: str, *, transient: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


# SQLite messages for causes that pass by themselves (another writer holds the lock).
_TRANSIENT = ("locked", "busy")


def _unavailable(exc: BaseException) -> FeedbackUnavailable:
    """Classify a storage failure without echoing anything but the cause (never record text)."""
    if isinstance(exc, sqlite3.OperationalError) and any(word in str(exc) for word in _TRANSIENT):
        return FeedbackUnavailable("the database is busy", transient=True)
    if isinstance(exc, OSError):
        return FeedbackUnavailable(os.strerror(exc.errno) if exc.errno else type(exc).__name__, transient=False)
    if isinstance(exc, sqlite3.Error):
        return FeedbackUnavailable(f"SQLite: {exc}", transient=False)
    return FeedbackUnavailable(str(exc), transient=False)


@dataclass(frozen=True)
class FeedbackRecord:
    text: str
    verdict: str
    score: float | None = None
    level: str | None = None
    url: str | None = None
    locale: str | None = None
    rules_version: str | None = None
    model_version: str | None = None


class FeedbackStore:
    """Append-only feedback table. Safe to share between threads and between processes."""

    def __init__(self, path: str | Path, *, busy_timeout_s: float = 30.0) -> None:
        self.path = Path(path).expanduser()
        self._file = str(self.path)
        self._file_and_folder = (self._file, str(self.path.parent))
        self._busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._init_lock = threading.Lock()
        self._ready = False
        self._last_failure: FeedbackUnavailable | None = None

    def add(self, record: FeedbackRecord) -> int:
        """Store one record and return its id; raises `FeedbackUnavailable` rather than dropping it."""
        try:
            row_id = self._insert(record)
        except (sqlite3.Error, OSError, RuntimeError) as exc:
            self._last_failure = _unavailable(exc)
            raise self._last_failure from exc
        self._last_failure = None
        return row_id

    def health(self) -> str | None:
        """None when records can be stored, else why not (for /healthz; cheap, writes nothing).

        Checks that the file (or, before the first record, the folder it will be created in) is
        writable, and remembers the cause of the last failed write until a write succeeds.
        """
        if self._last_failure is not None and not self._last_failure.transient:
            return self._last_failure.reason
        # The same checks on str paths made once: pathlib's wrappers around stat and access
        # cost five more function calls per /healthz.
        if os.path.exists(self._file):
            # WAL mode also writes <name>-wal and <name>-shm beside the file.
            for target in self._file_and_folder:
                if not os.access(target, os.W_OK):
                    return f"{target} is not writable"
            return None
        folder = self.path.parent
        while not folder.exists():
            folder = folder.parent
        if not folder.is_dir():
            return f"{folder} is not a directory"
        if not os.access(folder, os.W_OK | os.X_OK):
            return f"{folder} is not writable"
        return None

    def _insert(self, record: FeedbackRecord) -> int:
        connection = self._connection()
        created_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
        with connection:  # one transaction; sqlite's busy timeout makes concurrent writers queue
            cursor = connection.execute(
                "INSERT INTO feedback"
                " (created_at, verdict, text, score, level, url, locale, rules_version, model_version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    created_at,
                    record.verdict,
                    record.text,
                    record.score,
                    record.level,
                    record.url,
                    record.locale,
                    record.rules_version,
                    record.model_version,
                ),
            )
        return int(cursor.lastrowid or 0)

    def export(self) -> Iterator[dict[str, Any]]:
        """Every record, oldest first, as a labeled row ready for `warnlib eval` (label 1 = scam)."""
        if not self.path.exists():
            return
        connection = self._connection()
        columns = (
            "id",
            "created_at",
            "verdict",
            "text",
            "score",
            "level",
            "url",
            "locale",
            "rules_version",
            "model_version",
        )
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
