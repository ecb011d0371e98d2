"""What one batch of events does to the read models, gathered and written at once.

Writing row by row costs a statement per event and table (a round trip on
PostgreSQL); a batch is written with one ``executemany`` per kind of
statement instead, in the transaction that also moves the batch's position,
so it stays exactly once.  Reads made while a batch is gathered see its
unwritten rows (``current``, ``get``), as if each had been written at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.projections.database import Cursor, Row

Deferred = Callable[[], Any]


@dataclass
class _Versioned:
    """New versions of cases for one table, in recording order."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    latest: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Cases whose row in the table must be superseded: at the first new row's time.
    supersede: dict[str, str] = field(default_factory=dict)


@dataclass
class _Keyed:
    """The last value per key of a table with one row per key; None deletes it."""

    key: str
    rows: dict[Any, dict[str, Any] | None] = field(default_factory=dict)


class Writes:
    """The rows a batch adds, replaces and supersedes, by table, until ``flush``."""

    def __init__(self, cursor: Cursor) -> None:
        self.cursor = cursor
        self._versioned: dict[str, _Versioned] = {}
        self._keyed: dict[str, _Keyed] = {}
        self._inserts: dict[str, list[dict[str, Any]]] = {}

    # -- versioned tables (read "as known on" a moment) ------------------------------

    def version(self, table: str, row: dict[str, Any]) -> None:
        """Add a case's new row and supersede its previous one at this row's recording time.

        The table has ``case_id``, ``version``, ``recorded_at`` and
        ``superseded_at`` columns; ``projection.known_on`` selects from them.
        """
        pending = self._versioned.setdefault(table, _Versioned())
        case_id = row["case_id"]
        previous = pending.latest.get(case_id)
        if previous is not None:
            previous["superseded_at"] = row["recorded_at"]
        elif row["version"] > 1:  # a first version supersedes nothing
            pending.supersede[case_id] = row["recorded_at"]
        row = {**row, "superseded_at": None}
        pending.rows.append(row)
        pending.latest[case_id] = row

    def current(self, table: str, case_id: str) -> Row | None:
        """A case's current row, including one added in this batch."""
        pending = self._versioned.get(table)
        if pending is not None and case_id in pending.latest:
            return dict(pending.latest[case_id])
        self.cursor.execute(
            f"SELECT * FROM {table} WHERE case_id = ? AND superseded_at IS NULL", (case_id,)
        )
        return self.cursor.fetchone()

    # -- tables of one row per key ---------------------------------------------------

    def put(self, table: str, key: str, row: dict[str, Any]) -> None:
        """Insert or replace the row of ``row[key]``; a callable value is called at flush."""
        self._keyed_table(table, key).rows[row[key]] = row

    def delete(self, table: str, key: str, value: Any) -> None:
        self._keyed_table(table, key).rows[value] = None

    def get(self, table: str, key: str, value: Any) -> Row | None:
        """The row of a key, including one put in this batch (its deferred values resolved)."""
        pending = self._keyed.get(table)
        if pending is not None and value in pending.rows:
            row = pending.rows[value]
            return None if row is None else _resolved(row)
        self.cursor.execute(f"SELECT * FROM {table} WHERE {key} = ?", (value,))
        return self.cursor.fetchone()

    def _keyed_table(self, table: str, key: str) -> _Keyed:
        pending = self._keyed.setdefault(table, _Keyed(key))
        assert pending.key == key, f"{table} is keyed by {pending.key}, not {key}"
        return pending

    # -- append-only tables ----------------------------------------------------------

    def insert(self, table: str, row: dict[str, Any]) -> None:
        self._inserts.setdefault(table, []).append(row)

    # -- writing ---------------------------------------------------------------------

    def flush(self, cursor: Cursor | None = None) -> None:
        """Write everything gathered, one ``executemany`` per statement, and start again.

        ``cursor``: a write transaction begun after the rows were gathered (with a
        cursor that only read); by default the one they were gathered with.
        """
        if cursor is not None:
            self.cursor = cursor
        for table, versioned in self._versioned.items():
            if versioned.supersede:
                self.cursor.executemany(
                    f"UPDATE {table} SET superseded_at = ? "
                    "WHERE case_id = ? AND superseded_at IS NULL",
                    [(moment, case_id) for case_id, moment in versioned.supersede.items()],
                )
            self._insert_many(table, versioned.rows)
        for table, keyed in self._keyed.items():
            gone = [(value,) for value, row in keyed.rows.items() if row is None]
            if gone:
                self.cursor.executemany(f"DELETE FROM {table} WHERE {keyed.key} = ?", gone)
            kept = [_resolved(row) for row in keyed.rows.values() if row is not None]
            self._insert_many(table, kept, upsert_on=keyed.key)
        for table, rows in self._inserts.items():
            self._insert_many(table, rows)
        self._versioned.clear()
        self._keyed.clear()
        self._inserts.clear()

    def _insert_many(
        self, table: str, rows: list[dict[str, Any]], upsert_on: str | None = None
    ) -> None:
        if not rows:
            return
        columns = list(rows[0])
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        )
        if upsert_on is not None:
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != upsert_on)
            sql += f" ON CONFLICT ({upsert_on}) DO UPDATE SET {updates}"
        self.cursor.executemany(sql, [tuple(row[c] for c in columns) for row in rows])


def _resolved(row: dict[str, Any]) -> dict[str, Any]:
    return {key: value() if callable(value) else value for key, value in row.items()}
