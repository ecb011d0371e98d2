from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from tracker.clock import SHANGHAI, Clock, FixedClock, SystemClock


def test_fixed_clock_on_gives_local_office_time() -> None:
    clock = FixedClock.on(date(2026, 2, 14))
    # 09:00 in Shanghai (UTC+8) is 01:00 UTC on the same day.
    assert clock.now() == datetime(2026, 2, 14, 1, 0, tzinfo=UTC)
    assert clock.now().utcoffset() == timedelta(0)
    assert clock.today() == date(2026, 2, 14)


def test_fixed_clock_on_custom_hour() -> None:
    clock = FixedClock.on(date(2026, 2, 14), hour=7)
    # 07:00 Shanghai is 23:00 UTC the previous day, but the office date is the 14th.
    assert clock.now() == datetime(2026, 2, 13, 23, 0, tzinfo=UTC)
    assert clock.today() == date(2026, 2, 14)


def test_today_is_shanghai_date_not_utc_date() -> None:
    # 16:30 UTC on the 13th is 00:30 on the 14th in Shanghai.
    clock = FixedClock(datetime(2026, 2, 13, 16, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 2, 14)
    clock.set(datetime(2026, 2, 13, 15, 59, tzinfo=UTC))  # 23:59 local on the 13th
    assert clock.today() == date(2026, 2, 13)


def test_now_is_normalised_to_utc() -> None:
    clock = FixedClock(datetime(2026, 3, 1, 10, 0, tzinfo=SHANGHAI))
    assert clock.now().tzinfo is UTC
    assert clock.now() == datetime(2026, 3, 1, 2, 0, tzinfo=UTC)


def test_advance_moves_forward_and_back() -> None:
    clock = FixedClock.on(date(2026, 2, 13), hour=20)
    clock.advance(hours=4)  # midnight local
    assert clock.today() == date(2026, 2, 14)
    clock.advance(days=10, minutes=30)
    assert clock.today() == date(2026, 2, 24)
    assert clock.now() == datetime(2026, 2, 23, 16, 30, tzinfo=UTC)
    clock.advance(days=-1)
    assert clock.today() == date(2026, 2, 23)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2026, 1, 1, 9, 0))
    clock = FixedClock.on(date(2026, 1, 1))
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2026, 1, 2, 9, 0))
    assert clock.today() == date(2026, 1, 1)


def test_system_clock_is_aware_utc_and_local_today() -> None:
    clock = SystemClock()
    before = datetime.now(UTC)
    now = clock.now()
    after = datetime.now(UTC)
    assert now.utcoffset() == timedelta(0)
    assert before <= now <= after
    local_today = clock.today()
    assert local_today in {
        before.astimezone(SHANGHAI).date(),
        after.astimezone(SHANGHAI).date(),
    }


def test_both_clocks_satisfy_the_protocol() -> None:
    clocks: list[Clock] = [SystemClock(), FixedClock.on(date(2026, 1, 1))]
    for clock in clocks:
        assert isinstance(clock, Clock)
