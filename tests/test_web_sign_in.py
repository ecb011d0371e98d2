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
    for shown in ("登录尝试 · 正在核对密码 (127.0.0.1)", "登录结果 · 失败：用户名或密码错误"):
        assert shown in page, shown
    assert "退出登录 · 闲置超时结束" in page
    seen = [
        (row["actor"], row["event_type"], {c["field"]: c["after"] for c in row["changes"]})
        for row in reversed(feed["rows"])
    ]
    outcomes = [
        (actor, kind, values.get("outcome", values.get("ended"))) for actor, kind, values in seen
    ]
    # Each attempt is recorded before its password is checked, then decided.
    assert outcomes[:10] == [
        ("li", "SignInAttempted", "pending"),
        ("li", "SignInDecided", "failed"),
        ("li", "SignInAttempted", "pending"),
        ("li", "SignInDecided", "signed_in"),
        ("li", "SessionEnded", "signed_out"),
        ("zhao", "SignInAttempted", "pending"),
        ("zhao", "SignInDecided", "signed_in"),
        ("zhao", "SessionEnded", "idle"),
        ("zhou", "SignInAttempted", "pending"),
        ("zhou", "SignInDecided", "signed_in"),
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


def test_a_password_reset_ends_the_sessions_opened_with_the_old_password(
    store: Settings, base: str, clock: FixedClock
) -> None:
    with signed_in(base, "li") as li:
        assert li.get("/").status_code == 200
        app = Tracker(store, clock=clock)
        app.accounts.change_password(app.accounts.principal("admin"), "li", "a-new-password", None)
        app.close()
        assert li.get("/").status_code == 303
    with signed_in(base, "li", "a-new-password") as again:
        assert again.get("/").status_code == 200
    with signed_in(base, "zhou") as auditor:
        feed = auditor.get("/api/audit", params={"kind": "sign_in"}).json()
    ended = [c["after"] for row in feed["rows"] for c in row["changes"] if c["field"] == "ended"]
    assert ended == ["password_changed"]
