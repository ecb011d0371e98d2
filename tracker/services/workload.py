"""Workload of the office from the workload read model: per officer, due soon, overdue."""

from __future__ import annotations

from datetime import timedelta

from tracker.errors import InvalidValue
from tracker.permissions import Action, Principal
from tracker.projections.workload import (
    OfficerLoad,
    WorkItem,
    select_due,
    select_loads,
    select_overdue,
)
from tracker.services.base import Service

NAME = "workload"


class Workload(Service):
    def open_by_officer(self, who: Principal) -> tuple[OfficerLoad, ...]:
        """Open cases per officer, counted by kind, within the user's community."""
        who.require(Action.READ_CASES)
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            return select_loads(cursor, views.suffix(cursor, NAME), scope=who.community)

    def due_soon(
        self, who: Principal, days: int = 7, *, officer: str | None = None
    ) -> tuple[WorkItem, ...]:
        """Open cases falling due from today to today + ``days``, both days included."""
        who.require(Action.READ_CASES)
        if isinstance(days, bool) or not isinstance(days, int) or days < 0:
            raise InvalidValue(field="days", problem="a whole number of days, zero or more")
        today = self.app.clock.today()
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            return select_due(
                cursor,
                views.suffix(cursor, NAME),
                first=today,
                last=today + timedelta(days=days),
                scope=who.community,
                officer=officer,
            )

    def overdue(self, who: Principal, *, officer: str | None = None) -> tuple[WorkItem, ...]:
        """Open cases whose next deadline lies before today."""
        who.require(Action.READ_CASES)
        today = self.app.clock.today()
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            return select_overdue(
                cursor,
                views.suffix(cursor, NAME),
                today=today,
                scope=who.community,
                officer=officer,
            )
