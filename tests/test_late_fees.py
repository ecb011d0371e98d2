"""Late fees checked against hand computations (2‰ per full month, Order 357 Art. 8)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.late_fees import Due, Payment, late_fee
from tracker.money import Money

D = date
TEN_THOUSAND = Money(1_000_000)  # 10,000.00 yuan; 2‰ of it is 2,000 fen = 20.00 yuan


def single() -> list[Due]:
    return [Due(D(2020, 1, 15), TEN_THOUSAND)]


def test_nothing_before_the_first_full_month() -> None:
    assert late_fee(single(), [], as_of=D(2020, 1, 15)) == Money(0)
    assert late_fee(single(), [], as_of=D(2020, 2, 14)) == Money(0)


def test_single_due_unpaid_three_full_months() -> None:
    # Month ends 2020-02-15, 03-15, 04-15 -> 3 × 2‰ × 1,000,000 = 3 × 2,000 = 6,000 fen.
    assert late_fee(single(), [], as_of=D(2020, 4, 15)) == Money(6_000)
    # One day earlier the third month is not yet full.
    assert late_fee(single(), [], as_of=D(2020, 4, 14)) == Money(4_000)
    assert str(late_fee(single(), [], as_of=D(2020, 4, 15))) == "60.00"


def test_partial_payment_in_month_two() -> None:
    # 4,000.00 yuan paid on 2020-03-01 (inside month 2, which ends 03-15).
    payments = [Payment(D(2020, 3, 1), Money(400_000))]
    # Month 1 (to 02-15): 1,000,000 unpaid -> 2,000
    # Month 2 (to 03-15):   600,000 unpaid -> 1,200
    # Month 3 (to 04-15):   600,000 unpaid -> 1,200   total 4,400 fen.
    assert late_fee(single(), payments, as_of=D(2020, 4, 30)) == Money(4_400)


def test_payment_on_the_month_end_counts_for_that_month() -> None:
    payments = [Payment(D(2020, 2, 15), Money(1_000_000))]
    assert late_fee(single(), payments, as_of=D(2021, 1, 1)) == Money(0)
    payments = [Payment(D(2020, 2, 16), Money(1_000_000))]
    assert late_fee(single(), payments, as_of=D(2021, 1, 1)) == Money(2_000)


def test_paying_on_the_due_date_is_in_time() -> None:
    payments = [Payment(D(2020, 1, 15), Money(1_000_000))]
    assert late_fee(single(), payments, as_of=D(2021, 1, 1)) == Money(0)


def test_stop_on_cuts_accrual() -> None:
    # A month ending on stop_on itself does not accrue: only month 1 (02-15).
    assert late_fee(single(), [], as_of=D(2025, 1, 1), stop_on=D(2020, 3, 15)) == Money(2_000)
    # One day later, month 2 (ending 03-15) is before stop_on.
    assert late_fee(single(), [], as_of=D(2025, 1, 1), stop_on=D(2020, 3, 16)) == Money(4_000)
    # as_of earlier than stop_on still limits.
    assert late_fee(single(), [], as_of=D(2020, 2, 20), stop_on=D(2020, 3, 16)) == Money(2_000)


def test_abolition_cut_off() -> None:
    # Due 2021-06-10, never paid; fees stop from 2021-08-20.
    # Month ends 07-10 and 08-10 are before the cut-off; 09-10 is not: 2 × 2,000.
    dues = [Due(D(2021, 6, 10), TEN_THOUSAND)]
    assert late_fee(dues, [], as_of=D(2026, 1, 1), stop_on=D(2021, 8, 20)) == Money(4_000)


def test_month_ends_clamp_and_are_counted_from_the_due_date() -> None:
    # Due 2021-01-31: month ends 02-28, 03-31, 04-30 (not 03-28, 04-28).
    dues = [Due(D(2021, 1, 31), Money(100_000))]  # 2‰ = 200 fen
    assert late_fee(dues, [], as_of=D(2021, 2, 27)) == Money(0)
    assert late_fee(dues, [], as_of=D(2021, 2, 28)) == Money(200)
    assert late_fee(dues, [], as_of=D(2021, 3, 30)) == Money(200)
    assert late_fee(dues, [], as_of=D(2021, 3, 31)) == Money(400)
    assert late_fee(dues, [], as_of=D(2021, 4, 30)) == Money(600)


def instalments() -> list[Due]:
    return [
        Due(D(2020, 1, 31), Money(300_000)),
        Due(D(2020, 2, 29), Money(300_000)),
        Due(D(2020, 3, 31), Money(400_000)),
    ]


def test_instalments_each_accrue_from_their_own_due_date() -> None:
    payments = [
        Payment(D(2020, 1, 31), Money(300_000)),  # instalment 1, in time
        Payment(D(2020, 4, 10), Money(300_000)),  # instalment 2, late
    ]
    # Instalment 1: paid by its month end 02-29 -> 0.
    # Instalment 2 (due 02-29): month 1 ends 03-29, 300,000 unpaid -> 600;
    #   month 2 ends 04-29, paid 04-10 -> 0.
    # Instalment 3 (due 03-31): month ends 04-30 and 05-31, 400,000 unpaid -> 800 + 800.
    # Total 600 + 1,600 = 2,200 fen.
    assert late_fee(instalments(), payments, as_of=D(2020, 5, 31)) == Money(2_200)


def test_payment_goes_to_earliest_due_first() -> None:
    payments = [
        Payment(D(2020, 1, 31), Money(300_000)),
        Payment(D(2020, 4, 10), Money(500_000)),  # 300,000 to instalment 2, 200,000 to 3
    ]
    # Instalment 2: month to 03-29 unpaid 300,000 -> 600; paid by 04-29 -> stops.
    # Instalment 3: month to 04-30 unpaid 200,000 -> 400; to 05-31 -> 400.
    # Total 1,400 fen.
    assert late_fee(instalments(), payments, as_of=D(2020, 5, 31)) == Money(1_400)
    # The order in which dues and payments are listed does not matter.
    assert late_fee(
        list(reversed(instalments())), list(reversed(payments)), as_of=D(2020, 5, 31)
    ) == Money(1_400)


def test_early_payment_of_a_later_due_still_goes_to_the_earliest() -> None:
    # Nothing paid for instalment 1; 300,000 paid on 2020-02-10 clears instalment 1
    # (month 1 of instalment 1 ends 02-29, paid by then -> 0), instalment 2 stays unpaid:
    # month ends 03-29, 04-29, 05-29 -> 3 × 600 = 1,800.
    dues = instalments()[:2]
    payments = [Payment(D(2020, 2, 10), Money(300_000))]
    assert late_fee(dues, payments, as_of=D(2020, 5, 31)) == Money(1_800)


def test_rounded_once_not_per_month() -> None:
    # 1,234 fen × 2‰ = 2.468 fen per month; over 3 months 7.404 -> 7 fen
    # (rounding each month would give 2 + 2 + 2 = 6).
    dues = [Due(D(2020, 1, 15), Money(1_234))]
    assert late_fee(dues, [], as_of=D(2020, 4, 15)) == Money(7)
    # 1,250 fen × 2‰ = 2.5 -> 3 (half up) after one month.
    assert late_fee([Due(D(2020, 1, 15), Money(1_250))], [], as_of=D(2020, 2, 15)) == Money(3)


def test_other_rate() -> None:
    # 3‰ × 1,000,000 × 2 months = 6,000.
    assert late_fee(single(), [], as_of=D(2020, 3, 15), rate_per_mille=3) == Money(6_000)


def test_overpayment_is_ignored() -> None:
    payments = [Payment(D(2020, 3, 1), Money(2_000_000))]
    # Month 1 unpaid 1,000,000 -> 2,000; fully paid from month 2.
    assert late_fee(single(), payments, as_of=D(2021, 1, 1)) == Money(2_000)


def test_never_compounded_over_a_long_time() -> None:
    # 24 full months × 2,000 = 48,000 fen: simple, linear in months.
    assert late_fee(single(), [], as_of=D(2022, 1, 15)) == Money(48_000)


def test_empty() -> None:
    assert late_fee([], [], as_of=D(2020, 1, 1)) == Money(0)


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="positive"):
        late_fee(single(), [Payment(D(2020, 3, 1), Money(0))], as_of=D(2020, 4, 1))
    with pytest.raises(ValueError, match="negative"):
        late_fee([Due(D(2020, 1, 15), Money(-1))], [], as_of=D(2020, 4, 1))
    with pytest.raises(ValueError, match="rate"):
        late_fee(single(), [], as_of=D(2020, 4, 1), rate_per_mille=-2)


# --- properties --------------------------------------------------------------------

days = st.dates(min_value=D(2015, 1, 1), max_value=D(2021, 12, 31))
amounts = st.integers(min_value=1, max_value=10**9).map(Money)
dues_strategy = st.lists(st.builds(Due, days, amounts), max_size=4)
payments_strategy = st.lists(st.builds(Payment, days, amounts), max_size=4)


@given(dues_strategy, payments_strategy, days, st.integers(0, 800))
def test_fee_grows_with_time(
    dues: list[Due], payments: list[Payment], as_of: date, later: int
) -> None:
    assert late_fee(dues, payments, as_of) <= late_fee(
        dues, payments, as_of + timedelta(days=later)
    )


@given(dues_strategy, payments_strategy, st.builds(Payment, days, amounts), days)
def test_paying_more_never_raises_the_fee(
    dues: list[Due], payments: list[Payment], extra: Payment, as_of: date
) -> None:
    assert late_fee(dues, [*payments, extra], as_of) <= late_fee(dues, payments, as_of)


@given(dues_strategy, payments_strategy, days, days)
def test_stop_on_never_raises_the_fee(
    dues: list[Due], payments: list[Payment], as_of: date, stop_on: date
) -> None:
    assert late_fee(dues, payments, as_of, stop_on=stop_on) <= late_fee(dues, payments, as_of)


@given(days, amounts, st.integers(0, 60))
def test_unpaid_due_accrues_rate_times_months(due_on: date, principal: Money, months: int) -> None:
    # as_of is the last day of month `months`, computed here without add_months.
    year, month0 = divmod(due_on.year * 12 + due_on.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month0 + 1)[1]
    month_end = D(year, month0 + 1, min(due_on.day, last_day))
    fee = late_fee([Due(due_on, principal)], [], as_of=month_end)
    assert fee == Money(principal.fen * months).per_mille(2)
    before = late_fee([Due(due_on, principal)], [], as_of=month_end - timedelta(days=1))
    assert before == Money(principal.fen * max(months - 1, 0)).per_mille(2)
