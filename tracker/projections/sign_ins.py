"""Sign-in attempts by username and by client address, for counting recent failures.

One row per attempt; the lockout rule (``tracker.services.sign_ins``) asks for
the last few failures of a username since its last success, or of an address.
Who signed in and out is shown to auditors by the audit trail, not from here.
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


class SignIns(Projection):
    name = NAME
    tables = (TABLE,)
    topics = events_of(SignIn)

    def create(self, cursor: Cursor, suffix: str) -> None:
        table = f"{TABLE}{suffix}"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            "position INTEGER PRIMARY KEY, recorded_at TEXT NOT NULL, "
            "username TEXT NOT NULL, address TEXT NOT NULL, outcome TEXT NOT NULL)"
        )
        for column in ("username", "address"):
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column} "
                f"ON {table} ({column}, outcome, recorded_at)"
            )

    def process(
        self, writes: Writes, suffix: str, event: Any, case: TrackedAggregate, position: int
    ) -> None:
        if not isinstance(event, SignIn.SignInAttempted):
            return
        writes.insert(
            f"{TABLE}{suffix}",
            {
                "position": position,
                "recorded_at": recorded_text(event.timestamp),
                # Compared, never shown: under a key, keyed hashes rather than the values.
                "username": writes.cursor.sealer.token(event.username),
                "address": writes.cursor.sealer.token(event.address),
                "outcome": event.outcome.value,
            },
        )


def recent_failures(
    cursor: Cursor, suffix: str, *, column: str, value: str, limit: int, since_success: bool
) -> list[datetime]:
    """The times of the last ``limit`` failures of a username or address, newest first.

    With ``since_success`` only those after the last successful sign-in count
    (the owner of the account came in; an address gets no such reset, or one
    good account would clear the way for guessing at the others).
    """
    if column not in ("username", "address"):
        raise ValueError(column)
    table = f"{TABLE}{suffix}"
    where = [f"{column} = ?", "outcome = ?"]
    value = cursor.sealer.token(value)
    params: list[Any] = [value, SignInOutcome.FAILED.value]
    if since_success:
        where.append(
            f"recorded_at > COALESCE((SELECT MAX(recorded_at) FROM {table} "
            f"WHERE {column} = ? AND outcome = ?), '')"
        )
        params += [value, SignInOutcome.SIGNED_IN.value]
    cursor.execute(
        f"SELECT recorded_at FROM {table} WHERE {' AND '.join(where)} "
        "ORDER BY recorded_at DESC LIMIT ?",
        [*params, limit],
    )
    return [datetime.fromisoformat(row["recorded_at"]) for row in cursor.fetchall()]
