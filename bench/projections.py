"""Read models: rebuild throughput against the raw library, and query times as the store grows.

1. Rebuild rate.  On a small store (about ``--small`` events), every read
   model is rebuilt with ``app.views.rebuild(name)``, one after the other,
   over a few rounds.  The baseline, timed in the same rounds, reads and
   decodes the same notifications with the library alone
   (``recorder.select_notifications`` in batches of 500, then
   ``mapper.to_domain_event`` for each).  Reported: events per second of each
   rebuild and of all of them (events ÷ the sum of their times), each as a
   ratio to the baseline's rate.  The first catch-up of every read model in
   one pass (``app.views.catch_up()`` after the bulk load) is reported the
   same way, on the small and on the large store.
2. Query times.  A case list page, a text search, and the petition, fee and
   approval reports, on the small store and on a large one (about
   ``--large`` events; PostgreSQL uses at most ``--large-postgres``), both
   kept open: after a warm-up, ``--repeat`` calls alternating between the two
   stores, read models caught up; the medians are compared.

Both stores are filled in bulk (``bench.history``): cases built with the
aggregates' own command methods and saved many per ``app.save``.  Business
dates run back from 2026-04-19 (fee cases from the abolition, 2021-08-20) at
a fixed number of cases per day, so the large store holds more years, not
denser months.  PostgreSQL: the test server runs without autovacuum, so the
bench runs ANALYZE as autovacuum would (see ``analyse``; ``--no-analyse``
measures the server as it is).  SQLite is left as Tracker leaves it.

    .venv/bin/python -m bench.projections [--store sqlite|postgres|both] [--small N] [--large N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bench.commands import UnavailableStore, fresh_store
from bench.history import History, events_of
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.permissions import Principal
from tracker.projections.case_index import CasePage, CaseQuery
from tracker.projections.database import Cursor, ViewDatabase
from tracker.projections.runner import suffix
from tracker.projections.sealing import Sealer
from tracker.roles import Role
from tracker.settings import Settings

DEFAULT_SMALL = 10_000
DEFAULT_LARGE = 1_000_000
DEFAULT_LARGE_POSTGRES = 150_000
DEFAULT_ROUNDS = 3
DEFAULT_REPEAT = 20
WARMUP_CALLS = 2
ANALYSE_AFTER = 1_000  # PostgreSQL: the first ANALYZE of fresh view tables, after these events
ANALYSE_GROWTH = 1.5  # ... and another each time they have grown by half since the last
BATCH = 500  # the runner's batch, for the baseline's reads too
CHUNK = {"sqlite": 500, "postgres": 250}  # aggregates per save while filling
TARGET_RATIO = 0.5
TARGET_GROWTH = 1.5

TODAY = date(2026, 4, 20)  # a Monday; every business date lies before it
# Events per day of history at bench.history's density, and the shortfall of
# the last months (cases still running): used to size a store from its event count.
EVENTS_PER_DAY = 108
RUNNING_SHORTFALL = 1_600
SEARCH = "王秀英"
# The sub-district's officer: every community, so reports come with their breakdown.
WHO = Principal(username="liu", roles=frozenset({Role.OFFICER}), community=None)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- filling a store --------------------------------------------------------------------


@dataclass(frozen=True)
class Filled:
    events: int
    aggregates: int
    days: int
    seconds: float
    cases_from: date
    fees_from: date

    @property
    def rate(self) -> float:
        return self.events / self.seconds


def fill(app: Tracker, kind: str, target: int) -> Filled:
    """About ``target`` events of history, written in bulk: many aggregates per save."""
    days = max(1, round((target + RUNNING_SHORTFALL) / EVENTS_PER_DAY))
    history = History(TODAY, app.policy.abolished_on, days)
    chunk = CHUNK[kind]
    pending: list[Any] = []
    aggregates = 0
    started = time.perf_counter()
    shown = started
    for day, fees, cases in history.calendar():
        pending += history.day(day, fees, cases)
        if len(pending) >= chunk:
            app.save(*events_of(pending))
            aggregates += len(pending)
            pending = []
            if time.perf_counter() - shown > 15:
                shown = time.perf_counter()
                head = app.recorder.max_notification_id() or 0
                say(f"  {kind}: {head:,} events written (up to {day})")
    if pending:
        app.save(*events_of(pending))
        aggregates += len(pending)
    seconds = time.perf_counter() - started
    first = next(history.calendar())[0]
    return Filled(
        events=app.recorder.max_notification_id() or 0,
        aggregates=aggregates,
        days=days,
        seconds=seconds,
        cases_from=history.last - timedelta(days=days - 1),
        fees_from=min(first, history.fee_last - timedelta(days=days - 1)),
    )


@contextmanager
def tracker_on(settings: Settings) -> Iterator[Tracker]:
    app = Tracker(settings, clock=FixedClock.on(TODAY))
    try:
        yield app
    finally:
        app.close()


def analyse(app: Tracker, *, views_only: bool = False, rebuilding: str | None = None) -> None:
    """PostgreSQL: fresh planner statistics for this schema's tables (autovacuum's job).

    The test server runs with ``autovacuum = off``.  Without statistics the
    planner keeps choosing, for ``record_version``'s ``UPDATE ... WHERE case_id
    = ? AND superseded_at IS NULL``, a scan of a whole ``superseded_at IS NULL``
    index, so every event costs time in proportion to the table: catch-up and
    rebuild slow down quadratically.  Unless ``--no-analyse`` is given, the bench
    does what autovacuum would (see ``Autovacuum``), and analyses once more
    before the queries.
    """
    if app.views.db.dialect != "postgresql":
        return
    events = getattr(app.recorder, "events_table_name", "") if views_only else ""
    with app.views.db.write() as cursor:
        if rebuilding is None:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            tables = [row["tablename"] for row in cursor.fetchall() if row["tablename"] != events]
        else:
            # Only the tables being filled: the read model's newest generation.
            cursor.execute(
                "SELECT MAX(generation) AS g FROM view_positions WHERE name = ?", (rebuilding,)
            )
            row = cursor.fetchone()
            assert row is not None
            new = suffix(int(row["g"]))
            tables = [f"{table}{new}" for table in app.views.projections[rebuilding].tables]
        for table in tables:
            cursor.execute(f'ANALYZE "{table}"')


@dataclass
class Autovacuum:
    """ANALYZE as the view tables grow, as autovacuum would: after the first
    ``ANALYSE_AFTER`` events, then whenever they have grown by half.

    One early ANALYZE is not enough: statistics of a small table make the
    planner cache a sequential scan for the UPDATE, which then also grows with
    the table.  Callable as a rebuild's ``on_progress``.
    """

    app: Tracker
    rebuilding: str | None = None  # a rebuild analyses only the new generation's tables
    next_at: int = ANALYSE_AFTER

    def __call__(self, position: int, head: int = 0) -> None:
        if position >= self.next_at:
            analyse(self.app, views_only=True, rebuilding=self.rebuilding)
            self.next_at = max(self.next_at, round(position * ANALYSE_GROWTH))


# -- throughput ---------------------------------------------------------------------------


def read_all(app: Tracker) -> float:
    """The baseline: read and decode every notification with the library; seconds taken."""
    started = time.perf_counter()
    position = 0
    count = 0
    while batch := app.recorder.select_notifications(
        start=position, limit=BATCH, inclusive_of_start=False
    ):
        for notification in batch:
            app.mapper.to_domain_event(notification)
        count += len(batch)
        position = batch[-1].id
    seconds = time.perf_counter() - started
    if count != (app.recorder.max_notification_id() or 0):
        raise RuntimeError(f"read {count} notifications, the log holds more")
    return seconds


def timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


@dataclass(frozen=True)
class CatchUp:
    """The first catch-up of every read model in one pass, with the baseline around it."""

    events: int
    seconds: float
    baseline_seconds: tuple[float, ...]

    @property
    def rate(self) -> float:
        return self.events / self.seconds

    @property
    def baseline_rate(self) -> float:
        return self.events / statistics.median(self.baseline_seconds)

    @property
    def ratio(self) -> float:
        return self.rate / self.baseline_rate


def catch_up(app: Tracker, autovacuum: bool) -> CatchUp:
    """Baseline, catch-up, baseline: the first read also warms the cache for both."""
    events = app.recorder.max_notification_id() or 0

    def work() -> None:
        if not autovacuum:
            app.views.catch_up()
            return
        vacuum = Autovacuum(app)
        name = next(iter(app.views.projections))
        while (position := app.views.position(name)) < events:
            app.views.catch_up(stop_after=max(1, (vacuum.next_at - position) // BATCH))
            vacuum(app.views.position(name))

    before = read_all(app)
    seconds = timed(work)
    for name in app.views.projections:
        if app.views.position(name) != events:
            raise RuntimeError(f"{name} stopped at {app.views.position(name)} of {events}")
    after = read_all(app)
    return CatchUp(events, seconds, (before, after))


@dataclass(frozen=True)
class Rebuilds:
    """Rebuild times per read model over several rounds, and the baseline's in the same rounds."""

    events: int
    baseline_seconds: tuple[float, ...]
    seconds: dict[str, tuple[float, ...]]

    @property
    def baseline_rate(self) -> float:
        return self.events / statistics.median(self.baseline_seconds)

    def rate(self, name: str) -> float:
        return self.events / statistics.median(self.seconds[name])

    def ratio(self, name: str) -> float:
        return self.rate(name) / self.baseline_rate

    @property
    def all_rate(self) -> float:
        """Every read model rebuilt, one after the other: events ÷ the sum of the medians."""
        return self.events / sum(statistics.median(s) for s in self.seconds.values())

    @property
    def all_ratio(self) -> float:
        return self.all_rate / self.baseline_rate


