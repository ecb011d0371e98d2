"""Social maintenance fee commands and queries; the abolition cut-off comes from policy."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from tracker.aggregates.fee_collection import ChallengeKind, FeeCollection, Instalment
from tracker.aggregates.unique_number import NumberKind, UniqueNumber
from tracker.application import Recorded
from tracker.disclosure import disclosure_for
from tracker.errors import DomainError, InvalidValue
from tracker.money import Money
from tracker.permissions import Action, Principal
from tracker.person import Person
from tracker.services.base import CaseService
from tracker.services.views import FeeView, snapshot


class DuplicateReceipt(DomainError):
    template = "receipt number {number} was already recorded"


class Fees(CaseService[FeeCollection]):
    kind = FeeCollection
    COMMANDS: ClassVar[dict[str, Action]] = {
        "approve_instalments": Action.APPROVE_INSTALMENTS,
        "record_payment": Action.HANDLE_FEE,
        "file_challenge": Action.HANDLE_FEE,
        "apply_enforcement": Action.HANDLE_FEE,
        "write_off": Action.WRITE_OFF_FEE,
        "cease": Action.HANDLE_FEE,
        "correct": Action.CORRECT_CASE,
    }

    @property
    def _abolished_on(self) -> date:
        return self.app.policy.abolished_on

    def assess(
        self,
        who: Principal,
        *,
        decision_number: str,
        liable_parties: tuple[Person, ...],
        community: str,
        amount: Money,
        decided_on: date,
        served_on: date,
    ) -> Recorded:
        who.require(Action.ASSESS_FEE)
        community = self.app.policy.community(community).code
        if not who.sees(community):
            raise InvalidValue(field="community", problem="outside your community")
        case = FeeCollection.assess(
            self.app.act(who),
            decision_number=decision_number,
            liable_parties=liable_parties,
            community=community,
            amount=amount,
            decided_on=decided_on,
            served_on=served_on,
            abolished_on=self._abolished_on,
        )
        return self.app.commit(case)

    def approve_instalments(
        self,
        who: Principal,
        case_id: UUID,
        applied_on: date,
        approved_on: date,
        schedule: tuple[Instalment, ...],
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "approve_instalments",
            expected_version,
            lambda case, act: case.approve_instalments(
                act, applied_on, approved_on, schedule, self._abolished_on
            ),
        )

    def record_payment(
        self,
        who: Principal,
        case_id: UUID,
        receipt_number: str,
        amount: Money,
        paid_on: date,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        """A receipt number is claimed in the same transaction as the payment."""
        case = self._load(who, case_id, "record_payment", expected_version)
        act = self.app.act(who)
        case.record_payment(act, receipt_number, amount, paid_on, self._abolished_on)
        number = case.receipts[-1].number
        if self.app.exists(UniqueNumber.id_for(NumberKind.RECEIPT, number)):
            raise DuplicateReceipt(number=number)
        claim = UniqueNumber.claim(act, NumberKind.RECEIPT, number, case.id, case.community)
        return self.app.commit(case, claim)

    def file_challenge(
        self,
        who: Principal,
        case_id: UUID,
        kind: ChallengeKind,
        filed_on: date,
        note: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "file_challenge",
            expected_version,
            lambda case, act: case.file_challenge(act, kind, filed_on, note),
        )

    def apply_enforcement(
        self,
        who: Principal,
        case_id: UUID,
        applied_on: date,
        court: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "apply_enforcement",
            expected_version,
            lambda case, act: case.apply_enforcement(act, applied_on, court, self._abolished_on),
        )

    def write_off(
        self,
        who: Principal,
        case_id: UUID,
        written_off_on: date,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "write_off",
            expected_version,
            lambda case, act: case.write_off(act, written_off_on, reason),
        )

    def cease(
        self,
        who: Principal,
        case_id: UUID,
        ceased_on: date,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "cease",
            expected_version,
            lambda case, act: case.cease(act, ceased_on, reason, self._abolished_on),
        )

    def get(
        self,
        who: Principal,
        case_id: UUID,
        *,
        as_of: date | None = None,
        version: int | None = None,
        as_known_on: datetime | None = None,
    ) -> FeeView:
        """The case with its late fee as of a date (today, or the day it is shown as of)."""
        who.require(Action.READ_CASES)
        case = self.app.load(FeeCollection, case_id, who, version=version, as_known_on=as_known_on)
        as_of = as_of or self.app.today(as_known_on)
        return snapshot(
            FeeView,
            case,
            disclosure_for(who),
            late_fee=case.late_fee(as_of, self._abolished_on),
            late_fee_as_of=as_of,
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
        return self._change(
            who,
            case_id,
            "correct",
            expected_version,
            lambda case, act: case.correct(act, reason, changes),
        )
