"""Command throughput through Tracker's application layer, as a ratio to the raw library.

Baseline: a minimal plain ``eventsourcing`` aggregate, one aggregate (one
event) per ``save()``, through a plain ``Application`` with the same
persistence settings.  Measured: the same number of events written by Tracker
petition commands (register, accept, assign, reply), one event per command,
each command loading what it checks (the case; for an assignment also the
officer's account) and saving separately.  The officer's principal is built
once, before timing.

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
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import ApplicationRecorder

from tracker.aggregates.petition import Channel, Level, Outcome
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.permissions import Principal
from tracker.person import Person
from tracker.roles import Role
from tracker.settings import Settings

POSTGRES_URL = os.environ.get("TRACKER_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
DEFAULT_EVENTS = 600
DEFAULT_ROUNDS = 5
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


@dataclass(frozen=True)
class Run:
    """One timed run: events per second, and this process's CPU time per event."""

    rate: float
    cpu_us: float


def timed(recorder: ApplicationRecorder, events: int, work: Callable[[], object]) -> Run:
    """Time ``work``; the events it wrote are counted from the notification log."""
    before = recorder.max_notification_id() or 0
    cpu_started = time.process_time()
    started = time.perf_counter()
    work()
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    written = (recorder.max_notification_id() or 0) - before
    if written != events:
        raise RuntimeError(f"{written} events written, {events} expected")
    return Run(rate=written / elapsed, cpu_us=cpu / written * 1e6)


def run_baseline(kind: str, events: int) -> Run:
    """Save ``events`` new aggregates, one per ``save()``."""

    def work() -> None:
        for number in range(events):
            app.save(Item(number))

    with fresh_store(kind) as settings:
        app = Baseline(env=settings.eventsourcing_env())
        try:
            return timed(app.recorder, events, work)
        finally:
            app.close()


# -- measured: Tracker commands ------------------------------------------------


