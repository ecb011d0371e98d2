"""Backups: a consistent copy of the events taken while the app runs, and a checked restore.

The backup file, for either store, is one SQLite database (format 1):

``stored_events``
    The events, as ``eventsourcing``'s SQLite recorder keeps them: ``rowid`` is the
    event's notification id in the store it came from (gaps included), then
    ``originator_id`` (32 hex digits), ``originator_version``, ``topic`` and ``state``,
    the stored bytes copied as they are: under ``TRACKER_CIPHER_KEY`` they are
    encrypted, so no key is needed to back up, and the same key is needed to read
    the restored store.
``tracker_backup``
    ``(key, value)`` rows: ``format`` (1), ``store`` (``sqlite`` or ``postgresql``),
    ``events`` (how many), ``last_notification_id``, ``sha256``, ``taken_at`` (UTC).
    ``sha256`` is over the events in notification order, each as its five fields
    (notification id, originator id, version as decimal text, topic as UTF-8, state),
    each field preceded by its length as 8 bytes big-endian.  It finds damage and
    truncation; it is a checksum, not a signature (whoever can edit the file can
    write a new one), so keep backups where only their keepers can write.
everything else (SQLite stores only)
    A backup of an SQLite store is the whole database, made with SQLite's backup
    API: read models, positions and all, in rollback-journal mode so that the one
    file is complete (no ``-wal`` beside it).  Restore takes only the events.

One format for both stores keeps restore to one path: either backup restores into
either kind of store.  A PostgreSQL backup holds ``tracker_events`` only: that is
every table the library keeps for this application (it is an ``Application``, not a
process application, so there is no tracking table, and it takes no snapshots);
the read models (``*_g<n>``, ``view_*``) are not copied, since a store builds them
from its events on first start.  ``pg_dump --schema`` copies those too.

Consistency: the copy is a snapshot, and holds exactly the events of every
transaction committed before it was taken, none of any transaction after.  On
SQLite, one backup step copies every page under one read transaction (WAL mode
lets the app go on writing meanwhile).  On PostgreSQL, the rows are read in one
``REPEATABLE READ READ ONLY`` transaction: its snapshot is fixed at the first
statement, so a write committed later is left out even when it holds a lower
notification id than one included (ids are taken before commit; the library
serialises its inserts with a table lock, but the snapshot does not depend on it).
A command acknowledged before the backup started is therefore in it; one running
meanwhile is in it whole or not at all, and the next backup has it.

Restore writes into an empty store only, in one transaction with the same
notification ids (so positions printed by either store mean the same event),
refuses a file whose events do not match its checksum, checks that the restored
rows are the backup's, then compares the read models, built afresh, with the
events (``tracker check``).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple
from uuid import UUID

import psycopg
from eventsourcing.persistence import StoredEvent
from psycopg import sql

from tracker.application import Tracker
from tracker.settings import Settings

if TYPE_CHECKING:
    from tracker.check import Difference

FORMAT = "1"
EVENTS_TABLE = f"{Tracker.name.lower()}_events"  # the library names it after the application
BATCH = 1000
_SQLITE_MAGIC = b"SQLite format 3\x00"
_CREATE_EVENTS = (  # eventsourcing.sqlite.SQLiteApplicationRecorder's table
    "CREATE TABLE stored_events (originator_id TEXT, originator_version INTEGER, topic TEXT, "
    "state BLOB, PRIMARY KEY (originator_id, originator_version))"
)
_SELECT_EVENTS = (
    "SELECT rowid, originator_id, originator_version, topic, state "
    "FROM stored_events ORDER BY rowid"
)


class BackupError(RuntimeError):
    """An expected refusal: the message says what was wrong, and nothing was written."""


class NoStore(BackupError):
    """There is no store (or no events table) where the settings point."""


class BackupInvalid(BackupError):
    """The file is not a complete, unchanged backup: restore refuses it."""


class TargetNotEmpty(BackupError):
    """The store to restore into already holds events: two histories would mix."""


class UnreadableEvents(BackupError):
    """The target's settings (its cipher key) cannot read the backup's events."""


class RestoredDiffers(BackupError):
    """The events read back from the restored store are not the backup's."""


class EventRow(NamedTuple):
    """One stored event as both stores and the backup file hold it."""

    notification_id: int
    originator_id: str  # 32 hex digits for a UUID, as the SQLite recorder writes it
    originator_version: int
    topic: str
    state: bytes


@dataclass(frozen=True)
class Header:
    """What the backup says of itself; restore checks the events against it."""

    store: str
    events: int
    last_notification_id: int
    sha256: str
    taken_at: str
    format: str = FORMAT


@dataclass(frozen=True)
class Restored:
    header: Header
    differences: list[Difference]


