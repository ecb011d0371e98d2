"""A claim on a number that must be unique across cases (certificates, receipts).

The claim's id derives from the kind and the number, so two cases claiming
the same number collide in the store, even when two officers race.
"""

from __future__ import annotations

from enum import Enum
from uuid import NAMESPACE_URL, UUID, uuid5

from tracker.aggregates.base import Act, TrackedAggregate


class NumberKind(Enum):
    CERTIFICATE = "certificate"  # 再生育服务证
    RECEIPT = "receipt"  # 收据
    SETUP = "setup"  # the first admin, so that two bootstraps cannot both succeed


class UniqueNumber(TrackedAggregate):
    class Claimed(TrackedAggregate.Created):
        kind: NumberKind
        number: str
        case_id: UUID

    def __init__(self, actor: str, kind: NumberKind, number: str, case_id: UUID) -> None:
        self.kind = kind
        self.number = number
        self.case_id = case_id

    @staticmethod
    def id_for(kind: NumberKind, number: str) -> UUID:
        return uuid5(NAMESPACE_URL, f"tracker:{kind.value}:{number.strip()}")

    @classmethod
    def claim(cls, act: Act, kind: NumberKind, number: str, case_id: UUID) -> UniqueNumber:
        return cls._create(
            cls.Claimed,
            id=cls.id_for(kind, number),
            actor=act.actor,
            timestamp=act.at,
            kind=kind,
            number=number.strip(),
            case_id=case_id,
        )
