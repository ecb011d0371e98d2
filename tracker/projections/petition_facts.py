"""Petition facts: per version of every petition, the business facts the petition reports use.

One row per petition version, written with ``record_version`` and read with
``known_on``, so that a figure can be asked for as known on any past moment.
The business dates (received, accepted, replied, extension approved) are
columns, so that a report date is a plain filter on them; the limits are
stored both without and with the extension, because whether the extension
counts depends on the date it is judged at (approved by the reply, or by the
period's end).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.aggregates.petition import Petition, PetitionStage
from tracker.projections.projection import Projection, events_of

if TYPE_CHECKING:
    from tracker.aggregates.base import TrackedAggregate
    from tracker.projections.database import Cursor
    from tracker.projections.writes import Writes

TABLE = "petition_facts"


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def facts_row(
    case: Petition,
    collective_threshold: int,
    base_limit: date | None = None,
    extension_approved_on: date | None = None,
) -> dict[str, Any]:
    """The columns of one petition version.

    Once extended, the aggregate knows only the extended limit; the limit
    without the extension (``base_limit``) and the approval date come from the
    versions before, as the caller carries them.
    """
    extended = case.handling_limit if case.extension_days else None
    if not case.extension_days:
        base_limit, extension_approved_on = case.handling_limit, None
    return {
        "case_id": str(case.id),
        "version": case.version,
        "recorded_at": case.modified_on.isoformat(),
        "superseded_at": None,
        "community": case.community,
        "stage": case.stage.value,
        "received_on": case.received_on.isoformat(),
        "accepted_on": _iso(case.accepted_on),
        "replied_on": _iso(case.replied_on),
        "handling_limit": _iso(base_limit),
        "extended_limit": _iso(extended),
        "extension_approved_on": _iso(extension_approved_on),
        "headcount": case.headcount,
        "merged": int(case.stage is PetitionStage.MERGED),
        "collective": int(case.is_collective(collective_threshold)),
        "skip_level": int(case.is_skip_level),
    }


class PetitionFacts(Projection):
    name = "petition_facts"
    tables = (TABLE,)
    topics = events_of(Petition)

    def create(self, cursor: Cursor, suffix: str) -> None:
        table = f"{TABLE}{suffix}"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            "case_id TEXT NOT NULL, version INTEGER NOT NULL, "
            "recorded_at TEXT NOT NULL, superseded_at TEXT, "
            "community TEXT NOT NULL, stage TEXT NOT NULL, "
            "received_on TEXT NOT NULL, accepted_on TEXT, replied_on TEXT, "
            "handling_limit TEXT, extended_limit TEXT, extension_approved_on TEXT, "
            "headcount INTEGER NOT NULL, merged INTEGER NOT NULL, "
            "collective INTEGER NOT NULL, skip_level INTEGER NOT NULL, "
            "PRIMARY KEY (case_id, version))"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_accepted "
            f"ON {table} (community, accepted_on) WHERE superseded_at IS NULL"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_received "
            f"ON {table} (community, received_on) WHERE superseded_at IS NULL"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_recorded ON {table} (recorded_at)")
        # The sub-district's figures (no community): a period's rows without a full scan.
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_accepted_on "
            f"ON {table} (accepted_on) WHERE superseded_at IS NULL"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_received_on "
            f"ON {table} (received_on) WHERE superseded_at IS NULL"
        )
        # The backlog at a period's end: petitions not replied (the small set of open ones),
        # or replied after it.
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_open_at "
            f"ON {table} (replied_on, accepted_on) WHERE superseded_at IS NULL AND merged = 0"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_unreplied ON {table} (accepted_on) "
            "WHERE superseded_at IS NULL AND merged = 0 AND replied_on IS NULL"
        )

    def process(
        self, writes: Writes, suffix: str, event: Any, case: TrackedAggregate, position: int
    ) -> None:
        if not isinstance(case, Petition):
            return
        table = f"{TABLE}{suffix}"
        base: date | None = None
        approved: date | None = None
        if case.extension_days:
            # The limit before the extension, and its approval date, are the earlier rows' facts.
            previous = writes.current(table, str(case.id))
            assert previous is not None, "a petition is extended only after it was accepted"
            base = _day(previous["handling_limit"])
            approved = _day(previous["extension_approved_on"])
            if isinstance(event, Petition.ExtensionGranted):
                approved = event.approved_on
        row = facts_row(case, self.policy.collective_threshold, base, approved)
        writes.version(table, row)