@dataclass
class Workload:
    """A Tracker on an empty store with an officer, and the commands to time."""

    app: Tracker
    officer: Principal
    events: int

    def plan(self) -> list[int]:
        """How many commands of each phase (register, accept, assign, reply) make ``events``.

        ``ceil(events / 4)`` petitions are registered; the later phases stop
        when the total reaches ``events``.
        """
        petitions = -(-self.events // 4)
        return [max(0, min(petitions, self.events - k * petitions)) for k in range(4)]

    def register(self) -> UUID:
        recorded = self.app.petitions.register(
            self.officer,
            channel=Channel.LETTER,
            received_on=RECEIVED_ON,
            petitioners=(Person(name="张三"),),
            headcount=1,
            community=COMMUNITY,
            category="计划生育服务",
            summary="咨询独生子女父母奖励扶助的申领手续",
            lodged_level=Level.SUB_DISTRICT,
            competent_level=Level.SUB_DISTRICT,
        )
        return recorded.case_id

    def accept(self, case_id: UUID) -> None:
        self.app.petitions.accept(self.officer, case_id, ACCEPTED_ON)

    def assign(self, case_id: UUID) -> None:
        self.app.petitions.assign(self.officer, case_id, OFFICER)

    def reply(self, case_id: UUID) -> None:
        self.app.petitions.reply(
            self.officer, case_id, REPLIED_ON, Outcome.EXPLAINED, "已答复申领手续和所需材料"
        )

    def run(self) -> None:
        """Each command loads its case (if any), checks, and saves one event on its own."""
        registers, accepts, assigns, replies = self.plan()
        case_ids = [self.register() for _ in range(registers)]
        for command, count in (
            (self.accept, accepts),
            (self.assign, assigns),
            (self.reply, replies),
        ):
            for case_id in case_ids[:count]:
                command(case_id)


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


def run_tracker(kind: str, events: int) -> Run:
    """Write ``events`` events through Tracker commands."""
    with fresh_store(kind) as settings, tracker_workload(settings, events) as workload:
        return timed(workload.app.recorder, events, workload.run)


# -- rounds and report ---------------------------------------------------------


@dataclass(frozen=True)
class Round:
    number: int
    order: str
    baseline: Run
    tracker: Run

    @property
    def ratio(self) -> float:
        return self.tracker.rate / self.baseline.rate


@dataclass(frozen=True)
class Result:
    store: str
    events: int
    rounds: tuple[Round, ...]

    @property
    def baseline(self) -> Run:
        return _median(r.baseline for r in self.rounds)

    @property
    def tracker(self) -> Run:
        return _median(r.tracker for r in self.rounds)

    @property
    def ratio(self) -> float:
        """Median Tracker rate over median baseline rate."""
        return self.tracker.rate / self.baseline.rate

    @property
    def cpu_ratio(self) -> float:
        return self.baseline.cpu_us / self.tracker.cpu_us


def _median(runs: Iterable[Run]) -> Run:
    done = list(runs)
    return Run(
        rate=statistics.median(r.rate for r in done),
        cpu_us=statistics.median(r.cpu_us for r in done),
    )


def measure(kind: str, events: int, rounds: int) -> Result:
    """Warm up once, then alternate baseline and Tracker runs over ``rounds`` rounds."""
    run_baseline(kind, min(events, WARMUP_EVENTS))
    run_tracker(kind, min(events, WARMUP_EVENTS))
    done: list[Round] = []
    for number in range(1, rounds + 1):
        if number % 2:
            baseline = run_baseline(kind, events)
            tracker = run_tracker(kind, events)
            order = "baseline first"
        else:
            tracker = run_tracker(kind, events)
            baseline = run_baseline(kind, events)
            order = "tracker first"
        done.append(Round(number, order, baseline, tracker))
        print(
            f"  {kind} round {number}/{rounds}: ratio {tracker.rate / baseline.rate:.2f}",
            file=sys.stderr,
            flush=True,
        )
    return Result(kind, events, tuple(done))


def _row(store: str, label: str, order: str, baseline: Run, tracker: Run, ratio: float) -> str:
    return (
        f"{store:<9}{label:<7}{order:<15}{baseline.rate:>10,.0f}{tracker.rate:>10,.0f}"
        f"{ratio:>7.2f}{baseline.cpu_us:>10,.0f}{tracker.cpu_us:>10,.0f}"
    )


def report(results: list[Result]) -> str:
    lines = [
        f"{'':<31}{'events/s':^20}{'':7}{'CPU µs/event':^20}",
        f"{'store':<9}{'round':<7}{'order':<15}{'baseline':>10}{'tracker':>10}{'ratio':>7}"
        f"{'baseline':>10}{'tracker':>10}",
        "-" * 78,
    ]
    for result in results:
        for r in result.rounds:
            lines.append(_row(result.store, str(r.number), r.order, r.baseline, r.tracker, r.ratio))
        lines.append(
            _row(result.store, "median", "", result.baseline, result.tracker, result.ratio)
        )
        lines.append("")
    for result in results:
        verdict = "meets" if result.ratio >= TARGET_RATIO else "is BELOW"
        lines.append(
            f"{result.store}: {result.events} events per run, median of {len(result.rounds)} "
            f"rounds: ratio {result.ratio:.2f} {verdict} the {TARGET_RATIO} target; "
            f"CPU-time ratio {result.cpu_ratio:.2f}"
        )
    lines.append(
        "CPU: this process's user + system time per event, not the PostgreSQL server's. "
        "The CPU-time ratio (baseline CPU / Tracker CPU per event) shows the application "
        "layer's own cost; the events/s ratio approaches it when commits are cheap."
    )
    return "\n".join(lines)


def profile(kind: str, events: int, top: int) -> str:
    """cProfile of one Tracker run (setup excluded): the hottest functions."""
    profiler = cProfile.Profile()
    with fresh_store(kind) as settings, tracker_workload(settings, events) as workload:
        profiler.enable()
        workload.run()
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.commands",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
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
