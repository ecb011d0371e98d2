"""The JSON API over real HTTP on both stores: the pages' commands, queries and refusals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from tests.story import hire, register
from tests.web import api_session, served
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.resident_id import make_resident_id
from tracker.settings import Settings


@pytest.fixture
def base(store: Settings) -> Iterator[str]:
    clock = FixedClock.on(date(2026, 3, 2))
    seeded = Tracker(store, clock=clock)
    hire(seeded)
    register(seeded, "li", date(2026, 2, 20))
    register(seeded, "zhao", date(2026, 2, 20))
    seeded.close()
    with served(store, clock) as url:
        yield url


def _first_case(client: httpx.Client) -> str:
    rows = client.get("/cases", params={"kind": "petition"}).json()["rows"]
    case_id: str = rows[0]["case_id"]
    return case_id


def test_a_command_through_the_api_and_its_refusals(base: str) -> None:
    with api_session(base, "li") as li:
        listed = li.get("/cases").json()
        assert listed["total"] == 1  # li's community only
        case_id = _first_case(li)
        case = li.get(f"/cases/petition/{case_id}").json()
        assert case["case"]["stage"] == "registered"
        assert case["case"]["petitioners"] == [{"name": "王秀英", "id_number": None}]
        assert "accept" in case["commands"]
        future = li.post(
            f"/cases/petition/{case_id}/accept",
            json={"expected_version": 1, "accepted_on": "2026-03-03"},
        )
        accepted = li.post(
            f"/cases/petition/{case_id}/accept",
            json={"expected_version": 1, "accepted_on": "2026-03-02"},
        )
        stale = li.post(
            f"/cases/petition/{case_id}/accept",
            json={"expected_version": 1, "accepted_on": "2026-03-02"},
        )
        garbled = li.post(
            f"/cases/petition/{case_id}/reply",
            json={"expected_version": 2, "replied_on": "2026-03-02", "outcome": "maybe"},
        )
    assert future.status_code == 422
    assert future.json() == {
        "error": "FutureDate",
        "message": "accepted_on（2026-03-03）晚于今天",
        "field": "accepted_on",
    }
    assert accepted.json() == {"case_id": case_id, "version": 2}
    assert stale.status_code == 409
    assert stale.json()["error"] == "ConcurrentChange"
    assert garbled.status_code == 422  # not one of the outcomes


def test_the_api_checks_roles_scope_csrf_and_sign_in(base: str) -> None:
    with api_session(base, "zhao") as zhao:
        others = _first_case(zhao)
    with api_session(base, "li") as li:
        hidden = li.get(f"/cases/petition/{others}")
        forged = li.post(
            f"/cases/petition/{others}/accept",
            json={"expected_version": 1, "accepted_on": "2026-03-02"},
            headers={"X-CSRF-Token": "forged"},
        )
    with api_session(base, "zhou") as zhou:
        refused = zhou.post(
            f"/cases/petition/{others}/accept",
            json={"expected_version": 1, "accepted_on": "2026-03-02"},
        )
    anonymous = httpx.get(f"{base}/api/cases")
    assert hidden.status_code == 404
    assert forged.status_code == 403
    assert forged.json()["error"] == "CsrfRefused"
    assert refused.status_code == 403
    assert refused.json()["error"] == "PermissionDenied"
    assert anonymous.status_code == 401


def test_a_case_is_opened_through_the_api(base: str) -> None:
    wife = str(make_resident_id("350102", date(1990, 1, 2), 32))
    husband = str(make_resident_id("350102", date(1989, 6, 7), 41))
    with api_session(base, "li") as li:
        opened = li.post(
            "/cases/approval",
            json={
                "people": [
                    {"name": "林芳", "id_number": wife},
                    {"name": "郑强", "id_number": husband},
                ],
                "fields": {
                    "community": "xinmin",
                    "existing_children": 1,
                    "policy_ground": "universal-two",
                    "applied_on": "2026-03-02",
                },
            },
        )
        assert opened.status_code == 201, opened.text
        case = li.get(f"/cases/approval/{opened.json()['case_id']}").json()["case"]
        bad_id = li.post(
            "/cases/approval",
            json={
                "people": [{"name": "林芳", "id_number": wife[:-1] + "0"}, {"name": "郑强"}],
                "fields": {
                    "community": "xinmin",
                    "existing_children": 1,
                    "policy_ground": "universal-two",
                    "applied_on": "2026-03-02",
                },
            },
        )
    assert case["spouses"][0]["id_number"] == wife  # whole on the case, for the officer
    assert bad_id.status_code == 422
    assert bad_id.json()["field"] == "id_number"


def test_reports_and_the_schema(base: str) -> None:
    with api_session(base, "wang") as wang:
        figures = wang.get("/reports/petitions", params={"period": "2026-02"}).json()
        fees = wang.get("/reports/fees", params={"period": "2021-06"})
        bad = wang.get("/reports/petitions", params={"period": "2026-13"})
        schema = wang.get(f"{base}/openapi.json").json()  # for signed-in users only
    assert figures["three_nos"]["total"]["collective"] == {"cases": []}
    assert fees.status_code == 200
    assert bad.status_code == 422
    assert "/api/cases/petition/{case_id}/grant_extension" in schema["paths"]
    body = schema["components"]["schemas"]["PetitionGrantExtensionCommand"]
    assert set(body["required"]) == {"expected_version", "days", "approved_on", "reason"}
