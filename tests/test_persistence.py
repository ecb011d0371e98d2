"""Storage behaviour on both stores: concurrency, transcodings, settings."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest

from tracker.aggregates.petition import Channel, Level, Outcome, Petition
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.errors import ConcurrentChange
from tracker.person import Person
from tracker.resident_id import make_resident_id
from tracker.roles import Role
from tracker.settings import Settings

TODAY = date(2026, 3, 2)


def _officer_and_case(app: Tracker) -> tuple[str, UUID]:
    app.accounts.create_first_admin("admin", "管理员", "long-enough-pw")
    app.accounts.create(
        app.accounts.principal("admin"),
        username="li",
        display_name="李",
        password="long-enough-pw",
        community="xinmin",
        roles=(Role.OFFICER,),
    )
    recorded = app.petitions.register(
        app.accounts.principal("li"),
        channel=Channel.VISIT,
        received_on=date(2026, 2, 10),
        petitioners=(Person("王芳", make_resident_id("350102", date(1980, 1, 2), 124)),),
        headcount=1,
        community="xinmin",
        category="计生政策",
        summary="咨询",
        lodged_level=Level.SUB_DISTRICT,
        competent_level=Level.SUB_DISTRICT,
    )
    return "li", recorded.case_id


def test_two_processes_acting_on_one_case_conflict_and_the_loser_writes_nothing(
    store: Settings,
) -> None:
    first = Tracker(store, clock=FixedClock.on(TODAY))
    second = Tracker(store, clock=FixedClock.on(TODAY))
    try:
        username, case_id = _officer_and_case(first)
        li = first.accounts.principal(username)
        # Both load version 1; the first to save wins.
        stale = second.load(Petition, case_id, li)
        first.petitions.accept(li, case_id, date(2026, 2, 12))
        stale.accept(second.act(li), date(2026, 2, 13))
        before = second.recorder.max_notification_id()
        with pytest.raises(ConcurrentChange):
            second.commit(stale)
        assert second.recorder.max_notification_id() == before
        assert second.petitions.get(li, case_id).accepted_on == date(2026, 2, 12)
    finally:
        first.close()
        second.close()


def test_a_form_showing_an_old_version_is_refused_as_changed_by_someone_else(
    app: Tracker,
) -> None:
    username, case_id = _officer_and_case(app)
    li = app.accounts.principal(username)
    seen = app.petitions.get(li, case_id).version
    app.petitions.add_note(li, case_id, "另一位同事的备注", expected_version=seen)
    before = app.recorder.max_notification_id()
    with pytest.raises(ConcurrentChange):
        app.petitions.reply(
            li,
            case_id,
            date(2026, 2, 20),
            Outcome.SUPPORTED,
            "答复",
            expected_version=seen,
        )
    assert app.recorder.max_notification_id() == before


def test_value_types_survive_the_store_exactly(app: Tracker) -> None:
    """Dates, enums, ID numbers and people come back as themselves, not as strings."""
    username, case_id = _officer_and_case(app)
    fresh = Tracker(app.settings, clock=app.clock)
    try:
        who = fresh.accounts.principal(username)
        view = fresh.petitions.get(who, case_id)
        petition = fresh.load(Petition, case_id, who)  # the view shows people as text
    finally:
        fresh.close()
    assert view.received_on == date(2026, 2, 10)
    assert view.channel is Channel.VISIT
    assert view.lodged_level is Level.SUB_DISTRICT
    assert petition.petitioners == (
        Person("王芳", make_resident_id("350102", date(1980, 1, 2), 124)),
    )


def test_sqlite_file_runs_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    app = Tracker(Settings(database_url=f"sqlite:///{path}"))
    try:
        app.accounts.create_first_admin("admin", "管理员", "long-enough-pw")
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            # The admin account and its first-admin claim, in one transaction.
            assert conn.execute("SELECT count(*) FROM stored_events").fetchone()[0] == 2
    finally:
        app.close()


def test_settings_come_from_a_dotenv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "TRACKER_DATABASE_URL=postgresql://u:p%40ss@db.example:6543/tracker?schema=office\n"
    )
    env = Settings().eventsourcing_env()
    assert env["PERSISTENCE_MODULE"] == "eventsourcing.postgres"
    assert (env["POSTGRES_HOST"], env["POSTGRES_PORT"]) == ("db.example", "6543")
    assert (env["POSTGRES_USER"], env["POSTGRES_PASSWORD"]) == ("u", "p@ss")
    assert (env["POSTGRES_DBNAME"], env["POSTGRES_SCHEMA"]) == ("tracker", "office")


def test_an_unknown_database_scheme_is_refused() -> None:
    with pytest.raises(ValueError, match="must start with sqlite"):
        Settings(database_url="mysql://localhost/db")
