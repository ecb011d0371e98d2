"""Every legal time limit Tracker applies, computed in one place.

Limits are law, and a one-day error makes a case wrongly overdue (or hides a
real one), so all date arithmetic for limits lives here and nowhere else.

Conventions (DOMAIN.md, "Counting time"):

* A period starts the day after the event that starts it; the event's own day
  is never counted.
* Calendar-day limits count every day; if the last day is a rest day (weekend
  or official holiday, but not an adjusted working weekend day, 调休), the limit
  moves to the next working day (民法典 Art. 203).
* Working-day limits count only working days, adjusted working weekends
  included.
* Rest and working days come from the ``holidays`` package's China calendar,
  never from a hand-written list. For years whose State Council holiday notice
  is not yet published, that calendar knows only the fixed holidays and plain
  weekends; upgrading the package updates every limit.
"""

from __future__ import annotations

import calendar
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from holidays import country_holidays

if TYPE_CHECKING:
    from collections.abc import Iterable

    from holidays import HolidayBase

_ONE_DAY = timedelta(days=1)


class DeadlineError(Exception):
    """A limit was asked for with impossible inputs."""


class InvalidClockStop(DeadlineError):
    """A clock stop that ends before it starts."""


@dataclass(frozen=True)
class ClockStop:
    """Days excluded from a limit (e.g. hearing time in a re-review), both ends included."""

    start: date
    end: date
    reason: str

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InvalidClockStop(
                f"clock stop ends on {self.end.isoformat()}, before it starts on "
                f"{self.start.isoformat()}"
            )

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


# One China calendar for the whole process. It is built on first use and
# extends itself year by year (``expand=True``) as later or earlier dates are
# asked about; the lock keeps that lazy extension safe under a threaded server.
CACHED_DAYS = 1 << 16
_calendar_lock = threading.Lock()
_calendar: HolidayBase | None = None


def _china(around: date) -> HolidayBase:
    global _calendar
    if _calendar is None:
        _calendar = country_holidays(
            "CN", years=range(around.year - 1, around.year + 2), expand=True
        )
    return _calendar


# The calendar is fixed for the life of the process, so answers are kept: a rebuild of
# the read models asks for the same few thousand days over and over.
@lru_cache(maxsize=CACHED_DAYS)
def is_working_day(d: date) -> bool:
    with _calendar_lock:
        return bool(_china(d).is_working_day(d))


def is_rest_day(d: date) -> bool:
    return not is_working_day(d)


@lru_cache(maxsize=CACHED_DAYS)
def next_working_day(d: date) -> date:
    """``d`` itself if it is a working day, else the first working day after it."""
    with _calendar_lock:
        result: date = _china(d).get_nth_working_day(d, 0)
    return result


def _merged(stops: Iterable[ClockStop]) -> list[tuple[date, date]]:
    """Union of the stops, so a day covered by two overlapping stops counts once."""
    merged: list[tuple[date, date]] = []
    for stop in sorted(stops, key=lambda s: (s.start, s.end)):
        if merged and stop.start <= merged[-1][1] + _ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop.end))
        else:
            merged.append((stop.start, stop.end))
    return merged


def _overlap_days(first: date, last: date, spans: list[tuple[date, date]]) -> int:
    total = 0
    for start, end in spans:
        lo, hi = max(start, first), min(end, last)
        if lo <= hi:
            total += (hi - lo).days + 1
    return total


def calendar_limit(start: date, days: int, stops: Iterable[ClockStop] = ()) -> date:
    """Last day of a ``days``-calendar-day period begun by an event on ``start``.

    The period runs from the day after ``start``. Each clock-stop day lying in
    the running period (from the day after ``start`` to the current last day)
    pushes the last day one day later; since that can bring a later stop into
    the period, the extension is repeated until it settles. Stop days on or
    before ``start`` and stops wholly after the (extended) last day do not
    count; overlapping stops count each day once. Finally a rest day is moved
    to the next working day. ``days == 0`` gives ``start`` itself (moved the
    same way).
    """
    if days < 0:
        raise DeadlineError(f"a limit cannot be negative ({days} days)")
    spans = _merged(stops)
    first = start + _ONE_DAY
    last = start + timedelta(days=days)
    while True:
        extended = start + timedelta(days=days + _overlap_days(first, last, spans))
        if extended == last:
            break
        last = extended
    return next_working_day(last)


@lru_cache(maxsize=CACHED_DAYS)
def working_limit(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted).

    ``days == 0`` gives ``start`` if it is a working day, else the next one.
    """
    if days < 0:
        raise DeadlineError(f"a limit cannot be negative ({days} working days)")
    with _calendar_lock:
        result: date = _china(start).get_nth_working_day(start, days)
    return result


@dataclass(frozen=True)
class Deadline:
    """One limit of a case: what it is for, its last day, how it counts, and when it was met."""

    name: str
    limit: date
    working_days: bool = False
    met_on: date | None = None

    def left(self, today: date) -> int:
        """Days left as its rule counts them (working or calendar); negative once overdue."""
        if self.working_days:
            return working_days_left(today, self.limit)
        return days_left(today, self.limit)

    def is_overdue(self, today: date) -> bool:
        return self.met_on is None and today > self.limit

    def met_in_time(self) -> bool | None:
        return None if self.met_on is None else self.met_on <= self.limit


def days_left(today: date, limit: date) -> int:
    """Calendar days from ``today`` to ``limit``.

    0 means the limit is today (still in time); -1 means it ended yesterday.
    """
    return (limit - today).days


def working_days_left(today: date, limit: date) -> int:
    """Working days remaining, for display next to a working-day limit.

    If ``limit >= today``: the number of working days ``d`` with
    ``today < d <= limit`` (0 when the limit is today, or when only rest days
    remain). If ``limit < today``: minus the number of working days ``d`` with
    ``limit < d <= today``, i.e. how many working days it is overdue. Hence
    ``working_days_left(a, b) == -working_days_left(b, a)``.

    Being overdue is ``today > limit``; do not infer it from this value, which
    is 0 on a rest day just after the limit.
    """
    if limit == today:
        return 0
    lo, hi = (today, limit) if today < limit else (limit, today)
    with _calendar_lock:
        count = int(_china(lo).get_working_days_count(lo + _ONE_DAY, hi))
    return count if today < limit else -count


def add_months(d: date, months: int) -> date:
    """Same day ``months`` later (or earlier), clamped to the month's last day.

    E.g. 2024-01-31 + 1 month = 2024-02-29; 2025-01-31 + 1 = 2025-02-28.
    """
    index = d.year * 12 + (d.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))
