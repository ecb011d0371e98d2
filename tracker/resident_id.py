"""Resident identity numbers (公民身份号码, GB 11643-1999, 18 characters).

Numbers are validated on entry because a mistyped number attached to an
approval or a fee decision names the wrong person; the reason is reported so
the officer can see which part to re-check. Numbers are personal data, so
lists and logs show them masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from tracker.errors import InvalidValue

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_DIGITS = frozenset("0123456789")

# Province-level prefixes of GB/T 2260 (11-15 North, 21-23 North-east,
# 31-37 East, 41-46 Central-south, 50-54 South-west, 61-65 North-west,
# 71 Taiwan) plus 81 Hong Kong, 82 Macao and 83 Taiwan, which the 2018
# 港澳台居民居住证申领发放办法 uses as address codes 810000/820000/830000 on
# residence permits that carry a citizen identity number.
_PROVINCES = frozenset(
    {
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    }
)

# Earliest birth date accepted; GB 11643's own example (440524188001010014)
# is born in 1880, and anything earlier is a typing error.
_EARLIEST_BIRTH = date(1800, 1, 1)


class IdProblem(StrEnum):
    LENGTH = "length"
    CHARACTERS = "characters"
    REGION = "region"
    BIRTH_DATE = "birth_date"
    CHECK = "check"


_MESSAGES = {
    IdProblem.LENGTH: "a resident ID number has 18 characters",
    IdProblem.CHARACTERS: "a resident ID number is 17 digits followed by a digit or X",
    IdProblem.REGION: "the region code (first 6 digits) is not a valid province-level code",
    IdProblem.BIRTH_DATE: "the birth date (digits 7-14) is not a real date in the past",
    IdProblem.CHECK: "the check character (last) does not match the other 17 digits",
}


class InvalidResidentId(InvalidValue):
    """Why a number was refused; ``reason`` is machine-readable for translation.

    The number itself is kept out of the message: messages end up in logs.
    """

    def __init__(self, value: str, reason: IdProblem) -> None:
        super().__init__(field="id_number", problem=_MESSAGES[reason], reason=reason.value)
        self.value = value
        self.reason = reason


def check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not _DIGITS.issuperset(first17):
        raise ValueError("check_character needs exactly 17 ASCII digits")
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def _normalise(value: str) -> str:
    """Drop whitespace (numbers are often typed in groups) and upper-case a final x."""
    compact = "".join(value.split())
    if compact.endswith("x"):
        compact = compact[:-1] + "X"
    return compact


def _birth_date(value: str) -> date | None:
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return None
    return born if born >= _EARLIEST_BIRTH else None


def _problem(value: str) -> IdProblem | None:
    if len(value) != 18:
        return IdProblem.LENGTH
    if not _DIGITS.issuperset(value[:17]) or not (value[17] in _DIGITS or value[17] == "X"):
        return IdProblem.CHARACTERS
    if int(value[:2]) not in _PROVINCES:
        return IdProblem.REGION
    if _birth_date(value) is None:
        return IdProblem.BIRTH_DATE
    if check_character(value[:17]) != value[17]:
        return IdProblem.CHECK
    return None


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A valid 18-character number; constructing one validates it.

    The constructor cannot know today's date, so it does not refuse future
    birth dates; use :meth:`parse` with the clock's date for user input.
    """

    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise TypeError(f"resident ID number must be str, not {type(self.value).__name__}")
        normalised = _normalise(self.value)
        problem = _problem(normalised)
        if problem is not None:
            raise InvalidResidentId(self.value, problem)
        object.__setattr__(self, "value", normalised)

    @classmethod
    def from_store(cls, value: str) -> ResidentId:
        """A number accepted once before: stored events still load if the rules change."""
        number = object.__new__(cls)
        object.__setattr__(number, "value", value)
        return number

    @classmethod
    def parse(cls, value: str, today: date | None = None) -> ResidentId:
        """Validate user input; with ``today``, also refuse a birth date after it.

        ``today=None`` skips only the future-date check (this module reads no
        clock); callers handling input should pass ``clock.today()``.
        """
        resident_id = cls(value)
        if today is not None and resident_id.birth_date > today:
            raise InvalidResidentId(value, IdProblem.BIRTH_DATE)
        return resident_id

    @property
    def region(self) -> str:
        return self.value[:6]

    @property
    def birth_date(self) -> date:
        return date(int(self.value[6:10]), int(self.value[10:12]), int(self.value[12:14]))

    @property
    def sex(self) -> Literal["M", "F"]:
        """Odd sequence numbers are assigned to men, even to women."""
        return "M" if int(self.value[14:17]) % 2 == 1 else "F"

    @property
    def masked(self) -> str:
        """Region and last four kept, the birth date hidden: ``350102********123X``."""
        return f"{self.value[:6]}{'*' * 8}{self.value[14:]}"

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:
        # Masked so that a logged or printed object does not leak the number.
        return f"ResidentId({self.masked!r})"


def make_resident_id(region: str, birth: date, sequence: int) -> ResidentId:
    """A valid number for tests and demo data, with its check character computed."""
    if not 0 <= sequence <= 999:
        raise ValueError(f"sequence must be 0..999, got {sequence}")
    first17 = f"{region}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    return ResidentId(first17 + check_character(first17))
