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

from tracker.errors import FutureDate, InvalidValue
from tracker.periods import Period
from tracker.permissions import Action, Principal
from tracker.projections import petition_reports as reports
from tracker.projections.petition_facts import PetitionFacts
from tracker.projections.petition_reports import (
    ClosureReport,
    PetitionFigures,
    ThreeNosReport,
)
from tracker.services.base import Service

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
        who.require(Action.READ_CASES)
        if isinstance(period, str):
            period = Period.parse(period)
        community = self._scope(who, community)
        now = self.app.clock.now()
        today = self.app.clock.today()
        if as_known_on is not None:
            if as_known_on.tzinfo is None or as_known_on.tzinfo.utcoffset(as_known_on) is None:
                raise InvalidValue(field="as_known_on", problem="needs a time zone")
            if as_known_on > now:
                raise FutureDate(field="as_known_on", value=as_known_on)
        if report_date is None:
            report_date = reports.default_report_date(period, today, as_known_on)
        elif report_date > today:
            raise FutureDate(field="report_date", value=report_date)
        communities = [c.code for c in self.app.policy.communities] if community is None else []
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            suffix = views.suffix(cursor, PetitionFacts.name)
            result: R = query(
                cursor, suffix, period, community, report_date, as_known_on, communities=communities
            )
            return result

    def _scope(self, who: Principal, community: str | None) -> str | None:
        """The community to report on: a community user's own; None for all."""
        if community is not None:
            community = self.app.policy.community(community).code
            if not who.sees(community):
                raise InvalidValue(field="community", problem="outside your community")
            return community
        return who.community
