"""Audit trail: one row per event of every aggregate, with what it changed and why.

Each row says who recorded the event and when, the business date it carries,
the community it belongs to, the reason given (``reason`` or ``grounds``),
and, for every attribute of the aggregate that the event touched, the value
before and after.  Values are rendered as JSON (dates, enums and money as
text, ID numbers masked, password hashes never: they show as changed, as
"[redacted]").  Under a cipher key the values and reasons are sealed
(``sealing``) and opened as they are read.

The state a row is compared with is the aggregate's previous state as this
projection rendered it: kept per aggregate in ``audit_state`` (one row each,
replaced in the same transaction as the event's row), so a restart or a
rebuild needs nothing from the store.

``position`` is the event's notification id: its place in the store's log.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tracker.aggregates.account import Account
from tracker.aggregates.approval import SecondBirthApproval
from tracker.aggregates.fee_collection import FeeCollection
from tracker.aggregates.petition import Petition
from tracker.aggregates.sign_in import SignIn
from tracker.aggregates.unique_number import UniqueNumber
from tracker.display import render
from tracker.projections.projection import Projection
from tracker.services.audit import REDACTED, SECRETS, business_date

if TYPE_CHECKING:
    from tracker.aggregates.base import TrackedAggregate
    from tracker.projections.database import Cursor
    from tracker.projections.sealing import Sealer
    from tracker.projections.writes import Writes

EVENTS = "audit_events"
STATE = "audit_state"

KINDS: dict[type[Any], str] = {
    Petition: "petition",
    SecondBirthApproval: "approval",
    FeeCollection: "fee",
    Account: "account",
    SignIn: "sign_in",
    UniqueNumber: "claim",
}
# Kinds whose rows need the right to read account histories, not case histories.
ACCOUNT_KINDS = ("account", "sign_in")
REASON_FIELDS = ("reason", "grounds")
_BOOKKEEPING = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "actor"}
)
CACHE = 20_000


def kind_of(case: Any) -> str:
    for cls in type(case).__mro__:
        if cls in KINDS:
            return KINDS[cls]
    return type(case).__name__.lower()


def _is_empty(value: Any) -> bool:
    return value is None or value == [] or value == {}


def changes_between(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any],
    secrets_touched: set[str],
    candidates: Collection[str] | None = None,
) -> list[dict[str, Any]]:
    """Each attribute whose rendered value differs, in the aggregate's order.

    A secret always renders as "[redacted]", so it counts as changed when the
    event carries a field of its name.  On creation (no previous state) the
    attributes left empty are not listed.  ``candidates``, when given, are the
    only other attributes that can have changed.
    """
    previous = before or {}
    names = list(after) + [name for name in previous if name not in after]
    if candidates is not None:
        names = [name for name in names if name in candidates or name in SECRETS]
    listed = []
    for name in names:
        old, new = previous.get(name), after.get(name)
        if name in SECRETS:
            if name not in secrets_touched:
                continue
        elif old == new or (before is None and _is_empty(new)):
            continue
        listed.append({"field": name, "before": old, "after": new})
    return listed


def event_values(event: Any) -> dict[str, Any]:
    """The event's own fields, in declaration order, without the bookkeeping."""
    # A field added to an event class later is missing from events stored before: None.
    return {
        f.name: getattr(event, f.name, None) for f in fields(event) if f.name not in _BOOKKEEPING
    }


def reason_of(values: Mapping[str, Any]) -> str | None:
    for name in REASON_FIELDS:
        value = values.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None


