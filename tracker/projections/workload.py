"""Workload: every open case, the officer answering for it, and its next deadline.

A petition answers to its assignee; until it is assigned, and for approvals
and fee cases (which have no assignee), to the officer who registered it.
The next deadline is the one the case is waiting on: a petition's current
limit; an approval's decision due date while it is undecided; a fee case's
payment due date while nothing has been paid.  A case leaves the table when
it closes.  Only the current state is kept (no "as known on").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tracker.aggregates.approval import UNDECIDED_STAGES, SecondBirthApproval
from tracker.aggregates.fee_collection import FeeCollection
from tracker.aggregates.petition import Petition
from tracker.projections.projection import Projection, events_of

if TYPE_CHECKING:
    from tracker.aggregates.base import TrackedAggregate
    from tracker.projections.database import Cursor
    from tracker.projections.writes import Writes

TABLE = "workload_cases"
KINDS = ("petition", "approval", "fee")


def work_row(case: TrackedAggregate) -> dict[str, Any] | None:
    """The columns of an open case; None for a closed case or an aggregate that is no case."""
    deadline: date | None
    if isinstance(case, Petition):
        kind = "petition"
        assignee = case.assignee
        deadline = case.current_limit
    elif isinstance(case, SecondBirthApproval):
        kind, assignee = "approval", None
        deadline = case.decision_due if case.stage in UNDECIDED_STAGES else None
    elif isinstance(case, FeeCollection):
        kind, assignee = "fee", None
        deadline = case.due_on if case.paid.is_zero else None
    else:
        return None
    if not case.is_open:
        return None
    return {
        "case_id": str(case.id),
        "version": case.version,
        "kind": kind,
        "stage": case.stage.value,
        "community": case.community,
        "officer": assignee or case.registered_by,
        "assigned": int(assignee is not None),
        "next_deadline": None if deadline is None else deadline.isoformat(),
    }


class Workload(Projection):
    name = "workload"
    tables = (TABLE,)
    topics = events_of(Petition, SecondBirthApproval, FeeCollection)

    def create(self, cursor: Cursor, suffix: str) -> None:
        table = f"{TABLE}{suffix}"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            "case_id TEXT PRIMARY KEY, version INTEGER NOT NULL, kind TEXT NOT NULL, "
            "stage TEXT NOT NULL, community TEXT NOT NULL, officer TEXT NOT NULL, "
            "assigned INTEGER NOT NULL, next_deadline TEXT)"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_officer ON {table} (officer)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_due ON {table} (next_deadline)")

    def process(
        self, writes: Writes, suffix: str, event: Any, case: TrackedAggregate, position: int
    ) -> None:
        if not isinstance(case, (Petition, SecondBirthApproval, FeeCollection)):
            return
        table = f"{TABLE}{suffix}"
        row = work_row(case)
        if row is None:
            writes.delete(table, "case_id", str(case.id))
        else:
            writes.put(table, "case_id", row)


# -- queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficerLoad:
    """How many open cases of each kind one officer answers for."""

    officer: str
    petitions: int = 0
    approvals: int = 0
    fees: int = 0

    @property
    def total(self) -> int:
        return self.petitions + self.approvals + self.fees


@dataclass(frozen=True)
class WorkItem:
    case_id: UUID
    kind: str
    stage: str
    community: str
    officer: str
    assigned: bool
    next_deadline: date

    def days_left(self, today: date) -> int:
        """Days until the deadline: 0 on the day itself, negative once overdue."""
        return (self.next_deadline - today).days


def _scoped(where: list[str], params: list[Any], scope: str | None, officer: str | None) -> str:
    if scope is not None:
        where.append("community = ?")
        params.append(scope)
    if officer is not None:
        where.append("officer = ?")
        params.append(officer)
    return " AND ".join(where) or "1 = 1"


def select_loads(cursor: Cursor, suffix: str, *, scope: str | None) -> tuple[OfficerLoad, ...]:
    """Open cases per officer and kind, by officer name; ``scope`` limits to one community."""
    params: list[Any] = []
    condition = _scoped([], params, scope, None)
    cursor.execute(
        f"SELECT officer, kind, COUNT(*) AS n FROM {TABLE}{suffix} WHERE {condition} "
        "GROUP BY officer, kind ORDER BY officer, kind",
        params,
    )
    counts: dict[str, dict[str, int]] = {}
    for row in cursor.fetchall():
        counts.setdefault(row["officer"], {})[row["kind"]] = int(row["n"])
    return tuple(
        OfficerLoad(
            officer=officer,
            petitions=by_kind.get("petition", 0),
            approvals=by_kind.get("approval", 0),
            fees=by_kind.get("fee", 0),
        )
        for officer, by_kind in counts.items()
    )


def _items(cursor: Cursor, suffix: str, condition: str, params: list[Any]) -> tuple[WorkItem, ...]:
    cursor.execute(
        f"SELECT * FROM {TABLE}{suffix} WHERE {condition} ORDER BY next_deadline, case_id",
        params,
    )
    return tuple(
        WorkItem(
            case_id=UUID(row["case_id"]),
            kind=row["kind"],
            stage=row["stage"],
            community=row["community"],
            officer=row["officer"],
            assigned=bool(row["assigned"]),
            next_deadline=date.fromisoformat(row["next_deadline"]),
        )
        for row in cursor.fetchall()
    )


def select_due(
    cursor: Cursor,
    suffix: str,
    *,
    first: date,
    last: date,
    scope: str | None,
    officer: str | None = None,
) -> tuple[WorkItem, ...]:
    """Open cases whose next deadline lies from ``first`` to ``last``, both included."""
    params: list[Any] = [first.isoformat(), last.isoformat()]
    condition = _scoped(["next_deadline >= ? AND next_deadline <= ?"], params, scope, officer)
    return _items(cursor, suffix, condition, params)


def select_overdue(
    cursor: Cursor, suffix: str, *, today: date, scope: str | None, officer: str | None = None
) -> tuple[WorkItem, ...]:
    """Open cases whose next deadline has passed (the deadline day itself is not overdue)."""
    params: list[Any] = [today.isoformat()]
    condition = _scoped(["next_deadline < ?"], params, scope, officer)
    return _items(cursor, suffix, condition, params)
