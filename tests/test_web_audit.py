"""The auditor's pages over HTTP: timeline, replay, a case as known on a day, feed, CSV, check."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest

from tests.story import hire, register
from tests.web import csrf_of, served, signed_in
from tracker.aggregates.petition import Outcome
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.settings import Settings


@dataclass(frozen=True)
class Site:
    base: str
    petition: UUID  # xinmin: registered 02-20, accepted 02-23, assigned, replied 03-02


@pytest.fixture
def site(store: Settings) -> Iterator[Site]:
    clock = FixedClock.on(date(2026, 2, 20))
    seeded = Tracker(store, clock=clock)
    hire(seeded)
    li = seeded.accounts.principal("li")
    petition = register(seeded, "li", date(2026, 2, 20))
    clock.set(FixedClock.on(date(2026, 2, 23)).now())
    seeded.petitions.accept(li, petition, date(2026, 2, 23))
    seeded.petitions.assign(li, petition, "li")
    clock.set(FixedClock.on(date(2026, 3, 2)).now())
    seeded.petitions.reply(li, petition, date(2026, 3, 2), Outcome.EXPLAINED, "已解释政策")
    seeded.close()
    with served(store, clock) as base:
        yield Site(base, petition)


def test_the_timeline_lists_every_event_with_what_it_changed(site: Site) -> None:
    with signed_in(site.base, "zhou") as zhou:
        page = zhou.get(f"/audit/petitions/{site.petition}")
    assert page.status_code == 200
    for event in ("已登记", "已受理", "交办经办人", "已答复"):
        assert event in page.text
    assert "<code>assignee</code>" in page.text


def test_the_replay_shows_the_case_after_each_event(site: Site) -> None:
    with signed_in(site.base, "zhou") as zhou:
        second = zhou.get(f"/audit/petitions/{site.petition}/replay", params={"step": 2})
        fragment = zhou.get(
            f"/audit/petitions/{site.petition}/replay",
            params={"step": 4},
            headers={"HX-Request": "true"},
        )
        beyond = zhou.get(f"/audit/petitions/{site.petition}/replay", params={"step": 99})
    assert "第 2 / 4 步" in second.text
    assert '<span class="stage">已受理</span>' in second.text
    assert fragment.text.lstrip().startswith('<section id="replay"')
    assert '<span class="stage">已答复</span>' in fragment.text
    assert "第 4 / 4 步" in beyond.text  # the last step, not an error


def test_a_case_as_known_on_a_past_day_shows_only_what_was_known(site: Site) -> None:
    url = f"/petitions/{site.petition}"
    with signed_in(site.base, "zhou") as zhou:
        before_reply = zhou.get(url, params={"as_of": "2026-02-27"})
        before_case = zhou.get(url, params={"as_of": "2026-02-19"})
        tomorrow = zhou.get(url, params={"as_of": "2026-03-03"})
    assert '<span class="stage">已受理</span>' in before_reply.text
    assert "2026年2月27日 日终时所知" in before_reply.text
    assert 'id="form-' not in before_reply.text  # a past state is read, not changed
    assert before_case.status_code == 404
    assert tomorrow.status_code == 422


def test_the_trail_exports_as_csv(site: Site) -> None:
    with signed_in(site.base, "zhou") as zhou:
        answer = zhou.get(f"/audit/petitions/{site.petition}/trail.csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    assignment = [row for row in rows if row["event"] == "Assigned"]
    assert assignment == [
        {
            "position": assignment[0]["position"],
            "version": "3",
            "event": "Assigned",
            "actor": "li",
            "recorded_at": "2026-02-23T01:00:00+00:00",
            "business_date": "",
            "reason": "",
            "field": "assignee",
            "before": "",
            "after": "li",
        }
    ]
    assert {row["event"] for row in rows} == {"Registered", "Accepted", "Assigned", "Replied"}


def test_the_feed_filters_by_user_and_kind(site: Site) -> None:
    with signed_in(site.base, "zhou") as zhou:
        by_li = zhou.get("/audit/feed", params={"actor": "li", "kind": "petition"})
        accounts = zhou.get("/audit/feed", params={"kind": "account"})
        bad = zhou.get("/audit/feed", params={"kind": "everything"})
    assert "共 4 条" in by_li.text
    assert "创建账户" in accounts.text
    assert bad.status_code == 422


def test_an_auditor_checks_the_read_models_and_an_officer_may_not(site: Site) -> None:
    with signed_in(site.base, "zhou") as zhou:
        checked = zhou.post("/audit/check", headers={"HX-Request": "true"})
    assert checked.status_code == 200
    assert "全部数字与原始记录一致" in checked.text
    with signed_in(site.base, "li") as li:
        token = csrf_of(li.get("/").text)
        refused = li.post("/audit/check", data={"csrf_token": token})
    assert refused.status_code == 403
