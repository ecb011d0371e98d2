"""Steps for petition figures: thin wrappers over PetitionReports."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
from pytest_bdd import given, parsers, then, when

from tests.steps.world import World
from tracker.projections.petition_reports import (
    ClosureFigures,
    ClosureReport,
    NoCheck,
    ThreeNosFigures,
    ThreeNosReport,
)
from tracker.services.petition_reports import PetitionReports

PERIOD = r"\d{4}(?:-Q[1-4]|-\d{2})?"
DAY = r"\d{4}-\d{2}-\d{2}"
COMMUNITY = r'社区 "(?P<community>[a-z-]+)" '
RATE = r"(?P<rate>无案件|\d+/\d+)"
CHECKS = {"无集体访": "collective", "无越级访": "skip_level", "无积案": "backlog"}


@pytest.fixture
def moments() -> dict[str, datetime]:
    """Recording moments the scenario named, for "as known on" questions."""
    return {}


@given(parsers.parse('记下此刻为 "{name}"'))
def remember_now(world: World, moments: dict[str, datetime], name: str) -> None:
    moments[name] = world.clock.now()


@when(
    parsers.re(
        rf'^"(?P<username>\w+)" 查询(?: |{COMMUNITY})(?P<period>{PERIOD}) '
        rf"(?:截至 (?P<day>{DAY}) )?"
        r'(?:按"(?P<moment>[^"]+)"时所知)?的(?P<report>结案率|三无情况)$'
    )
)
def ask(
    world: World,
    moments: dict[str, datetime],
    username: str,
    community: str | None,
    period: str,
    day: str | None,
    moment: str | None,
    report: str,
) -> None:
    reports = PetitionReports(world.app)
    query = reports.closure if report == "结案率" else reports.three_nos
    world.attempt(
        lambda: query(
            world.user(username),
            period,
            community=community,
            report_date=date.fromisoformat(day) if day else None,
            as_known_on=moments[moment] if moment else None,
        )
    )


def _names(world: World, ids: tuple[str, ...]) -> list[str]:
    named = {str(case_id): name for name, case_id in world.cases.items() if name != "current"}
    return sorted(named.get(case_id, case_id) for case_id in ids)


def _listed(text: str) -> list[str]:
    return sorted(re.findall(r'"([^"]+)"', text))


def _closure(world: World, community: str | None) -> ClosureFigures:
    report = world.succeeded()
    assert isinstance(report, ClosureReport), report
    return report.total if community is None else report.community(community)


def _three_nos(world: World, community: str | None) -> ThreeNosFigures:
    report = world.succeeded()
    assert isinstance(report, ThreeNosReport), report
    return report.total if community is None else report.community(community)


def _rate(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator}" if denominator else "无案件"


@then(parsers.re(rf"^(?:{COMMUNITY}的)?结案率为 {RATE}$"))
def closure_rate_is(world: World, community: str | None, rate: str) -> None:
    figures = _closure(world, community)
    assert _rate(len(figures.closed), len(figures.accepted)) == rate
    assert (figures.rate is None) is (rate == "无案件")


@then(parsers.re(rf"^(?:{COMMUNITY}的)?按期办结率为 {RATE}$"))
def on_time_rate_is(world: World, community: str | None, rate: str) -> None:
    figures = _closure(world, community)
    assert _rate(len(figures.on_time), len(figures.closed)) == rate
    assert (figures.on_time_rate is None) is (rate == "无案件")


@then(parsers.re(r"^(?P<which>受理|已办结|按期办结|逾期办结|未办结)的件为 (?P<names>.+)$"))
def cases_behind(world: World, which: str, names: str) -> None:
    figures = _closure(world, None)
    ids = {
        "受理": figures.accepted,
        "已办结": figures.closed,
        "按期办结": figures.on_time,
        "逾期办结": figures.late,
        "未办结": figures.still_open,
    }[which]
    assert _names(world, ids) == ([] if names == "无" else _listed(names))


@then(
    parsers.re(
        rf'^(?:{COMMUNITY}的)?"(?P<check>无集体访|无越级访|无积案)"(?P<verdict>达标|未达标)'
        r"(?:，共 (?P<count>\d+) 件(?:：(?P<names>.+))?)?$"
    )
)
def check_is(
    world: World,
    community: str | None,
    check: str,
    verdict: str,
    count: str | None,
    names: str | None,
) -> None:
    result: NoCheck = getattr(_three_nos(world, community), CHECKS[check])
    assert result.met is (verdict == "达标"), _names(world, result.cases)
    if count is not None:
        assert result.count == int(count)
    if names is not None:
        assert _names(world, result.cases) == _listed(names)


@then(parsers.re(r"^(?:社区 \"(?P<community>[a-z-]+)\" 的)?三无(?P<verdict>全部达标|未全部达标)$"))
def all_three(world: World, community: str | None, verdict: str) -> None:
    assert _three_nos(world, community).met is (verdict == "全部达标")


@then(parsers.parse('报表只含社区 "{community}" 的数字'))
def only_community(world: World, community: str) -> None:
    report = world.succeeded()
    assert isinstance(report, ClosureReport | ThreeNosReport)
    assert report.total.community == community
    assert report.communities == ()


@then(parsers.parse("报表含全部社区的合计，并按 {count:d} 个社区分列"))
def all_communities(world: World, count: int) -> None:
    report = world.succeeded()
    assert isinstance(report, ClosureReport | ThreeNosReport)
    assert report.total.community is None
    assert len(report.communities) == count


@then(parsers.parse("报表日期为 {day}"))
def report_date_is(world: World, day: str) -> None:
    report = world.succeeded()
    assert isinstance(report, ClosureReport | ThreeNosReport)
    assert report.report_date == date.fromisoformat(day)


@when(parsers.parse('接着办理 "{name}"'))
def continue_with(world: World, name: str) -> None:
    world.cases["current"] = world.cases[name]
