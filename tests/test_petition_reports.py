"""Petition figures: periods, the facts view, the service's scope, and agreement with the events."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from tests.stores import STORES, store_settings
from tests.story import hire, register
from tracker.aggregates.petition import Outcome
from tracker.application import Tracker
from tracker.clock import SHANGHAI, FixedClock
from tracker.demo import AUDITOR, COMMUNITY_OFFICERS, DemoYear
from tracker.errors import FutureDate, InvalidValue, PermissionDenied
from tracker.periods import Period, PeriodKind
from tracker.projections.petition_reports import recompute, replay
from tracker.services.petition_reports import PetitionReports

# -- periods --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2026-03", date(2026, 3, 1), date(2026, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_period_parses_and_knows_its_days(text: str, first: date, last: date) -> None:
    period = Period.parse(text)
    assert (period.first, period.last) == (first, last)
    assert period.contains(first)
    assert period.contains(last)
    assert not period.contains(first - timedelta(days=1))
    assert not period.contains(last + timedelta(days=1))
    assert Period.parse(str(period)) == period


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "26-03", "2026-3", "march"])
def test_a_malformed_period_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue):
        Period.parse(text)


def test_the_default_report_date_is_the_last_day_or_today_while_the_period_runs() -> None:
    march = Period.month(2026, 3)
    assert march.default_report_date(date(2026, 5, 6)) == date(2026, 3, 31)
    assert march.default_report_date(date(2026, 3, 12)) == date(2026, 3, 12)
    assert Period.quarter(2026, 1).kind is PeriodKind.QUARTER
    assert str(Period.whole_year(2026)) == "2026"


# -- the service on a small story ----------------------------------------------------


def _facts(app: Tracker, case: UUID) -> list[dict[str, Any]]:
    with app.views.db.read() as cursor:
        table = "petition_facts" + app.views.suffix(cursor, "petition_facts")
        cursor.execute(f"SELECT * FROM {table} WHERE case_id = ? ORDER BY version", (str(case),))
        return cursor.fetchall()


def test_the_extension_date_is_carried_to_later_versions_and_a_rebuild_matches(
    app: Tracker, clock: FixedClock
) -> None:
    hire(app)
    clock.set(FixedClock.on(date(2026, 5, 6)).now())
    li, wang = app.accounts.principal("li"), app.accounts.principal("wang")
    case = register(app, "li", date(2026, 1, 5))
    app.petitions.accept(li, case, date(2026, 1, 6))
    app.petitions.grant_extension(wang, case, 30, "需要调取历年档案", date(2026, 3, 1))
    app.petitions.add_note(li, case, "已约谈")
    app.petitions.reply(li, case, date(2026, 3, 20), Outcome.SUPPORTED, "已答复")
    app.views.catch_up()
    rows = _facts(app, case)
    assert [r["extension_approved_on"] for r in rows] == [None, None, *["2026-03-01"] * 3]
    last = rows[-1]
    assert (last["handling_limit"], last["extended_limit"]) == ("2026-03-09", "2026-04-08")
    assert last["superseded_at"] is None
    assert all(r["superseded_at"] == n["recorded_at"] for r, n in itertools.pairwise(rows))
    app.views.rebuild("petition_facts")
    assert _facts(app, case) == rows


def test_scope_and_refusals(app: Tracker, clock: FixedClock) -> None:
    hire(app)
    reports = PetitionReports(app)
    li, zhou = app.accounts.principal("li"), app.accounts.principal("zhou")
    first = register(app, "li", date(2026, 2, 10), headcount=6)
    register(app, "zhao", date(2026, 2, 11), headcount=7)
    mine = reports.three_nos(li, "2026-02")
    assert mine.total.community == "xinmin"
    assert mine.communities == ()
    assert mine.total.collective.cases == (str(first),)
    everyone = reports.three_nos(zhou, Period.month(2026, 2))
    assert everyone.total.collective.count == 2
    assert [f.community for f in everyone.communities] == [c.code for c in app.policy.communities]
    assert everyone.community("dongjie").collective.count == 1
    assert everyone.community("nanmen").met
    assert reports.three_nos(li, "2026-02", community="xinmin") == mine
    with pytest.raises(InvalidValue) as refused:
        reports.closure(li, "2026-02", community="dongjie")
    assert refused.value.params == {"field": "community", "problem": "outside your community"}
    with pytest.raises(InvalidValue):
        reports.closure(zhou, "2026-02", community="atlantis")
    with pytest.raises(InvalidValue):
        reports.closure(zhou, "2026-14")
    with pytest.raises(PermissionDenied):
        reports.closure(app.accounts.principal("admin"), "2026-02")
    with pytest.raises(FutureDate):
        reports.closure(zhou, "2026-03", report_date=date(2026, 3, 3))
    with pytest.raises(FutureDate):
        reports.closure(zhou, "2026-02", as_known_on=clock.now() + timedelta(days=1))
    with pytest.raises(InvalidValue):
        reports.closure(zhou, "2026-02", as_known_on=datetime(2026, 3, 1, 12))


def test_as_known_on_is_compared_as_an_instant_whatever_its_zone(
    app: Tracker, clock: FixedClock
) -> None:
    hire(app)
    reports = PetitionReports(app)
    zhou = app.accounts.principal("zhou")
    case = register(app, "li", date(2026, 2, 10), headcount=3)
    before = clock.now()
    clock.advance(hours=2)
    app.petitions.correct(app.accounts.principal("li"), case, "漏记两人", {"headcount": 5})
    now = reports.three_nos(zhou, "2026-02")
    assert now.total.collective.count == 1
    for moment in (before, before.astimezone(SHANGHAI)):
        then = reports.three_nos(zhou, "2026-02", as_known_on=moment)
        assert then.total.collective.count == 0
        assert then.as_known_on == before.astimezone(UTC)
    # An hour after the registration, 17:00 in Shanghai is 09:00 UTC: still before the correction.
    later = reports.three_nos(zhou, "2026-02", as_known_on=(before + timedelta(hours=1)))
    assert later.total.collective.count == 0
    assert recompute(app, Period.month(2026, 2), as_known_on=before).three_nos == (
        reports.figures(zhou, "2026-02", as_known_on=before).three_nos
    )


def test_a_report_as_known_on_a_past_day_defaults_to_that_days_report_date(
    app: Tracker, clock: FixedClock
) -> None:
    hire(app)
    clock.set(FixedClock.on(date(2026, 2, 20)).now())
    moment = clock.now()
    clock.set(FixedClock.on(date(2026, 3, 10)).now())
    zhou = app.accounts.principal("zhou")
    reports = PetitionReports(app)
    assert reports.closure(zhou, "2026-02").report_date == date(2026, 2, 28)
    assert reports.closure(zhou, "2026-02", as_known_on=moment).report_date == date(2026, 2, 20)


def test_view_and_events_agree_through_back_entries_corrections_merges_and_extensions(
    app: Tracker, clock: FixedClock
) -> None:
    hire(app)
    li, wang = app.accounts.principal("li"), app.accounts.principal("wang")
    zhou = app.accounts.principal("zhou")
    moments = []
    clock.set(FixedClock.on(date(2026, 1, 10)).now())
    late = register(app, "li", date(2026, 1, 4))
    app.petitions.accept(li, late, date(2026, 1, 5))
    extended = register(app, "li", date(2026, 1, 5), headcount=3)
    app.petitions.accept(li, extended, date(2026, 1, 6))
    original = register(app, "li", date(2026, 1, 8))
    duplicate = register(app, "li", date(2026, 1, 9))
    moments.append(clock.now())
    clock.set(FixedClock.on(date(2026, 3, 1)).now())
    app.petitions.grant_extension(wang, extended, 30, "需要调取历年档案", date(2026, 3, 1))
    app.petitions.merge(li, duplicate, original, "同一事项重复来信")
    app.petitions.correct(li, extended, "漏记两人", {"headcount": 5})
    moments.append(clock.now())
    clock.set(FixedClock.on(date(2026, 4, 20)).now())
    app.petitions.reply(li, late, date(2026, 3, 20), Outcome.SUPPORTED, "已答复")  # back-entered
    app.petitions.accept(li, original, date(2026, 1, 12))  # back-entered
    moments.append(clock.now())
    for as_known_on in (*moments, None):
        for period in (Period.month(2026, 1), Period.month(2026, 3), Period.quarter(2026, 1)):
            for report_date in (None, date(2026, 3, 10), date(2026, 4, 20)):
                if as_known_on is not None and report_date is not None:
                    report_date = min(report_date, as_known_on.date())
                view = PetitionReports(app).figures(zhou, period, None, report_date, as_known_on)
                assert view == recompute(app, period, None, report_date, as_known_on)
    now = PetitionReports(app).figures(zhou, Period.quarter(2026, 1))
    assert set(now.closure.total.accepted) == {str(late), str(extended), str(original)}
    assert now.closure.total.late == (str(late),)
    assert now.three_nos.total.collective.cases == (str(extended),)
    assert now.three_nos.total.backlog.cases == (str(original),)  # 01-12 + 60 = 03-13 < 03-31


# -- agreement with the events on a year of demo data ----------------------------------


@pytest.fixture(scope="module", params=STORES)
def demo(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Tracker]:
    path: Path = tmp_path_factory.mktemp(f"demo-{request.param}")
    with store_settings(request.param, path) as settings:
        year = DemoYear(settings, today=date(2026, 11, 30))
        year.record()
        try:
            yield year.app
        finally:
            year.close()


PERIODS_2026 = [Period.month(2026, m) for m in range(1, 13)] + [
    Period.quarter(2026, q) for q in range(1, 5)
]


@pytest.mark.parametrize(
    "as_known_on", [None, datetime(2026, 6, 15, 12, tzinfo=SHANGHAI)], ids=["now", "mid-june"]
)
def test_view_and_events_agree_on_every_month_and_quarter(
    demo: Tracker, as_known_on: datetime | None
) -> None:
    reports = PetitionReports(demo)
    auditor = demo.accounts.principal(AUDITOR)
    petitions = replay(demo, as_known_on)
    seen = {"accepted": 0, "late": 0, "backlog": 0, "collective": 0, "skip_level": 0}
    for period in PERIODS_2026:
        view = reports.figures(auditor, period, as_known_on=as_known_on)
        assert view == recompute(demo, period, as_known_on=as_known_on, petitions=petitions)
        assert len(view.closure.communities) == len(COMMUNITY_OFFICERS)
        for community, officer in COMMUNITY_OFFICERS.items():
            own = reports.figures(demo.accounts.principal(officer), period, None, None, as_known_on)
            events = recompute(demo, period, community, None, as_known_on, petitions=petitions)
            assert own == events
            # The breakdown of the whole gives the same figures as asking for the community.
            assert own.closure.total == view.closure.community(community)
            assert own.three_nos.total == view.three_nos.community(community)
        total = view.closure.total
        seen["accepted"] += len(total.accepted)
        seen["late"] += len(total.late)
        seen["backlog"] += view.three_nos.total.backlog.count
        seen["collective"] += view.three_nos.total.collective.count
        seen["skip_level"] += view.three_nos.total.skip_level.count
    # The demo exercises every branch, so agreement is not agreement on zeros.
    assert all(seen.values()), seen


def test_recompute_replays_on_its_own_and_a_past_report_is_the_one_shown_that_day(
    demo: Tracker,
) -> None:
    reports = PetitionReports(demo)
    auditor = demo.accounts.principal(AUDITOR)
    q1 = Period.quarter(2026, 1)
    assert reports.figures(auditor, q1) == recompute(demo, q1)
    early = datetime(2026, 3, 15, 12, tzinfo=SHANGHAI)
    then = reports.closure(auditor, q1, as_known_on=early)
    assert then.report_date == date(2026, 3, 15)
    assert then == recompute(demo, q1, as_known_on=early).closure
    assert then == reports.closure(auditor, q1, None, date(2026, 3, 15), early)
