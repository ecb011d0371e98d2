"""The fee and approval reports: the read models agree with a recomputation from the raw events.

The demo year (fee cases decided 2019-2021, approvals 2025-12 to 2026-11) is
recorded once per store; every year and quarter is then asked for in total
and per community, on the default report date and on a later one, now and as
known on past moments, from the view tables and from the events alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction

import pytest

from tests.stores import STORES, store_settings
from tracker.application import Tracker
from tracker.clock import SHANGHAI
from tracker.demo import AUDITOR, COMMUNITY_OFFICERS, DemoYear
from tracker.errors import InvalidValue, PermissionDenied
from tracker.periods import Period
from tracker.permissions import Principal
from tracker.projections import approval_facts, fee_facts
from tracker.projections.reporting import Ratio, median
from tracker.roles import Role
from tracker.services.approval_reports import ApprovalReports
from tracker.services.fee_reports import FeeReports

TODAY = date(2026, 11, 30)


@pytest.fixture(scope="module", params=STORES)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Tracker]:
    with store_settings(request.param, tmp_path_factory.mktemp("demo")) as settings:
        year = DemoYear(settings, today=TODAY)
        year.record()
        try:
            yield year.app
        finally:
            year.close()


def _periods(*years: int) -> list[Period]:
    found = []
    for year in years:
        found.append(Period.whole_year(year))
        found += [Period.quarter(year, q) for q in range(1, 5)]
    return found


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), SHANGHAI)


def _scopes(app: Tracker) -> list[str | None]:
    return [None, *(c.code for c in app.policy.communities)]


def test_fee_figures_from_the_view_match_those_recomputed_from_the_events(demo: Tracker) -> None:
    auditor = demo.accounts.principal(AUDITOR)
    reports = FeeReports(demo)
    seen = 0
    for period in _periods(2019, 2020, 2021):
        for community in _scopes(demo):
            viewed = reports.report(auditor, period, community=community)
            assert viewed.report_date == period.last
            recomputed = fee_facts.recompute(
                demo, period, report_date=period.last, community=community
            )
            assert viewed == recomputed, (str(period), community)
            seen += viewed.total.cases if community is None else 0
        # A later report date, and what was known at two past moments, in total.
        for report_date, known in (
            (date(2021, 12, 31), None),
            (period.last, _moment(date(2020, 6, 30))),
            (date(2021, 12, 31), _moment(date(2021, 3, 31))),
        ):
            viewed = reports.report(auditor, period, report_date=report_date, as_known_on=known)
            recomputed = fee_facts.recompute(
                demo, period, report_date=report_date, as_known_on=known
            )
            assert viewed == recomputed, (str(period), report_date, known)
    assert seen == 2 * 24  # every demo case, once in its year and once in its quarter


def test_fee_totals_are_the_sums_of_the_communities(demo: Tracker) -> None:
    report = FeeReports(demo).report(demo.accounts.principal(AUDITOR), "2020")
    parts = report.by_community
    assert [f.community for f in parts] == [c.code for c in demo.policy.communities]
    assert report.total.cases == sum(f.cases for f in parts) > 0
    assert report.total.paying == sum(f.paying for f in parts)
    assert report.total.assessed.fen == sum(f.assessed.fen for f in parts)
    assert report.total.collected.fen == sum(f.collected.fen for f in parts)
    assert report.total.late_fees.fen == sum(f.late_fees.fen for f in parts)
    assert report.total.coverage == Ratio(report.total.paying, report.total.cases)


def test_approval_figures_from_the_view_match_those_recomputed_from_the_events(
    demo: Tracker,
) -> None:
    auditor = demo.accounts.principal(AUDITOR)
    reports = ApprovalReports(demo)
    months = [Period.month(2026, m) for m in range(1, 12)]
    applications = 0
    for period in [*_periods(2025, 2026), *months]:
        report_date = period.default_report_date(TODAY)
        for community in _scopes(demo):
            viewed = reports.report(auditor, period, community=community, report_date=report_date)
            recomputed = approval_facts.recompute(
                demo, period, report_date=report_date, community=community
            )
            assert viewed == recomputed, (str(period), community)
            if community is None and period.kind.value == "year":
                applications += viewed.total.applications
        for other_date, known in (
            (period.first, None),
            (report_date, _moment(date(2026, 5, 31))),
        ):
            viewed = reports.report(auditor, period, report_date=other_date, as_known_on=known)
            recomputed = approval_facts.recompute(
                demo, period, report_date=other_date, as_known_on=known
            )
            assert viewed == recomputed, (str(period), other_date, known)
    assert applications == 40
    # The rules make posting compliance 100%, and the report shows it.
    year = reports.report(auditor, "2026", report_date=TODAY)
    assert year.total.approvals > 0
    assert year.total.posting_compliance.value == 1


def test_a_rebuilt_read_model_gives_the_same_reports(demo: Tracker) -> None:
    auditor = demo.accounts.principal(AUDITOR)
    fees, approvals = FeeReports(demo), ApprovalReports(demo)
    before = (fees.report(auditor, "2020"), approvals.report(auditor, "2026"))
    demo.views.rebuild("fee_facts")
    demo.views.rebuild("approval_facts")
    assert (fees.report(auditor, "2020"), approvals.report(auditor, "2026")) == before


def test_a_community_user_sees_only_their_community(demo: Tracker) -> None:
    officer = demo.accounts.principal(COMMUNITY_OFFICERS["xinmin"])
    report = FeeReports(demo).report(officer, "2020")
    assert report.community == "xinmin"
    assert [f.community for f in report.by_community] == ["xinmin"]
    assert {c.community for c in report.cases} <= {"xinmin"}
    assert report.total == report.by_community[0]
    with pytest.raises(InvalidValue) as refused:
        ApprovalReports(demo).report(officer, "2026", community="dongjie")
    assert refused.value.params == {"field": "community", "problem": "outside your community"}
    with pytest.raises(InvalidValue):
        FeeReports(demo).report(officer, "2020", community="nowhere")
    with pytest.raises(InvalidValue):
        FeeReports(demo).report(officer, "2020-13")


def test_reading_reports_needs_a_reading_role(demo: Tracker) -> None:
    admin = Principal("admin", frozenset({Role.ADMIN}), None)
    with pytest.raises(PermissionDenied):
        FeeReports(demo).report(admin, "2020")
    with pytest.raises(PermissionDenied):
        ApprovalReports(demo).report(admin, "2026")


def test_a_rate_over_no_cases_has_no_value() -> None:
    nothing = Ratio(0, 0)
    assert nothing.no_cases
    assert nothing.value is None
    assert nothing.percent() is None
    assert nothing.meets(Fraction(3, 4)) is None
    assert str(nothing) == "无案件"
    half = Ratio(1, 2)
    assert half.value == Fraction(1, 2)
    assert half.percent() == Decimal("50.0")
    assert Ratio(2, 3).percent(2) == Decimal("66.67")
    assert Ratio(3, 4).meets(Fraction(3, 4)) is True
    assert Ratio(0, 5).percent() == Decimal("0.0")
    with pytest.raises(ValueError, match="not a rate"):
        Ratio(3, 2)


def test_median_is_exact() -> None:
    assert median([]) is None
    assert median([5]) == 5
    assert median([9, 1, 5]) == 5
    assert median([22, 33]) == Decimal("27.5")