def rebuild(app: Tracker, name: str, autovacuum: bool) -> float:
    """Seconds to rebuild one read model (analysing its new tables as they grow, if asked)."""
    progress = Autovacuum(app, rebuilding=name) if autovacuum else None
    return timed(lambda: app.views.rebuild(name, on_progress=progress))


def rebuild_rounds(app: Tracker, kind: str, rounds: int, autovacuum: bool) -> Rebuilds:
    """Each round: the baseline, then every read model rebuilt (reversed in even rounds)."""
    names = sorted(app.views.projections)
    events = app.recorder.max_notification_id() or 0
    baseline: list[float] = []
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for number in range(1, rounds + 1):
        baseline.append(read_all(app))
        for name in names if number % 2 else reversed(names):
            seconds[name].append(rebuild(app, name, autovacuum))
        say(f"  {kind} rebuild round {number}/{rounds} done")
    return Rebuilds(events, tuple(baseline), {n: tuple(s) for n, s in seconds.items()})


# -- queries --------------------------------------------------------------------------------


def _size_of(result: object) -> int:
    """How many cases a query's answer is about, to show that both stores ask alike."""
    if isinstance(result, CasePage):
        return result.total
    closure = getattr(result, "closure", None)
    if closure is not None:
        return len(closure.total.accepted)
    cases = getattr(result, "cases", None)
    return len(cases) if cases is not None else -1


