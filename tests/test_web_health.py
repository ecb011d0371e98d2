"""The web app starts on each store and reports, over real HTTP, the store it reads."""

from __future__ import annotations

import httpx
import pytest

from tests.live import live_server
from tracker.application import Tracker
from tracker.settings import Settings


def test_health_reads_the_store(store: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    seeded = Tracker(store)
    seeded.accounts.create_first_admin("admin", "管理员", "long-enough-pw")
    seeded.close()
    monkeypatch.setenv("TRACKER_DATABASE_URL", store.database_url)
    with live_server() as base:
        response = httpx.get(f"{base}/health")
        home = httpx.get(f"{base}/", follow_redirects=False)
    assert response.status_code == 200
    health = response.json()
    assert health == {
        "status": "ok",
        "store": "postgresql" if store.is_postgres else "sqlite",
        "events": 2,  # the first admin and its claim
        "lag": dict.fromkeys(health["lag"], 0),
        "stopped": [],
    }
    assert {"case_index", "accounts", "sign_ins"} <= set(health["lag"])
    assert home.status_code == 303
    assert home.headers["location"] == "/login?next=%2F"
