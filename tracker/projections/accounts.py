"""Accounts: every user with their roles, scope and whether they are active, for the admin's list.

Only the current state is kept (one row per account); an account's history is in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tracker.aggregates.account import Account
from tracker.projections.projection import Projection, events_of
from tracker.roles import Role

if TYPE_CHECKING:
    from tracker.aggregates.base import TrackedAggregate
    from tracker.projections.database import Cursor
    from tracker.projections.writes import Writes

TABLE = "accounts"


class Accounts(Projection):
    name = "accounts"
    tables = (TABLE,)
    topics = events_of(Account)

    def create(self, cursor: Cursor, suffix: str) -> None:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE}{suffix} ("
            "username TEXT PRIMARY KEY, display_name TEXT NOT NULL, community TEXT, "
            "roles TEXT NOT NULL, active INTEGER NOT NULL, version INTEGER NOT NULL)"
        )

    def process(
        self, writes: Writes, suffix: str, event: Any, case: TrackedAggregate, position: int
    ) -> None:
        if not isinstance(case, Account):
            return
        writes.put(
            f"{TABLE}{suffix}",
            "username",
            {
                "username": case.username,
                "display_name": writes.cursor.sealer.seal(case.display_name),
                "community": case.community,
                "roles": " ".join(sorted(role.value for role in case.roles)),
                "active": int(case.active),
                "version": case.version,
            },
        )


@dataclass(frozen=True)
class AccountRow:
    """An account as admins see it: a row of this read model, or the account itself (``get``)."""

    username: str
    display_name: str
    community: str | None
    roles: frozenset[Role]
    active: bool
    version: int


def select_accounts(cursor: Cursor, suffix: str, *, scope: str | None) -> tuple[AccountRow, ...]:
    """Every account, or those of one community (a community admin's), by username."""
    where, params = ("WHERE community = ?", [scope]) if scope is not None else ("", [])
    cursor.execute(f"SELECT * FROM {TABLE}{suffix} {where} ORDER BY username", params)
    return tuple(
        AccountRow(
            username=row["username"],
            display_name=cursor.sealer.open(row["display_name"]),
            community=row["community"],
            roles=frozenset(Role(value) for value in row["roles"].split()),
            active=bool(row["active"]),
            version=int(row["version"]),
        )
        for row in cursor.fetchall()
    )
