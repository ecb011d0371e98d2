"""Petition figures for a period and a scope: closure rates and the three no's (三无).

Reads the ``petition_facts`` read model after bringing it up to date, so a
report asked for after a command includes that command.  A community user
gets their own community's figures; the sub-district gets all communities
with a breakdown, or one community when it names one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TypeVar

from tracker.periods import Period
from tracker.permissions import Principal
from tracker.projections import petition_reports as reports
from tracker.projections.petition_facts import PetitionFacts
from tracker.projections.petition_reports import (
    ClosureReport,
    PetitionFigures,
    ThreeNosReport,
)
from tracker.services.base import Service
from tracker.services.report_options import report_options

R = TypeVar("R")


class PetitionReports(Service):
    def closure(
        self,
        who: Principal,
        period: Period | str,
        community: str | None = None,
        report_date: date | None = None,
        as_known_on: datetime | None = None,
    ) -> ClosureReport:
        """Closure rate and on-time closure rate (结案率、按期办结率)."""
        return self._ask(who, reports.closure_rate, period, community, report_date, as_known_on)

    def three_nos(
        self,
        who: Principal,
        period: Period | str,
        community: str | None = None,
        report_date: date | None = None,
        as_known_on: datetime | None = None,
    ) -> ThreeNosReport:
        """No collective, no skip-level petition, no backlog case (三无)."""
        return self._ask(who, reports.three_nos, period, community, report_date, as_known_on)

    def figures(
        self,
        who: Principal,
        period: Period | str,
        community: str | None = None,
        report_date: date | None = None,
        as_known_on: datetime | None = None,
    ) -> PetitionFigures:
        """Both reports in one read, as ``recompute`` gives them from the events."""
        return self._ask(who, reports.figures, period, community, report_date, as_known_on)

    def _ask(
        self,
        who: Principal,
        query: Callable[..., R],
        period: Period | str,
        community: str | None,
        report_date: date | None,
        as_known_on: datetime | None,
    ) -> R:
        asked = report_options(self.app, who, period, community, report_date, as_known_on)
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            result: R = query(
                cursor,
                views.suffix(cursor, PetitionFacts.name),
                asked.period,
                asked.community,
                asked.report_date,
                asked.as_known_on,
                communities=asked.communities if asked.community is None else (),
            )
            return result
