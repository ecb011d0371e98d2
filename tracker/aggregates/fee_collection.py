"""A social maintenance fee case (社会抚养费征收), from assessment to closing.

Order 357 (2002) governs assessment, instalments and the 2‰ monthly late
fee; the 2021-08-20 amendment of the Population and Family Planning Law
abolished the fee: no assessment or enforcement from the cut-off, no late
fee after it, and open cases may be closed as ceased (停止征收).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, ClassVar
from uuid import uuid4

from tracker import deadlines
from tracker.aggregates.base import (
    Act,
    TrackedAggregate,
    require_date,
    require_member,
    require_order,
    require_past,
    require_people,
    require_text,
)
from tracker.errors import DomainError, InvalidValue, LimitExpired
from tracker.late_fees import Due, Payment, late_fee
from tracker.money import Money
from tracker.person import Person

PAYMENT_DAYS = 30
INSTALMENT_REQUEST_DAYS = 30


class FeeStage(Enum):
    ASSESSED = "assessed"
    PAID = "paid"
    WRITTEN_OFF = "written_off"
    CEASED = "ceased"


class ChallengeKind(Enum):
    REVIEW = "review"  # 行政复议
    LAWSUIT = "lawsuit"  # 行政诉讼


@dataclass(frozen=True)
class Instalment:
    due_on: date
    amount: Money


@dataclass(frozen=True)
class Receipt:
    number: str
    amount: Money
    paid_on: date


class AssessmentAfterAbolition(DomainError):
    template = "the fee was abolished from {cutoff}; no assessment decided on {decided_on}"


class EnforcementAfterAbolition(DomainError):
    template = "the fee was abolished from {cutoff}; enforcement is no longer possible"


class NotYetAbolished(DomainError):
    template = "a case can be closed as ceased only from the abolition on {cutoff}"


class NotYetDue(DomainError):
    template = "payment is due until {due_on}; enforcement comes after"


class Overpayment(DomainError):
    template = "the payment {amount} exceeds the outstanding {outstanding}"


class ScheduleMismatch(DomainError):
    template = "the instalments sum to {total}, the outstanding balance is {outstanding}"


class CollectionAfterAbolition(DomainError):
    template = "the fee was abolished from {cutoff}; unpaid amounts are no longer collected"


class PlanAlreadyApproved(DomainError):
    template = "an instalment plan was already approved"


MAX_AMOUNT = Money(100_000_000_000)  # a billion yuan: anything above is a typing error


def _positive(field: str, amount: object) -> Money:
    if not isinstance(amount, Money):
        raise InvalidValue(field=field, problem="an amount of money is required")
    if not 0 < amount.fen <= MAX_AMOUNT.fen:
        raise InvalidValue(
            field=field, problem="more than zero and at most {maximum}", maximum=MAX_AMOUNT
        )
    return amount


class FeeCollection(TrackedAggregate):
    STAGE_GATES: ClassVar[dict[str, frozenset[FeeStage]]] = {
        command: frozenset({FeeStage.ASSESSED})
        for command in (
            "approve_instalments",
            "record_payment",
            "apply_enforcement",
            "write_off",
            "cease",
        )
    }
    CORRECTABLE: ClassVar[dict[str, Any]] = {
        "decision_number": lambda value: require_text("decision_number", value),
    }

    class Assessed(TrackedAggregate.Created):
        decision_number: str
        liable_parties: tuple[Person, ...]
        community: str
        amount: Money
        decided_on: date
        served_on: date

    class InstalmentPlanApproved(TrackedAggregate.Event):
        applied_on: date
        approved_on: date
        schedule: tuple[Instalment, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.instalments = tuple(self.schedule)
            aggregate.plan_approved_on = self.approved_on

    class PaymentReceived(TrackedAggregate.Event):
        receipt_number: str
        amount: Money
        paid_on: date

        def apply(self, aggregate: Any) -> None:
            receipt = Receipt(self.receipt_number, self.amount, self.paid_on)
            aggregate.receipts = (*aggregate.receipts, receipt)
            if aggregate.outstanding.is_zero:
                # Paid in full on the latest paid_on: a back-entered payment
                # may be dated before those recorded earlier.
                aggregate.stage = FeeStage.PAID
                aggregate.closed_on = max(r.paid_on for r in aggregate.receipts)

    class ChallengeFiled(TrackedAggregate.Event):
        kind: ChallengeKind
        filed_on: date
        note: str

        def apply(self, aggregate: Any) -> None:
            aggregate.challenges = (*aggregate.challenges, (self.kind, self.filed_on))

    class EnforcementApplied(TrackedAggregate.Event):
        applied_on: date
        court: str

        def apply(self, aggregate: Any) -> None:
            aggregate.enforcement_applied_on = self.applied_on

    class WrittenOff(TrackedAggregate.Event):
        written_off_on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = FeeStage.WRITTEN_OFF
            aggregate.closed_on = self.written_off_on

    class Ceased(TrackedAggregate.Event):
        ceased_on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = FeeStage.CEASED
            aggregate.closed_on = self.ceased_on

    def __init__(
        self,
        actor: str,
        decision_number: str,
        liable_parties: tuple[Person, ...],
        community: str,
        amount: Money,
        decided_on: date,
        served_on: date,
    ) -> None:
        self.registered_by = actor
        self.decision_number = decision_number
        self.liable_parties = tuple(liable_parties)
        self.community = community
        self.amount = amount
        self.decided_on = decided_on
        self.served_on = served_on
        self.stage = FeeStage.ASSESSED
        self.instalments: tuple[Instalment, ...] = ()
        self.plan_approved_on: date | None = None
        self.receipts: tuple[Receipt, ...] = ()
        self.challenges: tuple[tuple[ChallengeKind, date], ...] = ()
        self.enforcement_applied_on: date | None = None
        self.closed_on: date | None = None

    @classmethod
    def assess(
        cls,
        act: Act,
        *,
        decision_number: str,
        liable_parties: tuple[Person, ...],
        community: str,
        amount: Money,
        decided_on: date,
        served_on: date,
        abolished_on: date,
    ) -> FeeCollection:
        if require_date("decided_on", decided_on) >= abolished_on:
            raise AssessmentAfterAbolition(cutoff=abolished_on, decided_on=decided_on)
        parties = require_people(act, liable_parties, identified=True)
        if not parties:
            raise InvalidValue(field="liable_parties", problem="at least one liable party")
        require_past(act, "served_on", served_on)
        return cls._create(
            cls.Assessed,
            id=uuid4(),
            actor=act.actor,
            timestamp=act.at,
            decision_number=require_text("decision_number", decision_number),
            liable_parties=parties,
            community=community,
            amount=_positive("amount", amount),
            decided_on=decided_on,
            served_on=require_order("served_on", served_on, "decided_on", decided_on),
        )

    # -- derived facts ---------------------------------------------------------

    @property
    def due_on(self) -> date:
        return deadlines.calendar_limit(self.served_on, PAYMENT_DAYS)

    @property
    def deadlines(self) -> tuple[deadlines.Deadline, ...]:
        paid_on = self.closed_on if self.stage is FeeStage.PAID else None
        return (
            deadlines.Deadline("instalment_request", self.instalment_request_limit),
            deadlines.Deadline("payment", self.due_on, met_on=paid_on),
        )

    @property
    def instalment_request_limit(self) -> date:
        return deadlines.calendar_limit(self.served_on, INSTALMENT_REQUEST_DAYS)

    @property
    def paid(self) -> Money:
        return sum((r.amount for r in self.receipts), Money.zero())

    @property
    def outstanding(self) -> Money:
        return self.amount - self.paid

    @property
    def is_open(self) -> bool:
        return self.stage is FeeStage.ASSESSED

    @property
    def dues(self) -> tuple[Due, ...]:
        """The principal by due date: the decision's, or the plan's instalments.

        A plan covers the balance outstanding when it was approved. The part
        paid before the plan stays a due of its own, on the decision's due
        date (or the approval date, if earlier, so that it comes before every
        instalment), so those earlier payments are not credited to the
        instalments; the dues always sum to the assessed amount.
        """
        if not self.instalments or self.plan_approved_on is None:
            return (Due(self.due_on, self.amount),)
        planned = sum((i.amount for i in self.instalments), Money.zero())
        before_plan = self.amount - planned
        head: tuple[Due, ...] = ()
        if not before_plan.is_zero:
            head = (Due(min(self.due_on, self.plan_approved_on), before_plan),)
        return head + tuple(Due(i.due_on, i.amount) for i in self.instalments)

    def first_unpaid_due(self, on: date) -> date:
        """The earliest due date whose principal was not fully paid by ``on``.

        Payments go to the earliest due first, as for the late fee. For an open
        case some principal is always unpaid; the decision's due date is the
        answer when nothing is (a case already paid in full).
        """
        paid = sum(r.amount.fen for r in self.receipts if r.paid_on <= on)
        owed = 0
        for due in sorted(self.dues, key=lambda d: d.due_on):
            owed += due.principal.fen
            if owed > paid:
                return due.due_on
        return self.due_on

    def late_fee(self, as_of: date, abolished_on: date) -> Money:
        """Late fee as of a date: nothing accrues from the abolition or after closing."""
        stop = abolished_on if self.closed_on is None else min(abolished_on, self.closed_on)
        payments = tuple(Payment(r.paid_on, r.amount) for r in self.receipts)
        return late_fee(self.dues, payments, as_of=as_of, stop_on=stop)

    # -- commands --------------------------------------------------------------

    def approve_instalments(
        self,
        act: Act,
        applied_on: date,
        approved_on: date,
        schedule: tuple[Instalment, ...],
        abolished_on: date,
    ) -> None:
        self._require_stage("approve_instalments")
        if self.instalments:
            raise PlanAlreadyApproved()
        if require_past(act, "approved_on", approved_on) >= abolished_on:
            raise CollectionAfterAbolition(cutoff=abolished_on)
        require_order("applied_on", applied_on, "served_on", self.served_on)
        require_order("approved_on", approved_on, "applied_on", applied_on)
        if applied_on > self.instalment_request_limit:
            raise LimitExpired(action="approve_instalments", limit=self.instalment_request_limit)
        if not isinstance(schedule, (tuple, list)) or len(schedule) < 2:
            raise InvalidValue(field="schedule", problem="at least two instalments")
        if not all(isinstance(i, Instalment) for i in schedule):
            raise InvalidValue(field="schedule", problem="instalments with a due date and amount")
        previous = approved_on
        for instalment in schedule:
            _positive("amount", instalment.amount)
            if require_date("due_on", instalment.due_on) <= previous:
                raise InvalidValue(field="schedule", problem="due dates must rise after approval")
            previous = instalment.due_on
        total = sum((i.amount for i in schedule), Money.zero())
        if total != self.outstanding:
            raise ScheduleMismatch(total=total, outstanding=self.outstanding)
        self._trigger(
            self.InstalmentPlanApproved,
            act,
            applied_on=applied_on,
            approved_on=approved_on,
            schedule=tuple(schedule),
        )

    def record_payment(
        self, act: Act, receipt_number: str, amount: Money, paid_on: date, abolished_on: date
    ) -> None:
        """Receipt numbers are unique across cases: the application checks that."""
        self._require_stage("record_payment")
        _positive("amount", amount)
        if amount > self.outstanding:
            raise Overpayment(amount=amount, outstanding=self.outstanding)
        if require_past(act, "paid_on", paid_on) >= abolished_on:
            raise CollectionAfterAbolition(cutoff=abolished_on)
        require_order("paid_on", paid_on, "decided_on", self.decided_on)
        self._trigger(
            self.PaymentReceived,
            act,
            receipt_number=require_text("receipt_number", receipt_number),
            amount=amount,
            paid_on=paid_on,
        )

    def file_challenge(self, act: Act, kind: ChallengeKind, filed_on: date, note: str) -> None:
        """Recorded only: a review or lawsuit does not suspend collection."""
        require_past(act, "filed_on", filed_on)
        require_order("filed_on", filed_on, "served_on", self.served_on)
        if not isinstance(note, str):
            raise InvalidValue(field="note", problem="text is required")
        self._trigger(
            self.ChallengeFiled,
            act,
            kind=require_member(ChallengeKind, "kind", kind),
            filed_on=filed_on,
            note=note.strip(),
        )

    def apply_enforcement(self, act: Act, applied_on: date, court: str, abolished_on: date) -> None:
        self._require_stage("apply_enforcement")
        require_past(act, "applied_on", applied_on)
        if applied_on >= abolished_on:
            raise EnforcementAfterAbolition(cutoff=abolished_on)
        # With an instalment plan the party is in default only once an
        # instalment's date has passed with its principal unpaid.
        due_on = self.first_unpaid_due(applied_on)
        if applied_on <= due_on:
            raise NotYetDue(due_on=due_on)
        self._trigger(
            self.EnforcementApplied, act, applied_on=applied_on, court=require_text("court", court)
        )

    def write_off(self, act: Act, written_off_on: date, reason: str) -> None:
        self._require_stage("write_off")
        require_past(act, "written_off_on", written_off_on)
        require_order("written_off_on", written_off_on, "decided_on", self.decided_on)
        self._trigger(
            self.WrittenOff,
            act,
            written_off_on=written_off_on,
            reason=require_text("reason", reason),
        )

    def cease(self, act: Act, ceased_on: date, reason: str, abolished_on: date) -> None:
        self._require_stage("cease")
        require_past(act, "ceased_on", ceased_on)
        if ceased_on < abolished_on:
            raise NotYetAbolished(cutoff=abolished_on)
        self._trigger(self.Ceased, act, ceased_on=ceased_on, reason=require_text("reason", reason))
