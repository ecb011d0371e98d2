"""The database that holds the read models: the same SQLite file or PostgreSQL schema as the events.

One small interface over both, written in the SQL they share (``?``
placeholders are rewritten for psycopg; dates are ISO text, flags are 0/1),
so that a projection is written once.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

import psycopg
from eventsourcing import persistence
from psycopg.rows import dict_row

from tracker.projections.sealing import Sealer
from tracker.settings import Settings

Row = dict[str, Any]

# The database could not be reached or was busy: no event's fault, so nothing is marked failed.
# The event store's recorders raise the library's own classes for the same (loading a case to
# replay it during an outage), so those count too.
UNAVAILABLE: tuple[type[Exception], ...] = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
    persistence.OperationalError,
    persistence.InterfaceError,
)
log = logging.getLogger(__name__)


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


# PostgreSQL text cannot hold U+0000, and SQLite's LIKE and full-text search stop reading at
# one.  New text is refused at the boundary (``tracker.text``), but events recorded before
# that rule may carry one: their read-model rows show U+FFFD in its place, on both stores.
NUL, REPLACEMENT = "\x00", "\ufffd"


def _has_nul(value: Any) -> bool:
    if type(value) is str:
        return NUL in value
    if type(value) is list:  # a text[] of search tokens
        return any(type(item) is str and NUL in item for item in value)
    return False


def as_stored(value: Any) -> Any:
    """A value as the read models keep it: a text's NUL made U+FFFD."""
    if type(value) is str:
        return value.replace(NUL, REPLACEMENT)
    if type(value) is list:
        return [as_stored(item) for item in value]
    return value


def without_nul(params: Sequence[Any]) -> Sequence[Any]:
    """The parameters, with each NUL in a text replaced; the same object when there is none."""
    if not any(_has_nul(value) for value in params):
        return params
    return [as_stored(value) for value in params]


class _SQLiteCursor:
    dialect = "sqlite"

    def __init__(self, cursor: sqlite3.Cursor, sealer: Sealer) -> None:
        self._cursor = cursor
        self.sealer = sealer

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor.execute(sql, without_nul(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(sql, [without_nul(row) for row in rows])

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
        self._cursor.execute(sql.replace("?", "%s"), without_nul(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._cursor.executemany(sql.replace("?", "%s"), [without_nul(row) for row in rows])

    def fetchall(self) -> list[Row]:
        return self._cursor.fetchall()

    def fetchone(self) -> Row | None:
        return self._cursor.fetchone()


class PostgresViews:
    """One connection, used by one thread at a time, renewed when the server has dropped it.

    A restart of the database server (or a dropped connection) leaves the
    connection broken: the next transaction finds it so as it begins (``BEGIN``,
    and the writers' advisory lock, fail before the caller's statements run)
    and begins once more on a new connection.  While the server is down that
    new connection fails at once (or after ``connect_timeout``), an error of
    ``UNAVAILABLE``, and the next transaction tries again.  Only the outermost
    transaction of a thread renews it: a nested one would lose its caller's.
    """

    dialect = "postgresql"

    def __init__(
        self, conninfo: str, schema: str, sealer: Sealer, connect_timeout: float = 5.0
    ) -> None:
        self.sealer = sealer
        self._conninfo = conninfo
        self._options = f"-c search_path={schema}" if schema else ""
        # libpq counts whole seconds, at least 2; 0 would wait for ever.
        self._connect_timeout = max(2, round(connect_timeout))
        self._lock = threading.RLock()
        self._depth = 0  # transactions open in the thread that holds the lock
        self._closed = False
        self._connection = self._connect()

    def _connect(self) -> psycopg.Connection[Row]:
        return psycopg.connect(
            self._conninfo,
            options=self._options,
            row_factory=dict_row,
            connect_timeout=self._connect_timeout,
        )

    @contextmanager
    def _transaction(self, writer: bool) -> Iterator[Cursor]:
        with self._lock:
            outermost = self._depth == 0
            self._depth += 1
            try:
                for attempt in (1, 2):
                    renewable = outermost and not self._closed
                    if renewable and self._connection.closed:
                        self._connection = self._connect()
                    connection, began = self._connection, False
                    try:
                        with connection.transaction(), connection.cursor() as cursor:
                            if writer:
                                # Writers of the read models take turns, across processes too.
                                cursor.execute("SELECT pg_advisory_xact_lock(7351)")
                            began = True
                            yield _PostgresCursor(cursor, self.sealer)
                        return
                    except (psycopg.OperationalError, psycopg.InterfaceError) as error:
                        # Renewed only if it broke before anything of the caller's ran.
                        if began or attempt == 2 or not renewable or not connection.closed:
                            raise
                        log.warning("read-model connection lost (%s); connecting again", error)
            finally:
                self._depth -= 1

    def write(self) -> AbstractContextManager[Cursor]:
        return self._transaction(writer=True)

    def read(self) -> AbstractContextManager[Cursor]:
        return self._transaction(writer=False)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._connection.close()


def connect_views(settings: Settings) -> ViewDatabase:
    env = settings.eventsourcing_env()
    key = settings.cipher_key
    sealer = Sealer(None if key is None else key.get_secret_value())
    if settings.is_postgres:
        return PostgresViews(
            settings.postgres_conninfo(),
            env["POSTGRES_SCHEMA"],
            sealer,
            float(env["POSTGRES_CONNECT_TIMEOUT"]),
        )
    return SQLiteViews(env["SQLITE_DBNAME"], sealer)
