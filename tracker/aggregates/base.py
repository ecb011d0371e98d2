"""What every Tracker aggregate shares: who acted, when, and corrections with a reason."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, ClassVar, Self, TypeVar

from eventsourcing.domain import Aggregate

from tracker.clock import SHANGHAI
from tracker.errors import DateOutOfOrder, FutureDate, InvalidValue, MissingValue, WrongStage
from tracker.person import Person
from tracker.text import clean, clean_fields


@dataclass(frozen=True)
class Act:
    """The acting user and the recording time of one command.

    Recording time is separate from the business dates the law cares about;
    both are injected so that tests can move them.
    """

    actor: str
    at: datetime

    def __post_init__(self) -> None:
        # Stored in UTC: a local zone's ambiguous hour would not survive the round trip.
        if self.at.tzinfo is None:
            raise ValueError("the recording time must be timezone-aware")
        object.__setattr__(self, "at", self.at.astimezone(UTC))

    @property
    def today(self) -> date:
        return self.at.astimezone(SHANGHAI).date()


def require_text(field: str, value: object) -> str:
    """Refuse blank free text: a reason nobody wrote is no reason."""
    if not isinstance(value, str):
        raise InvalidValue(field=field, problem="text is required")
    return clean(field, value, required=True)


def require_date(field: str, value: object) -> date:
    """A calendar date: a moment in time (datetime) is not a business date."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidValue(field=field, problem="a date is required")
    return value


def require_past(act: Act, field: str, value: object) -> date:
    """Back-entering is normal; a business date in the future is not."""
    day = require_date(field, value)
    if day > act.today:
        raise FutureDate(field=field, value=day)
    return day


def require_order(field: str, value: object, earlier_field: str, earlier: date | None) -> date:
    day = require_date(field, value)
    if earlier is not None and day < earlier:
        raise DateOutOfOrder(field=field, value=day, earlier_field=earlier_field, earlier=earlier)
    return day


def require_int(field: str, value: object, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidValue(
            field=field,
            problem="a whole number from {minimum} to {maximum}",
            minimum=minimum,
            maximum=maximum,
        )
    return value


def require_bool(field: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(field=field, problem="yes or no")
    return value


def require_people(act: Act, people: object, *, identified: bool) -> tuple[Person, ...]:
    """Named parties; with ``identified`` each needs an ID number, whose birth date is past."""
    if not isinstance(people, (tuple, list)) or not all(isinstance(p, Person) for p in people):
        raise InvalidValue(field="people", problem="a list of named people")
    for person in people:
        if identified:
            person.identified()
        if person.id_number is not None and person.id_number.birth_date > act.today:
            raise InvalidValue(field="id_number", problem="the birth date lies in the future")
    return tuple(people)


E = TypeVar("E", bound=Enum)


def require_member(kind: type[E], field: str, value: object) -> E:
    """An enum member, given as itself or by its value."""
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(str(member.value) for member in kind)
        raise InvalidValue(field=field, problem="not one of {choices}", choices=choices) from None


class TrackedAggregate(Aggregate):
    """Base of every aggregate: each event names its actor; corrections carry a reason."""

    # Field name -> validator returning the normalised value; empty means no corrections.
    CORRECTABLE: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}

    class Event(Aggregate.Event):
        actor: str

    class Created(Event, Aggregate.Created):
        pass

    class Corrected(Event):
        """Registration details put right; the old values stay in the earlier events."""

        changes: dict[str, Any]
        reason: str

        def apply(self, aggregate: Any) -> None:
            for field, value in self.changes.items():
                setattr(aggregate, field, value)

    def _trigger(self, event_class: type[Aggregate.Event], act: Act, **fields: Any) -> None:
        self.trigger_event(event_class, actor=act.actor, timestamp=act.at, **fields)

    # Every event's text passes ``tracker.text``'s rule on its way to the store, whichever
    # command made it: a field a command forgot to check cannot carry a NUL into the store.

    @classmethod
    def _create(cls, event_class: Any, *, id: Any = None, **kwargs: Any) -> Self:
        return super()._create(event_class, id=id, **clean_fields(kwargs))

    def trigger_event(self, event_class: Any, **kwargs: Any) -> None:
        super().trigger_event(event_class, **clean_fields(kwargs))

    # The stages in which each command may be given; a command not listed has no stage rule.
    STAGE_GATES: ClassVar[Mapping[str, frozenset[Any]]] = {}

    def can(self, command: str) -> bool:
        """Whether the case's stage lets ``command`` be given now (other rules may still refuse)."""
        gate = self.STAGE_GATES.get(command)
        return gate is None or getattr(self, "stage") in gate  # noqa: B009

    def _require_stage(self, command: str) -> None:
        if not self.can(command):
            stage = getattr(self, "stage")  # noqa: B009 - every subclass defines a stage
            raise WrongStage(action=command, stage=stage.value)

    def correct(self, act: Act, reason: str, changes: Mapping[str, Any]) -> None:
        """Correct registration details; only the fields listed in CORRECTABLE."""
        reason = require_text("reason", reason)
        if not changes:
            raise MissingValue(field="changes")
        normalised: dict[str, Any] = {}
        for field, value in changes.items():
            validator = self.CORRECTABLE.get(field)
            if validator is None:
                raise InvalidValue(field=field, problem="not correctable")
            try:
                new = validator(value)
            except (TypeError, ValueError):
                raise InvalidValue(
                    field=field, problem="{value} is not a valid value", value=repr(value)
                ) from None
            if new != getattr(self, field):
                normalised[field] = new
        if not normalised:
            raise InvalidValue(field="changes", problem="nothing differs from the record")
        self._check_correction(act, normalised)
        self._trigger(self.Corrected, act, changes=normalised, reason=reason)

    def _check_correction(self, act: Act, changes: Mapping[str, Any]) -> None:
        """Invariants across fields that a correction must keep; none by default."""