def recorded_text(moment: datetime) -> str:
    """UTC ISO text with microseconds always written, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class MissingPreviousState(RuntimeError):
    """The state before an event is not in ``audit_state``: rebuild the audit trail."""


class AuditTrail(Projection):
    name = "audit_trail"
    tables = (EVENTS, STATE)
    topics = ("",)  # every event of every aggregate

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The state after (case id, version), raw and rendered: a function of the events
        # alone, so it holds across generations and rolled-back transactions alike.
        self._states: OrderedDict[str, _State] = OrderedDict()

    def create(self, cursor: Cursor, suffix: str) -> None:
        events, state = f"{EVENTS}{suffix}", f"{STATE}{suffix}"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {events} ("
            "position INTEGER PRIMARY KEY, case_id TEXT NOT NULL, version INTEGER NOT NULL, "
            "kind TEXT NOT NULL, event_type TEXT NOT NULL, actor TEXT NOT NULL, "
            "recorded_at TEXT NOT NULL, business_date TEXT, community TEXT, reason TEXT, "
            "changes TEXT NOT NULL, "
            "UNIQUE (case_id, version))"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {events}_actor ON {events} (actor, position)")
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {events}_community ON {events} (community, position)"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {events}_recorded ON {events} (recorded_at)")
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {state} ("
            "case_id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL)"
        )

    def process(
        self, writes: Writes, suffix: str, event: Any, case: TrackedAggregate, position: int
    ) -> None:
        events, state_table = f"{EVENTS}{suffix}", f"{STATE}{suffix}"
        sealer = writes.cursor.sealer
        case_id = str(case.id)
        version = int(event.originator_version)
        before = self._previous(writes, state_table, case_id, version)
        after = _State.of(case, before)
        values = event_values(event)
        changes = changes_between(
            None if before is None else before.rendered,
            after.rendered,
            set(values) & SECRETS,
            after.replaced,
        )
        day = business_date(type(event).__name__, values)  # as app.audit.history reads it
        writes.insert(
            events,
            {
                "position": position,
                "case_id": case_id,
                "version": version,
                "kind": kind_of(case),
                "event_type": type(event).__name__,
                "actor": getattr(event, "actor", ""),
                "recorded_at": recorded_text(event.timestamp),
                "business_date": None if day is None else day.isoformat(),
                "community": getattr(case, "community", None),
                "reason": sealer.seal_optional(reason_of(values)),
                "changes": sealer.seal(_json_list(changes)),
            },
        )
        # Serialised once per case and batch, however many of its events the batch holds.
        writes.put(
            state_table,
            "case_id",
            {
                "case_id": case_id,
                "version": version,
                "state": lambda: sealer.seal(after.serialised()),
            },
        )
        self._remember(case_id, version, after)

    def _previous(self, writes: Writes, table: str, case_id: str, version: int) -> _State | None:
        if version == 1:
            return None
        cached = self._states.get(case_id)
        if cached is not None and cached.version == version - 1:
            return cached
        row = writes.get(table, "case_id", case_id)
        if row is None or int(row["version"]) != version - 1:
            raise MissingPreviousState(
                f"no state of {case_id} at version {version - 1} in {table}; "
                "rebuild the audit_trail read model"
            )
        return _State(version - 1, None, json.loads(writes.cursor.sealer.open(row["state"])))

    def _remember(self, case_id: str, version: int, state: _State) -> None:
        self._states.pop(case_id, None)
        self._states[case_id] = replace(state, version=version)
        if len(self._states) > CACHE:
            self._states.popitem(last=False)


@dataclass(frozen=True)
class _State:
    """An aggregate's public attributes after one version: as held, and rendered."""

    version: int
    raw: dict[str, Any] | None
    rendered: dict[str, Any]
    # The attributes that hold another object than in the state before; None: unknown.
    replaced: frozenset[str] | None = None

    @classmethod
    def of(cls, case: TrackedAggregate, before: _State | None) -> _State:
        """Rendered anew only where an attribute holds another object than before.

        Aggregates replace their values (dates, tuples, frozensets) rather than
        change them in place, so the same object means the same value.
        """
        raw = {name: value for name, value in vars(case).items() if not name.startswith("_")}
        if before is None or before.raw is None:
            rendered = {
                name: REDACTED if name in SECRETS else render(value) for name, value in raw.items()
            }
            return cls(case.version, raw, rendered)
        known, old = before.raw, before.rendered
        replaced = frozenset(
            name for name in raw.keys() | known.keys() if raw.get(name) is not known.get(name)
        )
        rendered = {
            name: (
                REDACTED
                if name in SECRETS
                else render(value)
                if name in replaced or name not in old
                else old[name]
            )
            for name, value in raw.items()
        }
        return cls(case.version, raw, rendered, replaced)

    def serialised(self) -> str:
        return json.dumps(self.rendered, ensure_ascii=False)


