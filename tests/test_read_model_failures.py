"""One bad event stops at most the read models that read it; the rest, and sign-in, go on.

The events here are recorded as an older version of Tracker could have
recorded them, before text was checked at the boundary and before a field
existed: they are in the store, and the read models must live with them.
"""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from tests.story import (
    PASSWORD,
    assess_fee,
    hire,
    record_as_an_older_version_did,
    register,
    with_nul,
    without_summary,
)
from tests.test_cli import run
from tests.web import served, signed_in
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.projections.case_index import CaseQuery
from tracker.projections.runner import RebuildFailed

PETITION_MODELS = {"audit_trail", "case_index", "petition_facts", "workload"}


def test_an_old_nul_is_shown_as_a_replacement_character(app: Tracker) -> None:
    hire(app)
    record_as_an_older_version_did(app, with_nul)
    register(app, "li", date(2026, 2, 28))
    li = app.accounts.principal("li")
    page = app.cases.list(li, CaseQuery(text="未兑现"))
    assert app.views.failures() == []
    summaries = sorted(row.summary for row in page.rows)
    assert summaries == ["奖励扶助 奖励\ufffd未兑现", "奖励扶助 独生子女父母奖励未兑现"]
    assert app.sign_ins.sign_in("li", PASSWORD, "10.0.0.1").principal.username == "li"


def test_a_read_model_stops_before_a_bad_event_and_the_others_go_on(app: Tracker) -> None:
    hire(app)
    before = register(app, "li", date(2026, 2, 26))
    bad = record_as_an_older_version_did(app, without_summary)
    bad_position = app.views.head()
    fee = assess_fee(app, "li")  # after the bad event
    app.views.refresh()
    stopped = {f.name: f for f in app.views.failures()}
    assert set(stopped) == PETITION_MODELS
    assert {f.position for f in stopped.values()} == {bad_position}
    assert all("summary" in f.error for f in stopped.values())
    # The stopped ones serve what they had; the others are up to date.
    li = app.accounts.principal("li")
    assert [row.case_id for row in app.cases.list(li, CaseQuery(kind="petition")).rows] == [
        str(before)
    ]
    assert app.views.position("case_index") == bad_position - 1
    assert app.views.position("fee_facts") == app.views.head()
    assert app.fees.get(li, fee).id == fee
    # Sign-in and accounts do not depend on the petitions' read models.
    assert app.sign_ins.sign_in("li", PASSWORD, "10.0.0.1").principal.username == "li"
    admin = app.accounts.principal("admin")
    app.accounts.create(
        admin,
        username="sun",
        display_name="孙",
        password=PASSWORD,
        community="xinmin",
        roles=tuple(li.roles),
    )
    assert "sun" in {row.username for row in app.accounts.list(admin)}
    assert str(bad) not in {row.case_id for row in app.cases.list(li, CaseQuery()).rows}


def test_a_rebuild_that_meets_a_bad_event_leaves_the_served_generation(app: Tracker) -> None:
    hire(app)
    register(app, "li", date(2026, 2, 26))
    app.views.refresh()
    with app.views.db.read() as cursor:
        served = app.views.suffix(cursor, "case_index")
    record_as_an_older_version_did(app, without_summary)
    position = app.recorder.max_notification_id()
    with pytest.raises(RebuildFailed) as failed:
        app.views.rebuild("case_index")
    assert failed.value.failure.position == position
    with app.views.db.read() as cursor:
        assert app.views.suffix(cursor, "case_index") == served
    li = app.accounts.principal("li")
    assert app.cases.list(li, CaseQuery()).total == 1


def test_health_and_the_auditors_home_say_what_stopped(app: Tracker, clock: FixedClock) -> None:
    hire(app)
    register(app, "li", date(2026, 2, 26))
    record_as_an_older_version_did(app, without_summary)
    position = app.recorder.max_notification_id()
    app.close()
    with served(app.settings, clock) as base:
        health = httpx.get(f"{base}/health").json()
        with signed_in(base, "zhou") as auditor:
            home = auditor.get("/").text
        with signed_in(base, "li") as officer:
            assert officer.get("/").status_code == 200
            assert "停在" not in officer.get("/").text  # the officer's home is not the place
    assert health["status"] == "degraded"
    assert {s["read_model"] for s in health["stopped"]} == PETITION_MODELS
    assert {s["before_position"] for s in health["stopped"]} == {position}
    assert health["lag"]["case_index"] == 1
    assert health["lag"]["accounts"] == 0
    assert "部分统计未包含全部记录" in home
    assert f"案件列表与查询停在第 {position} 条记录之前" in home


def test_check_and_rebuild_report_a_bad_event_instead_of_crashing(app: Tracker) -> None:
    hire(app)
    register(app, "li", date(2026, 2, 26))
    record_as_an_older_version_did(app, with_nul)
    nul_only = run(app.settings, "check")
    assert nul_only.returncode == 0, nul_only.stdout + nul_only.stderr  # U+FFFD is as stored
    record_as_an_older_version_did(app, without_summary)
    position = app.recorder.max_notification_id()
    app.close()
    checked = run(app.settings, "check")
    assert checked.returncode == 1
    assert f"read model case_index stopped before the event at position {position}" in (
        checked.stdout
    )
    assert "Traceback" not in checked.stderr
    rebuilt = run(app.settings, "projections", "rebuild", "case_index")
    assert rebuilt.returncode == 1
    assert f"case_index failed on the event at position {position}" in rebuilt.stdout
    assert "Traceback" not in rebuilt.stderr
