"""How Tracker's value types are written into stored events.

The library encodes only UUID, Decimal and datetime by itself.  The names
given here are persisted in every event: never rename one.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from tracker.aggregates.approval import ApprovalStage
from tracker.aggregates.fee_collection import ChallengeKind, FeeStage, Instalment
from tracker.aggregates.petition import Channel, Level, Outcome, PetitionStage, Satisfaction
from tracker.aggregates.sign_in import SessionEnd, SignInOutcome
from tracker.aggregates.unique_number import NumberKind
from tracker.money import Money
from tracker.person import Person
from tracker.resident_id import ResidentId
from tracker.roles import Role


class DateAsISO(Transcoding):
    type = date
    name = "date"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class MoneyAsFen(Transcoding):
    type = Money
    name = "money_fen"

    def encode(self, obj: Money) -> int:
        return obj.fen

    def decode(self, data: int) -> Money:
        return Money(data)


class ResidentIdAsStr(Transcoding):
    type = ResidentId
    name = "resident_id"

    def encode(self, obj: ResidentId) -> str:
        return obj.value

    def decode(self, data: str) -> ResidentId:
        return ResidentId.from_store(data)


class PersonAsDict(Transcoding):
    type = Person
    name = "person"

    def encode(self, obj: Person) -> dict[str, Any]:
        return {"name": obj.name, "id_number": obj.id_number}

    def decode(self, data: dict[str, Any]) -> Person:
        return Person(name=data["name"], id_number=data["id_number"])


class InstalmentAsDict(Transcoding):
    type = Instalment
    name = "instalment"

    def encode(self, obj: Instalment) -> dict[str, Any]:
        return {"due_on": obj.due_on, "amount": obj.amount}

    def decode(self, data: dict[str, Any]) -> Instalment:
        return Instalment(due_on=data["due_on"], amount=data["amount"])


class EnumByValue(Transcoding):
    """One transcoding per enum class, named after the class, storing the value."""

    def __init__(self, enum_class: type[Enum], name: str) -> None:
        self.type = enum_class
        self.name = name

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        member: Enum = self.type(data)
        return member


ENUMS: dict[str, type[Enum]] = {
    "channel": Channel,
    "level": Level,
    "outcome": Outcome,
    "satisfaction": Satisfaction,
    "petition_stage": PetitionStage,
    "approval_stage": ApprovalStage,
    "fee_stage": FeeStage,
    "challenge_kind": ChallengeKind,
    "number_kind": NumberKind,
    "role": Role,
    "sign_in_outcome": SignInOutcome,
    "session_end": SessionEnd,
}


def register_all(transcoder: JSONTranscoder) -> None:
    for transcoding in (
        DateAsISO(),
        MoneyAsFen(),
        ResidentIdAsStr(),
        PersonAsDict(),
        InstalmentAsDict(),
    ):
        transcoder.register(transcoding)
    for name, enum_class in ENUMS.items():
        transcoder.register(EnumByValue(enum_class, name))
