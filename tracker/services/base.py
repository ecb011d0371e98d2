"""What every service shares: the application, and the shape of a command on a case."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from tracker.aggregates.base import Act, TrackedAggregate

if TYPE_CHECKING:
    from uuid import UUID

    from tracker.application import Recorded, Tracker
    from tracker.permissions import Action, Principal

A = TypeVar("A", bound=TrackedAggregate)


class Service:
    def __init__(self, app: Tracker) -> None:
        self.app = app


class CaseService(Service, Generic[A]):
    """Commands on one kind of case: check the role, load within scope, change, commit."""

    kind: ClassVar[type[TrackedAggregate]]

    def _load(
        self, who: Principal, case_id: UUID, action: Action, expected_version: int | None
    ) -> A:
        who.require(action)
        case: A = self.app.load(self.kind, case_id, who, expected_version=expected_version)  # type: ignore[assignment]
        return case

    def _change(
        self,
        who: Principal,
        case_id: UUID,
        action: Action,
        expected_version: int | None,
        change: Callable[[A, Act], object],
    ) -> Recorded:
        case = self._load(who, case_id, action, expected_version)
        change(case, self.app.act(who))
        return self.app.commit(case)
