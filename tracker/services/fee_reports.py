"""Social maintenance fee reports (征收面, 征收额) for a period, a scope and a report date."""

from __future__ import annotations

from datetime import date, datetime

from tracker.periods import Period
from tracker.permissions import Principal
from tracker.projections.fee_facts import FeeFacts, FeeReport, fee_report
from tracker.services.base import Service
from tracker.services.report_options import report_options


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
        asked = report_options(self.app, who, period, community, report_date, as_known_on)
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            return fee_report(
                cursor,
                views.suffix(cursor, FeeFacts.name),
                asked.period,
                report_date=asked.report_date,
                communities=asked.communities,
                abolished_on=self.app.policy.abolished_on,
                community=asked.community,
                as_known_on=asked.as_known_on,
                late_fee_as_of=late_fee_as_of,
            )