def _json_list(changes: Sequence[Mapping[str, Any]]) -> str:
    return json.dumps(list(changes), ensure_ascii=False)


# -- queries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One attribute an event changed, with its rendered values before and after."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AuditRow:
    position: int
    case_id: UUID
    version: int
    kind: str
    event_type: str
    actor: str
    recorded_at: datetime
    business_date: date | None
    community: str | None
    reason: str | None
    changes: tuple[Change, ...]

    def change(self, field: str) -> Change | None:
        return next((c for c in self.changes if c.field == field), None)


@dataclass(frozen=True)
class FeedQuery:
    """What the global feed asks for; every filter optional, the time range inclusive."""

    actor: str | None = None
    kind: str | None = None
    community: str | None = None
    event_type: str | None = None
    recorded_from: datetime | None = None
    recorded_to: datetime | None = None
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class AuditPage:
    rows: tuple[AuditRow, ...]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


MAX_PER_PAGE = 500


def to_audit_row(row: Mapping[str, Any], sealer: Sealer) -> AuditRow:
    day = row["business_date"]
    return AuditRow(
        position=int(row["position"]),
        case_id=UUID(row["case_id"]),
        version=int(row["version"]),
        kind=row["kind"],
        event_type=row["event_type"],
        actor=row["actor"],
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        business_date=None if day is None else date.fromisoformat(day),
        community=row["community"],
        reason=sealer.open_optional(row["reason"]),
        changes=tuple(
            Change(c["field"], c["before"], c["after"])
            for c in json.loads(sealer.open(row["changes"]))
        ),
    )


def select_trail(cursor: Cursor, suffix: str, case_id: UUID) -> list[AuditRow]:
    """Every event of one aggregate, oldest first."""
    cursor.execute(
        f"SELECT * FROM {EVENTS}{suffix} WHERE case_id = ? ORDER BY version",
        (str(case_id),),
    )
    return [to_audit_row(row, cursor.sealer) for row in cursor.fetchall()]


def select_feed(
    cursor: Cursor,
    suffix: str,
    query: FeedQuery,
    *,
    scope: str | None,
    cases: bool = True,
    accounts: bool = True,
) -> AuditPage:
    """Events across aggregates, newest first; ``scope`` limits to one community.

    ``cases`` and ``accounts`` say whether the rows of cases (and claims) and
    of accounts may be shown at all.
    """
    table = f"{EVENTS}{suffix}"
    where: list[str] = []
    params: list[Any] = []
    listed = ", ".join(f"'{kind}'" for kind in ACCOUNT_KINDS)
    if not accounts:
        where.append(f"kind NOT IN ({listed})")
    if not cases:
        where.append(f"kind IN ({listed})")
    if scope is not None:
        where.append("community = ?")
        params.append(scope)
    for column in ("actor", "kind", "community", "event_type"):
        value = getattr(query, column)
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if query.recorded_from is not None:
        where.append("recorded_at >= ?")
        params.append(recorded_text(query.recorded_from))
    if query.recorded_to is not None:
        where.append("recorded_at <= ?")
        params.append(recorded_text(query.recorded_to))
    condition = " AND ".join(where) or "1 = 1"
    cursor.execute(f"SELECT COUNT(*) AS n FROM {table} WHERE {condition}", params)
    counted = cursor.fetchone()
    total = int(counted["n"]) if counted else 0
    per_page = min(max(query.per_page, 1), MAX_PER_PAGE)
    page = max(query.page, 1)
    cursor.execute(
        f"SELECT * FROM {table} WHERE {condition} ORDER BY position DESC LIMIT ? OFFSET ?",
        [*params, per_page, (page - 1) * per_page],
    )
    rows = tuple(to_audit_row(row, cursor.sealer) for row in cursor.fetchall())
    return AuditPage(rows=rows, total=total, page=page, per_page=per_page)
