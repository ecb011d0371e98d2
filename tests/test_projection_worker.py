"""Read models kept by a separate `tracker project` worker, and rebuilt from the console."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from tests.story import hire, register
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.projections.case_index import CaseQuery
from tracker.settings import Settings

TRACKER = str(Path(sys.executable).with_name("tracker"))


def _env(store: Settings, **extra: str) -> dict[str, str]:
    return {**os.environ, "TRACKER_DATABASE_URL": store.database_url, **extra}


def test_a_worker_process_keeps_the_views_and_readers_wait_for_it(store: Settings) -> None:
    settings = store.model_copy(update={"projections": "worker"})
    app = Tracker(settings, clock=FixedClock.on(date(2026, 3, 2)))
    worker = subprocess.Popen(
        [TRACKER, "project", "--interval", "0.05"],
        env=_env(store, TRACKER_PROJECTIONS="worker"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        hire(app)
        case = register(app, "li", date(2026, 2, 10))
        page = app.cases.list(app.accounts.principal("li"), CaseQuery())
        assert [r.case_id for r in page.rows] == [str(case)]
        assert app.views.position("case_index") == app.views.head()
    finally:
        worker.terminate()
        worker.communicate(timeout=10)
        app.close()


def test_rebuild_from_the_console_keeps_the_same_rows(store: Settings) -> None:
    app = Tracker(store, clock=FixedClock.on(date(2026, 3, 2)))
    try:
        hire(app)
        register(app, "li", date(2026, 2, 10))
        before = app.cases.list(app.accounts.principal("li"), CaseQuery())
    finally:
        app.close()
    result = subprocess.run(
        [TRACKER, "projections", "rebuild", "case_index"],
        env=_env(store),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Rebuilt case_index" in result.stdout
    app = Tracker(store, clock=FixedClock.on(date(2026, 3, 2)))
    try:
        with app.views.db.read() as cursor:
            assert app.views.suffix(cursor, "case_index") == "_g2"
        assert app.cases.list(app.accounts.principal("li"), CaseQuery()) == before
    finally:
        app.close()
    unknown = subprocess.run(
        [TRACKER, "projections", "rebuild", "nope"], env=_env(store), capture_output=True, text=True
    )
    assert unknown.returncode == 2
    assert "Unknown read model" in unknown.stdout
