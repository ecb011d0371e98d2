"""Case lists across the three kinds, from the case index read model."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from tracker.disclosure import Place, disclosure_for
from tracker.permissions import Action, Principal
from tracker.projections.case_index import CasePage, CaseQuery, select_cases
from tracker.services.base import Service


class Cases(Service):
    def list(
        self, who: Principal, query: CaseQuery, *, as_known_on: datetime | None = None
    ) -> CasePage:
        """Cases in the user's scope; includes every command recorded before the call.

        The search matches the whole names; the rows name the people as the user may see
        them in a list (``tracker.disclosure``).
        """
        who.require(Action.READ_CASES)
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            page = select_cases(
                cursor,
                views.suffix(cursor, "case_index"),
                query,
                today=self.app.clock.today(),
                scope=who.community,
                as_known_on=as_known_on,
            )
        shown = disclosure_for(who)
        rows = tuple(replace(row, names=shown.names(row.names, Place.LISTS)) for row in page.rows)
        return replace(page, rows=rows)
