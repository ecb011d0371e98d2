"""Read models stopped by an event: where, why, and since when.

A read model that cannot process an event stops just before it, and the
others go on: one bad event must not take sign-in and every page down with
it.  The stop is kept here, in the read models' database, so that every
process, ``/health`` and the auditors see it; it is tried again at each
start and every minute, and cleared when the event goes through (after a
fix of the code, or of the database).  The error text is sealed like other
read-model text, since a database's message may quote the value it refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.projections.database import Cursor

TABLE = "view_failures"
_ERROR_LENGTH = 500

CREATE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "name TEXT NOT NULL, generation INTEGER NOT NULL, position INTEGER NOT NULL, "
    "error TEXT NOT NULL, failed_at TEXT NOT NULL, PRIMARY KEY (name, generation))"
)


@dataclass(frozen=True)
class Failure:
    """A read model (of one generation) stopped before the event at ``position``."""

    name: str
    generation: int
    position: int
    error: str
    failed_at: datetime


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:_ERROR_LENGTH]


class ReadModelFailures:
    """The ``view_failures`` table: one row per stopped read model and generation."""

    @staticmethod
    def record(cursor: Cursor, failure: Failure) -> None:
        cursor.execute(
            f"INSERT INTO {TABLE} (name, generation, position, error, failed_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, generation) DO UPDATE SET "
            "position = excluded.position, error = excluded.error, failed_at = excluded.failed_at",
            (
                failure.name,
                failure.generation,
                failure.position,
                cursor.sealer.seal(failure.error),
                failure.failed_at.astimezone(UTC).isoformat(),
            ),
        )

    @staticmethod
    def clear(cursor: Cursor, name: str, generation: int, passed: int) -> None:
        """Forget a stop once the read model has gone past its event."""
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE name = ? AND generation = ? AND position <= ?",
            (name, generation, passed),
        )

    @staticmethod
    def forget(cursor: Cursor, name: str, generation: int) -> None:
        cursor.execute(f"DELETE FROM {TABLE} WHERE name = ? AND generation = ?", (name, generation))

    @staticmethod
    def all(cursor: Cursor) -> list[Failure]:
        cursor.execute(f"SELECT * FROM {TABLE} ORDER BY name, generation")
        return [
            Failure(
                name=row["name"],
                generation=int(row["generation"]),
                position=int(row["position"]),
                error=cursor.sealer.open(row["error"]),
                failed_at=datetime.fromisoformat(row["failed_at"]),
            )
            for row in cursor.fetchall()
        ]