@dataclass(frozen=True)
class Query:
    label: str
    size_label: str
    run: Callable[[Tracker], object]


QUERIES = (
    Query(
        "case list: petitions of xinmin, overdue, page 1",
        "overdue",
        lambda app: app.cases.list(
            WHO, CaseQuery(kind="petition", community="xinmin", overdue=True, page=1)
        ),
    ),
    Query(
        f"case list: text search {SEARCH!r}, page 1",
        "found",
        lambda app: app.cases.list(WHO, CaseQuery(text=SEARCH)),
    ),
    Query(
        "petition figures 2026-03 (closure + three no's)",
        "accepted",
        lambda app: app.petition_reports.figures(WHO, "2026-03"),
    ),
    Query(
        "fee report 2021-06",
        "cases",
        lambda app: app.fee_reports.report(WHO, "2021-06"),
    ),
    Query(
        "approval report 2026-03",
        "cases",
        lambda app: app.approval_reports.report(WHO, "2026-03"),
    ),
)


@dataclass(frozen=True)
class QueryTime:
    label: str
    seconds: tuple[float, ...]
    size: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def time_queries(
    small: Tracker, large: Tracker, repeat: int
) -> tuple[list[QueryTime], list[QueryTime]]:
    """Each query on both stores: a warm-up, then ``repeat`` calls alternating between them.

    Alternating (small first in odd calls, large first in even ones) puts both
    stores under the same machine load, as in ``bench.commands``.  The read
    models are caught up first, so the calls time the query, not the catch-up.
    """
    apps = (small, large)
    for app in apps:
        app.views.catch_up()
    times: tuple[list[QueryTime], list[QueryTime]] = ([], [])
    for query in QUERIES:
        sizes = []
        for app in apps:
            for _ in range(WARMUP_CALLS):
                result = query.run(app)
            sizes.append(_size_of(result))
        seconds: tuple[list[float], list[float]] = ([], [])
        for call in range(repeat):
            for side in (0, 1) if call % 2 == 0 else (1, 0):
                app, run = apps[side], query.run
                seconds[side].append(timed(lambda app=app, run=run: run(app)))  # type: ignore[misc]
        for side in (0, 1):
            times[side].append(QueryTime(query.label, tuple(seconds[side]), sizes[side]))
    return times


# -- query plans (--explain) ---------------------------------------------------------------


