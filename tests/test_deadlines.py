"""Limits checked against dates worked out by hand from the 2026 State Council notice.

2026 facts used below (国办发明电〔2025〕7号 as encoded by the holidays package):
Spring Festival rest 2026-02-15 (Sun) .. 2026-02-23 (Mon); adjusted working
Saturdays 2026-02-14 and 2026-02-28; Qingming rest 2026-04-04 .. 2026-04-06.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.deadlines import (
    ClockStop,
    DeadlineError,
    InvalidClockStop,
    add_months,
    calendar_limit,
    days_left,
    is_rest_day,
    is_working_day,
    next_working_day,
    working_days_left,
    working_limit,
)

D = date


# --- the calendar itself -----------------------------------------------------


def test_2026_spring_festival_calendar() -> None:
    assert is_working_day(D(2026, 2, 13))  # Friday before the holiday
    assert is_working_day(D(2026, 2, 14))  # adjusted working Saturday
    for day in range(15, 24):
        assert is_rest_day(D(2026, 2, day)), day
    assert is_working_day(D(2026, 2, 24))  # first day back
    assert is_working_day(D(2026, 2, 28))  # adjusted working Saturday
    assert is_rest_day(D(2026, 3, 1))  # plain Sunday


def test_ordinary_weekend_and_weekday() -> None:
    assert is_working_day(D(2026, 3, 20))  # Friday
    assert is_rest_day(D(2026, 3, 21))  # Saturday
    assert is_rest_day(D(2026, 3, 22))  # Sunday
    assert is_working_day(D(2026, 3, 23))  # Monday


def test_calendar_extends_to_other_years() -> None:
    assert is_rest_day(D(2040, 10, 1))  # National Day, fixed by law
    assert is_rest_day(D(2001, 5, 1))  # Labour Day
    assert is_working_day(D(2001, 5, 9))  # Wednesday after the 2001 golden week


def test_next_working_day() -> None:
    assert next_working_day(D(2026, 2, 14)) == D(2026, 2, 14)
    assert next_working_day(D(2026, 2, 15)) == D(2026, 2, 24)
    assert next_working_day(D(2026, 3, 21)) == D(2026, 3, 23)


# --- calendar-day limits -------------------------------------------------------


def test_calendar_limit_ending_in_spring_festival_moves_to_next_working_day() -> None:
    # 2026-01-17 + 30 days: Jan 18..31 is 14 days, Feb 1..16 is 16 more -> Feb 16,
    # Chinese New Year's Eve (rest). Rest continues to Feb 23, so the limit is Feb 24.
    assert calendar_limit(D(2026, 1, 17), 30) == D(2026, 2, 24)


def test_calendar_limit_ending_on_adjusted_working_saturday_stays() -> None:
    # 2026-01-15 + 30 = 2026-02-14, a Saturday but an adjusted working day.
    assert calendar_limit(D(2026, 1, 15), 30) == D(2026, 2, 14)


def test_calendar_limit_ending_on_ordinary_weekend() -> None:
    # 2026-03-06 (Fri) + 15 = 2026-03-21 (Sat) -> Monday 2026-03-23.
    assert calendar_limit(D(2026, 3, 6), 15) == D(2026, 3, 23)
    # + 17 = Monday 2026-03-23 itself.
    assert calendar_limit(D(2026, 3, 6), 17) == D(2026, 3, 23)


def test_calendar_limit_plain_weekday() -> None:
    # Petition limit of 60 days from acceptance 2026-03-02: March has 29 more
    # days, April 30, so day 60 is 2026-05-01 (Labour Day); rest until May 5,
    # so the limit is Wednesday 2026-05-06.
    assert calendar_limit(D(2026, 3, 2), 60) == D(2026, 5, 6)
    # 15-day routing limit from 2026-03-02 is 2026-03-17 (Tuesday).
    assert calendar_limit(D(2026, 3, 2), 15) == D(2026, 3, 17)


def test_calendar_limit_zero_and_negative() -> None:
    assert calendar_limit(D(2026, 3, 2), 0) == D(2026, 3, 2)
    assert calendar_limit(D(2026, 3, 21), 0) == D(2026, 3, 23)
    with pytest.raises(DeadlineError):
        calendar_limit(D(2026, 3, 2), -1)


# Base case for the clock-stop tests: 2026-03-02 + 30 = 2026-04-01 (Wednesday).
START = D(2026, 3, 2)


def stop(a: date, b: date) -> ClockStop:
    return ClockStop(a, b, "hearing")


def test_clock_stop_extends_limit() -> None:
    assert calendar_limit(START, 30) == D(2026, 4, 1)
    # 5 stopped days (Mar 10..14) -> Apr 6, Qingming rest -> Tuesday Apr 7.
    assert calendar_limit(START, 30, [stop(D(2026, 3, 10), D(2026, 3, 14))]) == D(2026, 4, 7)


def test_clock_stop_partly_before_start_counts_only_overlap() -> None:
    # Feb 25..Mar 4 overlaps the running period (from Mar 3) on Mar 3 and 4: 2 days.
    assert calendar_limit(START, 30, [stop(D(2026, 2, 25), D(2026, 3, 4))]) == D(2026, 4, 3)
    # Ending on the start day itself: no overlap.
    assert calendar_limit(START, 30, [stop(D(2026, 2, 25), D(2026, 3, 2))]) == D(2026, 4, 1)


def test_clock_stops_outside_the_period_do_not_count() -> None:
    before = stop(D(2026, 2, 1), D(2026, 2, 10))
    after = stop(D(2026, 4, 2), D(2026, 4, 3))
    assert calendar_limit(START, 30, [before, after]) == D(2026, 4, 1)


def test_clock_stop_brought_into_range_by_extension() -> None:
    first = stop(D(2026, 3, 10), D(2026, 3, 14))  # 5 days -> last day Apr 6
    second = stop(D(2026, 4, 3), D(2026, 4, 4))  # now inside: +2 -> Apr 8 (Wed)
    assert calendar_limit(START, 30, [first, second]) == D(2026, 4, 8)
    # A third stop starting on Apr 8 keeps pulling the end along:
    # Apr 8 -> overlap 1 -> Apr 9 -> 2 -> Apr 10 -> 3 -> Apr 11 (stop covers 3 days).
    # Apr 11 is a Saturday -> Monday Apr 13.
    third = stop(D(2026, 4, 8), D(2026, 4, 10))
    assert calendar_limit(START, 30, [first, second, third]) == D(2026, 4, 13)


def test_clock_stop_starting_on_the_last_day() -> None:
    # Apr 1..2 overlaps Apr 1 -> Apr 2 -> overlap 2 -> Apr 3 (Friday).
    assert calendar_limit(START, 30, [stop(D(2026, 4, 1), D(2026, 4, 2))]) == D(2026, 4, 3)


def test_overlapping_clock_stops_count_each_day_once() -> None:
    # Mar 10..14 and Mar 12..16: union Mar 10..16 = 7 days -> Apr 8 (Wednesday).
    stops = [stop(D(2026, 3, 12), D(2026, 3, 16)), stop(D(2026, 3, 10), D(2026, 3, 14))]
    assert calendar_limit(START, 30, stops) == D(2026, 4, 8)


def test_clock_stop_days_and_validation() -> None:
    assert stop(D(2026, 3, 10), D(2026, 3, 14)).days == 5
    assert stop(D(2026, 3, 10), D(2026, 3, 10)).days == 1
    with pytest.raises(InvalidClockStop) as raised:
        stop(D(2026, 3, 10), D(2026, 3, 9))
    assert isinstance(raised.value, DeadlineError)
    assert not isinstance(raised.value, ValueError)


# --- working-day limits --------------------------------------------------------


def test_working_limit_across_spring_festival_counts_adjusted_saturdays() -> None:
    # 15 working days after Thu 2026-02-05:
    # Feb 6(1) 9(2) 10(3) 11(4) 12(5) 13(6) Sat 14(7) [15..23 rest]
    # 24(8) 25(9) 26(10) 27(11) Sat 28(12) Mar 2(13) 3(14) 4(15).
    assert working_limit(D(2026, 2, 5), 15) == D(2026, 3, 4)


def test_working_limit_for_approval_received_before_holiday() -> None:
    # 15 working days after Tue 2026-02-10:
    # Feb 11(1) 12(2) 13(3) 14(4) 24(5) 25(6) 26(7) 27(8) 28(9)
    # Mar 2(10) 3(11) 4(12) 5(13) 6(14) 9(15).
    assert working_limit(D(2026, 2, 10), 15) == D(2026, 3, 9)


def test_working_limit_small_cases() -> None:
    assert working_limit(D(2026, 2, 13), 1) == D(2026, 2, 14)  # working Saturday
    assert working_limit(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert working_limit(D(2026, 2, 15), 1) == D(2026, 2, 24)  # start on a rest day
    assert working_limit(D(2026, 3, 20), 1) == D(2026, 3, 23)  # Friday -> Monday
    assert working_limit(D(2026, 3, 20), 0) == D(2026, 3, 20)
    assert working_limit(D(2026, 3, 21), 0) == D(2026, 3, 23)
    with pytest.raises(DeadlineError):
        working_limit(D(2026, 3, 20), -1)


# --- remaining time ------------------------------------------------------------


def test_days_left() -> None:
    assert days_left(D(2026, 2, 10), D(2026, 2, 24)) == 14
    assert days_left(D(2026, 2, 24), D(2026, 2, 24)) == 0
    assert days_left(D(2026, 2, 25), D(2026, 2, 24)) == -1


def test_working_days_left() -> None:
    # Working days after Feb 13 up to Feb 24: Feb 14 and Feb 24.
    assert working_days_left(D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert working_days_left(D(2026, 2, 24), D(2026, 2, 13)) == -2
    assert working_days_left(D(2026, 2, 24), D(2026, 2, 24)) == 0
    # One working day overdue.
    assert working_days_left(D(2026, 2, 25), D(2026, 2, 24)) == -1
    # Limit Fri Mar 20, today Sat Mar 21: overdue by calendar, 0 working days.
    assert working_days_left(D(2026, 3, 21), D(2026, 3, 20)) == 0
    assert days_left(D(2026, 3, 21), D(2026, 3, 20)) == -1


# --- months ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2025, 1, 31), 1, D(2025, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 1, 31), 2, D(2024, 3, 31)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2025, 12, 15), 1, D(2026, 1, 15)),
        (D(2026, 1, 15), -13, D(2024, 12, 15)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 8, 31), 1, D(2024, 9, 30)),
        (D(2026, 5, 10), 0, D(2026, 5, 10)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# --- properties --------------------------------------------------------------------

dates = st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31))


@given(dates, st.integers(min_value=0, max_value=120))
def test_calendar_limit_is_first_working_day_on_or_after_nominal_end(
    start: date, days: int
) -> None:
    nominal = start + timedelta(days=days)
    result = calendar_limit(start, days)
    assert result >= nominal
    assert is_working_day(result)
    day = nominal
    while day < result:
        assert is_rest_day(day)
        day += timedelta(days=1)


@given(
    dates,
    st.integers(min_value=1, max_value=90),
    st.lists(
        st.tuples(dates, st.integers(min_value=0, max_value=20)),
        max_size=4,
    ),
)
def test_clock_stops_only_ever_extend(
    start: date, days: int, raw_stops: list[tuple[date, int]]
) -> None:
    stops = [stop(a, a + timedelta(days=n)) for a, n in raw_stops]
    with_stops = calendar_limit(start, days, stops)
    without = calendar_limit(start, days)
    assert with_stops >= without
    # The extension is at most the total length of the stops.
    total = sum(s.days for s in stops)
    assert with_stops <= calendar_limit(start, days + total)
    # Stops wholly on or before the start day change nothing.
    early = [stop(start - timedelta(days=n + 1), start) for _, n in raw_stops]
    assert calendar_limit(start, days, early) == without


@given(dates, st.integers(min_value=0, max_value=40))
def test_working_limit_counts_exactly_n_working_days(start: date, n: int) -> None:
    result = working_limit(start, n)
    assert is_working_day(result)
    counted = 0
    day = start + timedelta(days=1)
    while day <= result:
        counted += is_working_day(day)
        day += timedelta(days=1)
    if n == 0:
        # start itself if working, else the next working day (counted once).
        assert result == next_working_day(start)
        assert counted == (0 if is_working_day(start) else 1)
    else:
        assert counted == n
    assert working_days_left(start, result) == counted


@given(dates, dates)
def test_working_days_left_is_antisymmetric(a: date, b: date) -> None:
    assert working_days_left(a, b) == -working_days_left(b, a)
    assert (working_days_left(a, b) > 0) <= (days_left(a, b) > 0)


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)), st.integers(-600, 600))
def test_add_months_properties(d: date, months: int) -> None:
    result = add_months(d, months)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == months
    assert result.day <= d.day
    if result.day < d.day:
        assert (result + timedelta(days=1)).month != result.month  # clamped to month end
