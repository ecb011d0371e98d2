"""Sign-in over real HTTP: the lockout after repeated failures, and the records auditors read."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.story import PASSWORD, hire
from tests.web import csrf_of, served, signed_in
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.settings import Settings


@pytest.fixture
def base(store: Settings, clock: FixedClock) -> Iterator[str]:
    seeded = Tracker(store, clock=clock)
    hire(seeded)
    seeded.close()
    with served(store, clock) as url:
        yield url


def _login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    token = csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def test_five_failures_lock_the_username_for_fifteen_minutes(base: str, clock: FixedClock) -> None:
    with httpx.Client(base_url=base) as client:
        assert [_login(client, "li", "wrong-password").status_code for _ in range(5)] == [401] * 5
        locked = _login(client, "li", PASSWORD)
        assert locked.status_code == 429
        assert "登录失败次数过多" in locked.text
        assert "用户名或密码错误" not in locked.text
        assert client.get("/").status_code == 303  # the right password opened nothing
        api = client.post("/api/session", json={"username": "li", "password": PASSWORD})
        assert api.status_code == 429
        assert api.json()["error"] == "SignInLocked"
        clock.advance(minutes=15)
        assert _login(client, "li", PASSWORD).status_code == 303
        assert client.get("/").status_code == 200


def test_an_unknown_username_is_locked_the_same_way(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        answers = [_login(client, "nobody", "wrong-password").status_code for _ in range(6)]
        assert answers == [401] * 5 + [429]


def test_auditors_see_sign_ins_failures_and_sign_outs_including_idle_ones(
    base: str, clock: FixedClock
) -> None:
    with httpx.Client(base_url=base) as client:
        assert _login(client, "li", "wrong-password").status_code == 401
    with signed_in(base, "li") as li:
        li.post("/logout")
    with signed_in(base, "zhao") as zhao:
        clock.advance(minutes=31)
        assert zhao.get("/").status_code == 303  # the idle session ended, and is recorded so
    with signed_in(base, "zhou") as auditor:
        feed = auditor.get("/api/audit", params={"kind": "sign_in"}).json()
        page = auditor.get("/audit/feed", params={"kind": "sign_in"}).text
    for shown in ("登录尝试 · 失败：用户名或密码错误 (127.0.0.1)", "退出登录 · 闲置超时结束"):
        assert shown in page, shown
    seen = [
        (row["actor"], row["event_type"], {c["field"]: c["after"] for c in row["changes"]})
        for row in reversed(feed["rows"])
    ]
    outcomes = [
        (actor, kind, values.get("outcome", values.get("ended"))) for actor, kind, values in seen
    ]
    assert outcomes[:5] == [
        ("li", "SignInAttempted", "failed"),
        ("li", "SignInAttempted", "signed_in"),
        ("li", "SessionEnded", "signed_out"),
        ("zhao", "SignInAttempted", "signed_in"),
        ("zhao", "SessionEnded", "idle"),
    ]
    assert seen[0][2]["address"] == "127.0.0.1"


def test_officers_cannot_read_the_sign_in_records(base: str) -> None:
    with signed_in(base, "li") as li:
        feed = li.get("/api/audit", params={"kind": "sign_in"})
        assert feed.status_code == 200
        assert feed.json()["rows"] == []


def test_a_copy_of_the_cookie_stops_working_once_its_session_is_signed_out(base: str) -> None:
    with signed_in(base, "li") as li:
        kept = httpx.Client(base_url=base, cookies=dict(li.cookies))
        assert kept.get("/").status_code == 200
        assert li.post("/logout").status_code == 303
        assert kept.get("/").status_code == 303
        assert kept.get("/api/cases").status_code == 401
        kept.close()
