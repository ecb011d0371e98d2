"""Where "now" and "today" come from.

Every rule that depends on the date takes a clock instead of reading the system
time, so tests and replays can pin time. Timestamps are kept in UTC; the office
works in Fuzhou, so its business date is the calendar date in Asia/Shanghai,
which differs from the UTC date between 00:00 and 08:00 local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


@runtime_checkable
class Clock(Protocol):
    """The only source of the current time that domain code may use."""

    def now(self) -> datetime:
        """Return the current instant, timezone-aware, in UTC."""
        ...

    def today(self) -> date:
        """Return the office's local date (Asia/Shanghai)."""
        ...


def _require_aware(moment: datetime) -> datetime:
    """Refuse naive datetimes: their meaning depends on the server's zone."""
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(f"datetime must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(UTC)


class SystemClock:
    """Real time, for production."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(SHANGHAI).date()


class FixedClock:
    """A clock that moves only when told, so tests control every date."""

    def __init__(self, now: datetime) -> None:
        self._now = _require_aware(now)

    @classmethod
    def on(cls, day: date, hour: int = 9) -> FixedClock:
        """A clock at ``hour`` o'clock Shanghai time on ``day`` (office hours by default)."""
        return cls(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.astimezone(SHANGHAI).date()

    def set(self, now: datetime) -> None:
        self._now = _require_aware(now)

    def advance(self, **delta: float) -> None:
        """Move forward (or back, with negative values) by ``timedelta(**delta)``."""
        self._now = self._now + timedelta(**delta)

    def __repr__(self) -> str:
        return f"FixedClock({self._now.isoformat()})"
