"""A claim on a number that must be unique across cases (certificates, receipts).

The claim's id derives from the kind and the number, so two cases claiming
the same number collide in the store, even when two officers race.
"""

from __future__ import annotations

import unicodedata
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
        community: str | None

    def __init__(
        self,
        actor: str,
        kind: NumberKind,
        number: str,
        case_id: UUID,
        community: str | None = None,  # claims recorded before it was kept have none
    ) -> None:
        self.kind = kind
        self.number = number
        self.case_id = case_id
        self.community = community  # the owning case's, so the claim is seen in its scope

    @staticmethod
    def id_for(kind: NumberKind, number: str) -> UUID:
        """Full-width digits, letter case and spaces do not make a number different."""
        key = unicodedata.normalize("NFKC", number).strip().casefold()
        return uuid5(NAMESPACE_URL, f"tracker:{kind.value}:{key}")

    @classmethod
    def claim(
        cls, act: Act, kind: NumberKind, number: str, case_id: UUID, community: str | None
    ) -> UniqueNumber:
        return cls._create(
            cls.Claimed,
            id=cls.id_for(kind, number),
            actor=act.actor,
            timestamp=act.at,
            kind=kind,
            number=unicodedata.normalize("NFKC", number).strip(),
            case_id=case_id,
            community=community,
        )