@dataclass
class _RecordingCursor:
    inner: Cursor
    seen: list[tuple[str, tuple[Any, ...]]]

    @property
    def dialect(self) -> str:
        return self.inner.dialect

    @property
    def sealer(self) -> Sealer:
        return self.inner.sealer

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.seen.append((sql, tuple(params)))
        self.inner.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.inner.executemany(sql, rows)

    def fetchall(self) -> list[dict[str, Any]]:
        return self.inner.fetchall()

    def fetchone(self) -> dict[str, Any] | None:
        return self.inner.fetchone()


@dataclass
class _RecordingViews:
    """The view database, recording the statements that queries run on it."""

    inner: ViewDatabase
    seen: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    dialect: str = ""

    def __post_init__(self) -> None:
        self.dialect = self.inner.dialect
        self.sealer = self.inner.sealer

    def write(self) -> AbstractContextManager[Cursor]:
        return self.inner.write()

    @contextmanager
    def read(self) -> Iterator[Cursor]:
        with self.inner.read() as cursor:
            yield _RecordingCursor(cursor, self.seen)

    def close(self) -> None:
        self.inner.close()


def explain(app: Tracker) -> str:
    """The plan of every statement behind each query (EXPLAIN QUERY PLAN / EXPLAIN)."""
    db = app.views.db
    lines = []
    for query in QUERIES:
        recording = _RecordingViews(db)
        app.views.db = recording
        try:
            query.run(app)
        finally:
            app.views.db = db
        lines.append(f"-- {query.label}")
        for sql, params in recording.seen:
            if not sql.lstrip().upper().startswith("SELECT") or "view_active" in sql:
                continue
            lines.append(f"   {sql}")
            prefix = "EXPLAIN QUERY PLAN " if db.dialect == "sqlite" else "EXPLAIN "
            with db.read() as cursor:
                cursor.execute(prefix + sql, params)
                for row in cursor.fetchall():
                    step = row.get("detail") or row.get("QUERY PLAN")
                    lines.append(f"      {step}")
    return "\n".join(lines)


# -- one store ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sized:
    """One store size: how it was filled, its first catch-up and its query times."""

    filled: Filled
    catch_up: CatchUp
    queries: list[QueryTime]
    plans: str | None


@dataclass(frozen=True)
class Result:
    store: str
    small: Sized
    large: Sized
    rebuilds: Rebuilds


@dataclass(frozen=True)
class Options:
    rounds: int
    repeat: int
    plans: bool
    analyse: bool  # PostgreSQL: do autovacuum's ANALYZE (the server has autovacuum off)


def prepare(
    stack: ExitStack, kind: str, events: int, options: Options, *, rebuilds: bool
) -> tuple[Tracker, Filled, CatchUp, Rebuilds | None]:
    """A fresh store of about ``events`` events, caught up (and rebuilt, if asked); kept open."""
    app = stack.enter_context(tracker_on(stack.enter_context(fresh_store(kind))))
    autovacuum = options.analyse and app.views.db.dialect == "postgresql"
    say(f"  {kind}: filling about {events:,} events")
    filled = fill(app, kind, events)
    say(f"  {kind}: {filled.events:,} events in {filled.seconds:.0f} s; catching up")
    caught = catch_up(app, autovacuum)
    say(f"  {kind}: caught up in {caught.seconds:.0f} s")
    rebuilt = rebuild_rounds(app, kind, options.rounds, autovacuum) if rebuilds else None
    if autovacuum:
        analyse(app)
    return app, filled, caught, rebuilt


def measure(kind: str, small: int, large: int, options: Options) -> Result:
    """Both sizes of one store, open side by side for the queries."""
    with ExitStack() as stack:
        small_app, small_filled, small_caught, rebuilds = prepare(
            stack, kind, small, options, rebuilds=True
        )
        assert rebuilds is not None
        large_app, large_filled, large_caught, _ = prepare(
            stack, kind, large, options, rebuilds=False
        )
        say(f"  {kind}: timing the queries")
        small_times, large_times = time_queries(small_app, large_app, options.repeat)
        small_plans = explain(small_app) if options.plans else None
        large_plans = explain(large_app) if options.plans else None
    return Result(
        kind,
        Sized(small_filled, small_caught, small_times, small_plans),
        Sized(large_filled, large_caught, large_times, large_plans),
        rebuilds,
    )


# -- report -----------------------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