class _Digest:
    """Count, last notification id and SHA-256 of rows, in the order they are seen."""

    def __init__(self) -> None:
        self.count = 0
        self.last = 0
        self._sha = hashlib.sha256()

    def add(self, row: EventRow) -> EventRow:
        for field in (
            str(row.notification_id).encode(),
            row.originator_id.encode(),
            str(row.originator_version).encode(),
            row.topic.encode(),
            row.state,
        ):
            self._sha.update(len(field).to_bytes(8, "big"))
            self._sha.update(field)
        self.count += 1
        self.last = row.notification_id
        return row

    def feed(self, rows: Iterable[EventRow]) -> Iterator[EventRow]:
        """The rows, each added on its way through."""
        return (self.add(row) for row in rows)

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    def matches(self, header: Header) -> bool:
        return (self.count, self.last, self.sha256) == (
            header.events,
            header.last_notification_id,
            header.sha256,
        )


def _originator(value: Any) -> str:
    """The id as the SQLite recorder writes it: a UUID's 32 hex digits, else the text."""
    if isinstance(value, UUID):
        return value.hex
    try:
        return UUID(str(value)).hex
    except ValueError:
        return str(value)


def _row(raw: tuple[Any, ...]) -> EventRow:
    notification_id, originator_id, version, topic, state = raw
    return EventRow(
        int(notification_id), _originator(originator_id), int(version), topic, bytes(state)
    )


# -- the two stores -------------------------------------------------------------------


def _sqlite_path(settings: Settings) -> Path:
    path = settings.eventsourcing_env()["SQLITE_DBNAME"]
    if path in ("", ":memory:"):
        raise NoStore("an in-memory SQLite store cannot be backed up or restored into")
    return Path(path)


def _sqlite_rows(connection: sqlite3.Connection) -> Iterator[EventRow]:
    cursor = connection.execute(_SELECT_EVENTS)
    while batch := cursor.fetchmany(BATCH):
        yield from (_row(raw) for raw in batch)


def _postgres_connect(settings: Settings) -> tuple[psycopg.Connection[Any], sql.Composed]:
    """A connection to the store's database, and its events table's qualified name."""
    schema = settings.eventsourcing_env()["POSTGRES_SCHEMA"] or "public"  # the library's too
    return psycopg.connect(settings.postgres_conninfo()), sql.SQL("{}.{}").format(
        sql.Identifier(schema), sql.Identifier(EVENTS_TABLE)
    )


def _postgres_rows(connection: psycopg.Connection[Any], table: sql.Composed) -> Iterator[EventRow]:
    """Every event in notification order, streamed (a server-side cursor: inside a transaction)."""
    with connection.cursor(name="tracker_backup_events") as cursor:
        cursor.itersize = BATCH
        cursor.execute(
            sql.SQL(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                "FROM {} ORDER BY notification_id"
            ).format(table)
        )
        yield from (_row(raw) for raw in cursor)


def _postgres_has_table(connection: psycopg.Connection[Any], table: sql.Composed) -> bool:
    found = connection.execute(
        sql.SQL("SELECT to_regclass({})").format(sql.Literal(table.as_string(connection)))
    ).fetchone()
    return found is not None and found[0] is not None


# -- backup ---------------------------------------------------------------------------


def backup(settings: Settings, file: Path, *, overwrite: bool = False) -> Header:
    """Write a backup of the store ``settings`` point at into ``file``, checked; its header.

    It is written beside ``file`` first and put in place only once read back and
    verified, so ``file`` is never a half-written backup.
    """
    if file.exists() and not overwrite:
        raise BackupError(f"{file} exists; name a new file (or pass --overwrite)")
    if not file.parent.is_dir():
        raise BackupError(f"there is no folder {file.parent}")
    partial = file.with_name(f"{file.name}.partial")
    _remove(partial)
    try:
        if settings.is_postgres:
            _export_postgres(settings, partial)
        else:
            _copy_sqlite(_sqlite_path(settings), partial)
        header = verify(partial)
        os.replace(partial, file)
    finally:
        _remove(partial)
    return header


def _remove(path: Path) -> None:
    for each in (path, path.with_name(f"{path.name}-journal")):
        each.unlink(missing_ok=True)


def _copy_sqlite(path: Path, partial: Path) -> None:
    """SQLite's backup API: all pages in one step, under one read transaction (a snapshot)."""
    if not path.is_file():
        raise NoStore(f"there is no SQLite store at {path}")
    source = sqlite3.connect(path, timeout=30)
    try:
        if not source.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'stored_events'"
        ).fetchone():
            raise NoStore(f"{path} holds no events table: not a Tracker store")
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=-1)
        finally:
            copy.close()
    finally:
        source.close()
    copy = sqlite3.connect(partial, isolation_level=None)
    try:
        # The copy carries the store's WAL mode: one self-contained file instead.
        copy.execute("PRAGMA journal_mode=DELETE")
        digest = _Digest()
        for _ in digest.feed(_sqlite_rows(copy)):
            pass
        _write_header(copy, "sqlite", digest)
    finally:
        copy.close()


