"""A named party to a case: petitioner, spouse or liable party."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.errors import InvalidValue, MissingValue
from tracker.resident_id import ResidentId
from tracker.text import clean


def mask_name(name: str) -> str:
    """张三丰 -> 张**: enough to recognise a case, not enough to identify a person."""
    return name[:1] + "*" * (len(name) - 1)


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    id_number: ResidentId | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise InvalidValue(field="name", problem="text is required")
        name = clean("name", self.name, required=True)
        if self.id_number is not None and not isinstance(self.id_number, ResidentId):
            raise InvalidValue(field="id_number", problem="a checked resident ID number")
        object.__setattr__(self, "name", name)

    @property
    def masked_name(self) -> str:
        """张三丰 -> 张**: enough to recognise a case, not enough to identify a person."""
        return mask_name(self.name)

    def identified(self) -> Person:
        """The same person, refusing a missing ID number where the law requires one."""
        if self.id_number is None:
            raise MissingValue(field="id_number")
        return self
