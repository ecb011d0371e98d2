"""Amounts of money in integer fen (分).

Fee ledgers must reconcile to the fen (台帐、报表、实际三一致), so amounts are
integers and yuan text is converted exactly through Decimal; floats never
appear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tracker.errors import InvalidValue


class MoneyProblem(StrEnum):
    EMPTY = "empty"
    NEGATIVE = "negative"
    PRECISION = "precision"
    FORMAT = "format"


_MESSAGES = {
    MoneyProblem.EMPTY: "no amount given",
    MoneyProblem.NEGATIVE: "an amount cannot be negative",
    MoneyProblem.PRECISION: "an amount has at most 2 decimal places (fen)",
    MoneyProblem.FORMAT: "not an amount in yuan, e.g. 1234.56 or 1,234.56",
}


class InvalidMoney(InvalidValue):
    """Yuan text that is not an exact, non-negative amount; ``reason`` says why."""

    def __init__(self, text: str, reason: MoneyProblem) -> None:
        super().__init__(field="amount", problem=_MESSAGES[reason], reason=reason.value)
        self.text = text
        self.reason = reason


# Optional currency sign, then either plain digits or correctly grouped
# thousands, then an optional fraction, then an optional "元".
_CURRENCY_SIGNS = ("￥", "¥")
_AMOUNT = re.compile(r"(?P<int>[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.(?P<frac>[0-9]+))?")


@dataclass(frozen=True, slots=True, order=True)
class Money:
    fen: int

    def __post_init__(self) -> None:
        # bool is an int subclass; True fen is always a bug.
        if isinstance(self.fen, bool) or not isinstance(self.fen, int):
            raise TypeError(f"Money needs an int number of fen, not {type(self.fen).__name__}")

    @classmethod
    def zero(cls) -> Money:
        return cls(0)

    @classmethod
    def parse(cls, text: str) -> Money:
        """Exact yuan text to Money: "1234.5", "1,234.56", "￥1234", "12元"."""
        body = text.strip()
        for sign in _CURRENCY_SIGNS:
            body = body.removeprefix(sign)
        body = body.removesuffix("元").strip()
        if not body:
            raise InvalidMoney(text, MoneyProblem.EMPTY)
        if body.startswith("-"):
            candidate = body[1:].strip()
            for sign in _CURRENCY_SIGNS:
                candidate = candidate.removeprefix(sign)
            if _AMOUNT.fullmatch(candidate):
                raise InvalidMoney(text, MoneyProblem.NEGATIVE)
            raise InvalidMoney(text, MoneyProblem.FORMAT)
        # ASCII-only pattern: str.isdigit would let "١٢" or "１２" through.
        match = _AMOUNT.fullmatch(body)
        if match is None:
            raise InvalidMoney(text, MoneyProblem.FORMAT)
        fraction = match.group("frac") or ""
        if len(fraction) > 2:
            raise InvalidMoney(text, MoneyProblem.PRECISION)
        # Integer arithmetic: Decimal's default 28-digit context would round long amounts.
        return cls(int(match.group("int").replace(",", "")) * 100 + int(fraction.ljust(2, "0")))

    @property
    def yuan(self) -> Decimal:
        """The amount in yuan with exactly two decimal places."""
        units, cents = divmod(abs(self.fen), 100)
        return Decimal(f"{'-' if self.fen < 0 else ''}{units}.{cents:02d}")

    @property
    def is_zero(self) -> bool:
        return self.fen == 0

    def per_mille(self, n: int) -> Money:
        """``n``‰ of the amount, rounded half-up (away from zero) to the fen."""
        product = self.fen * n
        quotient, remainder = divmod(abs(product), 1000)
        if remainder * 2 >= 1000:
            quotient += 1
        return Money(quotient if product >= 0 else -quotient)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        return Money(self.fen - other.fen)

    def __str__(self) -> str:
        return str(self.yuan)
