"""Steps of features/sign_in.feature: attempts through the sign-in service, read back as audited."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from pytest_bdd import given, parsers, then, when

from tests.steps.common import PASSWORD
from tests.steps.world import World
from tracker.aggregates.sign_in import SessionEnd
from tracker.errors import TrackerError

WRONG = "not-the-password"
RESULTS = {
    "signed_in": "成功",
    "failed": "失败",
    "locked": "锁定",
    "signed_out": "主动退出",
    "idle": "超时",
    "password_changed": "改密后结束",
}


def _fail(world: World, username: str, address: str) -> None:
    world.attempt(lambda: world.app.sign_ins.sign_in(username, WRONG, address))
    error = world.refusal()
    assert type(error).__name__ == "AuthenticationFailed", repr(error)
    assert world.written, "a failed sign-in was not recorded"


@given(parsers.parse('"{username:w}" 从地址 "{address}" 用错误密码登录失败 {times:d} 次'))
@when(parsers.parse('"{username:w}" 从地址 "{address}" 用错误密码登录失败 {times:d} 次'))
def failures(world: World, username: str, address: str, times: int) -> None:
    for _ in range(times):
        _fail(world, username, address)


@given(parsers.parse('从地址 "{address}" 用 {count:d} 个不同的用户名各登录失败 1 次'))
def spread_failures(world: World, address: str, count: int) -> None:
    for number in range(count):
        _fail(world, f"guess{number}", address)


@given(parsers.parse('"{username:w}" 从地址 "{address}" 用密码 "{password}" 登录'))
@when(parsers.parse('"{username:w}" 从地址 "{address}" 用密码 "{password}" 登录'))
def sign_in(world: World, username: str, address: str, password: str) -> None:
    world.attempt(lambda: world.app.sign_ins.sign_in(username, password, address))


@given(parsers.parse('"{username:w}" 退出登录'))
def sign_out(world: World, username: str) -> None:
    session = world.succeeded()
    world.app.sign_ins.sign_out(session.sign_in_id, SessionEnd.SIGNED_OUT)


@when(parsers.parse("过了 {minutes:d} 分钟"))
def time_passes(world: World, minutes: int) -> None:
    world.clock.set(world.clock.now() + timedelta(minutes=minutes))


@then(parsers.parse('登录被拒绝，原因是 "{code}"'))
def sign_in_refused(world: World, code: str) -> None:
    error = world.refusal()
    assert type(error).__name__ == code, f"refused with {error!r}"
    assert world.written, "the refused attempt was not recorded for the auditors"


@then(parsers.parse('登录成功，登录者为 "{username:w}"'))
def signed_in(world: World, username: str) -> None:
    assert world.succeeded().principal.username == username


def _sign_in_rows(world: World, username: str) -> list[list[str]]:
    """One row per decided attempt and per sign-out, oldest first, as the feed shows them."""
    page = world.app.audit_feed.feed(world.user(username), kind="sign_in", per_page=100)
    addresses: dict[object, str] = {}
    rows = []
    for row in reversed(page.rows):
        values: dict[str, Any] = {c.field: c.after for c in row.changes}
        if row.event_type == "SignInAttempted":
            addresses[row.case_id] = values["address"]
        elif row.event_type == "SignInDecided":
            address = addresses.get(row.case_id, "")
            rows.append([row.actor, address, "登录", RESULTS[values["outcome"]]])
        else:
            rows.append([row.actor, "", "退出", RESULTS[values["ended"]]])
    return rows


@then(parsers.parse('审计员 "{username:w}" 在操作记录中看到这些登录记录:'))
def sign_ins_seen(world: World, username: str, datatable: list[list[str]]) -> None:
    _header, *expected = datatable
    assert _sign_in_rows(world, username) == [[cell.strip() for cell in r] for r in expected]


@then(parsers.parse('"{username:w}" 在操作记录中看不到登录记录'))
def no_sign_ins_seen(world: World, username: str) -> None:
    assert _sign_in_rows(world, username) == []  # the feed answers them, without these rows


def _at_once(world: World, username: str, password: str, address: str, times: int) -> None:
    """Every attempt in its own thread, released at once, as parallel requests would come."""
    start = threading.Barrier(times)

    def attempt() -> str:
        start.wait()
        try:
            world.app.sign_ins.sign_in(username, password, address)
        except TrackerError as error:
            return type(error).__name__
        return "signed in"

    with ThreadPoolExecutor(max_workers=times) as pool:
        world.result = Counter(pool.map(lambda _: attempt(), range(times)))


@when(parsers.parse('"{username:w}" 从地址 "{address}" 同时用错误密码尝试登录 {times:d} 次'))
def parallel_failures(world: World, username: str, address: str, times: int) -> None:
    _at_once(world, username, WRONG, address, times)


@when(parsers.parse('"{username:w}" 从地址 "{address}" 同时用正确密码登录 {times:d} 次'))
def parallel_successes(world: World, username: str, address: str, times: int) -> None:
    _at_once(world, username, PASSWORD, address, times)


@then(parsers.parse("{times:d} 次全部登录成功"))
def all_signed_in(world: World, times: int) -> None:
    assert world.result == Counter({"signed in": times})


@then(parsers.parse("其中 {failed:d} 次因密码错误被拒绝，{locked:d} 次因锁定被拒绝"))
def parallel_outcomes(world: World, failed: int, locked: int) -> None:
    assert world.result == Counter({"AuthenticationFailed": failed, "SignInLocked": locked})
