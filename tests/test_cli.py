"""The `tracker` console script, run as a user runs it, on both stores."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from uuid import UUID

from pydantic import SecretStr

from tracker.aggregates.petition import Petition
from tracker.application import Tracker
from tracker.settings import Settings

TRACKER = str(Path(sys.executable).with_name("tracker"))


def run(store: Settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TRACKER_DATABASE_URL": store.database_url, "COLUMNS": "200"}
    return subprocess.run(
        [TRACKER, *args], input=stdin, env=env, capture_output=True, text=True, timeout=300
    )


def test_init_creates_the_first_admin_once(store: Settings) -> None:
    first = run(
        store,
        "init",
        "--username",
        "root",
        "--display-name",
        "管理员",
        stdin="a-long-password\na-long-password\n",
    )
    assert first.returncode == 0, first.stderr
    assert "Created admin root" in first.stdout
    again = run(
        store,
        "init",
        "--username",
        "other",
        "--display-name",
        "X",
        stdin="a-long-password\na-long-password\n",
    )
    assert again.returncode == 1
    assert "store already holds records" in again.stdout
    app = Tracker(store)
    try:
        assert app.accounts.authenticate("root", "a-long-password").username == "root"
    finally:
        app.close()


def test_init_refuses_a_short_password_and_writes_nothing(store: Settings) -> None:
    result = run(store, "init", "--username", "root", "--display-name", "X", stdin="short\nshort\n")
    assert result.returncode == 1
    assert "password is invalid" in result.stdout
    app = Tracker(store)
    try:
        assert not app.recorder.max_notification_id()
    finally:
        app.close()


def test_demo_fills_an_empty_store_with_every_kind_of_case(store: Settings) -> None:
    result = run(store, "demo")
    assert result.returncode == 0, result.stderr
    assert "wang" in result.stdout
    assert "tracker-demo-2026" in result.stdout
    app = Tracker(store)
    try:
        recorded = app.recorder.max_notification_id()
        kinds = Counter(
            n.topic.rsplit(":", 1)[1]
            for n in app.recorder.select_notifications(start=1, limit=recorded or 1)
        )
        petitions: list[Petition] = [
            app.load(Petition, UUID(str(n.originator_id)), None)
            for n in app.recorder.select_notifications(start=1, limit=recorded or 1)
            if n.topic.endswith("Petition.Registered")
        ]
        today = app.clock.today()
        threshold = app.policy.collective_threshold
    finally:
        app.close()
    assert kinds["Petition.Registered"] >= 200
    assert kinds["SecondBirthApproval.Applied"] >= 24
    assert kinds["FeeCollection.Assessed"] >= 12
    for needed in (
        "Petition.ExtensionGranted",
        "Petition.MergedInto",
        "Petition.ClockStopped",
        "SecondBirthApproval.ObjectionLodged",
        "SecondBirthApproval.CertificateDelivered",
        "FeeCollection.InstalmentPlanApproved",
        "FeeCollection.Ceased",
    ):
        assert kinds[needed] >= 1, needed
    assert any(p.is_overdue(today) for p in petitions)
    assert any(p.is_collective(threshold) for p in petitions)
    assert any(p.is_skip_level for p in petitions)

    unchanged = run(store, "demo", "--if-empty")
    assert unchanged.returncode == 0
    assert "already has data" in unchanged.stdout
    refused = run(store, "demo")
    assert refused.returncode == 1


def test_new_key_makes_a_key_that_encrypts_the_store(store: Settings) -> None:
    made = run(store, "new-key")
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    assert len(base64.b64decode(key)) == 32  # AES-256
    assert run(store, "new-key").stdout.strip() != key  # a new one each time
    encrypted = store.model_copy(update={"cipher_key": SecretStr(key)})
    app = Tracker(encrypted)
    app.accounts.create_first_admin("root", "管理员", "a-long-password")
    app.close()
    # A store opened with the key reads back what it wrote with it.
    reopened = Tracker(encrypted)
    assert reopened.accounts.get(reopened.accounts.principal("root"), "root").username == "root"
    reopened.close()
