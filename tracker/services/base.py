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
    # Each command on a case and the action (of the role table) it needs.
    COMMANDS: ClassVar[dict[str, Action]]
    # The aggregate's stage rule of a command, where it is named differently.
    GATES: ClassVar[dict[str, str]] = {}

    def commands(self, who: Principal, case_id: UUID) -> tuple[str, ...]:
        """The commands this user may give on the case now, as far as role and stage tell.

        Other rules (a date, a window that has closed) can still refuse one.
        """
        case = self.app.load(self.kind, case_id, who)
        return tuple(
            command
            for command, action in self.COMMANDS.items()
            if who.may(action) and case.can(self.GATES.get(command, command))
        )

    def _load(self, who: Principal, case_id: UUID, command: str, expected_version: int | None) -> A:
        who.require(self.COMMANDS[command])
        case: A = self.app.load(self.kind, case_id, who, expected_version=expected_version)  # type: ignore[assignment]
        return case

    def _change(
        self,
        who: Principal,
        case_id: UUID,
        command: str,
        expected_version: int | None,
        change: Callable[[A, Act], object],
    ) -> Recorded:
        case = self._load(who, case_id, command, expected_version)
        change(case, self.app.act(who))
        return self.app.commit(case)
