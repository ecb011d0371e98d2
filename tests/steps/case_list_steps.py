"""Steps for case lists: thin wrappers over app.cases."""

from __future__ import annotations

from datetime import date

from pytest_bdd import parsers, then, when

from tests.steps.world import World
from tracker.clock import FixedClock
from tracker.projections.case_index import CasePage, CaseQuery


def _list(world: World, username: str, query: CaseQuery, **options: object) -> None:
    world.attempt(lambda: world.app.cases.list(world.user(username), query, **options))  # type: ignore[arg-type]


@when(parsers.parse('"{username:w}" 查看逾期案件列表'))
def overdue_list(world: World, username: str) -> None:
    _list(world, username, CaseQuery(overdue=True))


@when(parsers.parse('"{username:w}" 查看案件列表'))
def full_list(world: World, username: str) -> None:
    _list(world, username, CaseQuery())


@when(parsers.parse('"{username:w}" 搜索案件 "{text}"'))
def search(world: World, username: str, text: str) -> None:
    _list(world, username, CaseQuery(text=text))


@when(parsers.parse('"{username:w}" 查看 {day} 下班时所知的案件列表'))
def list_as_known_on(world: World, username: str, day: str) -> None:
    moment = FixedClock.on(date.fromisoformat(day), hour=18).now()
    _list(world, username, CaseQuery(), as_known_on=moment)


@then(parsers.parse("列表中有 {count:d} 件"))
def listed(world: World, count: int) -> None:
    page = world.succeeded()
    assert isinstance(page, CasePage)
    assert page.total == count, [(r.names, r.stage, r.next_deadline) for r in page.rows]