def _export_postgres(settings: Settings, partial: Path) -> None:
    """The events table, read in one snapshot, into a new SQLite file of the same rows."""
    connection, table = _postgres_connect(settings)
    copy = sqlite3.connect(partial, isolation_level=None)
    try:
        copy.execute(_CREATE_EVENTS)
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        digest = _Digest()
        with connection.transaction():
            if not _postgres_has_table(connection, table):
                raise NoStore(f"there is no {EVENTS_TABLE} table in the schema: not a store")
            copy.execute("BEGIN")
            rows = digest.feed(_postgres_rows(connection, table))
            copy.executemany(
                "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, "
                "state) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            copy.execute("COMMIT")
        _write_header(copy, "postgresql", digest)
    finally:
        copy.close()
        connection.close()


def _write_header(copy: sqlite3.Connection, store: str, digest: _Digest) -> None:
    header = Header(
        store=store,
        events=digest.count,
        last_notification_id=digest.last,
        sha256=digest.sha256,
        taken_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    copy.execute("BEGIN")
    copy.execute("CREATE TABLE tracker_backup (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    copy.executemany(
        "INSERT INTO tracker_backup (key, value) VALUES (?, ?)",
        [
            ("format", header.format),
            ("store", header.store),
            ("events", str(header.events)),
            ("last_notification_id", str(header.last_notification_id)),
            ("sha256", header.sha256),
            ("taken_at", header.taken_at),
        ],
    )
    copy.execute("COMMIT")


# -- verify ---------------------------------------------------------------------------


def verify(file: Path) -> Header:
    """The backup's header, once its events are shown to match it; else ``BackupInvalid``.

    A truncated file fails the size its SQLite header records, damaged pages fail
    SQLite's ``quick_check``, and changed events fail the checksum.  A changed byte in
    a read-model page of an SQLite store's backup can pass: restore does not use them.
    """
    _check_size(file)
    try:
        with _open_backup(file) as backup_file:
            problems = [row[0] for row in backup_file.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise BackupInvalid(f"{file} is damaged: {'; '.join(problems[:3])}")
            header = _read_header(file, backup_file)
            digest = _Digest()
            for _ in digest.feed(_sqlite_rows(backup_file)):
                pass
    except sqlite3.DatabaseError as error:
        raise BackupInvalid(f"{file} cannot be read as a backup: {error}") from None
    if not digest.matches(header):
        raise BackupInvalid(
            f"{file} does not match its checksum: it holds {digest.count} events up to "
            f"{digest.last} (SHA-256 {digest.sha256[:16]}…), its header says "
            f"{header.events} up to {header.last_notification_id} "
            f"({header.sha256[:16]}…); it was changed or damaged after it was written"
        )
    return header


def _check_size(file: Path) -> None:
    if not file.is_file():
        raise BackupInvalid(f"there is no file {file}")
    with file.open("rb") as opened:
        head = opened.read(100)
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        raise BackupInvalid(f"{file} is not a Tracker backup (not an SQLite database)")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    # The page count is valid when the "version-valid-for" number equals the change counter.
    if head[92:96] == head[24:28] and file.stat().st_size != page_size * pages:
        raise BackupInvalid(
            f"{file} is {file.stat().st_size} bytes where its header says "
            f"{page_size * pages}: truncated or extended"
        )


def _open_backup(file: Path) -> closing[sqlite3.Connection]:
    """The backup file, read only: verifying or restoring never changes it."""
    return closing(sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True))


def _read_header(file: Path, connection: sqlite3.Connection) -> Header:
    try:
        values = dict(connection.execute("SELECT key, value FROM tracker_backup").fetchall())
    except sqlite3.OperationalError:
        raise BackupInvalid(f"{file} is not a Tracker backup (no tracker_backup table)") from None
    if values.get("format") != FORMAT:
        raise BackupInvalid(
            f"{file} is a backup of format {values.get('format')!r}; this version reads {FORMAT}"
        )
    try:
        return Header(
            store=values["store"],
            events=int(values["events"]),
            last_notification_id=int(values["last_notification_id"]),
            sha256=values["sha256"],
            taken_at=values["taken_at"],
        )
    except (KeyError, ValueError) as error:
        raise BackupInvalid(f"{file} has an incomplete header ({error})") from None


# -- restore --------------------------------------------------------------------------


def restore(
    file: Path, target: Settings, on_step: Callable[[str], None] = lambda _: None
) -> Restored:
    """Restore ``file`` into the empty store ``target`` points at; what ``tracker check`` found.

    Refused, with nothing written, when the file fails verification, the store holds
    events, or the target's key cannot read the events.
    """
    from tracker.check import Checker

    on_step("verifying the backup")
    header = verify(file)
    if not target.is_postgres:
        _sqlite_path(target)  # refuses :memory:
    # The checker builds the read models itself, whatever TRACKER_PROJECTIONS says.
    app = Tracker(target.model_copy(update={"projections": "inline"}))
    try:
        if app.recorder.max_notification_id():
            raise TargetNotEmpty(
                f"{target.database_url} already holds events; restore needs an empty store"
            )
        _check_readable(file, app)
        on_step("restoring the events")
        if target.is_postgres:
            _insert_postgres(file, target, header)
        else:
            _insert_sqlite(file, _sqlite_path(target), header)
        on_step("reading the restored events back")
        _check_restored(target, header)
        differences = Checker(app).run(on_step=lambda name: on_step(f"checking the {name}"))
    finally:
        app.close()
    return Restored(header, differences)


def _check_readable(file: Path, app: Tracker) -> None:
    """Decode the first event with the target's settings: a missing or wrong key shows here."""
    with _open_backup(file) as backup_file:
        first = next(_sqlite_rows(backup_file), None)
    if first is None:
        return
    stored = StoredEvent(
        originator_id=UUID(first.originator_id),
        originator_version=first.originator_version,
        topic=first.topic,
        state=first.state,
    )
    try:
        app.mapper.to_domain_event(stored)
    except Exception as error:
        key = "with the key in" if app.settings.cipher_key else "without"
        raise UnreadableEvents(
            f"the backup's events cannot be read {key} TRACKER_CIPHER_KEY "
            f"({type(error).__name__}: {error}); a backup of an encrypted store is restored "
            "with that store's key, one of a store without a key with none"
        ) from None


def _mismatch(file: Path) -> BackupInvalid:
    return BackupInvalid(f"{file} changed while it was being restored; nothing was written")


def _insert_sqlite(file: Path, path: Path, header: Header) -> None:
    target = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        target.execute("BEGIN IMMEDIATE")  # no other writer until COMMIT
        try:
            if target.execute("SELECT 1 FROM stored_events LIMIT 1").fetchone():
                raise TargetNotEmpty(f"{path} already holds events; restore needs an empty store")
            digest = _Digest()
            with _open_backup(file) as backup_file:
                target.executemany(
                    "INSERT INTO stored_events (rowid, originator_id, originator_version, topic, "
                    "state) VALUES (?, ?, ?, ?, ?)",
                    digest.feed(_sqlite_rows(backup_file)),
                )
            if not digest.matches(header):
                raise _mismatch(file)
        except BaseException:
            target.execute("ROLLBACK")
            raise
        target.execute("COMMIT")
    finally:
        target.close()


def _insert_postgres(file: Path, target: Settings, header: Header) -> None:
    connection, table = _postgres_connect(target)
    try:
        with connection.transaction():
            # The library's writers take this lock too: none can slip in before COMMIT.
            connection.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
            if connection.execute(sql.SQL("SELECT 1 FROM {} LIMIT 1").format(table)).fetchone():
                raise TargetNotEmpty(
                    f"{target.database_url} already holds events; restore needs an empty store"
                )
            digest = _Digest()
            copy_sql = sql.SQL(
                "COPY {} (notification_id, originator_id, originator_version, topic, state) "
                "FROM STDIN"
            ).format(table)
            with (
                _open_backup(file) as backup_file,
                connection.cursor() as cursor,
                cursor.copy(copy_sql) as copy,
            ):
                for row in digest.feed(_sqlite_rows(backup_file)):
                    copy.write_row(
                        (
                            row.notification_id,
                            UUID(row.originator_id),
                            row.originator_version,
                            row.topic,
                            row.state,
                        )
                    )
            if not digest.matches(header):
                raise _mismatch(file)
            if digest.count:
                # The next event recorded continues after the restored ones.
                connection.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence({}, 'notification_id'), {})"
                    ).format(sql.Literal(table.as_string(connection)), sql.Literal(digest.last))
                )
    finally:
        connection.close()


def _check_restored(target: Settings, header: Header) -> None:
    """Read the new store's events back: exactly the backup's rows, ids and bytes."""
    digest = _Digest()
    if target.is_postgres:
        connection, table = _postgres_connect(target)
        try:
            with connection.transaction():
                for _ in digest.feed(_postgres_rows(connection, table)):
                    pass
        finally:
            connection.close()
    else:
        store = sqlite3.connect(_sqlite_path(target), timeout=30)
        try:
            for _ in digest.feed(_sqlite_rows(store)):
                pass
        finally:
            store.close()
    if not digest.matches(header):
        raise RestoredDiffers(
            f"the restored store holds {digest.count} events up to {digest.last}, not the "
            f"backup's {header.events} up to {header.last_notification_id}"
        )
