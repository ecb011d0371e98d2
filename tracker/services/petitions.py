"""Petition commands and queries: every one checks the role, then the community scope."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID

from tracker.aggregates.account import Account
from tracker.aggregates.petition import Channel, Level, Outcome, Petition, Satisfaction
from tracker.application import Recorded
from tracker.disclosure import disclosure_for
from tracker.errors import InvalidValue, TrackerError
from tracker.permissions import Action, Principal
from tracker.person import Person
from tracker.roles import Role
from tracker.services.base import CaseService
from tracker.services.views import PetitionView, snapshot


class Petitions(CaseService[Petition]):
    kind = Petition
    COMMANDS: ClassVar[dict[str, Action]] = {
        "accept": Action.HANDLE_PETITION,
        "not_accept": Action.HANDLE_PETITION,
        "forward": Action.HANDLE_PETITION,
        "assign": Action.HANDLE_PETITION,
        "add_note": Action.HANDLE_PETITION,
        "grant_extension": Action.EXTEND_PETITION,
        "reply": Action.HANDLE_PETITION,
        "record_satisfaction": Action.HANDLE_PETITION,
        "request_review": Action.HANDLE_PETITION,
        "request_re_review": Action.HANDLE_PETITION,
        "stop_clock": Action.HANDLE_PETITION,
        "give_opinion": Action.HANDLE_PETITION,
        "terminate": Action.HANDLE_PETITION,
        "merge_into": Action.HANDLE_PETITION,
        "correct": Action.CORRECT_CASE,
    }

    def register(
        self,
        who: Principal,
        *,
        channel: Channel,
        received_on: date,
        petitioners: tuple[Person, ...],
        headcount: int,
        community: str,
        category: str,
        summary: str,
        lodged_level: Level,
        competent_level: Level,
    ) -> Recorded:
        who.require(Action.REGISTER_PETITION)
        community = self.app.policy.community(community).code
        if not who.sees(community):
            raise InvalidValue(field="community", problem="outside your community")
        petition = Petition.register(
            self.app.act(who),
            channel=channel,
            received_on=received_on,
            petitioners=petitioners,
            headcount=headcount,
            community=community,
            category=category,
            summary=summary,
            lodged_level=lodged_level,
            competent_level=competent_level,
        )
        return self.app.commit(petition)

    def accept(
        self,
        who: Principal,
        case_id: UUID,
        accepted_on: date,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "accept",
            expected_version,
            lambda petition, act: petition.accept(act, accepted_on),
        )

    def not_accept(
        self,
        who: Principal,
        case_id: UUID,
        decided_on: date,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "not_accept",
            expected_version,
            lambda petition, act: petition.not_accept(act, decided_on, reason),
        )

    def forward(
        self,
        who: Principal,
        case_id: UUID,
        forwarded_on: date,
        organ: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "forward",
            expected_version,
            lambda petition, act: petition.forward(act, forwarded_on, organ),
        )

    def assign(
        self, who: Principal, case_id: UUID, assignee: str, *, expected_version: int | None = None
    ) -> Recorded:
        """Only to an active officer who can see the case's community."""
        petition = self._load(who, case_id, "assign", expected_version)
        try:
            officer = self.app.load(Account, Account.id_for(assignee), None)
        except TrackerError:  # no such account, or no name an account could have
            raise InvalidValue(
                field="assignee", problem="no account {name}", name=repr(assignee)
            ) from None
        if not (officer.active and Role.OFFICER in officer.roles) or (
            officer.community not in (None, petition.community)
        ):
            raise InvalidValue(field="assignee", problem="not an officer of this community")
        petition.assign(self.app.act(who), officer.username)
        return self.app.commit(petition)

    def add_note(
        self, who: Principal, case_id: UUID, text: str, *, expected_version: int | None = None
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "add_note",
            expected_version,
            lambda petition, act: petition.add_note(act, text),
        )

    def grant_extension(
        self,
        who: Principal,
        case_id: UUID,
        days: int,
        reason: str,
        approved_on: date,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "grant_extension",
            expected_version,
            lambda petition, act: petition.grant_extension(act, days, reason, approved_on),
        )

    def reply(
        self,
        who: Principal,
        case_id: UUID,
        replied_on: date,
        outcome: Outcome,
        text: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "reply",
            expected_version,
            lambda petition, act: petition.reply(act, replied_on, outcome, text),
        )

    def record_satisfaction(
        self,
        who: Principal,
        case_id: UUID,
        rating: Satisfaction,
        recorded_on: date,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "record_satisfaction",
            expected_version,
            lambda petition, act: petition.record_satisfaction(act, rating, recorded_on),
        )

    def request_review(
        self,
        who: Principal,
        case_id: UUID,
        requested_on: date,
        *,
        re_review: bool = False,
        expected_version: int | None = None,
    ) -> Recorded:
        command = "request_re_review" if re_review else "request_review"
        petition = self._load(who, case_id, command, expected_version)
        if re_review:
            petition.request_re_review(self.app.act(who), requested_on)
        else:
            petition.request_review(self.app.act(who), requested_on)
        return self.app.commit(petition)

    def stop_clock(
        self,
        who: Principal,
        case_id: UUID,
        start: date,
        end: date,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "stop_clock",
            expected_version,
            lambda petition, act: petition.stop_clock(act, start, end, reason),
        )

    def give_opinion(
        self,
        who: Principal,
        case_id: UUID,
        given_on: date,
        outcome: Outcome,
        text: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "give_opinion",
            expected_version,
            lambda petition, act: petition.give_opinion(act, given_on, outcome, text),
        )

    def terminate(
        self,
        who: Principal,
        case_id: UUID,
        terminated_on: date,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        return self._change(
            who,
            case_id,
            "terminate",
            expected_version,
            lambda petition, act: petition.terminate(act, terminated_on, reason),
        )

    def merge(
        self,
        who: Principal,
        duplicate_id: UUID,
        original_id: UUID,
        reason: str,
        *,
        expected_version: int | None = None,
    ) -> Recorded:
        duplicate = self._load(who, duplicate_id, "merge_into", expected_version)
        original = self.app.load(Petition, original_id, who)
        duplicate.merge_into(self.app.act(who), original, reason)
        return self.app.commit(duplicate, original)

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
            lambda petition, act: petition.correct(act, reason, changes),
        )

    def get(
        self,
        who: Principal,
        case_id: UUID,
        *,
        version: int | None = None,
        as_known_on: datetime | None = None,
    ) -> PetitionView:
        who.require(Action.READ_CASES)
        petition = self.app.load(Petition, case_id, who, version=version, as_known_on=as_known_on)
        today = self.app.today(as_known_on)
        return snapshot(
            PetitionView,
            petition,
            disclosure_for(who),
            is_collective=petition.is_collective(self.app.policy.collective_threshold),
            is_overdue=petition.is_overdue(today),
        )
