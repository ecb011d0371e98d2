"""Case lists across the three kinds, from the case index read model."""

from __future__ import annotations

from datetime import datetime

from tracker.permissions import Action, Principal
from tracker.projections.case_index import CasePage, CaseQuery, select_cases
from tracker.services.base import Service


class Cases(Service):
    def list(
        self, who: Principal, query: CaseQuery, *, as_known_on: datetime | None = None
    ) -> CasePage:
        """Cases in the user's scope; includes every command recorded before the call."""
        who.require(Action.READ_CASES)
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            return select_cases(
                cursor,
                views.suffix(cursor, "case_index"),
                query,
                today=self.app.clock.today(),
                scope=who.community,
                as_known_on=as_known_on,
            )
