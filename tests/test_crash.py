"""Crashes: no acknowledged command is lost when the server or the database goes down.

The real server (``tracker serve``, a subprocess) takes a stream of new cases from
a few clients.  It is killed with SIGKILL at a seeded moment and started again on
the same store; or, on PostgreSQL, the database server under it is stopped and
started while it keeps running.  Afterwards every case answered 201 is in the
store (its page loads it from the events), in the read models (the case list)
exactly once, nothing that was never sent is there, and ``tracker check``
agrees.  ``TRACKER_CRASH_SEED`` replays another moment.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from tests.live import free_port
from tests.stores import POSTGRES_URL, postgres_schema
from tests.story import PASSWORD, hire, register
from tracker.application import Tracker
from tracker.projections.database import Cursor, ViewDatabase
from tracker.settings import Settings

TRACKER = str(Path(sys.executable).with_name("tracker"))
SEED = int(os.environ.get("TRACKER_CRASH_SEED", "20261207"))
SECRET = "crash-test-session-secret-not-for-production"
MARK = "崩溃测试"
CATEGORY = "计生政策"  # the list shows it before the summary
WRITERS = 3
REQUEST_TIMEOUT = 30.0  # no request may take longer, outage or not
START_TIMEOUT = 30.0
INITDB_OPTIONS = ("-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
RECOVERY_TIMEOUT = 60.0  # the pool reconnects with backoff: about as long as it was down


# -- the server, as a user runs it -----------------------------------------------------


def _env(database_url: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRACKER_")}
    env.update(TRACKER_DATABASE_URL=database_url, TRACKER_SESSION_SECRET=SECRET)
    env["PYTHONFAULTHANDLER"] = "1"  # SIGABRT prints every thread's stack (Server.stacks)
    return env


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-12000:]

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a power cut would: no shutdown of any kind."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stacks(self) -> str:
        """Where each of its threads is, should it hang (it ends the server)."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGABRT)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
        return self.output()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def serving(database_url: str, log: Path) -> Iterator[Server]:
    """``tracker serve`` on a free port until the block ends (or it is killed in it)."""
    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [TRACKER, "serve", "--port", str(port)],
            env=_env(database_url),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killed whole, never left behind
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(server.base):
            assert process.poll() is None, f"the server exited:\n{server.output()}"
            assert time.monotonic() < deadline, f"the server did not start:\n{server.output()}"
            time.sleep(0.1)
        yield server
    finally:
        server.stop()


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def tracker_check(database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [TRACKER, "check"],
        env={**_env(database_url), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def seed(settings: Settings) -> None:
    app = Tracker(settings)
    try:
        hire(app)
    finally:
        app.close()


# -- clients sending new cases -----------------------------------------------------------


def sign_in(client: httpx.Client, username: str = "li") -> None:
    answer = client.post("/api/session", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]


def petition(summary: str) -> dict[str, Any]:
    received = date.today() - timedelta(days=2)  # the server's clock is the real one
    return {
        "people": [{"name": "赵丽"}],
        "fields": {
            "channel": "letter",
            "received_on": received.isoformat(),
            "headcount": "1",
            "community": "xinmin",
            "category": CATEGORY,
            "summary": summary,
            "lodged_level": "SUB_DISTRICT",
            "competent_level": "SUB_DISTRICT",
        },
    }


@dataclass
class Outcomes:
    """What the clients sent and what they were told, in the order they were told it."""

    acknowledged: dict[str, str] = field(default_factory=dict)  # summary -> case id
    sent: set[str] = field(default_factory=set)
    answers: Counter[str] = field(default_factory=Counter)
    refusals: list[str] = field(default_factory=list)  # answers neither 201 nor 503
    slowest: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self) -> int:
        with self.lock:
            return len(self.acknowledged)


class Writers:
    """``WRITERS`` clients, each with its own session, registering petitions until stopped."""

    def __init__(self, base: str, uncertain: Collection[int] = (503,)) -> None:
        self.outcomes = Outcomes()
        self._uncertain = uncertain  # answers that acknowledge nothing and refuse nothing
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._write, args=(base, n), daemon=True)
            for n in range(WRITERS)
        ]

    def __enter__(self) -> Writers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)
        assert not any(thread.is_alive() for thread in self._threads), "a client hung"

    def wait_for(self, acknowledged: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.outcomes.count() < acknowledged:
            assert time.monotonic() < deadline, f"fewer than {acknowledged} cases acknowledged"
            time.sleep(0.02)

    def _write(self, base: str, writer: int) -> None:
        out = self.outcomes
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
            sign_in(client)
            number = 0
            while not self._stop.is_set():
                summary = f"{MARK}{writer}-{number}"
                number += 1
                with out.lock:
                    out.sent.add(summary)
                began = time.monotonic()
                try:
                    answer = client.post("/api/cases/petition", json=petition(summary))
                except httpx.TimeoutException:
                    with out.lock:
                        out.answers["timeout"] += 1
                    continue
                except httpx.TransportError:  # the server is gone: nothing was answered
                    with out.lock:
                        out.answers["no answer"] += 1
                    time.sleep(0.02)
                    continue
                with out.lock:
                    out.slowest = max(out.slowest, time.monotonic() - began)
                    out.answers[str(answer.status_code)] += 1
                    if answer.status_code == 201:
                        out.acknowledged[summary] = answer.json()["case_id"]
                    elif answer.status_code not in self._uncertain:
                        out.refusals.append(f"{answer.status_code} {answer.text[:300]}")
                if answer.status_code != 201:
                    time.sleep(0.05)


# -- what must hold afterwards -----------------------------------------------------------


def listed(client: httpx.Client) -> list[dict[str, Any]]:
    """Every petition in the case list (the read model), page by page."""
    rows: list[dict[str, Any]] = []
    page, total = 1, None
    while total is None or len(rows) < total:
        answer = client.get("/api/cases", params={"kind": "petition", "page": page})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        total = body["total"]
        assert body["rows"] or len(rows) >= total, "the list ended before its total"
        rows += body["rows"]
        page += 1
    return rows


def assert_all_there(base: str, outcomes: Outcomes) -> None:
    """Every acknowledged case loads and is listed once; nothing unsent appears."""
    acknowledged = dict(outcomes.acknowledged)
    assert acknowledged, "no case was acknowledged: the test proves nothing"
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
        sign_in(client)
        for summary, case_id in acknowledged.items():
            answer = client.get(f"/api/cases/petition/{case_id}")
            assert answer.status_code == 200, f"acknowledged case {case_id} is missing"
            assert answer.json()["case"]["summary"] == summary
        rows = listed(client)
        health = client.get("/health").json()
    ids = Counter(row["case_id"] for row in rows)
    summaries = Counter(row["summary"].removeprefix(f"{CATEGORY} ") for row in rows)
    assert [i for i, n in ids.items() if n > 1] == [], "a case is listed twice"
    assert [s for s, n in summaries.items() if n > 1] == [], "a command was recorded twice"
    assert set(summaries) <= outcomes.sent, "a case appeared that no client sent"
    missing = {s: i for s, i in acknowledged.items() if ids[i] != 1 or summaries[s] != 1}
    assert missing == {}, "acknowledged cases missing from the case list"
    assert len(acknowledged) <= len(rows) <= len(outcomes.sent)
    assert health["status"] == "ok", health
    assert set(health["lag"].values()) == {0}, health


def assert_checked(database_url: str) -> None:
    checked = tracker_check(database_url)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# -- 0. a page under a stream of writes --------------------------------------------------


def test_a_refresh_stops_at_the_head_it_saw(app: Tracker, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read-your-writes waits for what was recorded before, not for what keeps coming.

    Under three steady writers on PostgreSQL, /health and every page once waited
    for ever: each batch caught up found newer events to catch up with.
    """
    hire(app)
    app.views.refresh()
    read = app.views._notifications
    batches = 0

    def while_another_is_written(after: int, limit: int) -> list[Any]:
        nonlocal batches
        batches += 1
        assert batches < 20, "the refresh follows every new write"
        register(app, "li", date(2026, 2, 20))  # written by another request meanwhile
        return read(after, limit)

    register(app, "li", date(2026, 2, 20))
    monkeypatch.setattr(app.views, "_notifications", while_another_is_written)
    app.views.refresh()
    assert batches == 1


# -- 1. kill -9 of the server, on both stores --------------------------------------------


def test_a_killed_server_loses_no_acknowledged_command(store: Settings, tmp_path: Path) -> None:
    seed(store)
    rng = random.Random(f"{SEED}-{store.is_postgres}")
    log = tmp_path / "server.log"
    with serving(store.database_url, log) as server, Writers(server.base) as writers:
        writers.wait_for(3)
        time.sleep(rng.uniform(0.3, 2.0))  # a seeded moment in the middle of the stream
        server.kill()
        writers.stop()
    outcomes = writers.outcomes
    assert outcomes.refusals == [], outcomes.refusals[:5]
    with serving(store.database_url, log) as server:
        assert_all_there(server.base, outcomes)
        with Writers(server.base) as after:  # and it goes on taking commands
            after.wait_for(3)
    assert after.outcomes.refusals == []
    assert_checked(store.database_url)


# -- 2. a restart of the PostgreSQL server under the running app ------------------------


def _terminate(pid: int) -> None:
    with psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=10) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


def _backend(cursor: Cursor) -> int:
    cursor.execute("SELECT pg_backend_pid() AS pid")
    row = cursor.fetchone()
    assert row is not None
    return int(row["pid"])


def _cut_inside(db: ViewDatabase, nested: bool) -> None:
    with db.write() as cursor:
        _terminate(_backend(cursor))
        if nested:
            with db.read() as inner:
                inner.execute("SELECT 1")
        else:
            cursor.execute("SELECT 1")


@pytest.mark.postgres
def test_the_read_models_connect_again_when_their_connection_is_cut() -> None:
    with postgres_schema() as url:
        app = Tracker(Settings(database_url=url))
        try:
            db = app.views.db
            for transaction in (db.read, db.write):  # a write takes the writers' lock first
                with transaction() as cursor:
                    cut = _backend(cursor)
                _terminate(cut)
                with transaction() as cursor:  # on a new connection, with its search_path
                    assert _backend(cursor) != cut
                    cursor.execute("SELECT COUNT(*) AS n FROM view_positions")
            # Cut inside a transaction, after the caller's statements began, or before a
            # nested one (the caller's transaction is lost with it): not hidden.
            for nested in (False, True):
                with pytest.raises(psycopg.OperationalError):
                    _cut_inside(db, nested)
            hire(app)  # and the app goes on
            app.views.refresh()
            assert app.views.lag() == dict.fromkeys(app.views.lag(), 0)
        finally:
            app.close()


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"a throwaway PostgreSQL cluster is required under CI=true: {reason}")
    pytest.skip(f"no throwaway PostgreSQL cluster: {reason}")


def _postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's programs, or those on the PATH."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    on_path = shutil.which("initdb")
    candidates = [*reversed(found), *([Path(on_path).parent] if on_path else [])]
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    return None


@dataclass
class Cluster:
    bindir: Path
    root: Path
    port: int
    as_owner: list[str]

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        command = [*self.as_owner, str(self.bindir / "pg_ctl"), "-D", str(self.root / "data")]
        done = subprocess.run(
            [*command, "-w", "-t", "30", *args], capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("-l", str(self.root / "server.log"), "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "stop")

    def kill(self) -> None:
        """Make sure it is gone, however it fared."""
        pid_file = self.root / "data" / "postmaster.pid"
        with suppress(AssertionError, subprocess.TimeoutExpired):
            self.stop("immediate")
        if pid_file.exists():
            with suppress(ProcessLookupError, ValueError, IndexError):
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)


@contextmanager
def throwaway_cluster() -> Iterator[Cluster]:
    """A PostgreSQL cluster of its own on a free port, removed afterwards."""
    bindir = _postgres_bin()
    if bindir is None:
        _unavailable("initdb and pg_ctl not found (/usr/lib/postgresql/*/bin or PATH)")
        raise AssertionError("unreachable")
    as_owner: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to postgres
        if shutil.which("runuser") is None:
            _unavailable("running as root without runuser")
        as_owner = ["runuser", "-u", "postgres", "--"]
    # Not under pytest's tmp_path: its parents are private to the user running the tests.
    root = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    try:
        if as_owner:
            try:
                shutil.chown(root, "postgres", "postgres")
            except LookupError:
                _unavailable("running as root and there is no postgres user")
        made = subprocess.run(
            [*as_owner, str(bindir / "initdb"), "-D", str(root / "data"), *INITDB_OPTIONS],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert made.returncode == 0, made.stdout + made.stderr
        cluster = Cluster(bindir, root, free_port(), as_owner)
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.kill()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _timed(call: Callable[[], httpx.Response]) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    answer = call()
    return answer, time.monotonic() - began


def while_down(clients: list[httpx.Client]) -> dict[str, tuple[httpx.Response, float]]:
    """A health check, a command and a page, at the same moment, each with how long it took."""
    asks: dict[str, Callable[[httpx.Client], httpx.Response]] = {
        "health": lambda client: client.get("/health"),
        "command": lambda client: client.post("/api/cases/petition", json=petition(f"{MARK}probe")),
        "page": lambda client: client.get("/cases"),
    }
    with ThreadPoolExecutor(len(asks)) as pool:
        asked = {
            name: pool.submit(_timed, partial(ask, client))
            for (name, ask), client in zip(asks.items(), clients, strict=True)
        }
        return {name: future.result(timeout=REQUEST_TIMEOUT + 5) for name, future in asked.items()}


@pytest.mark.postgres
def test_the_app_recovers_from_a_database_restart_without_its_own(tmp_path: Path) -> None:
    with throwaway_cluster() as cluster:
        with psycopg.connect(cluster.url, autocommit=True, connect_timeout=10) as conn:
            conn.execute("CREATE SCHEMA crash")
        url = f"{cluster.url}?schema=crash"  # the read models' search_path too
        seed(Settings(database_url=url))
        rng = random.Random(f"{SEED}-restart")
        with serving(url, tmp_path / "server.log") as server, ExitStack() as clients:
            probes = [
                clients.enter_context(httpx.Client(base_url=server.base, timeout=REQUEST_TIMEOUT))
                for _ in range(3)
            ]
            for probe in probes:
                sign_in(probe)
            # A command cut off by the stop may have been committed unseen; its second try
            # then collides with itself (409).  Either way it was not acknowledged.
            with Writers(server.base, uncertain={503, 409}) as writers:
                writers.wait_for(3)
                time.sleep(rng.uniform(0.3, 1.5))
                cluster.stop("fast")  # every connection of the app is cut
                with writers.outcomes.lock:
                    writers.outcomes.sent.add(f"{MARK}probe")
                down = while_down(probes)
                before = writers.outcomes.count()
                cluster.start()
                # Back without a restart of the app: health, then new commands.
                deadline = time.monotonic() + RECOVERY_TIMEOUT
                while not _answers(server.base):
                    assert time.monotonic() < deadline, f"no recovery:\n{server.stacks()}"
                    time.sleep(0.1)
                writers.wait_for(before + 5)
            assert server.process.poll() is None, "the app restarted"
            assert probes[0].get("/cases").status_code == 200
            assert probes[0].get("/").status_code == 200
            outcomes = writers.outcomes
            assert_all_there(server.base, outcomes)
        # While it was down: a readable 503, in bounded time, as JSON or as a page.
        health, command, page = (down[name][0] for name in ("health", "command", "page"))
        assert health.status_code == 503, health.text
        assert health.json()["status"] == "unavailable"
        assert command.status_code == 503, command.text
        assert command.json()["error"] == "unavailable", command.text
        assert page.status_code == 503, page.text
        assert "<html" in page.text
        assert "Traceback" not in page.text
        slowest = max(outcomes.slowest, *(taken for _, taken in down.values()))
        assert slowest < REQUEST_TIMEOUT
        assert outcomes.refusals == [], outcomes.refusals[:5]
        assert outcomes.answers["timeout"] == outcomes.answers["no answer"] == 0
        assert_checked(url)
