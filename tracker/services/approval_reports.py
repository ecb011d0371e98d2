"""Second-birth approval reports: stages, on-time decisions, delivery, posting compliance."""

from __future__ import annotations

from datetime import date, datetime

from tracker.periods import Period
from tracker.permissions import Principal
from tracker.projections.approval_facts import ApprovalFacts, ApprovalReport, approval_report
from tracker.services.base import Service
from tracker.services.report_options import report_options


class ApprovalReports(Service):
    def report(
        self,
        who: Principal,
        period: Period | str,
        *,
        community: str | None = None,
        report_date: date | None = None,
        as_known_on: datetime | None = None,
    ) -> ApprovalReport:
        """The approval figures of the period as of the report date (see approval_facts).

        The report date defaults to the period's last day (today while it
        runs); ``as_known_on`` (default now) shows what was recorded by then.
        """
        asked = report_options(self.app, who, period, community, report_date, as_known_on)
        views = self.app.views
        views.refresh()
        with views.db.read() as cursor:
            return approval_report(
                cursor,
                views.suffix(cursor, ApprovalFacts.name),
                asked.period,
                report_date=asked.report_date,
                communities=asked.communities,
                community=asked.community,
                as_known_on=asked.as_known_on,
            )
