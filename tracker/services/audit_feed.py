"""The audit trail read model as auditors query it: one case's trail, and the global feed."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from tracker.disclosure import Disclosure, Place, disclosure_for
from tracker.errors import CaseNotFound, InvalidValue
from tracker.permissions import Action, Principal
from tracker.projections.audit_trail import (
    ACCOUNT_KINDS,
    AuditPage,
    AuditRow,
    FeedQuery,
    select_feed,
    select_trail,
)
from tracker.services.base import Service

NAME = "audit_trail"


def _disclosed(shown: Disclosure, row: AuditRow) -> AuditRow:
    """The row with the people its changes name as the user may see them in a trail."""
    changes = tuple(
        replace(
            change,
            before=shown.field(change.field, change.before, Place.LISTS),
            after=shown.field(change.field, change.after, Place.LISTS),
        )
        for change in row.changes
    )
    return replace(row, changes=changes)


def _aware(field: str, moment: datetime | None) -> datetime | None:
    if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None):
        raise InvalidValue(field=field, problem="a moment with its time zone is required")
    return moment


class AuditFeed(Service):
    def case_trail(self, who: Principal, case_id: UUID) -> tuple[AuditRow, ...]:
        """Every event of one case (or account, or claim), oldest first.

        The same checks as ``app.audit.history``: a case outside the user's
        community is not found, and an account's trail needs the right to read
        account histories.
        """
        if not who.may(Action.READ_HISTORY):
            who.require(Action.READ_ACCOUNT_HISTORY)
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            rows = select_trail(cursor, views.suffix(cursor, NAME), case_id)
        if not rows:
            raise CaseNotFound(case_id=case_id)
        current = rows[-1]
        if current.community is not None and not who.sees(current.community):
            raise CaseNotFound(case_id=case_id)
        if current.kind in ACCOUNT_KINDS:
            who.require(Action.READ_ACCOUNT_HISTORY)
        else:
            who.require(Action.READ_HISTORY)
        shown = disclosure_for(who)
        return tuple(_disclosed(shown, row) for row in rows)

    def feed(
        self,
        who: Principal,
        *,
        actor: str | None = None,
        kind: str | None = None,
        community: str | None = None,
        event_type: str | None = None,
        recorded_from: datetime | None = None,
        recorded_to: datetime | None = None,
        page: int = 1,
        per_page: int = 50,
    ) -> AuditPage:
        """Events of every aggregate in the user's scope, newest first.

        Case events need the right to read histories; account events the
        right to read account histories (admins and auditors).  A community
        user sees only rows of their community.
        """
        cases = who.may(Action.READ_HISTORY)
        accounts = who.may(Action.READ_ACCOUNT_HISTORY)
        if not (cases or accounts):
            who.require(Action.READ_HISTORY)
        query = FeedQuery(
            actor=actor,
            kind=kind,
            community=community,
            event_type=event_type,
            recorded_from=_aware("recorded_from", recorded_from),
            recorded_to=_aware("recorded_to", recorded_to),
            page=page,
            per_page=per_page,
        )
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            found = select_feed(
                cursor,
                views.suffix(cursor, NAME),
                query,
                scope=who.community,
                cases=cases,
                accounts=accounts,
            )
        shown = disclosure_for(who)
        return replace(found, rows=tuple(_disclosed(shown, row) for row in found.rows))
