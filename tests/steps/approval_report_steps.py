"""Steps for the second-birth approval report: thin wrappers over ApprovalReports.

Texts say 再生育 or name the approval rates (按期审批率, 送证率, 张榜公示合规率)
so that none can bind to a petition or fee report step.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from pytest_bdd import parsers, then, when

from tests.steps.fee_report_steps import ASK, COMMUNITY, DAY, RATE, end_of, matches
from tests.steps.world import World
from tracker.projections.approval_facts import ApprovalFigures, ApprovalReport
from tracker.services.approval_reports import ApprovalReports


@when(parsers.re(ASK + "的再生育审批情况$"))
def ask(
    world: World,
    username: str,
    community: str | None,
    period: str,
    day: str | None,
    known: str | None,
) -> None:
    world.attempt(
        lambda: ApprovalReports(world.app).report(
            world.user(username),
            period,
            community=community,
            report_date=date.fromisoformat(day) if day else None,
            as_known_on=end_of(known),
        )
    )


def _report(world: World) -> ApprovalReport:
    report = world.succeeded()
    assert isinstance(report, ApprovalReport), report
    return report


def _figures(world: World, community: str | None) -> ApprovalFigures:
    report = _report(world)
    if community is None:
        return report.total
    (figures,) = (f for f in report.by_community if f.community == community)
    return figures


@then(parsers.re(rf"^(?:{COMMUNITY}的)?期内受理再生育申请 (?P<count>\d+) 件$"))
def applications(world: World, community: str | None, count: str) -> None:
    assert _figures(world, community).applications == int(count)


@then(parsers.re(r"^期内受理的再生育申请截至报表日的阶段为 (?P<stages>.+)$"))
def stages(world: World, stages: str) -> None:
    """``"posted" 1 件、"applied" 1 件``: every other stage has none."""
    parts = re.findall(r'"([a-z_]+)" (\d+) 件', stages)
    assert len(parts) == len(stages.split("、")), stages
    expected = {stage: int(count) for stage, count in parts}
    counts = {stage: n for stage, n in _figures(world, None).by_stage.items() if n}
    assert counts == expected


@then(parsers.re(rf"^(?:{COMMUNITY}的)?期内作出审批决定 (?P<count>\d+) 件，按期审批率为 {RATE}$"))
def on_time(world: World, community: str | None, count: str, rate: str) -> None:
    figures = _figures(world, community)
    assert figures.decisions == int(count)
    matches(figures.on_time_rate, rate)


@then(parsers.re(rf"^(?:{COMMUNITY}的)?期内批准 (?P<count>\d+) 件，送证率为 {RATE}$"))
def delivery(world: World, community: str | None, count: str, rate: str) -> None:
    figures = _figures(world, community)
    assert figures.approvals == int(count)
    matches(figures.delivery_rate, rate)


@then(parsers.re(r"^申请至送证天数的中位数为 (?P<days>无|[\d.]+ 天)$"))
def median_days(world: World, days: str) -> None:
    found = _figures(world, None).median_days_to_delivery
    assert found == (None if days == "无" else Decimal(days.removesuffix(" 天"))), found


@then(parsers.re(rf"^(?:{COMMUNITY}的)?张榜公示合规率为 {RATE}$"))
def posting(world: World, community: str | None, rate: str) -> None:
    matches(_figures(world, community).posting_compliance, rate)


@then(parsers.re(rf"^审批情况的报表日期为 (?P<day>{DAY})，只含社区 \"(?P<community>[a-z-]+)\"$"))
def scoped_to(world: World, day: str, community: str) -> None:
    report = _report(world)
    assert report.report_date == date.fromisoformat(day)
    assert report.community == community
    assert [f.community for f in report.by_community] == [community]
    assert {c.community for c in report.cases} <= {community}