def report(results: list[Result], elapsed: float) -> str:
    lines: list[str] = []
    for r in results:
        lines.append(f"== {r.store} ==")
        for label, sized in (("small", r.small), ("large", r.large)):
            f = sized.filled
            lines.append(
                f"{label} store: {f.events:,} events, {f.aggregates:,} aggregates, "
                f"{f.days:,} days of cases from {f.cases_from} (fee cases from {f.fees_from}); "
                f"written in {f.seconds:.1f} s ({f.rate:,.0f} events/s)"
            )
        lines.append("")
        b = r.rebuilds
        lines.append(
            f"rebuild on the small store ({b.events:,} events), medians of "
            f"{len(b.baseline_seconds)} rounds:"
        )
        lines.append(f"  {'':<34}{'events/s':>12}{'ratio':>8}")
        lines.append(f"  {'baseline: read + decode':<34}{b.baseline_rate:>12,.0f}{1:>8.2f}")
        for name in sorted(b.seconds):
            lines.append(f"  {'rebuild ' + name:<34}{b.rate(name):>12,.0f}{b.ratio(name):>8.2f}")
        lines.append(f"  {'all, one after the other':<34}{b.all_rate:>12,.0f}{b.all_ratio:>8.2f}")
        for label, sized in (("small", r.small), ("large", r.large)):
            c = sized.catch_up
            lines.append(
                f"  first catch-up, all in one pass ({label}, {c.events:,}): "
                f"{c.rate:,.0f} events/s against {c.baseline_rate:,.0f}: ratio {c.ratio:.2f}"
            )
        lines.append("")
        lines.append(
            f"  {'query':<58}{'small ms':>10}{'large ms':>10}{'large/small':>12}"
            f"{'cases small':>13}{'large':>8}"
        )
        for small, large in zip(r.small.queries, r.large.queries, strict=True):
            growth = large.median / small.median
            flag = "" if growth <= TARGET_GROWTH else "  > goal"
            lines.append(
                f"  {small.label:<58}{_ms(small.median):>10}{_ms(large.median):>10}"
                f"{growth:>11.2f}x{small.size:>13,}{large.size:>8,}{flag}"
            )
        lines.append("")
        for label, sized in (("small", r.small), ("large", r.large)):
            if sized.plans is not None:
                lines.append(f"query plans, {label} store:")
                lines.append(sized.plans)
                lines.append("")
    for r in results:
        b = r.rebuilds
        missed = [
            s.label
            for s, g in zip(r.small.queries, r.large.queries, strict=True)
            if g.median / s.median > TARGET_GROWTH
        ]
        lines.append(
            f"{r.store}: rebuild ratio {b.all_ratio:.2f} for all read models "
            f"(best {max(b.ratio(n) for n in b.seconds):.2f}), goal {TARGET_RATIO}; "
            f"{len(r.small.queries) - len(missed)} of {len(r.small.queries)} queries within "
            f"{TARGET_GROWTH}x from {r.small.filled.events:,} to {r.large.filled.events:,} events"
        )
    lines.append(f"total time {elapsed:.0f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.projections",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--small", type=int, default=DEFAULT_SMALL, help="events, small store")
    parser.add_argument("--large", type=int, default=DEFAULT_LARGE, help="events, large store")
    parser.add_argument(
        "--large-postgres",
        type=int,
        default=DEFAULT_LARGE_POSTGRES,
        help="at most this many events in PostgreSQL's large store",
    )
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="rebuild rounds")
    parser.add_argument("--repeat", type=int, default=DEFAULT_REPEAT, help="calls per query")
    parser.add_argument("--explain", action="store_true", help="print each query's plans")
    parser.add_argument(
        "--no-analyse",
        action="store_true",
        help="PostgreSQL: no ANALYZE at all, as this server (autovacuum off) leaves it",
    )
    args = parser.parse_args(argv)
    if min(args.small, args.large, args.large_postgres, args.rounds, args.repeat) < 1:
        parser.error("sizes, --rounds and --repeat must be at least 1")
    kinds = ("sqlite", "postgres") if args.store == "both" else (args.store,)
    options = Options(args.rounds, args.repeat, args.explain, not args.no_analyse)
    started = time.perf_counter()
    results: list[Result] = []
    status = 0
    for kind in kinds:
        large = min(args.large, args.large_postgres) if kind == "postgres" else args.large
        try:
            results.append(measure(kind, args.small, large, options))
        except UnavailableStore as error:
            say(f"{kind}: skipped, PostgreSQL unreachable: {error}")
            status = 1
    if results:
        print(report(results, time.perf_counter() - started))
    return status


if __name__ == "__main__":
    sys.exit(main())
