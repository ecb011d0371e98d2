"""Reports for a period, a community and an "as known on" day: petition closure and the three
no's, fee collection, and the approval pipeline, each a chart with its table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import Field

from tracker.application import Tracker
from tracker.permissions import Principal
from tracker.projections.reporting import Ratio
from web.pages.case_page import known_on
from web.query import QueryFilters
from web.rendering import render
from web.security import current_user

router = APIRouter()


class ReportFilters(QueryFilters):
    period: str | None = Field(default=None, pattern=r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$")
    community: str | None = Field(default=None, max_length=40)
    report_date: date | None = None
    as_of: date | None = None

    def url(self) -> str:
        shown = {k: str(v) for k, v in self.model_dump().items() if v is not None}
        return f"/reports?{urlencode(shown)}" if shown else "/reports"

    def chosen_period(self, today: date) -> str:
        """The period asked for; by default the month of ``today``."""
        return self.period or f"{today.year}-{today.month:02d}"

    def options(self, today: date) -> dict[str, Any]:
        """The keyword arguments every report service takes besides the user and the period."""
        return {
            "community": self.community,
            "report_date": self.report_date,
            "as_known_on": None if self.as_of is None else known_on(self.as_of, today),
        }


def percent(value: Fraction | Ratio | None) -> Decimal | None:
    """A share in per cent with one decimal, or None for "no cases"."""
    if isinstance(value, Ratio):
        return value.percent()
    if value is None:
        return None
    return Ratio(value.numerator, value.denominator).percent()


@router.get("/reports", include_in_schema=False)
def reports(
    request: Request,
    who: Annotated[Principal, Depends(current_user)],
    filters: Annotated[ReportFilters, Query()],
) -> Response:
    app: Tracker = request.app.state.tracker
    period = filters.chosen_period(app.clock.today())
    asked = filters.options(app.clock.today())
    petitions = app.petition_reports.figures(who, period, **asked)
    fees = app.fee_reports.report(who, period, **asked)
    approvals = app.approval_reports.report(who, period, **asked)
    names = {c.code: c.name for c in app.policy.communities}

    def bars(rows: Sequence[Any], total: Any, share: str) -> list[tuple[str, Decimal | None]]:
        """Per community when there is a breakdown, else the one scope asked for."""
        shown = rows or (total,)
        return [
            (names.get(r.community, r.community or ""), percent(getattr(r, share))) for r in shown
        ]

    context = {
        "who": who,
        "filters": filters,
        "period": period,
        "petitions": petitions,
        "fees": fees,
        "approvals": approvals,
        "charts": {
            "closure": bars(petitions.closure.communities, petitions.closure.total, "rate"),
            "fees": bars(fees.by_community, fees.total, "amount_rate"),
            "approvals": bars(approvals.by_community, approvals.total, "on_time_rate"),
        },
        "communities": app.policy.communities if who.community is None else (),
        "percent": percent,
    }
    return render(request, "reports.html", context, block="reports")
