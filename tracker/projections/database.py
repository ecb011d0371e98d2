"""The database that holds the read models: the same SQLite file or PostgreSQL schema as the events.

One small interface over both, written in the SQL they share (``?``
placeholders are rewritten for psycopg; dates are ISO text, flags are 0/1),
so that a projection is written once.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

import psycopg
from psycopg.rows import dict_row

from tracker.projections.sealing import Sealer
from tracker.settings import Settings

Row = dict[str, Any]


class Cursor(Protocol):
    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql", for the few statements the two write differently."""

    @property
    def sealer(self) -> Sealer:
        """Seals the personal text a projection writes, and opens it for a query."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...
    def fetchall(self) -> list[Row]: ...
    def fetchone(self) -> Row | None: ...


class ViewDatabase(Protocol):
    dialect: str
    sealer: Sealer

    def write(self) -> AbstractContextManager[Cursor]:
        """One transaction, serialised with every other writer of the read models."""

    def read(self) -> AbstractContextManager[Cursor]: ...

    def close(self) -> None: ...


class _SQLiteCursor:
    dialect = "sqlite"

    def __init__(self, cursor: sqlite3.Cursor, sealer: Sealer) -> None:
        self._cursor = cursor
        self.sealer = sealer

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(sql, rows)

    def fetchall(self) -> list[Row]:
        return [dict(row) for row in self._cursor.fetchall()]

    def fetchone(self) -> Row | None:
        row = self._cursor.fetchone()
        return None if row is None else dict(row)


class SQLiteViews:
    dialect = "sqlite"

    def __init__(self, path: str, sealer: Sealer) -> None:
        self.sealer = sealer
        # An in-memory event store gets in-memory views; a file gets the same file.
        self._connection = sqlite3.connect(
            path or ":memory:", isolation_level=None, check_same_thread=False, timeout=30
        )
        self._connection.row_factory = sqlite3.Row
        if path not in ("", ":memory:"):
            self._connection.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.RLock()

    @contextmanager
    def write(self) -> Iterator[Cursor]:
        with self._lock:
            cursor = self._connection.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield _SQLiteCursor(cursor, self.sealer)
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        with self._lock:
            yield _SQLiteCursor(self._connection.cursor(), self.sealer)

    def close(self) -> None:
        self._connection.close()


class _PostgresCursor:
    dialect = "postgresql"

    def __init__(self, cursor: psycopg.Cursor[Row], sealer: Sealer) -> None:
        self._cursor = cursor
        self.sealer = sealer

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(sql.replace("?", "%s"), rows)

    def fetchall(self) -> list[Row]:
        return self._cursor.fetchall()

    def fetchone(self) -> Row | None:
        return self._cursor.fetchone()


class PostgresViews:
    dialect = "postgresql"

    def __init__(self, conninfo: str, schema: str, sealer: Sealer) -> None:
        self.sealer = sealer
        options = f"-c search_path={schema}" if schema else ""
        self._connection = psycopg.connect(conninfo, options=options, row_factory=dict_row)
        self._lock = threading.RLock()

    @contextmanager
    def write(self) -> Iterator[Cursor]:
        with self._lock, self._connection.transaction(), self._connection.cursor() as cursor:
            # Writers of the read models take turns, across processes too.
            cursor.execute("SELECT pg_advisory_xact_lock(7351)")
            yield _PostgresCursor(cursor, self.sealer)

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        with self._lock, self._connection.transaction(), self._connection.cursor() as cursor:
            yield _PostgresCursor(cursor, self.sealer)

    def close(self) -> None:
        self._connection.close()


def connect_views(settings: Settings) -> ViewDatabase:
    env = settings.eventsourcing_env()
    key = settings.cipher_key
    sealer = Sealer(None if key is None else key.get_secret_value())
    if settings.is_postgres:
        conninfo = psycopg.conninfo.make_conninfo(
            dbname=env["POSTGRES_DBNAME"],
            host=env["POSTGRES_HOST"],
            port=env["POSTGRES_PORT"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"] or None,
        )
        return PostgresViews(conninfo, env["POSTGRES_SCHEMA"], sealer)
    return SQLiteViews(env["SQLITE_DBNAME"], sealer)
