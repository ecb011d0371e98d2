"""Command throughput through Tracker's application layer, as a ratio to the raw library.

Baseline: a minimal plain ``eventsourcing`` aggregate, one aggregate (one
event) per ``save()``, through a plain ``Application`` with the same
persistence settings.  Measured: the same number of events written by Tracker
petition commands (register, accept, assign, reply), one event per command,
each command loading its case and saving separately, as the web and CLI do.

Every run gets a fresh store (an SQLite file in a temporary folder, or a fresh
PostgreSQL schema dropped afterwards).  Baseline and measured runs alternate
over a few rounds; the medians and their ratio are printed.  Only the ratio
means anything on a shared machine.

    .venv/bin/python -m bench.commands [--events N] [--store sqlite|postgres|both]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate

from tracker.aggregates.petition import Channel, Level, Outcome
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.permissions import Principal
from tracker.person import Person
from tracker.roles import Role
from tracker.settings import Settings

POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
DEFAULT_EVENTS = 2000
DEFAULT_ROUNDS = 3
WARMUP_EVENTS = 100
TARGET_RATIO = 0.6

TODAY = date(2026, 3, 2)  # a Monday; every business date below lies before it
RECEIVED_ON = date(2026, 2, 24)
ACCEPTED_ON = date(2026, 2, 26)
REPLIED_ON = date(2026, 3, 2)
COMMUNITY = "xinmin"
OFFICER = "officer"
PASSWORD = "bench-password-1"


class UnavailableStore(Exception):
    """The store cannot be reached (PostgreSQL not running)."""


# -- stores ------------------------------------------------------------------


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A fresh schema in the test database, dropped with everything in it afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        conn = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise UnavailableStore(str(error).strip()) from None
    with conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            yield f"{POSTGRES_URL}?schema={schema}"
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def fresh_store(kind: str) -> Iterator[Settings]:
    """Settings for an empty store of the given kind, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="tracker-bench-") as folder:
            yield Settings(database_url=f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
    else:
        with postgres_schema() as url:
            yield Settings(database_url=url)


# -- baseline: the raw library -------------------------------------------------


class Item(Aggregate):
    """The smallest useful aggregate: one created event with one field."""

    def __init__(self, number: int) -> None:
        self.number = number


class Baseline(Application[UUID]):
    name = "Baseline"


def run_baseline(kind: str, events: int) -> float:
    """Events per second saving ``events`` new aggregates, one per ``save()``."""
    with fresh_store(kind) as settings:
        app = Baseline(env=settings.eventsourcing_env())
        try:
            before = app.recorder.max_notification_id() or 0
            started = time.perf_counter()
            for number in range(events):
                app.save(Item(number))
            elapsed = time.perf_counter() - started
            written = (app.recorder.max_notification_id() or 0) - before
        finally:
            app.close()
    return _rate(written, events, elapsed)


# -- measured: Tracker commands ------------------------------------------------


@dataclass
class Workload:
    """A Tracker on an empty store with an officer, and the commands to time."""

    app: Tracker
    officer: Principal
    events: int

    def commands(self) -> Iterator[Callable[[], object]]:
        """``events`` commands of one event each, phase by phase: register, accept, assign, reply.

        ``ceil(events / 4)`` petitions are registered; the later phases stop
        when the total reaches ``events``.
        """
        petitions = self.app.petitions
        officer = self.officer
        count = -(-self.events // 4)
        petitioners = (Person(name="张三"),)
        ids: list[UUID] = []
        remaining = self.events

        def register() -> object:
            recorded = petitions.register(
                officer,
                channel=Channel.LETTER,
                received_on=RECEIVED_ON,
                petitioners=petitioners,
                headcount=1,
                community=COMMUNITY,
                category="计划生育服务",
                summary="咨询独生子女父母奖励扶助的申领手续",
                lodged_level=Level.SUB_DISTRICT,
                competent_level=Level.SUB_DISTRICT,
            )
            ids.append(recorded.case_id)
            return recorded

        for _ in range(min(count, remaining)):
            yield register
        remaining -= count
        phases: list[Callable[[UUID], object]] = [
            lambda case: petitions.accept(officer, case, ACCEPTED_ON),
            lambda case: petitions.assign(officer, case, OFFICER),
            lambda case: petitions.reply(
                officer, case, REPLIED_ON, Outcome.EXPLAINED, "已答复申领手续和所需材料"
            ),
        ]
        for phase in phases:
            for case in ids[: max(0, min(count, remaining))]:
                yield lambda phase=phase, case=case: phase(case)
            remaining -= count


@contextmanager
def tracker_workload(settings: Settings, events: int) -> Iterator[Workload]:
    """A Tracker with an admin and an officer of xinmin, set up before any timing."""
    app = Tracker(settings, clock=FixedClock.on(TODAY))
    try:
        admin = app.accounts.create_first_admin("admin", "系统管理员", PASSWORD)
        admin_principal = app.accounts.principal(admin.username)
        app.accounts.create(
            admin_principal,
            username=OFFICER,
            display_name="办事员",
            password=PASSWORD,
            community=COMMUNITY,
            roles=(Role.OFFICER,),
        )
        yield Workload(app=app, officer=app.accounts.principal(OFFICER), events=events)
    finally:
        app.close()


def run_tracker(kind: str, events: int) -> float:
    """Events per second writing ``events`` events through Tracker commands."""
    with fresh_store(kind) as settings, tracker_workload(settings, events) as workload:
        recorder = workload.app.recorder
        before = recorder.max_notification_id() or 0
        started = time.perf_counter()
        for command in workload.commands():
            command()
        elapsed = time.perf_counter() - started
        written = (recorder.max_notification_id() or 0) - before
    return _rate(written, events, elapsed)


def _rate(written: int, expected: int, elapsed: float) -> float:
    if written != expected:
        raise RuntimeError(f"{written} events written, {expected} expected")
    return written / elapsed


# -- rounds and report ---------------------------------------------------------


@dataclass(frozen=True)
class Round:
    number: int
    order: str
    baseline: float
    tracker: float

    @property
    def ratio(self) -> float:
        return self.tracker / self.baseline


@dataclass(frozen=True)
class Result:
    store: str
    events: int
    rounds: tuple[Round, ...]

    @property
    def baseline(self) -> float:
        return statistics.median(r.baseline for r in self.rounds)

    @property
    def tracker(self) -> float:
        return statistics.median(r.tracker for r in self.rounds)

    @property
    def ratio(self) -> float:
        return self.tracker / self.baseline


def measure(kind: str, events: int, rounds: int) -> Result:
    """Warm up once, then alternate baseline and Tracker runs over ``rounds`` rounds."""
    run_baseline(kind, min(events, WARMUP_EVENTS))
    run_tracker(kind, min(events, WARMUP_EVENTS))
    done: list[Round] = []
    for number in range(1, rounds + 1):
        if number % 2:
            baseline = run_baseline(kind, events)
            tracker = run_tracker(kind, events)
            order = "baseline, tracker"
        else:
            tracker = run_tracker(kind, events)
            baseline = run_baseline(kind, events)
            order = "tracker, baseline"
        done.append(Round(number, order, baseline, tracker))
        print(
            f"  {kind} round {number}: baseline {baseline:,.0f} ev/s, "
            f"tracker {tracker:,.0f} ev/s, ratio {tracker / baseline:.2f}",
            file=sys.stderr,
            flush=True,
        )
    return Result(kind, events, tuple(done))


def report(results: list[Result]) -> str:
    lines = [
        f"{'store':<9} {'round':<7} {'order':<19} {'baseline ev/s':>14} "
        f"{'tracker ev/s':>13} {'ratio':>6}",
        "-" * 73,
    ]
    for result in results:
        for r in result.rounds:
            lines.append(
                f"{result.store:<9} {r.number:<7} {r.order:<19} {r.baseline:>14,.0f} "
                f"{r.tracker:>13,.0f} {r.ratio:>6.2f}"
            )
        lines.append(
            f"{result.store:<9} {'median':<7} {'':<19} {result.baseline:>14,.0f} "
            f"{result.tracker:>13,.0f} {result.ratio:>6.2f}"
        )
        lines.append("")
    for result in results:
        verdict = "meets" if result.ratio >= TARGET_RATIO else "BELOW"
        lines.append(
            f"{result.store}: {result.events} events, ratio {result.ratio:.2f} "
            f"({verdict} the {TARGET_RATIO} target)"
        )
    return "\n".join(lines)


def profile(kind: str, events: int, top: int) -> str:
    """cProfile of one Tracker run (setup excluded): the hottest functions."""
    profiler = cProfile.Profile()
    with fresh_store(kind) as settings, tracker_workload(settings, events) as workload:
        profiler.enable()
        for command in workload.commands():
            command()
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.commands", description=__doc__)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="events per run")
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead of timing, profile one Tracker run per store with cProfile",
    )
    args = parser.parse_args(argv)
    if args.events < 1 or args.rounds < 1:
        parser.error("--events and --rounds must be at least 1")
    kinds = ("sqlite", "postgres") if args.store == "both" else (args.store,)
    results: list[Result] = []
    status = 0
    for kind in kinds:
        try:
            if args.profile:
                print(f"== {kind}: profile of {args.events} events ==")
                print(profile(kind, args.events, top=30))
            else:
                results.append(measure(kind, args.events, args.rounds))
        except UnavailableStore as error:
            print(f"{kind}: skipped, PostgreSQL unreachable: {error}", file=sys.stderr)
            status = 1
    if results:
        print(report(results))
    return status


if __name__ == "__main__":
    sys.exit(main())
