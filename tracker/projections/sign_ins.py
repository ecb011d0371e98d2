"""Sign-in attempts by username and by client address, for counting recent failures.

One row per attempt, keyed by the attempt, placed by the log position at
which it was recorded (before its password was checked) and updated when it
is decided.  The lockout rule (``tracker.services.sign_ins``) asks for the
failed attempts of a username or an address that lie ahead of a given
position in the log, and, to know whether it must wait for them, for the
failed and still undecided ones: the log's order is total, so two attempts
recorded at the same moment, or by two workers, still count one after the
other.  Under a cipher key, usernames and addresses are compared as keyed
hashes.  Who signed in and out is shown to auditors by the audit trail.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from tracker.aggregates.sign_in import SignIn, SignInOutcome
from tracker.projections.audit_trail import recorded_text
from tracker.projections.projection import Projection, events_of

if TYPE_CHECKING:
    from tracker.aggregates.base import TrackedAggregate
    from tracker.projections.database import Cursor
    from tracker.projections.writes import Writes

NAME = "sign_ins"
TABLE = "sign_in_attempts"
# Attempts that lock: failed ones; and those that may yet fail, while they are not decided.
FAILED = (SignInOutcome.FAILED.value,)
FAILED_OR_UNDECIDED = (SignInOutcome.FAILED.value, SignInOutcome.PENDING.value)


class SignIns(Projection):
    name = NAME
    tables = (TABLE,)
    topics = events_of(SignIn)

    def create(self, cursor: Cursor, suffix: str) -> None:
        table = f"{TABLE}{suffix}"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            "attempt_id TEXT PRIMARY KEY, position INTEGER NOT NULL, recorded_at TEXT NOT NULL, "
            "username TEXT NOT NULL, address TEXT NOT NULL, outcome TEXT NOT NULL)"
        )
        for column in ("username", "address"):
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column} ON {table} ({column}, position)"
            )

    def process(
        self, writes: Writes, suffix: str, event: Any, case: TrackedAggregate, position: int
    ) -> None:
        table = f"{TABLE}{suffix}"
        if isinstance(event, SignIn.SignInAttempted):
            sealer = writes.cursor.sealer
            row: dict[str, Any] = {
                "attempt_id": str(case.id),
                "position": position,
                "recorded_at": recorded_text(event.timestamp),
                # Compared, never shown: under a key, keyed hashes rather than the values.
                "username": sealer.token(event.username),
                "address": sealer.token(event.address),
                "outcome": SignInOutcome.PENDING.value,
            }
            writes.put(table, "attempt_id", row)
        elif isinstance(event, SignIn.SignInDecided):
            attempted = writes.get(table, "attempt_id", str(case.id))
            if attempted is not None:
                writes.put(table, "attempt_id", {**attempted, "outcome": event.outcome.value})


def failures_before(
    cursor: Cursor,
    suffix: str,
    *,
    column: str,
    value: str,
    position: int,
    limit: int,
    since_success: bool,
    undecided: bool = False,
) -> list[datetime]:
    """When the last ``limit`` failed attempts before ``position`` were made.

    Newest first.  With ``undecided`` the attempts not decided yet count too
    (what could lock once they are decided).  With ``since_success`` only
    those after the last successful sign-in count (the owner of the account
    came in; an address gets no such reset, or one good account would clear
    the way for guessing at others).
    """
    if column not in ("username", "address"):
        raise ValueError(column)
    table = f"{TABLE}{suffix}"
    value = cursor.sealer.token(value)
    outcomes = FAILED_OR_UNDECIDED if undecided else FAILED
    marks = ", ".join("?" for _ in outcomes)
    where = [f"{column} = ?", f"outcome IN ({marks})", "position < ?"]
    params: list[Any] = [value, *outcomes, position]
    if since_success:
        where.append(
            f"position > COALESCE((SELECT MAX(position) FROM {table} "
            f"WHERE {column} = ? AND outcome = ? AND position < ?), 0)"
        )
        params += [value, SignInOutcome.SIGNED_IN.value, position]
    cursor.execute(
        f"SELECT recorded_at FROM {table} WHERE {' AND '.join(where)} "
        "ORDER BY position DESC LIMIT ?",
        [*params, limit],
    )
    return [datetime.fromisoformat(row["recorded_at"]) for row in cursor.fetchall()]


def undecided_before(cursor: Cursor, suffix: str, *, column: str, value: str, position: int) -> int:
    """How many attempts of this username or address before ``position`` are not decided yet."""
    if column not in ("username", "address"):
        raise ValueError(column)
    cursor.execute(
        f"SELECT COUNT(*) AS n FROM {TABLE}{suffix} "
        f"WHERE {column} = ? AND outcome = ? AND position < ?",
        [cursor.sealer.token(value), SignInOutcome.PENDING.value, position],
    )
    row = cursor.fetchone()
    return int(row["n"]) if row else 0
