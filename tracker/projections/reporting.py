"""What the fee and approval reports share: rates, moments, and cases rebuilt from raw events.

A rate over zero cases is not 0% and not 100%: it has no value, and the
report says so ("无案件").  Values are exact fractions; rounding is for display.

``replay`` is the independent path that ``tracker check`` compares the read
models against: it reads every notification, decodes it and rebuilds the
cases in memory, touching no view table.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

from eventsourcing.utils import get_topic

from tracker.aggregates.base import TrackedAggregate

if TYPE_CHECKING:
    from uuid import UUID

    from tracker.application import Tracker

T = TypeVar("T", bound=TrackedAggregate)

BATCH = 1000


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if self.denominator < 0 or not 0 <= self.numerator <= self.denominator:
            raise ValueError(f"not a rate: {self.numerator}/{self.denominator}")

    @property
    def no_cases(self) -> bool:
        return self.denominator == 0

    @property
    def value(self) -> Fraction | None:
        """The exact share, or None when there is nothing to share ("no cases")."""
        return None if self.no_cases else Fraction(self.numerator, self.denominator)

    def percent(self, places: int = 1) -> Decimal | None:
        """The share in per cent, rounded half-up; None for "no cases"."""
        if self.no_cases:
            return None
        exact = Decimal(self.numerator * 100) / Decimal(self.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)

    def meets(self, target: Fraction) -> bool | None:
        """Whether the share reaches a target; None for "no cases"."""
        value = self.value
        return None if value is None else value >= target

    def __str__(self) -> str:
        shown = self.percent()
        return "无案件" if shown is None else f"{self.numerator}/{self.denominator} ({shown}%)"


def median(values: Sequence[int]) -> Decimal | None:
    """The exact median (a half when the count is even); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return Decimal(ordered[middle - 1] + ordered[middle]) / 2


def utc(moment: datetime | None) -> datetime | None:
    """Recorded times are compared as UTC ISO text: bring a local moment to UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("as_known_on must be timezone-aware")
    return moment.astimezone(UTC)


def iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def breakdown_order(communities: Iterable[str], found: Iterable[str]) -> list[str]:
    """The configured communities in their order, then any others the data holds."""
    ordered = list(dict.fromkeys(communities))
    return ordered + sorted(set(found) - set(ordered))


def _notifications(app: Tracker) -> Iterator[Any]:
    position = 0
    while True:
        batch = app.recorder.select_notifications(
            start=position, limit=BATCH, inclusive_of_start=False
        )
        if not batch:
            return
        yield from batch
        position = batch[-1].id


def replay(app: Tracker, kind: type[T], as_known_on: datetime | None = None) -> list[T]:
    """Every case of ``kind`` as known at ``as_known_on`` (now if None), from the events alone.

    An event counts when it was recorded by ``as_known_on``; a case's later
    events are left out from its first one recorded after that moment.
    """
    prefix = get_topic(kind) + "."
    moment = utc(as_known_on)
    cases: dict[UUID, Any] = {}
    cut: set[UUID] = set()
    for notification in _notifications(app):
        if not notification.topic.startswith(prefix):
            continue
        event: Any = app.mapper.to_domain_event(notification)
        case_id = event.originator_id
        if case_id in cut:
            continue
        if moment is not None and event.timestamp > moment:
            cut.add(case_id)
            continue
        cases[case_id] = event.mutate(cases.get(case_id))
    return [case for case in cases.values() if isinstance(case, kind)]
