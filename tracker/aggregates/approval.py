"""A second-birth approval (再生育审批): 张榜公布、群众监督、上级审批、送证上门.

The decision is due within 15 working days of the application (Fujian
regulation, 2014 amendment); it may only be made once the public posting
period has ended with every objection resolved.
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
    require_bool,
    require_int,
    require_order,
    require_past,
    require_people,
    require_text,
)
from tracker.errors import DomainError, InvalidValue, LimitExpired
from tracker.person import Person

DECISION_WORKING_DAYS = 15
MAX_POSTING_DAYS = 30  # local practice posts for 7 to 10 days; a month is the outer bound


class ApprovalStage(Enum):
    APPLIED = "applied"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    POSTED = "posted"
    APPROVED = "approved"
    REJECTED = "rejected"
    DELIVERED = "delivered"
    WITHDRAWN = "withdrawn"


UNDECIDED_STAGES = (ApprovalStage.APPLIED, ApprovalStage.ELIGIBLE, ApprovalStage.POSTED)


@dataclass(frozen=True)
class Objection:
    number: int
    lodged_on: date
    objector: str
    content: str
    upheld: bool | None = None
    resolution: str | None = None
    resolved_on: date | None = None

    @property
    def is_open(self) -> bool:
        return self.upheld is None


class PostingPeriodNotOver(DomainError):
    template = "the public posting runs until {ends_on}; decide after that day"


class ObjectionStillOpen(DomainError):
    template = "objection {number} is not resolved yet"


class ObjectionNotFound(DomainError):
    template = "there is no objection {number}"


class ObjectionAlreadyResolved(DomainError):
    template = "objection {number} was already resolved"


class SecondBirthApproval(TrackedAggregate):
    # The policy ground's code is checked against the policy by the service.
    STAGE_GATES: ClassVar[dict[str, frozenset[ApprovalStage]]] = {
        "review_eligibility": frozenset({ApprovalStage.APPLIED}),
        "post": frozenset({ApprovalStage.ELIGIBLE}),
        "lodge_objection": frozenset({ApprovalStage.POSTED}),
        "resolve_objection": frozenset({ApprovalStage.POSTED}),
        "decide": frozenset({ApprovalStage.POSTED}),
        "deliver_certificate": frozenset({ApprovalStage.APPROVED}),
        "withdraw": frozenset(UNDECIDED_STAGES),
    }
    CORRECTABLE: ClassVar[dict[str, Any]] = {
        "existing_children": lambda value: require_int("existing_children", value, 0, 20),
        "policy_ground": lambda value: require_text("policy_ground", value),
    }

    class Applied(TrackedAggregate.Created):
        spouses: tuple[Person, Person]
        community: str
        existing_children: int
        policy_ground: str
        applied_on: date

    class EligibilityReviewed(TrackedAggregate.Event):
        eligible: bool
        reviewed_on: date
        grounds: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = ApprovalStage.ELIGIBLE if self.eligible else ApprovalStage.INELIGIBLE
            aggregate.reviewed_on = self.reviewed_on

    class Posted(TrackedAggregate.Event):
        posted_on: date
        place: str
        period_days: int

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = ApprovalStage.POSTED
            aggregate.posted_on = self.posted_on
            aggregate.posting_place = self.place
            aggregate.posting_days = self.period_days

    class ObjectionLodged(TrackedAggregate.Event):
        number: int
        lodged_on: date
        objector: str
        content: str

        def apply(self, aggregate: Any) -> None:
            objection = Objection(self.number, self.lodged_on, self.objector, self.content)
            aggregate.objections = (*aggregate.objections, objection)

    class ObjectionResolved(TrackedAggregate.Event):
        number: int
        upheld: bool
        reason: str
        resolved_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.objections = tuple(
                Objection(
                    o.number,
                    o.lodged_on,
                    o.objector,
                    o.content,
                    self.upheld,
                    self.reason,
                    self.resolved_on,
                )
                if o.number == self.number
                else o
                for o in aggregate.objections
            )
            if self.upheld:
                aggregate.stage = ApprovalStage.REJECTED
                aggregate.decided_on = self.resolved_on

    class Decided(TrackedAggregate.Event):
        approved: bool
        decided_on: date
        certificate_number: str | None
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = ApprovalStage.APPROVED if self.approved else ApprovalStage.REJECTED
            aggregate.decided_on = self.decided_on
            aggregate.certificate_number = self.certificate_number

    class CertificateDelivered(TrackedAggregate.Event):
        delivered_on: date
        received_by: str
        delivering_officer: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = ApprovalStage.DELIVERED
            aggregate.delivered_on = self.delivered_on
            aggregate.received_by = self.received_by
            aggregate.delivering_officer = self.delivering_officer

    class Withdrawn(TrackedAggregate.Event):
        withdrawn_on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = ApprovalStage.WITHDRAWN
            aggregate.withdrawn_on = self.withdrawn_on

    def __init__(
        self,
        actor: str,
        spouses: tuple[Person, Person],
        community: str,
        existing_children: int,
        policy_ground: str,
        applied_on: date,
    ) -> None:
        self.registered_by = actor
        self.spouses = tuple(spouses)
        self.community = community
        self.existing_children = existing_children
        self.policy_ground = policy_ground
        self.applied_on = applied_on
        self.stage = ApprovalStage.APPLIED
        self.reviewed_on: date | None = None
        self.posted_on: date | None = None
        self.posting_place: str | None = None
        self.posting_days = 0
        self.objections: tuple[Objection, ...] = ()
        self.decided_on: date | None = None
        self.certificate_number: str | None = None
        self.delivered_on: date | None = None
        self.received_by: str | None = None
        self.delivering_officer: str | None = None
        self.withdrawn_on: date | None = None

    @classmethod
    def apply_for(
        cls,
        act: Act,
        *,
        spouses: tuple[Person, Person],
        community: str,
        existing_children: int,
        policy_ground: str,
        applied_on: date,
    ) -> SecondBirthApproval:
        people = require_people(act, spouses, identified=True)
        if len(people) != 2:
            raise InvalidValue(field="spouses", problem="both spouses are required")
        first, second = people
        if first.id_number == second.id_number:
            raise InvalidValue(field="spouses", problem="the two ID numbers are the same")
        require_int("existing_children", existing_children, 0, 20)
        return cls._create(
            cls.Applied,
            id=uuid4(),
            actor=act.actor,
            timestamp=act.at,
            spouses=(first, second),
            community=community,
            existing_children=existing_children,
            policy_ground=require_text("policy_ground", policy_ground),
            applied_on=require_past(act, "applied_on", applied_on),
        )

    # -- derived facts ---------------------------------------------------------

    @property
    def decision_due(self) -> date:
        return deadlines.working_limit(self.applied_on, DECISION_WORKING_DAYS)

    @property
    def deadlines(self) -> tuple[deadlines.Deadline, ...]:
        decided = self.decided_on or self.withdrawn_on
        found = [deadlines.Deadline("decision", self.decision_due, True, decided)]
        if self.posting_ends is not None:
            found.append(deadlines.Deadline("objections", self.posting_ends))
        return tuple(found)

    @property
    def posting_ends(self) -> date | None:
        if self.posted_on is None:
            return None
        return deadlines.calendar_limit(self.posted_on, self.posting_days)

    @property
    def open_objections(self) -> tuple[Objection, ...]:
        return tuple(o for o in self.objections if o.is_open)

    def _latest_date(self) -> tuple[str, date]:
        """The latest business date recorded so far, with its field name.

        A later step may be back-entered, but not dated before what the case
        already records (a decision before an objection was resolved, a
        withdrawal before the posting).
        """
        latest = ("applied_on", self.applied_on)
        candidates: list[tuple[str, date | None]] = [
            ("reviewed_on", self.reviewed_on),
            ("posted_on", self.posted_on),
        ]
        for objection in self.objections:
            candidates.append(("lodged_on", objection.lodged_on))
            candidates.append(("resolved_on", objection.resolved_on))
        for field, value in candidates:
            if value is not None and value > latest[1]:
                latest = (field, value)
        return latest

    @property
    def is_open(self) -> bool:
        return self.stage in (*UNDECIDED_STAGES, ApprovalStage.APPROVED)

    def is_overdue(self, today: date) -> bool:
        return self.stage in UNDECIDED_STAGES and today > self.decision_due

    @property
    def decided_on_time(self) -> bool | None:
        if self.decided_on is None:
            return None
        return self.decided_on <= self.decision_due

    # -- commands --------------------------------------------------------------

    def review_eligibility(self, act: Act, eligible: bool, reviewed_on: date, grounds: str) -> None:
        """Grounds cite the clause when eligible and give the reason when not."""
        self._require_stage("review_eligibility")
        require_past(act, "reviewed_on", reviewed_on)
        require_order("reviewed_on", reviewed_on, "applied_on", self.applied_on)
        self._trigger(
            self.EligibilityReviewed,
            act,
            eligible=require_bool("eligible", eligible),
            reviewed_on=reviewed_on,
            grounds=require_text("grounds", grounds),
        )

    def post(self, act: Act, posted_on: date, place: str, period_days: int) -> None:
        self._require_stage("post")
        require_past(act, "posted_on", posted_on)
        require_order("posted_on", posted_on, "reviewed_on", self.reviewed_on)
        require_int("period_days", period_days, 1, MAX_POSTING_DAYS)
        self._trigger(
            self.Posted,
            act,
            posted_on=posted_on,
            place=require_text("place", place),
            period_days=period_days,
        )

    def lodge_objection(self, act: Act, lodged_on: date, objector: str, content: str) -> int:
        """Anyone may object while the posting runs; returns the objection's number."""
        self._require_stage("lodge_objection")
        require_past(act, "lodged_on", lodged_on)
        require_order("lodged_on", lodged_on, "posted_on", self.posted_on)
        ends = self.posting_ends
        assert ends is not None
        if lodged_on > ends:
            raise LimitExpired(action="lodge_objection", limit=ends)
        number = len(self.objections) + 1
        self._trigger(
            self.ObjectionLodged,
            act,
            number=number,
            lodged_on=lodged_on,
            objector=require_text("objector", objector),
            content=require_text("content", content),
        )
        return number

    def resolve_objection(
        self, act: Act, number: int, upheld: bool, reason: str, resolved_on: date
    ) -> None:
        """An upheld objection rejects the application."""
        self._require_stage("resolve_objection")
        require_bool("upheld", upheld)
        objection = next((o for o in self.objections if o.number == number), None)
        if objection is None:
            raise ObjectionNotFound(number=number)
        if not objection.is_open:
            raise ObjectionAlreadyResolved(number=number)
        require_past(act, "resolved_on", resolved_on)
        require_order("resolved_on", resolved_on, "lodged_on", objection.lodged_on)
        self._trigger(
            self.ObjectionResolved,
            act,
            number=number,
            upheld=upheld,
            reason=require_text("reason", reason),
            resolved_on=resolved_on,
        )

    def decide(
        self,
        act: Act,
        approved: bool,
        decided_on: date,
        certificate_number: str | None,
        reason: str,
    ) -> None:
        """上级审批: only after the posting period, with no objection open.

        The certificate number's uniqueness across cases is the application's
        to check; here it is only required when approving.
        """
        self._require_stage("decide")
        require_bool("approved", approved)
        require_past(act, "decided_on", decided_on)
        ends = self.posting_ends
        assert ends is not None
        if decided_on <= ends:
            raise PostingPeriodNotOver(ends_on=ends)
        if self.open_objections:
            raise ObjectionStillOpen(number=self.open_objections[0].number)
        # No objection may have been unresolved on the decision's own date.
        require_order("decided_on", decided_on, *self._latest_date())
        number = None
        if approved:
            number = require_text("certificate_number", certificate_number or "")
            reason = reason.strip()
        else:
            reason = require_text("reason", reason)
        self._trigger(
            self.Decided,
            act,
            approved=approved,
            decided_on=decided_on,
            certificate_number=number,
            reason=reason,
        )

    def deliver_certificate(
        self, act: Act, delivered_on: date, received_by: str, delivering_officer: str
    ) -> None:
        self._require_stage("deliver_certificate")
        require_past(act, "delivered_on", delivered_on)
        require_order("delivered_on", delivered_on, "decided_on", self.decided_on)
        self._trigger(
            self.CertificateDelivered,
            act,
            delivered_on=delivered_on,
            received_by=require_text("received_by", received_by),
            delivering_officer=require_text("delivering_officer", delivering_officer),
        )

    def withdraw(self, act: Act, withdrawn_on: date, reason: str) -> None:
        """The applicants may withdraw at any time before the decision."""
        self._require_stage("withdraw")
        require_past(act, "withdrawn_on", withdrawn_on)
        require_order("withdrawn_on", withdrawn_on, *self._latest_date())
        self._trigger(
            self.Withdrawn, act, withdrawn_on=withdrawn_on, reason=require_text("reason", reason)
        )
