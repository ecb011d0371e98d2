"""Steps that go through the web pages: a real server on the scenario's store, real HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from pytest_bdd import parsers, then, when

from tests.steps.common import PASSWORD
from tests.steps.world import World
from tests.web import csrf_of, served, signed_in
from tracker.settings import Settings


@pytest.fixture
def web_base(store: Settings, world: World) -> Iterator[str]:
    """The web app on the scenario's store and clock, started the first time a step needs it."""
    with served(store, world.clock) as base:
        yield base


def _case_url(world: World) -> str:
    return f"/petitions/{world.case}"


def _get(web_base: str, username: str, path: str, **params: str | int) -> httpx.Response:
    """One page as ``username`` sees it, in a session of its own."""
    with signed_in(web_base, username, PASSWORD) as client:
        return client.get(path, params=params)


@when(parsers.parse('"{username:w}" 在网页上打开该件'))
def open_case_page(world: World, web_base: str, username: str) -> None:
    world.result = _get(web_base, username, _case_url(world))


@when(parsers.parse('"{username:w}" 在网页上打开首页'))
def open_home(world: World, web_base: str, username: str) -> None:
    world.result = _get(web_base, username, "/")


@when(parsers.parse('"{username:w}" 在网页上打开案件列表'))
def open_case_list(world: World, web_base: str, username: str) -> None:
    world.result = _get(web_base, username, "/cases")


@when(parsers.parse('"{username:w}" 在网页上打开该件的操作记录'))
def open_timeline(world: World, web_base: str, username: str) -> None:
    world.result = _get(web_base, username, f"/audit{_case_url(world)}")


@when(parsers.parse('"{username:w}" 在网页上导出该件的操作记录'))
def export_trail(world: World, web_base: str, username: str) -> None:
    world.result = _get(web_base, username, f"/audit{_case_url(world)}/trail.csv")


@when(parsers.parse('"{username:w}" 通过接口读取该件'))
def read_through_api(world: World, web_base: str, username: str) -> None:
    world.result = _get(web_base, username, f"/api/cases/petition/{world.case}")


@when(parsers.parse('"{username:w}" 在网页上受理该件'))
def accept_on_page(world: World, web_base: str, username: str) -> None:
    with signed_in(web_base, username, PASSWORD) as client:
        token = csrf_of(client.get("/").text)
        world.result = client.post(
            f"{_case_url(world)}/accept",
            data={"csrf_token": token, "expected_version": "1", "accepted_on": "2026-03-02"},
            headers={"X-CSRF-Token": ""},
        )


@when(parsers.parse('"{username:w}" 在网页上提交一张不带令牌的受理表单'))
def post_without_token(world: World, web_base: str, username: str) -> None:
    with signed_in(web_base, username, PASSWORD) as client:
        world.result = client.post(
            f"{_case_url(world)}/accept",
            data={"expected_version": "1", "accepted_on": "2026-03-02"},
            headers={"X-CSRF-Token": ""},
        )


@when(parsers.parse('有人在网页上以 "{username}" 和密码 "{password}" 登录'))
def sign_in_as(world: World, web_base: str, username: str, password: str) -> None:
    with httpx.Client(base_url=web_base) as client:
        token = csrf_of(client.get("/login").text)
        world.result = client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )


@then(parsers.parse("网页回答 {status:d}"))
def answered(world: World, status: int) -> None:
    assert isinstance(world.result, httpx.Response)
    assert world.result.status_code == status, world.result.text[:500]


@then(parsers.parse('网页显示 "{text}"'))
def page_shows(world: World, text: str) -> None:
    assert isinstance(world.result, httpx.Response)
    assert text in world.result.text


@then(parsers.parse('网页不显示 "{text}"'))
def page_does_not_show(world: World, text: str) -> None:
    assert isinstance(world.result, httpx.Response)
    assert text not in world.result.text


@then("网页上没有可办理的操作")
def no_actions(world: World) -> None:
    assert isinstance(world.result, httpx.Response)
    assert world.result.status_code == 200
    assert re.search(r'<form id="form-', world.result.text) is None


@when(parsers.parse('"{username:w}" 在网页上打开该件在 {day} 日终时所知的情况'))
def open_case_as_of(world: World, web_base: str, username: str, day: str) -> None:
    world.result = _get(web_base, username, _case_url(world), as_of=day)


@when(parsers.parse('"{username:w}" 在网页上回放该件的第 {step:d} 步'))
def replay_step(world: World, web_base: str, username: str, step: int) -> None:
    world.result = _get(web_base, username, f"/audit{_case_url(world)}/replay", step=step)
