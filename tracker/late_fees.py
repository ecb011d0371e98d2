"""Late fees (滞纳金) on social maintenance fees, computed as of a date.

Order 357 Art. 8 sets 2‰ per month on the amount unpaid. The fee is derived
from the dues and payments every time it is shown, never stored, so a
back-entered payment or a later closure changes it consistently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tracker.deadlines import add_months
from tracker.money import Money

if TYPE_CHECKING:
    from collections.abc import Sequence


@dataclass(frozen=True)
class Due:
    """An amount of principal to be paid by ``due_on`` (the last day still in time)."""

    due_on: date
    principal: Money


@dataclass(frozen=True)
class Payment:
    paid_on: date
    amount: Money


def _allocate(dues: Sequence[Due], payments: Sequence[Payment]) -> list[list[Payment]]:
    """Which part of which payment went to each due (result indexed like ``dues``).

    Payments, in order of ``paid_on`` (ties keep their given order), fill the
    earliest-due principal first; anything beyond the total principal is ignored.
    """
    order = sorted(range(len(dues)), key=lambda i: dues[i].due_on)
    remaining = {i: dues[i].principal.fen for i in order}
    applied: list[list[Payment]] = [[] for _ in dues]
    for payment in sorted(payments, key=lambda p: p.paid_on):
        left = payment.amount.fen
        for i in order:
            if left == 0:
                break
            share = min(left, remaining[i])
            if share:
                remaining[i] -= share
                left -= share
                applied[i].append(Payment(payment.paid_on, Money(share)))
    return applied


def late_fee(
    dues: Sequence[Due],
    payments: Sequence[Payment],
    as_of: date,
    stop_on: date | None = None,
    rate_per_mille: int = 2,
) -> Money:
    """Total late fee accrued by ``as_of``, apart from (and not added to) principal.

    Convention:

    * Payments go to principal only, earliest due first (see ``_allocate``).
    * For a due with date D, month k (k = 1, 2, ...) ends on
      ``add_months(D, k)`` (clamped to month end, always counted from D: a due
      on Jan 31 has month ends Feb 28/29, Mar 31, Apr 30, ...). Paying on D
      itself is in time.
    * Month k accrues ``rate_per_mille``‰ of that due's principal still unpaid
      at the end of its last day, counting payments with ``paid_on`` on or
      before the month end, if the month end is on or before ``as_of`` and
      strictly before ``stop_on``. A partial month accrues nothing.
    * ``stop_on`` is the first day on which no late fee accrues: the abolition
      cut-off (2021-08-20), or the day a case was written off or ceased. The
      caller passes the earliest that applies.
    * Never compounded: the fee is always on principal, never on earlier fees.
    * Rounding: the accruals are summed exactly and the total rounded once,
      half-up to the fen, so the result does not depend on how months are
      grouped.
    """
    if rate_per_mille < 0:
        raise ValueError(f"rate cannot be negative ({rate_per_mille}‰)")
    for due in dues:
        if due.principal.fen < 0:
            raise ValueError(f"principal cannot be negative ({due.principal})")
    for payment in payments:
        if payment.amount.fen <= 0:
            raise ValueError(f"a payment must be positive ({payment.amount})")

    # Σ over (due, month) of the unpaid principal in fen; times rate‰ at the end.
    unpaid_fen_months = 0
    for due, applied in zip(dues, _allocate(dues, payments), strict=True):
        k = 1
        while True:
            month_end = add_months(due.due_on, k)
            if month_end > as_of or (stop_on is not None and month_end >= stop_on):
                break
            paid = sum(p.amount.fen for p in applied if p.paid_on <= month_end)
            unpaid = due.principal.fen - paid
            if unpaid == 0:
                break  # payments only accumulate, so it stays paid
            unpaid_fen_months += unpaid
            k += 1
    return Money(unpaid_fen_months).per_mille(rate_per_mille)
