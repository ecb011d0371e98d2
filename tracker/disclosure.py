"""Who sees the people of a case whole: one table of role × what they see, beside the role table.

Names and resident ID numbers are personal data.  Officers (信访员/经办人) and approvers (审批员)
work the cases of their community with the people in them: they see names whole everywhere,
and ID numbers whole on a case, where eligibility review and identity checks need them.
Auditors (审计员) and admins check the work, not the people: they see names masked (张**, as
``Person.masked_name``) and ID numbers masked (``ResidentId.masked``) everywhere.  In lists,
reports, exports and the audit trail ID numbers are masked for everyone, since nobody needs
them there (the audit trail stores them masked in the first place).  A user holding several
roles sees what the most revealing of them sees.

The services apply the rule where data leaves the application layer: the case list
(``Cases.list``), the view of one case (``snapshot``, so the case page, the replay, a case as
known on a day and the API's case alike), the audit trail and feed (``AuditFeed``) and the
event history (``Audit.history``).  Pages, the JSON API and the CSV export print what they are
given, so none of them can show more than this table allows.  Text search is not affected: it
matches the whole names in the read model, whatever the user then sees of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, is_dataclass, replace
from enum import Enum
from typing import Any

from tracker.permissions import Principal
from tracker.person import Person, mask_name
from tracker.resident_id import ResidentId
from tracker.roles import Role


class Detail(Enum):
    NAMES = "names"
    ID_NUMBERS = "resident ID numbers"


class Place(Enum):
    CASE = "one case"  # a case's page as it is, as known on a day or replayed; the API's case
    LISTS = "lists"  # case lists, the audit trail and feed, exports, the event history


NAMES, ID_NUMBERS = Detail.NAMES, Detail.ID_NUMBERS
CASE, LISTS = Place.CASE, Place.LISTS

# Casework: the people by name everywhere, their ID numbers on the case itself.
CASEWORK = frozenset({(NAMES, CASE), (NAMES, LISTS), (ID_NUMBERS, CASE)})

# What each role sees whole; everything else it sees masked.
WHOLE: dict[Role, frozenset[tuple[Detail, Place]]] = {
    Role.OFFICER: CASEWORK,
    Role.APPROVER: CASEWORK,
    Role.AUDITOR: frozenset(),
    Role.ADMIN: frozenset(),
}

# Where a case holds people, by the name of the attribute (of the case, its view, its audit
# trail) or of the event field: people (``Person``, or as the trail renders one, a mapping with
# a name), a person's name as text, and records that name a person under a key.
PEOPLE = frozenset({"petitioners", "spouses", "liable_parties"})
PERSON_NAMES = frozenset({"received_by", "objector"})
NAMED_RECORDS: Mapping[str, str] = {"objections": "objector"}


@dataclass(frozen=True)
class PersonView:
    """A person as one user may see them: the name and the ID number already whole or masked."""

    name: str
    id_number: str | None


@dataclass(frozen=True)
class Disclosure:
    """What one user sees whole (pairs of detail and place); the rest is masked."""

    whole: frozenset[tuple[Detail, Place]]

    def shows(self, detail: Detail, place: Place) -> bool:
        return (detail, place) in self.whole

    def name(self, name: str, place: Place) -> str:
        return name if self.shows(NAMES, place) else mask_name(name)

    def names(self, names: str, place: Place) -> str:
        """Names joined by 、, as a case list holds them."""
        return "、".join(self.name(name, place) for name in names.split("、"))

    def id_number(self, number: ResidentId | None, place: Place) -> str | None:
        if number is None:
            return None
        return str(number) if self.shows(ID_NUMBERS, place) else number.masked

    def person(self, person: Person, place: Place) -> PersonView:
        return PersonView(self.name(person.name, place), self.id_number(person.id_number, place))

    def field(self, field: str, value: Any, place: Place) -> Any:
        """The value of a case's attribute or an event's field, its people as this user sees them.

        Values come as held (``Person``, ``Objection``) or as the audit trail renders them
        (mappings, whose ID numbers are already masked); any other field is returned as it is.
        """
        if field in PEOPLE and isinstance(value, (tuple, list)):
            return type(value)(self._person(item, place) for item in value)
        if field in PERSON_NAMES and isinstance(value, str):
            return self.name(value, place)
        key = NAMED_RECORDS.get(field)
        if key is not None and isinstance(value, (tuple, list)):
            return type(value)(self._record(item, key, place) for item in value)
        return value

    def _person(self, item: Any, place: Place) -> Any:
        if isinstance(item, Person):
            return self.person(item, place)
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            return {**item, "name": self.name(item["name"], place)}
        return item

    def _record(self, item: Any, key: str, place: Place) -> Any:
        if isinstance(item, Mapping) and isinstance(item.get(key), str):
            return {**item, key: self.name(item[key], place)}
        if is_dataclass(item) and not isinstance(item, type):
            named = getattr(item, key, None)
            if isinstance(named, str):
                return replace(item, **{key: self.name(named, place)})
        return item


def disclosure_for(who: Principal) -> Disclosure:
    """What the user sees whole: whatever any of their roles does (the most revealing wins)."""
    whole: frozenset[tuple[Detail, Place]] = frozenset()
    return Disclosure(whole.union(*(WHOLE[role] for role in who.roles)))
