"""Feeds events to the read models exactly once, and rebuilds one beside the one being served.

Positions live in ``view_positions`` (one row per projection and generation)
and are written in the same transaction as the rows an event produced, so a
stop at any point loses nothing and counts nothing twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tracker.aggregates.base import TrackedAggregate
from tracker.projections.database import UNAVAILABLE
from tracker.projections.failures import CREATE as CREATE_FAILURES
from tracker.projections.failures import Failure, ReadModelFailures, describe
from tracker.projections.writes import Writes

if TYPE_CHECKING:
    from tracker.application import Tracker
    from tracker.projections.database import Cursor, ViewDatabase
    from tracker.projections.projection import Projection

BATCH = 500
CACHE = 20_000
# How often a read model stopped by an event is tried on that event again (also at start).
RETRY_SECONDS = 60.0
log = logging.getLogger(__name__)

_CREATE = (
    "CREATE TABLE IF NOT EXISTS view_positions ("
    "name TEXT NOT NULL, generation INTEGER NOT NULL, position INTEGER NOT NULL, "
    "PRIMARY KEY (name, generation))",
    "CREATE TABLE IF NOT EXISTS view_active (name TEXT PRIMARY KEY, generation INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS view_schemas ("
    "name TEXT NOT NULL, generation INTEGER NOT NULL, schema INTEGER NOT NULL, "
    "PRIMARY KEY (name, generation))",
)


class ViewTimeout(Exception):
    """A read model did not reach a position in time."""


class RebuildFailed(Exception):
    """A rebuild stopped on an event; the generation being served was left as it was."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(
            f"{failure.name} failed on the event at position {failure.position}: {failure.error}"
        )
        self.failure = failure


@dataclass
class _Batch:
    """The rows of one batch, per read model, and the read models that failed in it."""

    writes: dict[str, Writes]
    failed: set[str] = field(default_factory=set)


class _StoppedAt(Exception):
    """A rebuild's batch failed; it began after ``position``."""

    def __init__(self, position: int, notifications: Sequence[Any]) -> None:
        super().__init__(position)
        self.position = position
        self.notifications = notifications


@contextmanager
def _savepoint(cursor: Cursor) -> Iterator[None]:
    """Undo only what is written inside, should it fail; the transaction goes on."""
    cursor.execute("SAVEPOINT view_rows")
    try:
        yield
    except BaseException:
        cursor.execute("ROLLBACK TO SAVEPOINT view_rows")
        cursor.execute("RELEASE SAVEPOINT view_rows")
        raise
    cursor.execute("RELEASE SAVEPOINT view_rows")


def suffix(generation: int) -> str:
    return f"_g{generation}"


class CaseReplayer:
    """The case after each event, kept from event to event; loaded from the store on a gap."""

    def __init__(self, app: Tracker) -> None:
        self.app = app
        self._cases: OrderedDict[UUID, TrackedAggregate] = OrderedDict()

    def after(self, event: Any) -> TrackedAggregate:
        case_id = event.originator_id
        case = self._cases.pop(case_id, None)
        if event.originator_version == 1:
            case = None
        elif case is None or case.version != event.originator_version - 1:
            case = self.app.repository.get(case_id, version=event.originator_version - 1)
        case = event.mutate(case)
        assert isinstance(case, TrackedAggregate)
        self._cases[case_id] = case
        if len(self._cases) > CACHE:
            self._cases.popitem(last=False)
        return case

    def forget(self) -> None:
        self._cases.clear()


