"""The case index read model on both stores: read your writes, exactly once, rebuild, as of."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.story import hire, register
from tracker.aggregates.petition import Outcome
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.errors import CaseNotFound
from tracker.projections import text_search
from tracker.projections.case_index import CaseIndex, CaseQuery
from tracker.projections.runner import Views
from tracker.projections.writes import Writes


def _all_rows(app: Tracker) -> list[dict[str, Any]]:
    with app.views.db.read() as cursor:
        table = "case_versions" + app.views.suffix(cursor, "case_index")
        cursor.execute(f"SELECT * FROM {table} ORDER BY case_id, version")
        return cursor.fetchall()


def test_a_list_includes_the_command_just_recorded_and_respects_scope(
    app: Tracker, clock: FixedClock
) -> None:
    hire(app)
    first = register(app, "li", date(2026, 2, 10), headcount=6)
    second = register(app, "zhao", date(2026, 2, 11))
    li, zhou = app.accounts.principal("li"), app.accounts.principal("zhou")
    app.petitions.accept(li, first, date(2026, 2, 12))

    mine = app.cases.list(li, CaseQuery())
    assert [(r.case_id, r.stage, r.collective) for r in mine.rows] == [
        (str(first), "accepted", True)
    ]
    assert mine.rows[0].next_deadline == date(2026, 4, 13)  # 2026-02-12 + 60 days
    assert app.cases.list(zhou, CaseQuery()).total == 2
    dongjie = app.cases.list(zhou, CaseQuery(community="dongjie"))
    assert [r.case_id for r in dongjie.rows] == [str(second)]
    assert app.cases.list(zhou, CaseQuery(collective=True)).total == 1
    assert app.cases.list(zhou, CaseQuery(text="奖励")).total == 2
    assert app.cases.list(zhou, CaseQuery(text="不存在的词")).total == 0
    clock.set(FixedClock.on(date(2026, 4, 14)).now())
    # The first passed its handling limit (04-13); the second, never routed, its routing
    # limit (2026-02-11 + 15 = 02-26); li sees only the first.
    assert app.cases.list(zhou, CaseQuery(overdue=True)).total == 2
    assert [r.case_id for r in app.cases.list(li, CaseQuery(overdue=True)).rows] == [str(first)]
    assert app.cases.list(zhou, CaseQuery(overdue=False)).total == 0


def test_sort_and_pagination(app: Tracker) -> None:
    hire(app)
    for day in range(1, 8):
        register(app, "li", date(2026, 2, day))
    li = app.accounts.principal("li")
    page = app.cases.list(li, CaseQuery(sort="opened_on", descending=False, page=2, per_page=3))
    assert page.total == 7
    assert page.pages == 3
    assert [r.opened_on.day for r in page.rows] == [4, 5, 6]


def test_as_known_on_shows_the_list_before_later_recordings(
    app: Tracker, clock: FixedClock
) -> None:
    hire(app)
    case = register(app, "li", date(2026, 2, 10))
    before_reply = clock.now()
    clock.advance(days=1)
    li = app.accounts.principal("li")
    app.petitions.accept(li, case, date(2026, 2, 12))
    app.petitions.reply(li, case, date(2026, 3, 2), Outcome.SUPPORTED, "已答复")
    now = app.cases.list(li, CaseQuery())
    then = app.cases.list(li, CaseQuery(), as_known_on=before_reply)
    assert [r.stage for r in now.rows] == ["replied"]
    assert [r.stage for r in then.rows] == ["registered"]
    earlier = app.cases.list(li, CaseQuery(), as_known_on=before_reply - timedelta(seconds=1))
    assert earlier.total == 0


def _start_case_index_afresh(app: Tracker) -> None:
    """A fresh generation of the case index, emptied and set back to the first event."""
    app.views.rebuild("case_index")
    with app.views.db.write() as cursor:
        generation = app.views.suffix(cursor, "case_index")
        for table in CaseIndex.tables:
            cursor.execute(f"DELETE FROM {table}{generation}")
        cursor.execute("UPDATE view_positions SET position = 0 WHERE name = 'case_index'")


def test_processing_one_event_at_a_time_across_restarts_counts_each_once(app: Tracker) -> None:
    hire(app)
    li = app.accounts.principal("li")
    cases = [register(app, "li", date(2026, 2, d)) for d in (3, 4, 5)]
    for case in cases:
        app.petitions.accept(li, case, date(2026, 2, 6))
    app.views.catch_up()
    expected = _all_rows(app)

    _start_case_index_afresh(app)  # then process it stepwise
    head = app.views.head()
    while app.views.position("case_index") < head:
        # Each time a new runner, as after a restart, does one event and stops.
        Views(app, app.views.db, [CaseIndex(app.policy)]).catch_up(batch=1, stop_after=1)
    assert _all_rows(app) == expected


class _Failing(CaseIndex):
    """Fails on the petition received on 5 February, after writing that event's rows."""

    def process(self, writes: Writes, suffix: str, event: Any, case: Any, position: int) -> None:
        super().process(writes, suffix, event, case, position)
        if getattr(case, "received_on", None) == date(2026, 2, 5):
            raise RuntimeError("stopped between writing the view and recording the position")


