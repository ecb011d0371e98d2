"""The pages over real HTTP on both stores: sign-in, home per role, case lists, refusals."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from tests.story import hire, register
from tests.web import csrf_of, served, signed_in
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.settings import Settings
from web.security import CONTENT_SECURITY_POLICY

STATIC = Path(__file__).parent.parent / "web" / "static"


@pytest.fixture
def base(store: Settings, clock: FixedClock) -> Iterator[str]:
    """The cast of tests.story, two petitions of xinmin (one overdue) and one of dongjie."""
    seeded = Tracker(store, clock=clock)
    hire(seeded)
    register(seeded, "li", date(2026, 1, 5))  # routing limit passed: overdue on 2026-03-02
    register(seeded, "li", date(2026, 2, 27))
    register(seeded, "zhao", date(2026, 2, 26))
    seeded.close()
    with served(store, clock) as url:
        yield url


def test_a_page_asks_for_sign_in_and_returns_after_it(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        first = client.get("/cases?kind=petition")
        assert first.status_code == 303
        assert first.headers["location"] == "/login?next=%2Fcases%3Fkind%3Dpetition"
        login = client.get(first.headers["location"])
        assert 'value="/cases?kind=petition"' in login.text
        answer = client.post(
            "/login",
            data={
                "username": "li",
                "password": "long-enough-pw",
                "next": "/cases?kind=petition",
                "csrf_token": csrf_of(login.text),
            },
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/cases?kind=petition"


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        answers = []
        for username, password in (("li", "not-the-password"), ("nobody", "long-enough-pw")):
            token = csrf_of(client.get("/login").text)
            answers.append(
                client.post(
                    "/login", data={"username": username, "password": password, "csrf_token": token}
                )
            )
        assert [a.status_code for a in answers] == [401, 401]
        assert all("用户名或密码错误" in a.text for a in answers)
        assert client.get("/").status_code == 303  # still not signed in


def test_sign_in_goes_only_to_pages_of_this_site(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        token = csrf_of(client.get("/login").text)
        answer = client.post(
            "/login",
            data={
                "username": "li",
                "password": "long-enough-pw",
                "next": "https://evil.example/",
                "csrf_token": token,
            },
        )
        assert answer.headers["location"] == "/"


def test_a_post_without_the_session_token_is_refused_readably(base: str) -> None:
    with signed_in(base, "li") as client:
        refused = client.post("/logout", headers={"X-CSRF-Token": "forged"})
        assert refused.status_code == 403
        assert "表单已过期或并非来自本站" in refused.text
        assert client.get("/").status_code == 200  # still signed in
        assert client.post("/logout").status_code == 303
        assert client.get("/").status_code == 303  # signed out


def test_an_officer_sees_their_overdue_work_and_the_loads(base: str) -> None:
    with signed_in(base, "li") as client:
        page = client.get("/")
        assert page.status_code == 200
        assert "我的工作" in page.text
        assert "已逾期 41 天" in page.text  # routing limit 2026-01-20, today 2026-03-02
        assert "各经办人在办案件" in page.text
        assert "等待审批员办理" not in page.text  # not an approver


def test_an_auditor_sees_recent_activity(base: str) -> None:
    with signed_in(base, "zhou") as client:
        page = client.get("/")
        assert "最近操作" in page.text
        activity = page.text.split('id="activity"', 1)[1]
        assert "已登记" in activity  # the events, by their names
        assert "我的工作" not in page.text


def test_the_case_list_filters_searches_and_keeps_the_scope(base: str) -> None:
    with signed_in(base, "li") as li:
        everything = li.get("/cases")
        assert "共 2 件" in everything.text  # li sees xinmin only, not zhao's dongjie case
        overdue = li.get("/cases", params={"kind": "petition", "overdue": "true"})
        assert "共 1 件" in overdue.text
        found = li.get("/cases", params={"text": "秀英", "kind": "", "stage": ""})
        assert "共 2 件" in found.text
    with signed_in(base, "wang") as wang:
        assert "共 3 件" in wang.get("/cases").text  # the whole sub-district


def test_an_htmx_request_gets_only_the_results(base: str) -> None:
    with signed_in(base, "li") as li:
        fragment = li.get("/cases", params={"kind": "petition"}, headers={"HX-Request": "true"})
        assert fragment.text.lstrip().startswith('<section id="results"')
        assert "<html" not in fragment.text
        assert "HX-Request" in fragment.headers["vary"]


def test_bad_filters_get_a_readable_page_not_an_error(base: str) -> None:
    with signed_in(base, "li") as li:
        for params in (
            {"kind": "bogus"},
            {"page": "0"},
            {"opened_from": "2026-13-01"},
            {"sort": "password_hash"},
            {"unknown": "1"},
            {"text": "x" * 51},
        ):
            answer = li.get("/cases", params=params)
            assert answer.status_code == 422, params
            assert "以下内容无效" in answer.text


def test_english_is_available_and_stays_for_the_session(base: str) -> None:
    with signed_in(base, "li") as li:
        switched = li.get("/language/en", params={"next": "/cases"})
        assert switched.headers["location"] == "/cases"
        assert "All cases" in li.get("/cases").text
        assert "My work" in li.get("/").text
        li.get("/language/zh_CN")
        assert "我的工作" in li.get("/").text


def test_every_answer_carries_the_security_headers(base: str) -> None:
    with httpx.Client(base_url=base) as client:
        for path in ("/login", "/", "/static/htmx.min.js", "/no-such-page", "/health"):
            headers = client.get(path).headers
            assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
            assert headers["x-content-type-options"] == "nosniff"
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
        missing = client.get("/no-such-page")
        assert missing.status_code == 404
        assert "找不到该页面" in missing.text


def test_the_vendored_htmx_is_the_recorded_release() -> None:
    lines = (STATIC / "SHA256SUMS").read_text().splitlines()
    recorded = [line.split() for line in lines]
    assert recorded, "no checksums recorded"
    for digest, name in recorded:
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == digest, name


def test_the_reports_show_rates_the_three_nos_board_and_charts(base: str) -> None:
    with signed_in(base, "wang") as wang:
        page = wang.get("/reports", params={"period": "2026-Q1"})
        as_of = wang.get("/reports", params={"period": "2026-02", "as_of": "2026-02-28"})
        fragment = wang.get("/reports", params={"period": "2026"}, headers={"HX-Request": "true"})
        bad = wang.get("/reports", params={"period": "2026-13"})
        future = wang.get("/reports", params={"as_of": "2026-03-03"})
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "三无" in page.text
    # li's petition received 2026-01-05 and not routed within 15 days: not accepted, so it is
    # in neither rate; no case is collective, skip-level or a backlog case.
    assert page.text.count('class="met"') == 6 * 3 + 6  # 5 communities and the total
    assert "2026年2月28日 日终时所知" in as_of.text
    assert fragment.text.lstrip().startswith('<div id="reports">')
    assert bad.status_code == 422
    assert future.status_code == 422


def test_an_admin_sees_the_accounts_and_their_roles(base: str) -> None:
    with signed_in(base, "admin") as admin:
        page = admin.get("/")
    assert "账户与角色" in page.text
    for username in ("li", "zhao", "wang", "zhou"):
        assert f"<td>{username}</td>" in page.text
    assert "审批员" in page.text
    assert "东街社区" in page.text


def test_an_approver_sees_what_waits_for_an_approver(base: str) -> None:
    with signed_in(base, "wang") as wang:
        page = wang.get("/")
    assert "等待审批员办理" in page.text
    assert "天内到办理期限的信访件" in page.text
    assert "我的工作" not in page.text


def test_no_template_has_inline_script_or_style() -> None:
    """The CSP allows scripts and styles from files only; the templates must not need more."""
    templates = Path(__file__).parent.parent / "web" / "templates"
    for template in sorted(templates.glob("*.html")):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", text), template.name


@pytest.mark.parametrize("username", ["li", "wang", "zhou", "admin"])
def test_every_main_page_renders_in_english(base: str, username: str) -> None:
    with signed_in(base, username) as client:
        client.get("/language/en")
        case = re.search(r'href="/petitions/([0-9a-f-]{36})"', client.get("/cases").text)
        pages = ["/", "/audit/feed"]
        if username != "admin":  # an admin manages accounts and reads no cases
            pages += ["/cases?kind=petition", "/reports", "/posting-board"]
        if case is not None:
            pages += [f"/petitions/{case.group(1)}", f"/audit/petitions/{case.group(1)}/replay"]
        if username == "li":
            pages += ["/petitions/new", "/approvals/new", "/fees/new"]
        for path in pages:
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
            assert 'lang="en"' in answer.text, path


def test_a_session_left_idle_for_half_an_hour_ends(base: str, clock: FixedClock) -> None:
    with signed_in(base, "li") as li:
        clock.advance(minutes=29)
        assert li.get("/").status_code == 200  # and the idle time starts again
        clock.advance(minutes=29)
        assert li.get("/").status_code == 200
        clock.advance(minutes=31)
        ended = li.get("/cases")
        assert ended.status_code == 303
        assert ended.headers["location"].startswith("/login")
        assert li.get("/").status_code == 303  # signed out, not only refused once
