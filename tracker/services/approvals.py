"""Second-birth approval commands and queries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from tracker.aggregates.approval import SecondBirthApproval
from tracker.aggregates.unique_number import NumberKind, UniqueNumber
from tracker.application import Recorded
from tracker.disclosure import disclosure_for
from tracker.errors import DomainError, InvalidValue
from tracker.permissions import Action, Principal
from tracker.person import Person
from tracker.services.base import CaseService
from tracker.services.views import ApprovalView, snapshot


class DuplicateCertificateNumber(DomainError):
    template = "certificate number {number} was already issued"


class Approvals(CaseService[SecondBirthApproval]):
    kind = SecondBirthApproval
    COMMANDS: ClassVar[dict[str, Action]] = {
        "review_eligibility": Action.HANDLE_APPROVAL,
        "post": Action.HANDLE_APPROVAL,
        "lodge_objection": Action.HANDLE_APPROVAL,
        "dismiss_objection": Action.HANDLE_APPROVAL,
        "uphold_objection": Action.DECIDE_APPROVAL,
        "decide": Action.DECIDE_APPROVAL,
        "deliver_certificate": Action.HANDLE_APPROVAL,
        "withdraw": Action.HANDLE_APPROVAL,
        "correct": Action.CORRECT_CASE,
    }
    GATES: ClassVar[dict[str, str]] = {
        "dismiss_objection": "resolve_objection",
        "uphold_objection": "resolve_objection",
    }

    def apply(
        self,
        who: Principal,
        *,
        spouses: tuple[Person, Person],
        community: str,
        existing_children: int,
        policy_ground: str,
        applied_on: date,
    ) -> Recorded:
        who.require(Action.APPLY_APPROVAL)
        community = self.app.policy.community(community).code
        if not who.sees(community):
            raise InvalidValue(field="community", problem="outside your community")
        approval = SecondBirthApproval.apply_for(
            self.app.act(who),
            spouses=spouses,
            community=community,
            existing_children=existing_children,
            policy_ground=self.app.policy.ground(policy_ground).code,
            applied_on=applied_on,
        )
        return self.app.commit(approval)

    def review_eligibility(
        self,
        who: Principal,
        case_id: UUID,
        eligible: bool,
        reviewed_on: date,
        grounds: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "review_eligibility",
            expected_version,
            lambda approval, act: approval.review_eligibility(act, eligible, reviewed_on, grounds),
        )

    def post(
        self,
        who: Principal,
        case_id: UUID,
        posted_on: date,
        place: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        """The posting period is policy, fixed on the case when it is posted."""
        return self._change(
            who,
            case_id,
            "post",
            expected_version,
            lambda approval, act: approval.post(
                act, posted_on, place, self.app.policy.posting_days
            ),
        )

    def lodge_objection(
        self,
        who: Principal,
        case_id: UUID,
        lodged_on: date,
        objector: str,
        content: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "lodge_objection",
            expected_version,
            lambda approval, act: approval.lodge_objection(act, lodged_on, objector, content),
        )

    def resolve_objection(
        self,
        who: Principal,
        case_id: UUID,
        number: int,
        upheld: bool,
        reason: str,
        resolved_on: date,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        # Upholding rejects the application: that is a decision, an approver's to make.
        command = "uphold_objection" if upheld is True else "dismiss_objection"
        return self._change(
            who,
            case_id,
            command,
            expected_version,
            lambda approval, act: approval.resolve_objection(
                act, number, upheld, reason, resolved_on
            ),
        )

    def decide(
        self,
        who: Principal,
        case_id: UUID,
        approved: bool,
        decided_on: date,
        *,
        certificate_number: str | None = None,
        reason: str = "",
        expected_version: int | None = None,
    ) -> Recorded:
        """An approval claims its certificate number in the same transaction."""
        approval = self._load(who, case_id, "decide", expected_version)
        act = self.app.act(who)
        approval.decide(act, approved, decided_on, certificate_number, reason)
        if approval.certificate_number is None:
            return self.app.commit(approval)
        claim_id = UniqueNumber.id_for(NumberKind.CERTIFICATE, approval.certificate_number)
        if self.app.exists(claim_id):
            raise DuplicateCertificateNumber(number=approval.certificate_number)
        claim = UniqueNumber.claim(
            act,
            NumberKind.CERTIFICATE,
            approval.certificate_number,
            approval.id,
            approval.community,
        )
        return self.app.commit(approval, claim)

    def deliver_certificate(
        self,
        who: Principal,
        case_id: UUID,
        delivered_on: date,
        received_by: str,
        delivering_officer: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "deliver_certificate",
            expected_version,
            lambda approval, act: approval.deliver_certificate(
                act, delivered_on, received_by, delivering_officer
            ),
        )

    def withdraw(
        self,
        who: Principal,
        case_id: UUID,
        withdrawn_on: date,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "withdraw",
            expected_version,
            lambda approval, act: approval.withdraw(act, withdrawn_on, reason),
        )

    def get(
        self,
        who: Principal,
        case_id: UUID,
        *,
        version: int | None = None,
        as_known_on: datetime | None = None,
    ) -> ApprovalView:
        who.require(Action.READ_CASES)
        approval = self.app.load(
            SecondBirthApproval, case_id, who, version=version, as_known_on=as_known_on
        )
        return snapshot(
            ApprovalView,
            approval,
            disclosure_for(who),
            is_overdue=approval.is_overdue(self.app.today(as_known_on)),
        )

    def correct(
        self,
        who: Principal,
        case_id: UUID,
        reason: str,
        changes: dict[str, Any],
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        if "policy_ground" in changes:
            self.app.policy.ground(changes["policy_ground"])
        return self._change(
            who,
            case_id,
            "correct",
            expected_version,
            lambda approval, act: approval.correct(act, reason, changes),
        )
