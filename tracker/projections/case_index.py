"""Case index: one row per version of every case, so lists work now and as known on any past moment.

Each event adds the case's new row and marks the previous one superseded at
the event's recording time.  The current list is the rows not superseded;
"as known on T" is the rows recorded by T and not yet superseded at T.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tracker.aggregates.approval import SecondBirthApproval
from tracker.aggregates.fee_collection import FeeCollection
from tracker.aggregates.petition import Petition
from tracker.projections import text_search
from tracker.projections.projection import Projection, events_of, known_on

if TYPE_CHECKING:
    from tracker.aggregates.base import TrackedAggregate
    from tracker.projections.database import Cursor
    from tracker.projections.sealing import Sealer
    from tracker.projections.writes import Writes

KINDS = {Petition: "petition", SecondBirthApproval: "approval", FeeCollection: "fee"}
# Columns holding what people wrote or are called: sealed when the store has a key.
PERSONAL = ("names", "summary")


@dataclass(frozen=True)
class CaseRow:
    """One case in a list, as the index holds it."""

    case_id: str
    version: int
    recorded_at: str
    kind: str
    stage: str
    community: str
    assignee: str | None
    names: str
    summary: str
    opened_on: date
    closed_on: date | None
    next_deadline: date | None
    working_days: bool
    is_open: bool
    collective: bool
    skip_level: bool

    def is_overdue(self, today: date) -> bool:
        return self.is_open and self.next_deadline is not None and today > self.next_deadline


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def row_for(case: TrackedAggregate, collective_threshold: int) -> dict[str, Any] | None:
    """The index columns of a case, or None for aggregates that are not cases."""
    if isinstance(case, Petition):
        names = [p.name for p in case.petitioners]
        values: dict[str, Any] = {
            "summary": f"{case.category} {case.summary}",
            "opened_on": case.received_on,
            "closed_on": case.replied_on or case.routed_on or case.terminated_on,
            "next_deadline": case.current_limit,
            "working_days": False,
            "collective": case.is_collective(collective_threshold),
            "skip_level": case.is_skip_level,
            "assignee": case.assignee,
        }
        if case.stage.value == "merged":
            values["closed_on"] = None
    elif isinstance(case, SecondBirthApproval):
        names = [p.name for p in case.spouses]
        undecided = case.decided_on is None and case.withdrawn_on is None
        values = {
            "summary": case.policy_ground,
            "opened_on": case.applied_on,
            "closed_on": case.delivered_on or case.withdrawn_on or case.decided_on,
            "next_deadline": case.decision_due if undecided and case.is_open else None,
            "working_days": True,
            "collective": False,
            "skip_level": False,
            "assignee": None,
        }
    elif isinstance(case, FeeCollection):
        names = [p.name for p in case.liable_parties]
        values = {
            "summary": case.decision_number,
            "opened_on": case.decided_on,
            "closed_on": case.closed_on,
            "next_deadline": case.due_on if case.is_open and case.paid.is_zero else None,
            "working_days": False,
            "collective": False,
            "skip_level": False,
            "assignee": None,
        }
    else:
        return None
    values.update(
        case_id=str(case.id),
        version=case.version,
        recorded_at=case.modified_on.isoformat(),
        superseded_at=None,
        kind=KINDS[type(case)],
        stage=case.stage.value,
        community=case.community,
        names="、".join(names),
        is_open=int(case.is_open),
    )
    for key in ("opened_on", "closed_on", "next_deadline"):
        values[key] = _iso(values[key])
    for key in ("working_days", "collective", "skip_level"):
        values[key] = int(values[key])
    return values


class CaseIndex(Projection):
    name = "case_index"
    tables = ("case_versions", "case_text")
    schema = 2  # 2: text search through case_text
    topics = events_of(*KINDS)

    def create(self, cursor: Cursor, suffix: str) -> None:
        table = f"case_versions{suffix}"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            "case_id TEXT NOT NULL, version INTEGER NOT NULL, "
            "recorded_at TEXT NOT NULL, superseded_at TEXT, "
            "kind TEXT NOT NULL, stage TEXT NOT NULL, community TEXT NOT NULL, "
            "assignee TEXT, names TEXT NOT NULL, summary TEXT NOT NULL, "
            "opened_on TEXT NOT NULL, closed_on TEXT, next_deadline TEXT, "
            "working_days INTEGER NOT NULL, is_open INTEGER NOT NULL, "
            "collective INTEGER NOT NULL, skip_level INTEGER NOT NULL, "
            "PRIMARY KEY (case_id, version))"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_current "
            f"ON {table} (kind, community, opened_on) WHERE superseded_at IS NULL"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_recorded ON {table} (recorded_at)")
        # Overdue lists: only the open cases, whatever the history's length.
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_overdue ON {table} "
            "(kind, community, next_deadline) WHERE superseded_at IS NULL AND is_open = 1"
        )
        text_search.create(cursor, f"case_text{suffix}")

    def process(
        self, writes: Writes, suffix: str, event: Any, case: TrackedAggregate, position: int
    ) -> None:
        row = row_for(case, self.policy.collective_threshold)
        if row is None:
            return
        cursor = writes.cursor
        writes.insert(
            f"case_text{suffix}",
            text_search.row(cursor, row["case_id"], row["version"], row["names"], row["summary"]),
        )
        sealed = {column: cursor.sealer.seal(row[column]) for column in PERSONAL}
        writes.version(f"case_versions{suffix}", {**row, **sealed})


def opened(row: dict[str, Any], sealer: Sealer) -> dict[str, Any]:
    """A stored row with its personal columns opened."""
    return {**row, **{column: sealer.open(row[column]) for column in PERSONAL}}


def to_case_row(row: dict[str, Any], sealer: Sealer) -> CaseRow:
    row = opened(row, sealer)

    def day(value: str | None) -> date | None:
        return None if value is None else date.fromisoformat(value)

    opened_on = day(row["opened_on"])
    assert opened_on is not None
    return CaseRow(
        case_id=row["case_id"],
        version=int(row["version"]),
        recorded_at=row["recorded_at"],
        kind=row["kind"],
        stage=row["stage"],
        community=row["community"],
        assignee=row["assignee"],
        names=row["names"],
        summary=row["summary"],
        opened_on=opened_on,
        closed_on=day(row["closed_on"]),
        next_deadline=day(row["next_deadline"]),
        working_days=bool(row["working_days"]),
        is_open=bool(row["is_open"]),
        collective=bool(row["collective"]),
        skip_level=bool(row["skip_level"]),
    )


@dataclass(frozen=True)
class CaseQuery:
    """What a list asks for; every field optional."""

    kind: str | None = None
    stage: str | None = None
    community: str | None = None
    assignee: str | None = None
    open: bool | None = None
    overdue: bool | None = None
    collective: bool | None = None
    skip_level: bool | None = None
    text: str | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    sort: str = "opened_on"
    descending: bool = True
    page: int = 1
    per_page: int = 20


SORTABLE = ("opened_on", "closed_on", "next_deadline", "stage", "community", "kind")


@dataclass(frozen=True)
class CasePage:
    rows: tuple[CaseRow, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def select_cases(
    cursor: Cursor,
    suffix: str,
    query: CaseQuery,
    *,
    today: date,
    scope: str | None,
    as_known_on: datetime | None = None,
) -> CasePage:
    """Filter, search, sort and paginate; ``scope`` limits to one community."""
    table = f"case_versions{suffix}"
    where: list[str] = []
    condition, params = known_on(as_known_on)
    where.append(condition)
    for column in ("kind", "stage", "community", "assignee"):
        value = getattr(query, column)
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if scope is not None:
        where.append("community = ?")
        params.append(scope)
    for column, flag in (
        ("is_open", query.open),
        ("collective", query.collective),
        ("skip_level", query.skip_level),
    ):
        if flag is not None:
            where.append(f"{column} = ?")
            params.append(int(flag))
    if query.overdue is not None:
        overdue = "(is_open = 1 AND next_deadline IS NOT NULL AND next_deadline < ?)"
        where.append(overdue if query.overdue else f"NOT {overdue}")
        params.append(today.isoformat())
    if query.text and query.text.strip():
        found, found_params = text_search.condition(cursor, f"case_text{suffix}", query.text)
        where.append(found)
        params += found_params
    if query.opened_from is not None:
        where.append("opened_on >= ?")
        params.append(query.opened_from.isoformat())
    if query.opened_to is not None:
        where.append("opened_on <= ?")
        params.append(query.opened_to.isoformat())
    condition = " AND ".join(where)
    cursor.execute(f"SELECT COUNT(*) AS n FROM {table} WHERE {condition}", params)
    counted = cursor.fetchone()
    total = int(counted["n"]) if counted else 0
    sort = query.sort if query.sort in SORTABLE else "opened_on"
    direction = "DESC" if query.descending else "ASC"
    per_page = min(max(query.per_page, 1), 200)
    page = max(query.page, 1)
    cursor.execute(
        f"SELECT * FROM {table} WHERE {condition} "
        f"ORDER BY {sort} IS NULL, {sort} {direction}, case_id LIMIT ? OFFSET ?",
        [*params, per_page, (page - 1) * per_page],
    )
    rows = tuple(to_case_row(row, cursor.sealer) for row in cursor.fetchall())
    return CasePage(rows=rows, total=total, page=page, per_page=per_page)
