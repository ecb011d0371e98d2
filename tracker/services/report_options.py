"""What every report is asked with: a period, a scope, a report date and an "as known on" moment.

One place for the defaults and refusals, so the petition, fee and approval
reports answer the same question the same way.  Asked "as known on" a past
moment, a report defaults to the report date it had on that day, so that it
reproduces what was shown then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from tracker.errors import FutureDate, InvalidValue
from tracker.periods import Period
from tracker.permissions import Action, Principal

if TYPE_CHECKING:
    from tracker.application import Tracker


@dataclass(frozen=True)
class ReportOptions:
    period: Period
    community: str | None  # None: every community, with a breakdown
    report_date: date
    as_known_on: datetime | None  # None: now
    communities: tuple[str, ...]  # the configured ones, in order


def report_options(
    app: Tracker,
    who: Principal,
    period: Period | str,
    community: str | None,
    report_date: date | None,
    as_known_on: datetime | None,
) -> ReportOptions:
    who.require(Action.READ_CASES)
    chosen = period if isinstance(period, Period) else Period.parse(period)
    if community is None:
        scope = who.community
    else:
        scope = app.policy.community(community).code
        if not who.sees(scope):
            raise InvalidValue(field="community", problem="outside your community")
    if as_known_on is not None:
        if as_known_on.tzinfo is None or as_known_on.utcoffset() is None:
            raise InvalidValue(field="as_known_on", problem="a moment with its time zone")
        # The end of today is a fair question (a day picked in a form); tomorrow is not.
        if app.today(as_known_on) > app.clock.today():
            raise FutureDate(field="as_known_on", value=as_known_on)
    if report_date is None:
        report_date = chosen.default_report_date(app.today(as_known_on))
    elif report_date > app.clock.today():
        raise FutureDate(field="report_date", value=report_date)
    return ReportOptions(
        period=chosen,
        community=scope,
        report_date=report_date,
        as_known_on=as_known_on,
        communities=tuple(c.code for c in app.policy.communities),
    )
