from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.money import InvalidMoney, Money, MoneyProblem


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1234.5", 123450),
        ("1234.56", 123456),
        ("1,234.56", 123456),
        ("1,234,567.89", 123456789),
        ("￥1234", 123400),
        ("¥1,000", 100000),
        ("￥ 12.30", 1230),
        ("  12.3  ", 1230),
        ("12元", 1200),
        ("0", 0),
        ("0.00", 0),
        ("0.01", 1),
        ("0.1", 10),
        ("007", 700),
        ("999", 99900),
        ("30000000", 3000000000),
    ],
)
def test_parse(text: str, fen: int) -> None:
    assert Money.parse(text) == Money(fen)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", MoneyProblem.EMPTY),
        ("   ", MoneyProblem.EMPTY),
        ("￥", MoneyProblem.EMPTY),
        ("元", MoneyProblem.EMPTY),
        ("-5", MoneyProblem.NEGATIVE),
        ("-0.01", MoneyProblem.NEGATIVE),
        ("-￥5", MoneyProblem.NEGATIVE),
        ("￥-5", MoneyProblem.NEGATIVE),
        ("-1,234.5", MoneyProblem.NEGATIVE),
        ("1.234", MoneyProblem.PRECISION),
        ("0.001", MoneyProblem.PRECISION),
        ("1.500", MoneyProblem.PRECISION),
        ("1,23", MoneyProblem.FORMAT),
        ("1,2345", MoneyProblem.FORMAT),
        ("12,34.5", MoneyProblem.FORMAT),
        (",123", MoneyProblem.FORMAT),
        ("12a", MoneyProblem.FORMAT),
        ("1.2.3", MoneyProblem.FORMAT),
        (".5", MoneyProblem.FORMAT),
        ("5.", MoneyProblem.FORMAT),
        ("1e3", MoneyProblem.FORMAT),
        ("+5", MoneyProblem.FORMAT),
        ("--5", MoneyProblem.FORMAT),
        ("-abc", MoneyProblem.FORMAT),
        ("NaN", MoneyProblem.FORMAT),
        ("Infinity", MoneyProblem.FORMAT),
        ("１２", MoneyProblem.FORMAT),  # full-width digits
        ("١٢", MoneyProblem.FORMAT),  # Arabic-Indic digits
        ("1 234", MoneyProblem.FORMAT),
        ("12 元 5", MoneyProblem.FORMAT),
    ],
)
def test_parse_rejects(text: str, reason: MoneyProblem) -> None:
    with pytest.raises(InvalidMoney) as raised:
        Money.parse(text)
    assert raised.value.reason is reason
    assert raised.value.text == text
    assert str(raised.value).startswith("amount is invalid")


@pytest.mark.parametrize("bad", [1.5, True, False, "100", Decimal(100), None])
def test_fen_must_be_int(bad: object) -> None:
    with pytest.raises(TypeError):
        Money(bad)  # type: ignore[arg-type]


def test_yuan_and_str() -> None:
    assert Money(123456).yuan == Decimal("1234.56")
    assert Money(100).yuan.as_tuple().exponent == -2
    assert str(Money(100)) == "1.00"
    assert str(Money(5)) == "0.05"
    assert str(Money(0)) == "0.00"
    assert str(Money(123450)) == "1234.50"
    assert str(Money(-5)) == "-0.05"
    assert str(Money(300000000000)) == "3000000000.00"


def test_arithmetic_and_order() -> None:
    assert Money(150) + Money(250) == Money(400)
    assert Money(150) - Money(250) == Money(-100)
    assert Money(1) < Money(2) <= Money(2) < Money(10)
    assert max(Money(3), Money(30), Money(7)) == Money(30)
    assert sorted([Money(3), Money(-1), Money(2)]) == [Money(-1), Money(2), Money(3)]
    assert sum([Money(1), Money(2)], Money.zero()) == Money(3)


def test_mixing_with_numbers_is_refused() -> None:
    with pytest.raises(TypeError):
        Money(1) + 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        Money(1) - 1  # type: ignore[operator]
    with pytest.raises(TypeError):
        assert Money(1) < 2  # type: ignore[operator]
    hundred: object = 100
    assert Money(100) != hundred


def test_zero_and_immutability() -> None:
    assert Money.zero() == Money(0)
    assert Money.zero().is_zero
    assert not Money(1).is_zero
    with pytest.raises(dataclasses.FrozenInstanceError):
        Money(1).fen = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fen", "n", "expected"),
    [
        (1000000, 2, 2000),  # 10,000.00 yuan × 2‰ = 20.00 yuan
        (1250, 2, 3),  # 2.5 fen -> 3 (half up)
        (1249, 2, 2),  # 2.498 fen -> 2
        (1251, 2, 3),  # 2.502 fen -> 3
        (750, 2, 2),  # 1.5 fen -> 2
        (249, 2, 0),  # 0.498 fen -> 0
        (250, 2, 1),  # 0.5 fen -> 1
        (-1250, 2, -3),  # half away from zero
        (12345, 0, 0),
        (12345, 1000, 12345),
        (0, 2, 0),
    ],
)
def test_per_mille(fen: int, n: int, expected: int) -> None:
    assert Money(fen).per_mille(n) == Money(expected)


@given(st.integers(min_value=0, max_value=10**15))
def test_parse_str_round_trip(fen: int) -> None:
    money = Money(fen)
    assert Money.parse(str(money)) == money
    grouped = f"{fen // 100:,}.{fen % 100:02d}"
    assert Money.parse(grouped) == money
    assert Money.parse(f"￥{grouped}") == money


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(-1000, 1000))
def test_per_mille_matches_decimal_half_up(fen: int, n: int) -> None:
    exact = Decimal(fen) * n / 1000
    expected = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    assert Money(fen).per_mille(n) == Money(expected)


@given(st.integers(-(10**12), 10**12), st.integers(-(10**12), 10**12))
def test_add_sub_inverse(a: int, b: int) -> None:
    assert Money(a) + Money(b) - Money(b) == Money(a)
    assert (Money(a) < Money(b)) == (a < b)
