"""Steps for deadline arithmetic: thin wrappers over tracker.deadlines, no store involved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from pytest_bdd import parsers, then, when

from tracker.deadlines import (
    ClockStop,
    DeadlineError,
    add_months,
    calendar_limit,
    days_left,
    is_working_day,
    working_days_left,
    working_limit,
)


class _IsoDate:
    """A parse type for {day:Date}: only an ISO date matches, and it arrives as a date."""

    pattern = r"\d{4}-\d{2}-\d{2}"

    def __call__(self, text: str) -> date:
        return date.fromisoformat(text)


TYPES = {"Date": _IsoDate()}
NO_STOPS = "无"


@dataclass
class Reckoning:
    """What one deadline scenario computed, or why it could not."""

    limit: date | None = None
    count: int | None = None
    unit: str | None = None
    error: DeadlineError | None = None


@pytest.fixture
def deadline_reckoning() -> Reckoning:
    return Reckoning()


def _stops(text: str) -> list[ClockStop]:
    """'2026-03-10至2026-03-12、2026-03-14至2026-03-15', or '无' for none."""
    if text == NO_STOPS:
        return []
    stops = []
    for span in text.split("、"):
        start, end = span.split("至")
        stops.append(ClockStop(date.fromisoformat(start), date.fromisoformat(end), "听证"))
    return stops


@when(parsers.parse("自 {start:Date} 起算 {days:d} 个自然日", extra_types=TYPES))
def count_calendar_days(deadline_reckoning: Reckoning, start: date, days: int) -> None:
    try:
        deadline_reckoning.limit = calendar_limit(start, days)
    except DeadlineError as error:
        deadline_reckoning.error = error


@when(
    parsers.parse("自 {start:Date} 起算 {days:d} 个自然日，扣除中止期间 {stops}", extra_types=TYPES)
)
def count_calendar_days_with_stops(
    deadline_reckoning: Reckoning, start: date, days: int, stops: str
) -> None:
    try:
        deadline_reckoning.limit = calendar_limit(start, days, _stops(stops))
    except DeadlineError as error:
        deadline_reckoning.error = error


@when(parsers.parse("自 {start:Date} 起算 {days:d} 个工作日", extra_types=TYPES))
def count_working_days(deadline_reckoning: Reckoning, start: date, days: int) -> None:
    try:
        deadline_reckoning.limit = working_limit(start, days)
    except DeadlineError as error:
        deadline_reckoning.error = error


@when(parsers.parse("在 {today:Date} 查看 {limit:Date} 届满的自然日期限", extra_types=TYPES))
def look_at_calendar_limit(deadline_reckoning: Reckoning, today: date, limit: date) -> None:
    deadline_reckoning.count = days_left(today, limit)
    deadline_reckoning.unit = "自然日"


@when(parsers.parse("在 {today:Date} 查看 {limit:Date} 届满的工作日期限", extra_types=TYPES))
def look_at_working_limit(deadline_reckoning: Reckoning, today: date, limit: date) -> None:
    deadline_reckoning.count = working_days_left(today, limit)
    deadline_reckoning.unit = "工作日"


@when(parsers.parse("将 {day:Date} 推后 {months:d} 个月", extra_types=TYPES))
def shift_months(deadline_reckoning: Reckoning, day: date, months: int) -> None:
    deadline_reckoning.limit = add_months(day, months)


@then(parsers.parse("期限末日为 {end:Date}", extra_types=TYPES))
def limit_is(deadline_reckoning: Reckoning, end: date) -> None:
    assert deadline_reckoning.error is None, f"refused: {deadline_reckoning.error!r}"
    assert deadline_reckoning.limit == end


@then(parsers.parse("推后所得日期为 {day:Date}", extra_types=TYPES))
def shifted_to(deadline_reckoning: Reckoning, day: date) -> None:
    assert deadline_reckoning.limit == day


@then(parsers.parse("期限还剩 {count:d} 个{unit}", extra_types=TYPES))
def days_remaining(deadline_reckoning: Reckoning, count: int, unit: str) -> None:
    assert deadline_reckoning.unit == unit
    assert deadline_reckoning.count == count


@then(parsers.parse("期限计算被拒绝，原因是 {code:w}"))
def reckoning_refused(deadline_reckoning: Reckoning, code: str) -> None:
    assert deadline_reckoning.error is not None, "the limit was computed"
    assert type(deadline_reckoning.error).__name__ == code, repr(deadline_reckoning.error)


@then(parsers.re(r"中国日历上 (?P<day>\d{4}-\d{2}-\d{2}) 是(?P<kind>工作日|休息日)"))
def calendar_day_kind(day: str, kind: str) -> None:
    assert is_working_day(date.fromisoformat(day)) is (kind == "工作日")
