"""Social maintenance fee reports (征收面, 征收额) for a period, a scope and a report date."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from tracker.errors import InvalidValue
from tracker.periods import Period
from tracker.permissions import Action, Principal
from tracker.projections.fee_facts import FeeFacts, FeeReport, fee_report
from tracker.services.base import Service

if TYPE_CHECKING:
    from tracker.application import Tracker


def report_scope(app: Tracker, who: Principal, community: str | None) -> str | None:
    """The community a report covers: the user's own unless asked, never another's.

    A sub-district user sees every community (None) or the one asked for; a
    community user sees only their own, and asking for another is refused.
    """
    who.require(Action.READ_CASES)
    if community is None:
        return who.community
    code = app.policy.community(community).code
    if not who.sees(code):
        raise InvalidValue(field="community", problem="outside your community")
    return code


def report_period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def require_aware(as_known_on: datetime | None) -> datetime | None:
    if as_known_on is not None and as_known_on.tzinfo is None:
        raise InvalidValue(field="as_known_on", problem="a moment with its time zone")
    return as_known_on


class FeeReports(Service):
    def report(
        self,
        who: Principal,
        period: Period | str,
        *,
        community: str | None = None,
        report_date: date | None = None,
        as_known_on: datetime | None = None,
        late_fee_as_of: date | None = None,
    ) -> FeeReport:
        """Coverage and amount rate of the cases decided in the period, as of the report date.

        The report date defaults to the period's last day (today while it
        runs); ``as_known_on`` (default now) shows what was recorded by then;
        late fees are computed as of ``late_fee_as_of`` (the report date).
        """
        scope = report_scope(self.app, who, community)
        chosen = report_period(period)
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            return fee_report(
                cursor,
                views.suffix(cursor, FeeFacts.name),
                chosen,
                report_date=report_date or chosen.default_report_date(self.app.clock.today()),
                communities=[c.code for c in self.app.policy.communities],
                abolished_on=self.app.policy.abolished_on,
                community=scope,
                as_known_on=require_aware(as_known_on),
                late_fee_as_of=late_fee_as_of,
            )
