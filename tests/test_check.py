"""`tracker check` agrees with the demo store and catches views changed behind their back."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tracker.application import Tracker
from tracker.demo import DemoYear
from tracker.settings import Settings

TRACKER = str(Path(sys.executable).with_name("tracker"))
TODAY = date(2026, 11, 30)


def _check(store: Settings) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": store.database_url, "COLUMNS": "200"}
    return subprocess.run([TRACKER, "check"], env=env, capture_output=True, text=True, timeout=300)


def _tamper(store: Settings, view: str, table: str, assignment: str, where: str) -> None:
    """Change one current row of a read model directly, as someone with database access might."""
    app = Tracker(store)
    try:
        app.views.refresh()
        with app.views.db.write() as cursor:
            name = table + app.views.suffix(cursor, view)
            cursor.execute(f"SELECT case_id FROM {name} WHERE {where} ORDER BY case_id LIMIT 1")
            chosen = cursor.fetchone()
            assert chosen is not None, "the demo has no row to tamper with"
            cursor.execute(
                f"UPDATE {name} SET {assignment} WHERE case_id = ? AND superseded_at IS NULL",
                (chosen["case_id"],),
            )
    finally:
        app.close()


@pytest.fixture
def demo_store(store: Settings) -> Settings:
    year = DemoYear(store, today=TODAY)
    try:
        year.record()
    finally:
        year.close()
    return store


def test_check_passes_on_the_demo_store(demo_store: Settings) -> None:
    result = _check(demo_store)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "agree" in result.stdout


@pytest.mark.parametrize(
    ("view", "table", "assignment", "where", "reported"),
    [
        (
            "case_index",
            "case_versions",
            "stage = 'replied'",
            "superseded_at IS NULL AND kind = 'petition' AND stage = 'accepted'",
            "case index row",
        ),
        (
            "case_index",
            "case_versions",
            "names = '冒名顶替'",
            "superseded_at IS NULL AND kind = 'petition'",
            "'[differs]'",
        ),
        (
            "petition_facts",
            "petition_facts",
            "replied_on = NULL",
            "superseded_at IS NULL AND replied_on IS NOT NULL AND merged = 0",
            "petition figures",
        ),
    ],
    ids=["case-index", "case-index-names", "petition-facts"],
)
def test_check_fails_on_a_view_changed_behind_its_back(
    demo_store: Settings, view: str, table: str, assignment: str, where: str, reported: str
) -> None:
    _tamper(demo_store, view, table, assignment, where)
    result = _check(demo_store)
    assert result.returncode == 1
    assert reported in result.stdout
    assert "difference(s)" in result.stdout
    assert "冒名顶替" not in result.stdout  # names are never printed, only whether they differ
