"""Report periods: a month (``2026-03``), a quarter (``2026-Q1``) or a year (``2026``).

Every figure is computed for a period and a report date (DOMAIN.md, "Report
dates"); the report date defaults to the period's last day, or to today
while the period is still running.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum

from tracker.errors import InvalidValue


class PeriodKind(Enum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})$"), PeriodKind.MONTH),
    (re.compile(r"^(\d{4})-[Qq]([1-4])$"), PeriodKind.QUARTER),
    (re.compile(r"^(\d{4})$"), PeriodKind.YEAR),
)


@dataclass(frozen=True)
class Period:
    """A calendar period; ``number`` is the month (1-12), the quarter (1-4), or 1 for a year."""

    kind: PeriodKind
    year: int
    number: int = 1

    def __post_init__(self) -> None:
        top = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.YEAR: 1}[self.kind]
        if not 1 <= self.number <= top or not 1 <= self.year <= 9999:
            raise InvalidValue(field="period", problem="no such period")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2026-03`` (a month), ``2026-Q1`` (a quarter) or ``2026`` (a year)."""
        value = text.strip()
        for pattern, kind in _PATTERNS:
            found = pattern.match(value)
            if found:
                number = int(found.group(2)) if kind is not PeriodKind.YEAR else 1
                return cls(kind, int(found.group(1)), number)
        raise InvalidValue(
            field="period", problem="{text} is not 2026-03, 2026-Q1 or 2026", text=repr(text)
        )

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(PeriodKind.MONTH, year, month)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(PeriodKind.QUARTER, year, quarter)

    @classmethod
    def whole_year(cls, year: int) -> Period:
        return cls(PeriodKind.YEAR, year)

    @property
    def first(self) -> date:
        if self.kind is PeriodKind.MONTH:
            return date(self.year, self.number, 1)
        if self.kind is PeriodKind.QUARTER:
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def last(self) -> date:
        if self.kind is PeriodKind.MONTH:
            month = self.number
        elif self.kind is PeriodKind.QUARTER:
            month = 3 * self.number
        else:
            month = 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def contains(self, day: date) -> bool:
        return self.first <= day <= self.last

    def default_report_date(self, today: date) -> date:
        """The period's last day, or today while the period runs (or has not begun)."""
        return min(self.last, today)

    def __str__(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}"
