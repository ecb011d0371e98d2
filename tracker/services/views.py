"""Plain, frozen snapshots of a case for pages and the API: no behaviour, no store."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

from tracker.aggregates.approval import ApprovalStage, Objection
from tracker.aggregates.fee_collection import FeeStage, Instalment, Receipt
from tracker.aggregates.petition import Channel, Level, Outcome, PetitionStage, Satisfaction
from tracker.deadlines import ClockStop, Deadline
from tracker.disclosure import Disclosure, PersonView, Place
from tracker.money import Money

V = TypeVar("V")


def snapshot(view_class: type[V], aggregate: Any, shown: Disclosure, **derived: Any) -> V:
    """Copy the aggregate's attributes named like the view's fields, then the derived ones.

    The people in them come as ``shown`` lets the user see them on a case (``tracker.disclosure``).
    """
    values = {
        f.name: shown.field(
            f.name,
            derived[f.name] if f.name in derived else getattr(aggregate, f.name),
            Place.CASE,
        )
        for f in fields(view_class)  # type: ignore[arg-type]
    }
    return view_class(**values)


@dataclass(frozen=True)
class PetitionView:
    id: UUID
    version: int
    stage: PetitionStage
    channel: Channel
    received_on: date
    petitioners: tuple[PersonView, ...]
    headcount: int
    community: str
    category: str
    summary: str
    lodged_level: Level
    competent_level: Level
    assignee: str | None
    notes: tuple[str, ...]
    accepted_on: date | None
    routed_on: date | None
    forwarded_to: str | None
    ended_reason: str | None
    extension_days: int
    replied_on: date | None
    outcome: Outcome | None
    satisfaction: Satisfaction | None
    review_requested_on: date | None
    review_opinion_on: date | None
    re_review_requested_on: date | None
    re_review_opinion_on: date | None
    clock_stops: tuple[ClockStop, ...]
    terminated_on: date | None
    merged_into: UUID | None
    duplicates: tuple[UUID, ...]
    is_collective: bool
    is_skip_level: bool
    current_limit: date | None
    deadlines: tuple[Deadline, ...]
    is_overdue: bool
    closed_on_time: bool | None


@dataclass(frozen=True)
class ApprovalView:
    id: UUID
    version: int
    stage: ApprovalStage
    spouses: tuple[PersonView, ...]
    community: str
    existing_children: int
    policy_ground: str
    applied_on: date
    reviewed_on: date | None
    posted_on: date | None
    posting_place: str | None
    posting_ends: date | None
    objections: tuple[Objection, ...]
    decided_on: date | None
    certificate_number: str | None
    delivered_on: date | None
    received_by: str | None  # a name: as the disclosure rule shows it
    delivering_officer: str | None
    withdrawn_on: date | None
    decision_due: date
    deadlines: tuple[Deadline, ...]
    is_overdue: bool
    decided_on_time: bool | None


@dataclass(frozen=True)
class FeeView:
    id: UUID
    version: int
    stage: FeeStage
    decision_number: str
    liable_parties: tuple[PersonView, ...]
    community: str
    amount: Money
    decided_on: date
    served_on: date
    due_on: date
    instalments: tuple[Instalment, ...]
    receipts: tuple[Receipt, ...]
    paid: Money
    outstanding: Money
    late_fee: Money
    late_fee_as_of: date
    enforcement_applied_on: date | None
    closed_on: date | None
    deadlines: tuple[Deadline, ...]
