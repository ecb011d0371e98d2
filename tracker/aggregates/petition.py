"""A petition (信访件) from registration to reply, review, re-review and termination.

Limits follow 信访条例 (2005) and 信访工作条例 (2022): routing within 15
days of receipt, handling within 60 days of acceptance with one extension
of at most 30 days, review and re-review requested within 30 days and
answered within 30 days, hearing time excluded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import Any, ClassVar
from uuid import UUID, uuid4

from tracker import deadlines
from tracker.aggregates.base import (
    Act,
    TrackedAggregate,
    require_date,
    require_int,
    require_member,
    require_order,
    require_past,
    require_people,
    require_text,
)
from tracker.deadlines import ClockStop
from tracker.errors import DateOutOfOrder, DomainError, InvalidValue, LimitExpired
from tracker.person import Person

ROUTING_DAYS = 15
HANDLING_DAYS = 60
MAX_EXTENSION_DAYS = 30
REQUEST_DAYS = 30
OPINION_DAYS = 30


class Channel(Enum):
    LETTER = "letter"
    VISIT = "visit"
    ONLINE = "online"
    PHONE = "phone"


class Level(Enum):
    """Administrative levels, lowest first, so that skip-level is arithmetic."""

    COMMUNITY = 1
    SUB_DISTRICT = 2
    DISTRICT = 3
    CITY = 4
    PROVINCE = 5
    NATIONAL = 6


class Outcome(Enum):
    SUPPORTED = "supported"
    EXPLAINED = "explained"
    NOT_SUPPORTED = "not_supported"


class Satisfaction(Enum):
    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    DISSATISFIED = "dissatisfied"


class PetitionStage(Enum):
    REGISTERED = "registered"
    ACCEPTED = "accepted"
    NOT_ACCEPTED = "not_accepted"
    FORWARDED = "forwarded"
    REPLIED = "replied"
    UNDER_REVIEW = "under_review"
    REVIEWED = "reviewed"
    UNDER_RE_REVIEW = "under_re_review"
    TERMINATED = "terminated"
    MERGED = "merged"


OPEN_STAGES = frozenset(
    {
        PetitionStage.REGISTERED,
        PetitionStage.ACCEPTED,
        PetitionStage.UNDER_REVIEW,
        PetitionStage.UNDER_RE_REVIEW,
    }
)


class ExtensionAlreadyGranted(DomainError):
    template = "the petition was already extended once"


class ExtensionTooLong(DomainError):
    template = "an extension is 1 to {maximum} days, not {days}"


class CannotMergeIntoItself(DomainError):
    template = "a petition cannot be merged into itself"


class OriginalIsMerged(DomainError):
    template = "the original {original_id} is itself a merged duplicate"


class RequestWindowOpen(DomainError):
    template = "a review may still be requested until {limit}"


class ClockStopOutsideProceeding(DomainError):
    template = "a clock stop must lie within the re-review it suspends"


MAX_HEADCOUNT = 10_000


def _headcount(value: Any) -> int:
    return require_int("headcount", value, 1, MAX_HEADCOUNT)


def _text(field: str) -> Any:
    return lambda value: require_text(field, value)


def _member(kind: Any, field: str) -> Any:
    return lambda value: require_member(kind, field, value)


class Petition(TrackedAggregate):
    _S = PetitionStage
    STAGE_GATES: ClassVar[dict[str, frozenset[PetitionStage]]] = {
        "accept": frozenset({_S.REGISTERED}),
        "not_accept": frozenset({_S.REGISTERED}),
        "forward": frozenset({_S.REGISTERED}),
        "assign": OPEN_STAGES,
        "grant_extension": frozenset({_S.ACCEPTED}),
        "reply": frozenset({_S.ACCEPTED}),
        # After the reply, in whatever stage that led to.
        "record_satisfaction": frozenset(
            {_S.REPLIED, _S.UNDER_REVIEW, _S.REVIEWED, _S.UNDER_RE_REVIEW, _S.TERMINATED}
        ),
        "request_review": frozenset({_S.REPLIED}),
        "request_re_review": frozenset({_S.REVIEWED}),
        "stop_clock": frozenset({_S.UNDER_RE_REVIEW}),
        "give_opinion": frozenset({_S.UNDER_REVIEW, _S.UNDER_RE_REVIEW}),
        "terminate": frozenset({_S.REPLIED, _S.REVIEWED}),
        "merge_into": frozenset({_S.REGISTERED, _S.ACCEPTED}),
    }
    del _S
    CORRECTABLE: ClassVar[dict[str, Any]] = {
        "headcount": _headcount,
        "category": _text("category"),
        "summary": _text("summary"),
        "lodged_level": _member(Level, "lodged_level"),
        "competent_level": _member(Level, "competent_level"),
        "channel": _member(Channel, "channel"),
        "received_on": lambda value: require_date("received_on", value),
    }

    class Registered(TrackedAggregate.Created):
        channel: Channel
        received_on: date
        petitioners: tuple[Person, ...]
        headcount: int
        community: str
        category: str
        summary: str
        lodged_level: Level
        competent_level: Level

    class Accepted(TrackedAggregate.Event):
        accepted_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = PetitionStage.ACCEPTED
            aggregate.accepted_on = self.accepted_on

    class NotAccepted(TrackedAggregate.Event):
        decided_on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = PetitionStage.NOT_ACCEPTED
            aggregate.routed_on = self.decided_on
            aggregate.ended_reason = self.reason

    class Forwarded(TrackedAggregate.Event):
        forwarded_on: date
        organ: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = PetitionStage.FORWARDED
            aggregate.routed_on = self.forwarded_on
            aggregate.forwarded_to = self.organ

    class Assigned(TrackedAggregate.Event):
        assignee: str

        def apply(self, aggregate: Any) -> None:
            aggregate.assignee = self.assignee

    class NoteAdded(TrackedAggregate.Event):
        text: str

        def apply(self, aggregate: Any) -> None:
            aggregate.notes = (*aggregate.notes, self.text)

    class ExtensionGranted(TrackedAggregate.Event):
        days: int
        reason: str
        approved_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.extension_days = self.days

    class Replied(TrackedAggregate.Event):
        replied_on: date
        outcome: Outcome
        text: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = PetitionStage.REPLIED
            aggregate.replied_on = self.replied_on
            aggregate.outcome = self.outcome

    class SatisfactionRecorded(TrackedAggregate.Event):
        rating: Satisfaction
        recorded_on: date

        def apply(self, aggregate: Any) -> None:
            aggregate.satisfaction = self.rating

    class ReviewRequested(TrackedAggregate.Event):
        requested_on: date
        re_review: bool

        def apply(self, aggregate: Any) -> None:
            if self.re_review:
                aggregate.stage = PetitionStage.UNDER_RE_REVIEW
                aggregate.re_review_requested_on = self.requested_on
            else:
                aggregate.stage = PetitionStage.UNDER_REVIEW
                aggregate.review_requested_on = self.requested_on
            aggregate.clock_stops = ()

    class ClockStopped(TrackedAggregate.Event):
        start: date
        end: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            stop = ClockStop(start=self.start, end=self.end, reason=self.reason)
            aggregate.clock_stops = (*aggregate.clock_stops, stop)

    class OpinionGiven(TrackedAggregate.Event):
        given_on: date
        outcome: Outcome
        text: str
        re_review: bool

        def apply(self, aggregate: Any) -> None:
            if self.re_review:
                aggregate.stage = PetitionStage.TERMINATED
                aggregate.re_review_opinion_on = self.given_on
                aggregate.re_review_outcome = self.outcome
                aggregate.terminated_on = self.given_on
            else:
                aggregate.stage = PetitionStage.REVIEWED
                aggregate.review_opinion_on = self.given_on
                aggregate.review_outcome = self.outcome

    class Terminated(TrackedAggregate.Event):
        terminated_on: date
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = PetitionStage.TERMINATED
            aggregate.terminated_on = self.terminated_on
            aggregate.ended_reason = self.reason

    class MergedInto(TrackedAggregate.Event):
        original_id: UUID
        reason: str

        def apply(self, aggregate: Any) -> None:
            aggregate.stage = PetitionStage.MERGED
            aggregate.merged_into = self.original_id

    class DuplicateMerged(TrackedAggregate.Event):
        duplicate_id: UUID

        def apply(self, aggregate: Any) -> None:
            aggregate.duplicates = (*aggregate.duplicates, self.duplicate_id)

    def __init__(
        self,
        actor: str,
        channel: Channel,
        received_on: date,
        petitioners: tuple[Person, ...],
        headcount: int,
        community: str,
        category: str,
        summary: str,
        lodged_level: Level,
        competent_level: Level,
    ) -> None:
        self.registered_by = actor
        self.channel = channel
        self.received_on = received_on
        self.petitioners = tuple(petitioners)
        self.headcount = headcount
        self.community = community
        self.category = category
        self.summary = summary
        self.lodged_level = lodged_level
        self.competent_level = competent_level
        self.stage = PetitionStage.REGISTERED
        self.assignee: str | None = None
        self.notes: tuple[str, ...] = ()
        self.accepted_on: date | None = None
        self.routed_on: date | None = None
        self.forwarded_to: str | None = None
        self.ended_reason: str | None = None
        self.extension_days = 0
        self.replied_on: date | None = None
        self.outcome: Outcome | None = None
        self.satisfaction: Satisfaction | None = None
        self.review_requested_on: date | None = None
        self.review_opinion_on: date | None = None
        self.review_outcome: Outcome | None = None
        self.re_review_requested_on: date | None = None
        self.re_review_opinion_on: date | None = None
        self.re_review_outcome: Outcome | None = None
        self.clock_stops: tuple[ClockStop, ...] = ()
        self.terminated_on: date | None = None
        self.merged_into: UUID | None = None
        self.duplicates: tuple[UUID, ...] = ()

    # -- registration ---------------------------------------------------------

    @classmethod
    def register(
        cls,
        act: Act,
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
    ) -> Petition:
        if not petitioners:
            raise InvalidValue(field="petitioners", problem="at least one petitioner")
        require_people(act, petitioners, identified=False)
        if _headcount(headcount) < len(petitioners):
            raise InvalidValue(field="headcount", problem="fewer than the named petitioners")
        return cls._create(
            cls.Registered,
            id=uuid4(),
            actor=act.actor,
            timestamp=act.at,
            channel=require_member(Channel, "channel", channel),
            received_on=require_past(act, "received_on", received_on),
            petitioners=tuple(petitioners),
            headcount=headcount,
            community=community,
            category=require_text("category", category),
            summary=require_text("summary", summary),
            lodged_level=require_member(Level, "lodged_level", lodged_level),
            competent_level=require_member(Level, "competent_level", competent_level),
        )

    def _check_correction(self, act: Act, changes: Mapping[str, Any]) -> None:
        if changes.get("headcount", self.headcount) < len(self.petitioners):
            raise InvalidValue(field="headcount", problem="fewer than the named petitioners")
        if "received_on" in changes:
            received = require_past(act, "received_on", changes["received_on"])
            routed = self.accepted_on or self.routed_on
            if routed is not None and received > routed:
                raise DateOutOfOrder(
                    field="routed_on", value=routed, earlier_field="received_on", earlier=received
                )

    # -- derived facts ---------------------------------------------------------

    def is_collective(self, threshold: int) -> bool:
        return self.headcount >= threshold

    @property
    def is_skip_level(self) -> bool:
        return self.lodged_level.value > self.competent_level.value + 1

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def routing_limit(self) -> date:
        return deadlines.calendar_limit(self.received_on, ROUTING_DAYS)

    @property
    def handling_limit(self) -> date | None:
        """60 days from acceptance; an extension runs on from the end of that limit."""
        if self.accepted_on is None:
            return None
        limit = deadlines.calendar_limit(self.accepted_on, HANDLING_DAYS)
        if self.extension_days:
            limit = deadlines.calendar_limit(limit, self.extension_days)
        return limit

    @property
    def review_request_limit(self) -> date | None:
        if self.replied_on is None:
            return None
        return deadlines.calendar_limit(self.replied_on, REQUEST_DAYS)

    @property
    def re_review_request_limit(self) -> date | None:
        if self.review_opinion_on is None:
            return None
        return deadlines.calendar_limit(self.review_opinion_on, REQUEST_DAYS)

    @property
    def _proceeding_started(self) -> date | None:
        """When the pending review or re-review was requested."""
        if self.stage is PetitionStage.UNDER_RE_REVIEW:
            return self.re_review_requested_on
        return self.review_requested_on

    @property
    def opinion_limit(self) -> date | None:
        started = self._proceeding_started
        if started is None:
            return None
        return deadlines.calendar_limit(started, OPINION_DAYS, self.clock_stops)

    @property
    def deadlines(self) -> tuple[deadlines.Deadline, ...]:
        """Every limit the petition has met or still faces, in the order they arise."""
        routed = self.accepted_on or self.routed_on
        found = [deadlines.Deadline("routing", self.routing_limit, met_on=routed)]
        if self.handling_limit is not None:
            found.append(
                deadlines.Deadline("handling", self.handling_limit, met_on=self.replied_on)
            )
        if self.review_request_limit is not None:
            found.append(deadlines.Deadline("review_request", self.review_request_limit))
        if self.review_requested_on is not None:
            limit = deadlines.calendar_limit(self.review_requested_on, OPINION_DAYS)
            found.append(deadlines.Deadline("review_opinion", limit, met_on=self.review_opinion_on))
        if self.re_review_request_limit is not None:
            found.append(deadlines.Deadline("re_review_request", self.re_review_request_limit))
        if self.re_review_requested_on is not None:
            limit = deadlines.calendar_limit(
                self.re_review_requested_on, OPINION_DAYS, self.clock_stops
            )
            found.append(
                deadlines.Deadline("re_review_opinion", limit, met_on=self.re_review_opinion_on)
            )
        return tuple(found)

    @property
    def current_limit(self) -> date | None:
        """The limit that applies now: routing, handling or the pending opinion."""
        if self.stage is PetitionStage.REGISTERED:
            return self.routing_limit
        if self.stage is PetitionStage.ACCEPTED:
            return self.handling_limit
        if self.stage in (PetitionStage.UNDER_REVIEW, PetitionStage.UNDER_RE_REVIEW):
            return self.opinion_limit
        return None

    def is_overdue(self, today: date) -> bool:
        limit = self.current_limit
        return limit is not None and today > limit

    @property
    def closed_on_time(self) -> bool | None:
        """Replied within the handling limit (extension included); None while unreplied."""
        if self.replied_on is None or self.handling_limit is None:
            return None
        return self.replied_on <= self.handling_limit

    # -- routing -------------------------------------------------------------

    def _routing_date(self, act: Act, command: str, field: str, value: date) -> date:
        self._require_stage(command)
        require_past(act, field, value)
        return require_order(field, value, "received_on", self.received_on)

    def accept(self, act: Act, accepted_on: date) -> None:
        self._trigger(
            self.Accepted,
            act,
            accepted_on=self._routing_date(act, "accept", "accepted_on", accepted_on),
        )

    def not_accept(self, act: Act, decided_on: date, reason: str) -> None:
        decided_on = self._routing_date(act, "not_accept", "decided_on", decided_on)
        self._trigger(
            self.NotAccepted, act, decided_on=decided_on, reason=require_text("reason", reason)
        )

    def forward(self, act: Act, forwarded_on: date, organ: str) -> None:
        forwarded_on = self._routing_date(act, "forward", "forwarded_on", forwarded_on)
        self._trigger(
            self.Forwarded, act, forwarded_on=forwarded_on, organ=require_text("organ", organ)
        )

    # -- handling ------------------------------------------------------------

    def assign(self, act: Act, assignee: str) -> None:
        self._require_stage("assign")
        assignee = require_text("assignee", assignee)
        if assignee == self.assignee:
            raise InvalidValue(field="assignee", problem="already assigned to this officer")
        self._trigger(self.Assigned, act, assignee=assignee)

    def add_note(self, act: Act, text: str) -> None:
        self._trigger(self.NoteAdded, act, text=require_text("text", text))

    def grant_extension(self, act: Act, days: int, reason: str, approved_on: date) -> None:
        self._require_stage("grant_extension")
        if self.extension_days:
            raise ExtensionAlreadyGranted()
        if isinstance(days, bool) or not isinstance(days, int):
            raise InvalidValue(field="days", problem="a whole number of days")
        if not 1 <= days <= MAX_EXTENSION_DAYS:
            raise ExtensionTooLong(maximum=MAX_EXTENSION_DAYS, days=days)
        require_past(act, "approved_on", approved_on)
        require_order("approved_on", approved_on, "accepted_on", self.accepted_on)
        limit = self.handling_limit
        assert limit is not None  # accepted
        if approved_on > limit:
            raise LimitExpired(action="grant_extension", limit=limit)
        self._trigger(
            self.ExtensionGranted,
            act,
            days=days,
            reason=require_text("reason", reason),
            approved_on=approved_on,
        )

    def reply(self, act: Act, replied_on: date, outcome: Outcome, text: str) -> None:
        """Replying closes (办结) the petition; a late reply is allowed and counted late."""
        self._require_stage("reply")
        require_past(act, "replied_on", replied_on)
        require_order("replied_on", replied_on, "accepted_on", self.accepted_on)
        self._trigger(
            self.Replied,
            act,
            replied_on=replied_on,
            outcome=require_member(Outcome, "outcome", outcome),
            text=require_text("text", text),
        )

    def record_satisfaction(self, act: Act, rating: Satisfaction, recorded_on: date) -> None:
        self._require_stage("record_satisfaction")
        require_past(act, "recorded_on", recorded_on)
        require_order("recorded_on", recorded_on, "replied_on", self.replied_on)
        self._trigger(
            self.SatisfactionRecorded,
            act,
            rating=require_member(Satisfaction, "rating", rating),
            recorded_on=recorded_on,
        )

    # -- review and re-review --------------------------------------------------

    def request_review(self, act: Act, requested_on: date) -> None:
        self._request(act, requested_on, re_review=False)

    def request_re_review(self, act: Act, requested_on: date) -> None:
        self._request(act, requested_on, re_review=True)

    def _request(self, act: Act, requested_on: date, *, re_review: bool) -> None:
        if re_review:
            action, since = "request_re_review", "review_opinion_on"
            limit = self.re_review_request_limit
        else:
            action, since = "request_review", "replied_on"
            limit = self.review_request_limit
        self._require_stage(action)
        require_past(act, "requested_on", requested_on)
        require_order("requested_on", requested_on, since, getattr(self, since))
        assert limit is not None
        if requested_on > limit:
            raise LimitExpired(action=action, limit=limit)
        self._trigger(self.ReviewRequested, act, requested_on=requested_on, re_review=re_review)

    def stop_clock(self, act: Act, start: date, end: date, reason: str) -> None:
        """Record hearing time of a re-review (复核), which the opinion limit excludes."""
        self._require_stage("stop_clock")
        require_past(act, "end", end)
        require_order("end", end, "start", start)
        started = self._proceeding_started
        assert started is not None
        if start <= started or any(start <= s.end and s.start <= end for s in self.clock_stops):
            raise ClockStopOutsideProceeding()
        self._trigger(
            self.ClockStopped, act, start=start, end=end, reason=require_text("reason", reason)
        )

    def give_opinion(self, act: Act, given_on: date, outcome: Outcome, text: str) -> None:
        """The review opinion, or the re-review opinion that ends the matter (终结)."""
        self._require_stage("give_opinion")
        re_review = self.stage is PetitionStage.UNDER_RE_REVIEW
        require_past(act, "given_on", given_on)
        require_order("given_on", given_on, "requested_on", self._proceeding_started)
        self._trigger(
            self.OpinionGiven,
            act,
            given_on=given_on,
            outcome=require_member(Outcome, "outcome", outcome),
            text=require_text("text", text),
            re_review=re_review,
        )

    def terminate(self, act: Act, terminated_on: date, reason: str) -> None:
        """End the matter (终结) once no further review can be requested."""
        self._require_stage("terminate")
        window = (
            self.review_request_limit
            if self.stage is PetitionStage.REPLIED
            else self.re_review_request_limit
        )
        assert window is not None
        require_past(act, "terminated_on", terminated_on)
        if terminated_on <= window:
            raise RequestWindowOpen(limit=window)
        self._trigger(
            self.Terminated,
            act,
            terminated_on=terminated_on,
            reason=require_text("reason", reason),
        )

    # -- duplicates ------------------------------------------------------------

    def merge_into(self, act: Act, original: Petition, reason: str) -> None:
        """Merge this duplicate into its original; both events go in one save."""
        self._require_stage("merge_into")
        if original.id == self.id:
            raise CannotMergeIntoItself()
        if original.stage is PetitionStage.MERGED:
            raise OriginalIsMerged(original_id=original.id)
        if self.duplicates:
            raise InvalidValue(field="duplicate", problem="it has duplicates of its own merged in")
        if original.community != self.community:
            raise InvalidValue(field="original", problem="a petition of another community")
        reason = require_text("reason", reason)
        self._trigger(self.MergedInto, act, original_id=original.id, reason=reason)
        original._trigger(original.DuplicateMerged, act, duplicate_id=self.id)
