"""`tracker backup` and `tracker restore`, on both stores, taken while commands are recorded.

A backup is a snapshot: every command acknowledged before it started is in it,
once, and the restored store's read models, built from its events, agree with
them.  A damaged backup, a store that already holds events, and a missing key
are refused with nothing written.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.cryptography import AESCipher
from pydantic import SecretStr

from tests.stores import postgres_schema
from tests.story import PASSWORD, register
from tests.test_cli import run
from tracker.application import Tracker
from tracker.backup import backup, restore
from tracker.clock import FixedClock
from tracker.person import Person
from tracker.projections.case_index import CaseQuery
from tracker.roles import Role
from tracker.settings import Settings

ON = date(2026, 3, 2)
AGREE = "Read models and events agree"


def _office(app: Tracker) -> None:
    """The admin and one officer (two password hashes: hiring the whole cast is slower)."""
    app.accounts.create_first_admin("admin", "管理员", PASSWORD)
    app.accounts.create(
        app.accounts.principal("admin"),
        username="li",
        display_name="li",
        password=PASSWORD,
        community="xinmin",
        roles=(Role.OFFICER,),
    )


@contextmanager
def _empty_store(postgres: bool, tmp_path: Path, name: str = "restored") -> Iterator[Settings]:
    if postgres:
        with postgres_schema() as url:
            yield Settings(database_url=url)
    else:
        yield Settings(database_url=f"sqlite:///{tmp_path / f'{name}.sqlite3'}")


def _events(settings: Settings) -> list[Any]:
    """Every stored event with its notification id, as the store holds it (no key needed)."""
    app = Tracker(settings)
    try:
        return list(app.recorder.select_notifications(start=1, limit=1_000_000))
    finally:
        app.close()


def _listed(app: Tracker) -> list[str]:
    """Every case id the officer's case list shows, page by page."""
    officer = app.accounts.principal("li")
    ids: list[str] = []
    page = 1
    while True:
        listed = app.cases.list(officer, CaseQuery(per_page=200, page=page))
        ids += [row.case_id for row in listed.rows]
        if page >= listed.pages:
            assert len(ids) == listed.total
            return ids
        page += 1


class _Writer(threading.Thread):
    """Registers petitions until stopped; ``acknowledged`` holds each one that returned."""

    def __init__(self, app: Tracker) -> None:
        super().__init__(daemon=True)
        self.app = app
        self.acknowledged: list[UUID] = []
        self.error: BaseException | None = None
        self._stop_writing = threading.Event()

    def run(self) -> None:
        try:
            while not self._stop_writing.is_set():
                self.acknowledged.append(register(self.app, "li", date(2026, 2, 20)))
        except BaseException as error:  # reported by the test
            self.error = error

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while len(self.acknowledged) < count and self.error is None:
            assert time.monotonic() < deadline, "the writer stalled"
            time.sleep(0.01)

    def finish(self) -> None:
        self._stop_writing.set()
        self.join(timeout=30)
        assert self.error is None, self.error


def test_a_backup_taken_during_writes_restores_every_command_acknowledged_before_it(
    store: Settings, tmp_path: Path
) -> None:
    app = Tracker(store, clock=FixedClock.on(ON))
    _office(app)
    writer = _Writer(app)
    writer.start()
    try:
        writer.wait_for(20)
        before = list(writer.acknowledged)  # each of these returned before the backup started
        file = tmp_path / "backup.sqlite3"
        taken = run(store, "backup", str(file))
        during = len(writer.acknowledged) - len(before)
        writer.wait_for(len(writer.acknowledged) + 10)  # and a few surely after it
    finally:
        writer.finish()
        app.close()
    assert taken.returncode == 0, taken.stdout + taken.stderr
    assert during > 0, "no command was recorded while the backup ran"
    assert not Path(f"{file}-wal").exists()
    source = _events(store)

    with _empty_store(store.is_postgres, tmp_path) as target:
        restored = run(target, "restore", str(file), "--to", target.database_url)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert AGREE in restored.stdout
        # The events are the source's up to one point: none missing, none twice, same ids.
        events = _events(target)
        assert events == [event for event in source if event.id <= events[-1].id]
        app = Tracker(target, clock=FixedClock.on(ON))
        try:
            listed = _listed(app)
        finally:
            app.close()
        assert len(listed) == len(set(listed))
        assert {str(case_id) for case_id in before} <= set(listed)
        assert set(listed) <= {str(case_id) for case_id in writer.acknowledged}
        assert len(listed) < len(writer.acknowledged), "the backup is not a snapshot"
        checked = run(target, "check")
        assert checked.returncode == 0, checked.stdout
        assert AGREE in checked.stdout