class Views:
    """The read models of one store: catching up, waiting, rebuilding."""

    def __init__(
        self,
        app: Tracker,
        db: ViewDatabase,
        projections: Sequence[Projection],
        *,
        inline: bool = True,
    ) -> None:
        self.app = app
        self.db = db
        self.inline = inline
        self.projections = {p.name: p for p in projections}
        self._replayer = CaseReplayer(app)
        # One catch-up at a time in this process: the replayer and the projections' caches
        # follow the events in order.  Other processes are told apart by their positions.
        self._catching_up = threading.Lock()
        self._retried_at: float | None = None  # None: not yet in this process
        self.rebuild_failures: dict[str, Failure] = {}
        with db.write() as cursor:
            for statement in (*_CREATE, CREATE_FAILURES):
                cursor.execute(statement)
            for projection in projections:
                cursor.execute(
                    "INSERT INTO view_active (name, generation) VALUES (?, 1) "
                    "ON CONFLICT (name) DO NOTHING",
                    (projection.name,),
                )
                generation = self._active(cursor, projection.name)
                projection.create(cursor, suffix(generation))
                cursor.execute(
                    "INSERT INTO view_positions (name, generation, position) VALUES (?, ?, 0) "
                    "ON CONFLICT (name, generation) DO NOTHING",
                    (projection.name, generation),
                )
                # A generation filled before schemas were recorded is of schema 1.
                started = self._position(cursor, projection.name, generation) > 0
                self._set_schema(
                    cursor, projection.name, generation, 1 if started else projection.schema
                )
            self.outdated = [
                p.name
                for p in projections
                if self._schema(cursor, p.name, self._active(cursor, p.name)) < p.schema
            ]

    # -- positions -----------------------------------------------------------------

    @staticmethod
    def _active(cursor: Cursor, name: str) -> int:
        cursor.execute("SELECT generation FROM view_active WHERE name = ?", (name,))
        row = cursor.fetchone()
        assert row is not None, name
        return int(row["generation"])

    @staticmethod
    def _position(cursor: Cursor, name: str, generation: int) -> int:
        cursor.execute(
            "SELECT position FROM view_positions WHERE name = ? AND generation = ?",
            (name, generation),
        )
        row = cursor.fetchone()
        return 0 if row is None else int(row["position"])

    @staticmethod
    def _set_position(cursor: Cursor, name: str, generation: int, position: int) -> None:
        cursor.execute(
            "INSERT INTO view_positions (name, generation, position) VALUES (?, ?, ?) "
            "ON CONFLICT (name, generation) DO UPDATE SET position = excluded.position",
            (name, generation, position),
        )

    @staticmethod
    def _schema(cursor: Cursor, name: str, generation: int) -> int:
        cursor.execute(
            "SELECT schema FROM view_schemas WHERE name = ? AND generation = ?", (name, generation)
        )
        row = cursor.fetchone()
        return 1 if row is None else int(row["schema"])

    @staticmethod
    def _set_schema(
        cursor: Cursor, name: str, generation: int, schema: int, *, replace: bool = False
    ) -> None:
        cursor.execute(
            "INSERT INTO view_schemas (name, generation, schema) VALUES (?, ?, ?) "
            + (
                "ON CONFLICT (name, generation) DO UPDATE SET schema = excluded.schema"
                if replace
                else "ON CONFLICT (name, generation) DO NOTHING"
            ),
            (name, generation, schema),
        )

    def position(self, name: str) -> int:
        with self.db.read() as cursor:
            return self._position(cursor, name, self._active(cursor, name))

    def suffix(self, cursor: Cursor, name: str) -> str:
        """The suffix of the tables a query should read now."""
        return suffix(self._active(cursor, name))

    # -- processing ----------------------------------------------------------------

    def _notifications(self, after: int, limit: int) -> list[Any]:
        return list(
            self.app.recorder.select_notifications(
                start=after, limit=limit, inclusive_of_start=False
            )
        )

    def _targets(self, cursor: Cursor) -> list[tuple[Projection, int, int]]:
        """Each read model with its active generation and the position that generation reached."""
        targets = []
        for projection in self.projections.values():
            generation = self._active(cursor, projection.name)
            targets.append(
                (projection, generation, self._position(cursor, projection.name, generation))
            )
        return targets

    def _due(
        self, targets: Sequence[tuple[Projection, int, int]], notification: Any, skip: set[str]
    ) -> list[tuple[Projection, int]]:
        return [
            (projection, generation)
            for projection, generation, position in targets
            if notification.id > position
            and notification.topic.startswith(projection.topics)
            and projection.name not in skip
        ]

    def _process(
        self,
        cursor: Cursor,
        targets: Sequence[tuple[Projection, int, int]],
        notifications: Sequence[Any],
        replayer: CaseReplayer,
    ) -> _Batch:
        """Each notification applied to every target behind it, gathered as rows to write.

        An event no target reads is neither decoded nor replayed.  A read model
        that fails on an event takes no further part in the batch (its rows are
        left unwritten and it is stepped through alone afterwards, ``_isolate``);
        the others go on.
        """
        batch = _Batch({projection.name: Writes(cursor) for projection, _, _ in targets})
        for notification in notifications:
            due = self._due(targets, notification, batch.failed)
            if not due:
                continue
            try:
                event = self.app.mapper.to_domain_event(notification)
                case = replayer.after(event)
            except UNAVAILABLE:
                raise
            except Exception:
                replayer.forget()
                batch.failed.update(projection.name for projection, _ in due)
                continue
            for projection, generation in due:
                try:
                    projection.process(
                        batch.writes[projection.name],
                        suffix(generation),
                        event,
                        case,
                        notification.id,
                    )
                except UNAVAILABLE:
                    raise
                except Exception:
                    batch.failed.add(projection.name)
        return batch

    def _write(
        self,
        cursor: Cursor,
        batch: _Batch,
        targets: Sequence[tuple[Projection, int, int]],
        last: int,
    ) -> None:
        """Each read model's rows and new position, unless writing its rows fails."""
        for projection, generation, position in targets:
            if projection.name in batch.failed:
                continue
            try:
                with _savepoint(cursor):
                    batch.writes[projection.name].flush(cursor)
            except UNAVAILABLE:
                raise
            except Exception:
                batch.failed.add(projection.name)
                continue
            self._set_position(cursor, projection.name, generation, max(position, last))

    def _isolate(
        self, projection: Projection, generation: int, position: int, notifications: Sequence[Any]
    ) -> Failure | None:
        """Step one read model through ``notifications`` an event at a time, up to a failure.

        Each event is its own transaction, so the events before the failing
        one are kept, and the failure is recorded at the failing one's position.
        """
        name, replayer = projection.name, CaseReplayer(self.app)
        for notification in notifications:
            if not self._due([(projection, generation, position)], notification, set()):
                continue
            try:
                with self.db.write() as cursor:
                    if self._position(cursor, name, generation) != position:
                        return None  # another process is stepping it
                    writes = Writes(cursor)
                    event = self.app.mapper.to_domain_event(notification)
                    case = replayer.after(event)
                    projection.process(writes, suffix(generation), event, case, notification.id)
                    writes.flush()
                    self._set_position(cursor, name, generation, notification.id)
                    ReadModelFailures.clear(cursor, name, generation, notification.id)
            except UNAVAILABLE:
                raise
            except Exception as error:
                failure = Failure(
                    name, generation, notification.id, describe(error), self.app.clock.now()
                )
                with self.db.write() as cursor:
                    ReadModelFailures.record(cursor, failure)
                log.error(
                    "read model %s stopped before the event at position %s: %s",
                    name,
                    notification.id,
                    failure.error,
                )
                return failure
            position = notification.id
        if notifications:
            with self.db.write() as cursor:
                if self._position(cursor, name, generation) == position:
                    self._set_position(cursor, name, generation, notifications[-1].id)
        return None

    def catch_up(
        self, batch: int = BATCH, stop_after: int | None = None, until: int | None = None
    ) -> int:
        """Process everything recorded so far (or up to ``stop_after`` batches).

        With ``until``, stop once every read model has reached that position:
        ``refresh`` gives the head it saw, since under a steady stream of writes
        "so far" keeps moving and a page waiting for it would never be shown.

        A read model whose tables are of an older schema than its code is
        rebuilt first (side by side, so the old one serves until then).

        Events are read and processed before the write transaction begins,
        and only the rows are written in it: a writer of the read models that
        waited on the event store while holding SQLite's write lock would
        stall every command behind it (the store shares the file, and its
        connection pool queues readers behind a waiting writer).  If another
        process moved the positions meanwhile, the batch is done again.

        A read model stopped by an event (``failures``) is left out, and tried
        on that event again at most every ``RETRY_SECONDS``.
        """
        for name in list(self.outdated):
            try:
                self.rebuild(name)
            except RebuildFailed as failed:
                self.outdated.remove(name)  # the older generation goes on serving
                self.rebuild_failures[name] = failed.failure
                log.error("%s", failed)
        with self._catching_up:
            self._retry_failed(batch)
            return self._catch_up(batch, stop_after, until)

    def _live_targets(self, cursor: Cursor) -> list[tuple[Projection, int, int]]:
        """The read models to feed: all but those stopped by an event."""
        stopped = {(f.name, f.generation) for f in ReadModelFailures.all(cursor)}
        return [t for t in self._targets(cursor) if (t[0].name, t[1]) not in stopped]

    def _catch_up(self, batch: int, stop_after: int | None, until: int | None = None) -> int:
        done = 0
        while stop_after is None or done < stop_after:
            try:
                with self.db.read() as cursor:
                    targets = self._live_targets(cursor)
                if not targets:
                    break
                start = min(position for _, _, position in targets)
                if until is not None and start >= until:
                    break
                notifications = self._notifications(start, batch)
                if not notifications:
                    break
                with self.db.read() as cursor:
                    gathered = self._process(cursor, targets, notifications, self._replayer)
                with self.db.write() as cursor:
                    if self._live_targets(cursor) != targets:
                        self._replayer.forget()
                        continue  # another process got there first
                    self._write(cursor, gathered, targets, notifications[-1].id)
                for projection, generation, position in targets:
                    if projection.name in gathered.failed:
                        self._isolate(projection, generation, position, notifications)
            except BaseException:
                self._replayer.forget()  # it may hold changes that were rolled back
                raise
            done += 1
        return self.head()

    def _retry_failed(self, batch: int) -> None:
        """Try each stopped read model on its event again, at start and then now and again."""
        now = time.monotonic()
        if self._retried_at is not None and now - self._retried_at < RETRY_SECONDS:
            return
        self._retried_at = now
        with self.db.read() as cursor:
            stopped = [
                (self.projections[f.name], f.generation, f.position)
                for f in ReadModelFailures.all(cursor)
                if f.name in self.projections and f.generation == self._active(cursor, f.name)
            ]
            positions = [self._position(cursor, p.name, g) for p, g, _ in stopped]
        for (projection, generation, failed_at), position in zip(stopped, positions, strict=True):
            notifications = self._notifications(position, min(batch, failed_at - position))
            self._isolate(projection, generation, position, notifications)

    def failures(self) -> list[Failure]:
        """The read models stopped by an event, and rebuilds that stopped, in this store."""
        with self.db.read() as cursor:
            recorded = ReadModelFailures.all(cursor)
        return recorded + list(self.rebuild_failures.values())

    def lag(self) -> dict[str, int]:
        """How many positions of the log each read model is behind its head."""
        head = self.head()
        return {name: max(0, head - self.position(name)) for name in sorted(self.projections)}

    def head(self) -> int:
        return self.app.recorder.max_notification_id() or 0

    def refresh(self, timeout: float = 5.0) -> None:
        """Bring the read models up to everything recorded before this call."""
        if self.inline:
            self.catch_up(until=self.head())
        else:
            self.wait(self.head(), timeout)

    def run(self, interval: float = 0.2, stop: Callable[[], bool] = lambda: False) -> None:
        """The worker's loop: follow the store until told to stop."""
        while not stop():
            if self.catch_up() == self.head():
                time.sleep(interval)

    def wait(self, position: int, timeout: float = 5.0) -> None:
        """Read your writes: block until every read model has reached ``position``.

        One stopped by an event is not waited for: it is reported instead (``failures``).
        """
        deadline = time.monotonic() + timeout
        while any(
            self.position(name) < position and not self._stopped(name) for name in self.projections
        ):
            if time.monotonic() > deadline:
                raise ViewTimeout(f"read models did not reach {position} in {timeout} s")
            time.sleep(0.02)

    def _stopped(self, name: str) -> bool:
        with self.db.read() as cursor:
            generation = self._active(cursor, name)
            return any(
                f.name == name and f.generation == generation for f in ReadModelFailures.all(cursor)
            )

    # -- rebuilding ------------------------------------------------------------------

    def rebuild(
        self, name: str, batch: int = BATCH, on_progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Build a new generation from the first event while the old one serves, then switch."""
        projection = self.projections[name]
        with self.db.write() as cursor:
            old = self._active(cursor, name)
            cursor.execute(
                "SELECT MAX(generation) AS g FROM view_positions WHERE name = ?", (name,)
            )
            row = cursor.fetchone()
            new = max(old, int(row["g"] or 0) if row else 0) + 1
            for table in projection.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {table}{suffix(new)}")
            projection.create(cursor, suffix(new))
            self._set_position(cursor, name, new, 0)
            self._set_schema(cursor, name, new, projection.schema, replace=True)
        replayer = CaseReplayer(self.app)
        position = 0
        try:
            while True:
                head = self.head()
                with self.db.write() as cursor:
                    notifications = self._notifications(position, batch)
                    if notifications:
                        self._apply(cursor, projection, new, position, notifications, replayer)
                        position = notifications[-1].id
                    if position >= head or not notifications:
                        # Caught up under the writers' lock: switch in the same transaction.
                        self._finish(cursor, projection, old, new, replayer, position)
                        break
                if on_progress is not None:
                    on_progress(position, head)
        except _StoppedAt as stopped:
            raise RebuildFailed(self._abandon(projection, new, stopped)) from None
        if on_progress is not None:
            on_progress(self.head(), self.head())

    def _apply(
        self,
        cursor: Cursor,
        projection: Projection,
        generation: int,
        position: int,
        notifications: Sequence[Any],
        replayer: CaseReplayer,
    ) -> None:
        """Process and write a rebuild's batch in this transaction; a failure stops it."""
        targets = [(projection, generation, position)]
        gathered = self._process(cursor, targets, notifications, replayer)
        self._write(cursor, gathered, targets, notifications[-1].id)
        if gathered.failed:
            raise _StoppedAt(position, notifications)

    def _abandon(self, projection: Projection, new: int, stopped: _StoppedAt) -> Failure:
        """Drop a rebuild's generation, saying which event stopped it."""
        failure = self._isolate(projection, new, stopped.position, stopped.notifications)
        with self.db.write() as cursor:
            for table in projection.tables:
                cursor.execute(f"DROP TABLE IF EXISTS {table}{suffix(new)}")
            for table in ("view_positions", "view_schemas"):
                cursor.execute(
                    f"DELETE FROM {table} WHERE name = ? AND generation = ?", (projection.name, new)
                )
            ReadModelFailures.forget(cursor, projection.name, new)
        self._replayer.forget()
        if failure is None:  # it went through alone: a fault of the batch, not of an event
            failure = Failure(
                projection.name,
                new,
                stopped.notifications[-1].id,
                "the batch failed, each of its events alone did not",
                self.app.clock.now(),
            )
        return failure

    def _finish(
        self,
        cursor: Cursor,
        projection: Projection,
        old: int,
        new: int,
        replayer: CaseReplayer,
        position: int,
    ) -> None:
        while rest := self._notifications(position, BATCH):
            self._apply(cursor, projection, new, position, rest, replayer)
            position = rest[-1].id
        cursor.execute(
            "UPDATE view_active SET generation = ? WHERE name = ?", (new, projection.name)
        )
        for table in projection.tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}{suffix(old)}")
        for table in ("view_positions", "view_schemas"):
            cursor.execute(
                f"DELETE FROM {table} WHERE name = ? AND generation = ?", (projection.name, old)
            )
        if projection.name in self.outdated:
            self.outdated.remove(projection.name)
        self._replayer.forget()
