"""The `tracker` console script, run as a user runs it, on both stores."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from pydantic import SecretStr

from tests.stores import postgres_schema
from tests.story import hire, register
from tracker.aggregates.petition import Petition
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.projections.case_index import CaseQuery
from tracker.settings import Settings

TRACKER = str(Path(sys.executable).with_name("tracker"))


def run(
    store: Settings, *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TRACKER_DATABASE_URL": store.database_url,
        "COLUMNS": "200",
        **(env or {}),
    }
    if store.cipher_key is not None:
        env["TRACKER_CIPHER_KEY"] = store.cipher_key.get_secret_value()
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


@contextmanager
def _empty_store_beside(store: Settings, tmp_path: Path) -> Iterator[str]:
    if store.is_postgres:
        with postgres_schema() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'rekeyed.sqlite3'}"


def test_rekey_copies_every_event_into_a_new_store_under_a_new_key(
    store: Settings, tmp_path: Path
) -> None:
    old_key, new_key = (run(store, "new-key").stdout.strip() for _ in range(2))
    source = store.model_copy(update={"cipher_key": SecretStr(old_key)})
    app = Tracker(source, clock=FixedClock.on(date(2026, 3, 2)))
    hire(app)
    register(app, "li", date(2026, 2, 20))
    events = app.recorder.max_notification_id()
    app.close()
    with _empty_store_beside(store, tmp_path) as url:
        unkeyed = run(source, "rekey", "--to", url)
        assert unkeyed.returncode == 2, "a copy without a key needs --unencrypted"
        copied = run(source, "rekey", "--to", url, env={"TRACKER_NEW_CIPHER_KEY": new_key})
        assert copied.returncode == 0, copied.stdout + copied.stderr
        assert f"Copied {events} events" in copied.stdout
        target = Settings(database_url=url, cipher_key=SecretStr(new_key))
        checked = run(target, "check")
        assert checked.returncode == 0, checked.stdout
        rekeyed = Tracker(target)
        auditor = rekeyed.accounts.principal("zhou")
        assert [row.names for row in rekeyed.cases.list(auditor, CaseQuery()).rows] == ["王**"]
        assert rekeyed.recorder.max_notification_id() == events
        rekeyed.close()
        again = run(source, "rekey", "--to", url, env={"TRACKER_NEW_CIPHER_KEY": new_key})
        assert again.returncode == 1, "copied twice into the same store"
        old_key_on_new_store = Tracker(target.model_copy(update={"cipher_key": SecretStr(old_key)}))
        with pytest.raises(ValueError, match="Invalid cipher tag"):
            old_key_on_new_store.accounts.principal("zhou")
        old_key_on_new_store.close()