def test_a_backup_restores_into_the_other_kind_of_store_from_a_lone_copy(
    store: Settings, tmp_path: Path
) -> None:
    app = Tracker(store, clock=FixedClock.on(ON))
    _office(app)
    for day in (16, 17, 18):
        register(app, "li", date(2026, 2, day))
    app.close()
    header = backup(store, tmp_path / "backup.sqlite3")
    assert header.store == ("postgresql" if store.is_postgres else "sqlite")
    elsewhere = tmp_path / "offsite"
    elsewhere.mkdir()
    file = Path(shutil.copy(tmp_path / "backup.sqlite3", elsewhere))  # the one file, alone
    with sqlite3.connect(file) as copy:
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    with _empty_store(not store.is_postgres, tmp_path) as target:
        restored = restore(file, target)
        assert restored.differences == []
        assert restored.header == header
        assert _events(target) == _events(store)


def test_restore_refuses_a_store_that_holds_events(store: Settings, tmp_path: Path) -> None:
    app = Tracker(store, clock=FixedClock.on(ON))
    _office(app)
    app.close()
    file = tmp_path / "backup.sqlite3"
    backup(store, file)
    events = _events(store)
    refused = run(store, "restore", str(file), "--to", store.database_url)
    assert refused.returncode == 1
    assert "already holds events; restore needs an empty store" in refused.stdout
    assert "Traceback" not in refused.stdout + refused.stderr
    assert _events(store) == events


def _flip_a_byte_of_an_event(file: Path) -> None:
    raw = bytearray(file.read_bytes())
    with sqlite3.connect(file) as backup_file:
        states = [row[0] for row in backup_file.execute("SELECT state FROM stored_events")]
    state = next(s for s in states if len(s) > 40 and raw.count(s) == 1)
    at = raw.index(state) + len(state) // 2
    raw[at] ^= 0x01
    file.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("damage", "message"),
    [("flip", "does not match its checksum"), ("truncate", "truncated")],
)
def test_a_changed_or_truncated_backup_is_refused(
    store: Settings, tmp_path: Path, damage: str, message: str
) -> None:
    app = Tracker(store, clock=FixedClock.on(ON))
    _office(app)
    register(app, "li", date(2026, 2, 20))
    app.close()
    file = tmp_path / "backup.sqlite3"
    backup(store, file)
    if damage == "flip":
        _flip_a_byte_of_an_event(file)
    else:
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    with _empty_store(store.is_postgres, tmp_path) as target:
        refused = run(target, "restore", str(file), "--to", target.database_url)
        assert refused.returncode == 1
        assert message in refused.stdout
        assert "Traceback" not in refused.stdout + refused.stderr
        assert _events(target) == []


def test_an_encrypted_store_is_backed_up_without_its_key_and_restored_with_it(
    store: Settings, tmp_path: Path
) -> None:
    key = SecretStr(AESCipher.create_key(32))
    sealed = store.model_copy(update={"cipher_key": key})
    app = Tracker(sealed, clock=FixedClock.on(ON))
    _office(app)
    register(app, "li", date(2026, 2, 20), petitioners=(Person("欧阳秀英"),))
    app.close()
    file = tmp_path / "backup.sqlite3"
    taken = run(store, "backup", str(file))  # the store's URL, no key
    assert taken.returncode == 0, taken.stdout + taken.stderr
    assert "欧阳秀英".encode() not in file.read_bytes()
    with _empty_store(store.is_postgres, tmp_path) as target:
        keyless = run(target, "restore", str(file), "--to", target.database_url)
        assert keyless.returncode == 1
        assert "cannot be read without TRACKER_CIPHER_KEY" in keyless.stdout
        assert _events(target) == []
        keyed = target.model_copy(update={"cipher_key": key})
        restored = run(keyed, "restore", str(file), "--to", target.database_url)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert AGREE in restored.stdout
        app = Tracker(keyed, clock=FixedClock.on(ON))
        try:
            officer = app.accounts.principal("li")
            assert [row.names for row in app.cases.list(officer, CaseQuery()).rows] == ["欧阳秀英"]
        finally:
            app.close()
