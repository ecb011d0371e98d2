"""Steps every feature shares: today's date, users, success and refusal."""

from __future__ import annotations

from datetime import date

import pytest
from pytest_bdd import given, parsers, then

from tests.steps.world import READER, ROLE_NAMES, World
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.roles import Role

ADMIN = "admin"
PASSWORD = "demo-password-1"


@pytest.fixture
def world(app: Tracker, clock: FixedClock) -> World:
    admin = app.accounts.create_first_admin(ADMIN, "系统管理员", PASSWORD)
    app.accounts.create(
        app.accounts.principal(admin.username),
        username=READER,
        display_name="审计员",
        password=PASSWORD,
        community=None,
        roles=(Role.AUDITOR,),
    )
    return World(app=app, clock=clock)


@given(parsers.parse("今天是 {day}"))
def today_is(world: World, day: str) -> None:
    world.clock.set(FixedClock.on(date.fromisoformat(day)).now())


USER = (
    r'(?P<scope>社区 "(?P<community>[a-z-]+)" 的|街道的)'
    r'(?P<role>\S+?) "(?P<username>[a-z0-9_]+)"$'
)


@given(parsers.re(USER))
def a_user(world: World, scope: str, community: str | None, role: str, username: str) -> None:
    roles = tuple(Role(ROLE_NAMES[name]) for name in role.split("兼"))
    world.app.accounts.create(
        world.user(ADMIN),
        username=username,
        display_name=username,
        password=PASSWORD,
        community=community if scope.startswith("社区") else None,
        roles=roles,
    )


@then("操作成功")
def succeeded(world: World) -> None:
    world.succeeded()


@then(parsers.parse('操作被拒绝，原因是 "{code}"'))
def refused(world: World, code: str) -> None:
    error = world.refusal()
    assert type(error).__name__ == code, f"refused with {error!r}"
    assert not world.written, "a refused command wrote to the store"
