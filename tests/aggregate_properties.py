"""Shared machinery for the property-based aggregate tests (tests/test_*_properties.py).

Each aggregate's test drives a hypothesis state machine derived from
``AggregateMachine``.  Commands run through ``attempt``, which checks the two
outcomes a command may have:

* it succeeds, adding exactly one event to each aggregate it touches; or
* it is refused with a ``TrackerError`` (or an ``InvalidResidentId`` /
  ``InvalidMoney`` raised while reading raw input), leaving every touched
  aggregate exactly as it was: same version, same pending events, same
  attributes.  Any other exception fails the test.

``save_and_rebuild`` (a rule, so it runs at random points, and again at
teardown) saves every live aggregate with a real ``Tracker`` and compares the
live aggregate with (a) the one the repository rebuilds from the store, i.e.
through the transcoder and back, and (b) a replay of the original event
objects.  The comparison is on ``vars()`` without ``_pending_events``, both
with ``==`` and with a type-strict canonical form, so that a tuple coming back
as a list, or ``True`` as ``1``, is a difference.  At teardown every version
that existed is also rebuilt with ``repository.get(id, version=v)``.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from tests.stores import store_settings
from tracker.aggregates.base import Act, TrackedAggregate
from tracker.application import Tracker
from tracker.clock import SHANGHAI
from tracker.errors import TrackerError
from tracker.money import InvalidMoney, Money
from tracker.person import Person
from tracker.resident_id import InvalidResidentId, ResidentId, make_resident_id
from tracker.settings import Settings

A = TypeVar("A", bound=TrackedAggregate)
R = TypeVar("R")

# What a refused command may raise; anything else is a bug.
REFUSALS = (TrackerError, InvalidResidentId, InvalidMoney)

SQLITE_RUNS = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
POSTGRES_RUNS = settings(SQLITE_RUNS, max_examples=10)


# -- canonical, type-strict form of aggregate state ----------------------------


def canon(value: Any) -> Any:
    """A comparable form that keeps types: tuple != list, True != 1, date != datetime."""
    kind = type(value).__qualname__
    if isinstance(value, datetime):
        # Same instant and same UTC offset; a ZoneInfo zone may come back as a fixed offset.
        return (kind, value.isoformat())
    if isinstance(value, Enum):
        return (kind, canon(value.value))
    if isinstance(value, tuple | list):
        return (kind, tuple(canon(item) for item in value))
    if isinstance(value, set | frozenset):
        return (kind, tuple(sorted((canon(item) for item in value), key=repr)))
    if isinstance(value, dict):
        return (kind, tuple(sorted(((canon(k), canon(v)) for k, v in value.items()), key=repr)))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (kind, tuple((f.name, canon(getattr(value, f.name))) for f in fields))
    return (kind, value)


def state(aggregate: TrackedAggregate) -> dict[str, Any]:
    """``vars()`` without the pending events."""
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def canon_state(aggregate: TrackedAggregate) -> dict[str, Any]:
    return {k: canon(v) for k, v in state(aggregate).items()}


def replay(events: Iterable[Any]) -> Any:
    """The aggregate rebuilt from the original event objects, without any transcoding."""
    aggregate = None
    for domain_event in events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


# -- generated arguments ---------------------------------------------------------

# A business date is a gap in days from the machine's cursor (mostly small and
# forward, sometimes backward or years away), or an absurdly early absolute date.
EARLY_DATES = (date(1, 1, 1), date(1899, 12, 31), date(1970, 1, 1))
Day = int | date
_NEAR = st.integers(0, 10)
_AROUND = st.integers(-5, 45)
DAYS: st.SearchStrategy[Day] = st.one_of(
    _NEAR,
    _NEAR,
    _NEAR,
    _AROUND,
    _AROUND,
    st.integers(-4000, 4000),
    st.sampled_from(EARLY_DATES),
)
ZONES = ("UTC", "Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati")


@dataclasses.dataclass(frozen=True)
class ActSpec:
    """Who acts, and when: ``lag`` days after the command's latest business date.

    A negative lag makes that business date lie in the future (FutureDate).
    """

    actor: str
    lag: int
    hour: int
    microsecond: int
    zone: str


ACTS = st.builds(
    ActSpec,
    actor=st.sampled_from(["alice", "bob", "", "王科员"]),
    lag=st.one_of(st.integers(0, 3), st.integers(-3, 60)),
    hour=st.integers(0, 23),
    microsecond=st.integers(0, 999_999),
    zone=st.sampled_from(ZONES),
)

# For the guided "progress" rules: business dates never in the future.
PLAIN_ACTS = st.builds(
    ActSpec,
    actor=st.sampled_from(["alice", "bob"]),
    lag=st.integers(0, 5),
    hour=st.integers(0, 23),
    microsecond=st.integers(0, 999_999),
    zone=st.sampled_from(ZONES),
)

TEXTS = st.one_of(
    st.sampled_from(["", " ", "\u3000\t\n", "理由", "reason", " padded "]),
    st.text(max_size=12),
)

_VALID_IDS = st.builds(
    make_resident_id,
    region=st.sampled_from(["350102", "110101", "440524"]),
    birth=st.dates(date(1930, 1, 1), date(2005, 12, 31)),
    sequence=st.integers(0, 999),
)
# Raw ID text as typed: valid (also lower-case x / spaced), a wrong check digit, or junk.
ID_TEXTS = st.one_of(
    _VALID_IDS.map(lambda rid: rid.value.lower()),
    _VALID_IDS.map(lambda rid: f"{rid.value[:6]} {rid.value[6:]}"),
    _VALID_IDS.map(lambda rid: rid.value[:17] + ("0" if rid.value[17] != "0" else "1")),
    st.text(max_size=20),
)


@dataclasses.dataclass(frozen=True)
class PersonSpec:
    """A person as typed into a form; ``person()`` may refuse the name or the ID number."""

    name: str
    id_number: str | None

    def person(self) -> Person:
        id_number = None if self.id_number is None else ResidentId(self.id_number)
        return Person(self.name, id_number)


# Someone whom every aggregate accepts: a real name and a valid ID number.
GOOD_PERSONS = st.builds(
    PersonSpec,
    name=st.sampled_from(["张三", "李四", "王五", "赵六"]),
    id_number=_VALID_IDS.map(str),
)
PERSONS = st.builds(
    PersonSpec,
    name=st.one_of(st.sampled_from(["张三", "李 四", "王五", "", "  "]), st.text(max_size=6)),
    id_number=st.one_of(st.none(), ID_TEXTS, ID_TEXTS),
)

# Money as fen (negative, zero, ordinary, huge) or as yuan text to be parsed.
AmountSpec = int | str
AMOUNTS: st.SearchStrategy[AmountSpec] = st.one_of(
    st.integers(1, 5_000_000),
    st.integers(-1000, 5_000_000),
    st.sampled_from([0, -1, 10**20, -(10**20)]),
    st.from_regex(r"-?[0-9,]{0,9}(\.[0-9]{0,3})?元?", fullmatch=True),
    st.text(max_size=8),
)


def shift(day: date, days: int) -> date:
    """``day`` moved by ``days``, kept within the dates Python can represent."""
    ordinal = day.toordinal() + days
    return date.fromordinal(min(max(ordinal, date.min.toordinal()), date.max.toordinal()))


def money(spec: AmountSpec) -> Money:
    return Money(spec) if isinstance(spec, int) else Money.parse(spec)


# -- the machine ----------------------------------------------------------------


class AggregateMachine(RuleBasedStateMachine):
    """Live aggregates, every event they produced, and a Tracker to save them in."""

    def __init__(self, postgres: Path | None = None) -> None:
        super().__init__()
        self._resources = ExitStack()
        if postgres is None:
            store = Settings(database_url="sqlite:///:memory:")
        else:
            # A schema of its own per example: account ids derive from usernames.
            store = self._resources.enter_context(store_settings("postgres", postgres))
        self.app = Tracker(store)
        self._resources.callback(self.app.close)
        # Where generated business dates start from; subclasses draw it in an initialize
        # rule.  After creation each aggregate has its own cursor: its latest business date.
        self.cursor = date(2020, 1, 1)
        self.cursors: dict[UUID, date] = {}
        self.live: dict[UUID, TrackedAggregate] = {}
        self.events: dict[UUID, list[Any]] = {}
        self.history: dict[UUID, dict[int, dict[str, Any]]] = {}

    # -- dates and acts ---------------------------------------------------------

    def base(self, aggregate: TrackedAggregate | None) -> date:
        """The aggregate's latest business date so far (the start date before creation)."""
        return self.cursor if aggregate is None else self.cursors[aggregate.id]

    def on(self, day: Day, aggregate: TrackedAggregate | None = None) -> date:
        if isinstance(day, date):
            return day
        return shift(self.base(aggregate), day)

    def act(self, spec: ActSpec, dates: Sequence[date], base: date | None = None) -> Act:
        """An act ``spec.lag`` days after the latest of ``dates`` (or ``base``).

        Absurdly early dates are left out, so that "today" stays a real date.
        """
        latest = max((d for d in dates if d.year > 1900), default=base or self.cursor)
        today = latest + timedelta(days=spec.lag)
        local = datetime.combine(today, time(spec.hour, microsecond=spec.microsecond), SHANGHAI)
        at = local.astimezone(UTC if spec.zone == "UTC" else ZoneInfo(spec.zone))
        act = Act(actor=spec.actor, at=at)
        assert act.today == today
        return act

    def advance(self, aggregate: TrackedAggregate, dates: Sequence[date]) -> None:
        self.cursors[aggregate.id] = max((self.cursors[aggregate.id], *dates))

    # -- commands -----------------------------------------------------------------

    def create(
        self, name: str, spec: ActSpec, dates: Sequence[date], factory: Callable[[Act], A]
    ) -> A | None:
        """Create an aggregate with an act after ``dates``; None if refused."""
        act = self.act(spec, dates)
        try:
            aggregate = factory(act)
        except REFUSALS as refusal:
            event(f"{name}: refused with {type(refusal).__name__}")
            return None
        event(f"{name}: ok")
        assert aggregate.version == 1
        assert len(aggregate._pending_events) == 1
        if aggregate.id in self.live:
            # Same derived id (e.g. the same username): uniqueness is the store's
            # business and the service checks it first; keep the first one.
            return None
        self.live[aggregate.id] = aggregate
        self.cursors[aggregate.id] = max((self.cursor, *dates))
        self.events[aggregate.id] = list(aggregate._pending_events)
        self.history[aggregate.id] = {1: canon_state(aggregate)}
        return aggregate

    def attempt(self, name: str, command: Callable[[], R], *touched: TrackedAggregate) -> bool:
        """Run a command on ``touched``; True if it succeeded, False if it was refused."""
        before = {
            a.id: (a.version, list(a._pending_events), state(a), canon_state(a)) for a in touched
        }
        try:
            command()
        except REFUSALS as refusal:
            event(f"{name}: refused with {type(refusal).__name__}")
            for aggregate in touched:
                version, pending, plain, strict = before[aggregate.id]
                assert aggregate.version == version, f"{name} was refused but changed the version"
                assert len(aggregate._pending_events) == len(pending)
                assert all(
                    a is b for a, b in zip(aggregate._pending_events, pending, strict=True)
                ), f"{name} was refused but changed the pending events"
                assert state(aggregate) == plain, f"{name} was refused but changed the aggregate"
                assert canon_state(aggregate) == strict
            return False
        event(f"{name}: ok")
        for aggregate in touched:
            version, pending, _, _ = before[aggregate.id]
            assert aggregate.version == version + 1, f"{name} did not add exactly one event"
            assert len(aggregate._pending_events) == len(pending) + 1
            assert all(a is b for a, b in zip(aggregate._pending_events, pending, strict=False))
            new = aggregate._pending_events[-1]
            assert new.originator_id == aggregate.id
            assert new.originator_version == aggregate.version
            self.events[aggregate.id].append(new)
            self.history[aggregate.id][aggregate.version] = canon_state(aggregate)
        return True

    def run(
        self,
        name: str,
        spec: ActSpec,
        dates: Sequence[date],
        command: Callable[[Act], object],
        *touched: TrackedAggregate,
    ) -> bool:
        """``command`` with an act after ``dates``; on success the cursors move past them."""
        act = self.act(spec, dates, self.base(touched[0]))
        done = self.attempt(name, lambda: command(act), *touched)
        if done:
            for aggregate in touched:
                self.advance(aggregate, dates)
        return done

    # -- storage ------------------------------------------------------------------

    @rule()
    def save_and_rebuild(self) -> None:
        self.save_and_compare()

    def save_and_compare(self) -> None:
        if not self.live:
            return
        pending = {a.id: list(a._pending_events) for a in self.live.values()}
        recordings = self.app.save(*self.live.values())
        assert len(recordings) == sum(len(p) for p in pending.values())
        for aggregate in self.live.values():
            assert aggregate._pending_events == []
            self.check_rebuild(aggregate)

    def check_rebuild(self, aggregate: TrackedAggregate) -> None:
        stored: TrackedAggregate = self.app.repository.get(aggregate.id)
        assert type(stored) is type(aggregate)
        live, rebuilt = state(aggregate), state(stored)
        differences = {
            k: (live.get(k), rebuilt.get(k))
            for k in live | rebuilt
            if live.get(k) != rebuilt.get(k)
        }
        assert not differences, f"stored events rebuild a different aggregate: {differences}"
        assert canon_state(stored) == canon_state(aggregate)
        replayed = replay(self.events[aggregate.id])
        assert type(replayed) is type(aggregate)
        assert canon_state(replayed) == canon_state(aggregate), "events do not rebuild the state"

    def check_history(self) -> None:
        """Every version that existed comes back from the store as it was."""
        for aggregate_id, versions in self.history.items():
            for version, expected in versions.items():
                old: TrackedAggregate = self.app.repository.get(aggregate_id, version=version)
                assert old.version == version
                assert canon_state(old) == expected, f"version {version} rebuilds differently"

    def teardown(self) -> None:
        try:
            if sys.exc_info()[0] is None:  # not while another failure is propagating
                self.save_and_compare()
                self.check_history()
        finally:
            self._resources.close()
