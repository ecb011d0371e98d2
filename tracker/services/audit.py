"""An auditor's view of one case: every event, who recorded it, when, and why."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any
from uuid import UUID

from tracker.aggregates.account import Account
from tracker.aggregates.base import TrackedAggregate
from tracker.aggregates.sign_in import SignIn
from tracker.check import Checker, Difference
from tracker.disclosure import Place, disclosure_for
from tracker.errors import CaseNotFound, PermissionDenied
from tracker.permissions import Action, Principal
from tracker.services.base import Service

_BOOKKEEPING = frozenset({"originator_id", "originator_version", "timestamp", "originator_topic"})
# Shown as changed, never as their value.
SECRETS = frozenset({"password_hash"})
REDACTED = "[redacted]"


@dataclass(frozen=True)
class EventRecord:
    version: int
    kind: str
    actor: str
    recorded_at: datetime
    business_date: date | None
    fields: dict[str, Any]


# Events carrying several dates, and the one the law counts them by.
_BUSINESS_DATE = {"Assessed": "decided_on", "InstalmentPlanApproved": "approved_on"}


def business_date(kind: str, values: dict[str, Any]) -> date | None:
    """The date the law counts an event by (received on, decided on, paid on, …)."""
    named = _BUSINESS_DATE.get(kind)
    if named is not None:
        value = values.get(named)
        return value if isinstance(value, date) else None
    for value in values.values():
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
    return None


@dataclass(frozen=True)
class StoppedReadModel:
    """A part of the lists and reports that stopped before an event it could not take."""

    name: str
    position: int  # of the event it stopped before, in the store's log
    since: datetime


class Audit(Service):
    def stopped_read_models(self, who: Principal) -> list[StoppedReadModel]:
        """What those who check the records must know: figures that stopped short of the events."""
        who.require(Action.VERIFY_STORE)
        return [
            StoppedReadModel(failure.name, failure.position, failure.failed_at)
            for failure in self.app.views.failures()
        ]

    def verify(self, who: Principal) -> list[Difference]:
        """Every figure recomputed from the events and compared with the read models.

        It covers the whole store, so only users of the whole sub-district may ask.
        """
        who.require(Action.VERIFY_STORE)
        if who.community is not None:
            raise PermissionDenied(user=who.username, action=Action.VERIFY_STORE.value)
        return Checker(self.app).run()

    def history(self, who: Principal, case_id: UUID) -> list[EventRecord]:
        if not who.may(Action.READ_HISTORY):
            who.require(Action.READ_ACCOUNT_HISTORY)
        aggregate = self.app.load(TrackedAggregate, case_id, who)  # scope check
        if isinstance(aggregate, (Account, SignIn)):
            who.require(Action.READ_ACCOUNT_HISTORY)
        else:
            who.require(Action.READ_HISTORY)
        shown = disclosure_for(who)  # the people in the events, as in any trail
        records = []
        for event in self.app.events.get(case_id):
            values = {
                f.name: REDACTED if f.name in SECRETS else getattr(event, f.name, None)
                for f in fields(event)  # type: ignore[arg-type]
                if f.name not in _BOOKKEEPING and f.name != "actor"
            }
            records.append(
                EventRecord(
                    version=event.originator_version,
                    kind=type(event).__name__,
                    actor=getattr(event, "actor", ""),
                    recorded_at=getattr(event, "timestamp"),  # noqa: B009 - not on the protocol
                    business_date=business_date(type(event).__name__, values),
                    fields={name: shown.field(name, v, Place.LISTS) for name, v in values.items()},
                )
            )
        if not records:
            raise CaseNotFound(case_id=case_id)
        return records
