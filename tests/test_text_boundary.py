"""Typed text at every way in: refused by name with nothing recorded, on both stores.

A NUL once reached the store through the API and the forms, and PostgreSQL's
read models could not hold it; the form took a 100,000-character name that
the API refused.  One rule (``tracker.text``) now decides for both.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import httpx
import pytest

from tests.story import hire, register
from tests.web import api_session, csrf_of, served, signed_in
from tracker.aggregates.petition import Channel, Level
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.person import Person
from tracker.settings import Settings
from tracker.text import ControlCharacter, TextTooLong


def _register(app: Tracker, *, name: str = "王秀英", summary: str = "奖励未兑现") -> UUID:
    return app.petitions.register(
        app.accounts.principal("li"),
        channel=Channel.LETTER,
        received_on=date(2026, 3, 1),
        petitioners=(Person(name),),
        headcount=1,
        community="xinmin",
        category="奖励扶助",
        summary=summary,
        lodged_level=Level.SUB_DISTRICT,
        competent_level=Level.SUB_DISTRICT,
    ).case_id


def test_a_command_with_a_control_character_records_nothing(app: Tracker) -> None:
    hire(app)
    case_id = register(app, "li", date(2026, 2, 20))
    head = app.recorder.max_notification_id()
    with pytest.raises(ControlCharacter):
        _register(app, summary="奖励\x00未兑现")
    with pytest.raises(ControlCharacter):
        app.petitions.not_accept(
            app.accounts.principal("li"), case_id, decided_on=date(2026, 3, 1), reason="\x1b[2J"
        )
    with pytest.raises(ControlCharacter):
        app.petitions.correct(app.accounts.principal("li"), case_id, "更正", {"category": "a\x00"})
    with pytest.raises(TextTooLong):
        _register(app, summary="长" * 2001)
    assert app.recorder.max_notification_id() == head
    app.views.refresh()  # the read models, on PostgreSQL too, still follow the store


def test_text_is_kept_as_normalised(app: Tracker) -> None:
    hire(app)
    case_id = _register(app, name=" 王\u3000秀英 ", summary="Zoe\u0301：第一行  \r\n第二行")
    case = app.petitions.get(app.accounts.principal("li"), case_id)
    assert case.petitioners[0].name == "王 秀英"
    assert case.summary == "Zo\u00e9：第一行\n第二行"


@dataclass(frozen=True)
class Site:
    base: str
    petition: UUID


@pytest.fixture
def site(store: Settings) -> Iterator[Site]:
    clock = FixedClock.on(date(2026, 3, 2))
    seeded = Tracker(store, clock=clock)
    hire(seeded)
    petition = register(seeded, "li", date(2026, 2, 20))
    seeded.close()
    with served(store, clock) as base:
        yield Site(base, petition)


def _form(**changes: str) -> dict[str, str]:
    return {
        "channel": "letter",
        "received_on": "2026-03-01",
        "name_1": "赵丽",
        "id_1": "",
        "headcount": "1",
        "community": "xinmin",
        "category": "计生政策",
        "summary": "独生子女父母奖励未发放",
        "lodged_level": "SUB_DISTRICT",
        "competent_level": "SUB_DISTRICT",
        **changes,
    }


def _count(client: httpx.Client) -> int:
    total: int = client.get("/api/cases").json()["total"]
    return total


@pytest.mark.parametrize(
    ("changes", "shown"),
    [
        ({"name_1": "王" * 100_000}, "姓名过长：最多 40 个字"),
        ({"name_1": "\x01\x02\x03"}, "姓名含有无法保存的控制字符"),
        ({"summary": "奖励\x00未发放"}, "含有无法保存的控制字符"),
        ({"category": "计生\x00"}, "含有无法保存的控制字符"),
        ({"summary": "长" * 2001}, "最多 2000 个字"),
    ],
)
def test_the_registration_form_refuses_bad_text_beside_the_field(
    site: Site, changes: dict[str, str], shown: str
) -> None:
    with signed_in(site.base, "li") as li:
        before = _count(li)
        token = csrf_of(li.get("/petitions/new").text)
        answer = li.post("/petitions/new", data={"csrf_token": token, **_form(**changes)})
        assert answer.status_code == 422, answer.text[:300]
        assert shown in answer.text
        assert _count(li) == before


def test_the_api_refuses_the_same_text_with_a_readable_message(site: Site) -> None:
    with api_session(site.base, "li") as client:
        before = _count_api(client)
        fields = {k: v for k, v in _form().items() if not k.endswith("_1")}
        fields["headcount"] = "1"
        too_long = client.post(
            "/cases/petition", json={"people": [{"name": "王" * 41}], "fields": fields}
        )
        assert too_long.status_code == 422
        control = client.post(
            "/cases/petition", json={"people": [{"name": "王\x00"}], "fields": fields}
        )
        assert control.status_code == 422
        assert control.json()["field"] == "name"
        assert "控制字符" in control.json()["message"]
        nul_summary = client.post(
            "/cases/petition",
            json={"people": [{"name": "王英"}], "fields": {**fields, "summary": "\x00"}},
        )
        assert nul_summary.status_code == 422
        assert "控制字符" in nul_summary.json()["message"]
        reason = client.post(
            f"/cases/petition/{site.petition}/not_accept",
            json={"expected_version": 1, "decided_on": "2026-03-01", "reason": "不\x00受理"},
        )
        assert reason.status_code == 422
        assert reason.json()["field"] == "reason"
        assert _count_api(client) == before
        assert client.get(f"/cases/petition/{site.petition}").json()["case"]["version"] == 1


def _count_api(client: httpx.Client) -> int:
    total: int = client.get("/cases").json()["total"]
    return total


def test_a_nul_in_a_search_or_filter_finds_nothing_and_fails_nothing(site: Site) -> None:
    with signed_in(site.base, "zhou") as auditor:
        for url in (
            "/cases?text=%00",
            "/cases?text=%E7%8E%8B%00&community=%00",
            "/audit/feed?actor=%00&event_type=%00",
            "/api/cases?text=%00",
            "/api/audit?actor=%00",
        ):
            answer = auditor.get(url)
            assert answer.status_code in (200, 422), (url, answer.status_code)
        assert auditor.get("/api/cases?text=%00").json()["total"] == 0