def test_a_failure_mid_batch_keeps_the_events_before_it_and_stops_there(app: Tracker) -> None:
    hire(app)
    for d in (3, 4, 5, 6):
        register(app, "li", date(2026, 2, d))
    app.views.catch_up()
    expected = _all_rows(app)
    _start_case_index_afresh(app)
    failing = Views(app, app.views.db, [_Failing(app.policy)])
    failing.catch_up()  # no exception: the other read models would go on
    [failure] = failing.failures()
    assert failure.name == "case_index"
    assert "RuntimeError: stopped between" in failure.error
    assert failing.position("case_index") == failure.position - 1
    kept = _all_rows(app)  # the first two events' rows, not the third's
    assert len(kept) == 2
    assert all(row in expected for row in kept)
    # After a fix (here: the real read model) and a restart, it goes on from the failed event.
    Views(app, app.views.db, [CaseIndex(app.policy)]).catch_up()
    assert _all_rows(app) == expected
    assert app.views.failures() == []


def test_a_rebuild_gives_identical_rows_and_switches_generation(app: Tracker) -> None:
    hire(app)
    li = app.accounts.principal("li")
    case = register(app, "li", date(2026, 2, 10))
    app.petitions.accept(li, case, date(2026, 2, 12))
    app.views.catch_up()
    before = _all_rows(app)
    with app.views.db.read() as cursor:
        old = app.views.suffix(cursor, "case_index")
    progress: list[tuple[int, int]] = []
    app.views.rebuild(
        "case_index", batch=2, on_progress=lambda done, of: progress.append((done, of))
    )
    with app.views.db.read() as cursor:
        new = app.views.suffix(cursor, "case_index")
    assert new != old
    assert _all_rows(app) == before
    assert progress[-1][0] == progress[-1][1] == app.views.head()


def test_a_case_page_as_known_on_a_past_moment(app: Tracker, clock: FixedClock) -> None:
    hire(app)
    case = register(app, "li", date(2026, 2, 10))
    registered = clock.now()
    clock.advance(days=2)
    li = app.accounts.principal("li")
    app.petitions.accept(li, case, date(2026, 2, 12))
    then = app.petitions.get(li, case, as_known_on=registered)
    now = app.petitions.get(li, case)
    assert (then.stage.value, then.version) == ("registered", 1)
    assert (now.stage.value, now.version) == ("accepted", 2)
    # Overdue is judged on the day the page is shown as of: 2026-03-02, past 02-25.
    assert then.is_overdue
    # Asked again later, the same moment gives the same page.
    clock.advance(days=30)
    app.petitions.reply(li, case, date(2026, 3, 20), Outcome.SUPPORTED, "已答复")
    assert app.petitions.get(li, case, as_known_on=registered) == then
    with pytest.raises(CaseNotFound):
        app.petitions.get(li, case, as_known_on=registered - timedelta(days=1))


def test_text_is_indexed_as_pairs_of_characters_after_normalising() -> None:
    assert text_search.grams("王秀英") == ["王秀", "秀英"]
    assert text_search.grams("王 芳、Ｌｉ_Ming 王秀") == ["li", "mi", "in", "ng", "王秀"]
    assert text_search.grams("芳") == []


def test_a_read_model_of_an_older_schema_is_rebuilt_on_the_next_catch_up(app: Tracker) -> None:
    hire(app)
    li = app.accounts.principal("li")
    register(app, "li", date(2026, 2, 3))
    app.views.catch_up()
    with app.views.db.write() as cursor:
        # As a store written before the text index existed: no text rows, schema 1.
        generation = app.views.suffix(cursor, "case_index")
        cursor.execute(f"DELETE FROM case_text{generation}")
        cursor.execute("UPDATE view_schemas SET schema = 1 WHERE name = 'case_index'")
    views = Views(app, app.views.db, list(app.views.projections.values()))
    assert views.outdated == ["case_index"]
    assert app.cases.list(li, CaseQuery(text="秀英")).total == 0
    views.catch_up()
    assert views.outdated == []
    assert app.cases.list(li, CaseQuery(text="秀英")).total == 1
    assert Views(app, app.views.db, list(app.views.projections.values())).outdated == []
