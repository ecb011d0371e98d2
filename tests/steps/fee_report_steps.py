"""Steps for the social maintenance fee report (征收面, 征收额): thin wrappers over FeeReports.

Texts say 社会抚养费征收情况, 征收面, 征收额 or 决定书 so that none can bind to a
petition or approval report step.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from pytest_bdd import parsers, then, when

from tests.steps.world import World
from tracker.clock import SHANGHAI
from tracker.money import Money
from tracker.projections.fee_facts import FeeFigures, FeeReport
from tracker.projections.reporting import Ratio
from tracker.services.fee_reports import FeeReports

PERIOD = r"\d{4}(?:-Q[1-4]|-\d{2})?"
DAY = r"\d{4}-\d{2}-\d{2}"
COMMUNITY = r'社区 "(?P<community>[a-z-]+)" '
# Who asks, for which scope and period, on which report date, as known on which day.
ASK = (
    rf'^"(?P<username>\w+)" 查询(?: |{COMMUNITY})(?P<period>{PERIOD}) '
    rf"(?:截至 (?P<day>{DAY}) )?(?:按 (?P<known>{DAY}) 当日所知)?"
)
# "无案件", or "3/4（75.0%）"; amounts as "12,500.00/25,000.00 元（50.0%）".
RATE = r"(?P<rate>无案件|[\d,.]+/[\d,.]+(?: 元)?（[\d.]+%）)"
_SHOWN = re.compile(r"^(?P<num>[\d,.]+)/(?P<den>[\d,.]+)(?P<yuan> 元)?（(?P<percent>[\d.]+)%）$")


def end_of(day: str | None) -> datetime | None:
    """As known on a day: everything recorded by the end of that day (office time)."""
    if day is None:
        return None
    return datetime.combine(date.fromisoformat(day), time.max, SHANGHAI)


def matches(ratio: Ratio, shown: str) -> None:
    """Checks a rate against its text: numerator, denominator (yuan for amounts), per cent."""
    if shown == "无案件":
        assert ratio.no_cases, f"expected no cases, got {ratio}"
        assert ratio.value is None
        return
    found = _SHOWN.match(shown)
    assert found is not None, shown
    if found["yuan"]:
        expected = (Money.parse(found["num"]).fen, Money.parse(found["den"]).fen)
    else:
        expected = (int(found["num"]), int(found["den"]))
    assert (ratio.numerator, ratio.denominator) == expected, f"{ratio} is not {shown}"
    assert str(ratio.percent()) == found["percent"], f"{ratio} is not {shown}"


@when(parsers.re(ASK + "的社会抚养费征收情况$"))
def ask(
    world: World,
    username: str,
    community: str | None,
    period: str,
    day: str | None,
    known: str | None,
) -> None:
    world.attempt(
        lambda: FeeReports(world.app).report(
            world.user(username),
            period,
            community=community,
            report_date=date.fromisoformat(day) if day else None,
            as_known_on=end_of(known),
        )
    )


def _figures(world: World, community: str | None) -> FeeFigures:
    report = world.succeeded()
    assert isinstance(report, FeeReport), report
    if community is None:
        return report.total
    (figures,) = (f for f in report.by_community if f.community == community)
    return figures


@then(parsers.re(rf"^(?:{COMMUNITY}的)?征收决定共 (?P<count>\d+) 件，已缴款 (?P<paying>\d+) 件$"))
def case_count(world: World, community: str | None, count: str, paying: str) -> None:
    figures = _figures(world, community)
    assert (figures.cases, figures.paying) == (int(count), int(paying))


@then(parsers.re(rf"^(?:{COMMUNITY}的)?征收面为 {RATE}$"))
def coverage_is(world: World, community: str | None, rate: str) -> None:
    matches(_figures(world, community).coverage, rate)


@then(parsers.re(rf"^(?:{COMMUNITY}的)?征收额为 {RATE}$"))
def amount_rate_is(world: World, community: str | None, rate: str) -> None:
    figures = _figures(world, community)
    matches(figures.amount_rate, rate)
    assert figures.collected.fen == figures.amount_rate.numerator
    assert figures.assessed.fen == figures.amount_rate.denominator


@then(parsers.re(r"^滞纳金合计 (?P<amount>[\d,]+\.\d{2}) 元，不计入征收额$"))
def late_fees_total(world: World, amount: str) -> None:
    figures = _figures(world, None)
    assert figures.late_fees == Money.parse(amount), f"late fees {figures.late_fees}"
    paid = sum(c.paid.fen for c in world.succeeded().cases)
    assert figures.amount_rate.numerator == paid


@then(
    parsers.re(
        r'^决定书 "(?P<number>[^"]+)" 截至报表日状态为 "(?P<stage>[a-z_]+)"，'
        r"已缴 (?P<paid>[\d,.]+) 元，尚欠 (?P<outstanding>[\d,.]+) 元，"
        r"滞纳金 (?P<late>[\d,.]+) 元$"
    )
)
def case_figures(
    world: World, number: str, stage: str, paid: str, outstanding: str, late: str
) -> None:
    report = world.succeeded()
    assert isinstance(report, FeeReport), report
    (case,) = (c for c in report.cases if c.decision_number == number)
    assert case.stage == stage
    assert case.paid == Money.parse(paid), f"paid {case.paid}"
    assert case.outstanding == Money.parse(outstanding), f"outstanding {case.outstanding}"
    assert case.late_fee == Money.parse(late), f"late fee {case.late_fee}"
    assert report.late_fee_as_of == report.report_date


@then(parsers.re(rf"^征收情况的报表日期为 (?P<day>{DAY})，只含社区 \"(?P<community>[a-z-]+)\"$"))
def scoped_to(world: World, day: str, community: str) -> None:
    report = world.succeeded()
    assert isinstance(report, FeeReport), report
    assert report.report_date == date.fromisoformat(day)
    assert report.community == community
    assert [f.community for f in report.by_community] == [community]
    assert {c.community for c in report.cases} <= {community}
