"""The state one scenario carries between its steps: the app, the users, the cases."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.errors import TrackerError
from tracker.permissions import Principal

ROLE_NAMES = {
    "信访员": "officer",
    "经办人": "officer",
    "审批员": "approver",
    "审计员": "auditor",
    "管理员": "admin",
}

READER = "reader"


@dataclass
class World:
    app: Tracker
    clock: FixedClock
    users: dict[str, Principal] = field(default_factory=dict)
    cases: dict[str, UUID] = field(default_factory=dict)
    error: TrackerError | None = None
    refused: TrackerError | None = None  # the last refusal a step checked
    written: bool = False
    result: Any = None

    @property
    def case(self) -> UUID:
        """The case the scenario last created: '该件', '该申请', '该案'."""
        return self.cases["current"]

    @property
    def reader(self) -> Principal:
        """A sub-district auditor: reads every case without being part of the story."""
        return self.user(READER)

    def user(self, username: str) -> Principal:
        return self.app.accounts.principal(username)

    def attempt(self, command: Callable[[], Any]) -> None:
        """Run a command; remember its refusal and whether anything reached the store."""
        if self.error is not None:
            raise AssertionError(
                f"an earlier step was refused and no step checked it: {self.error!r}"
            )
        before = self.app.recorder.max_notification_id() or 0
        try:
            self.result = command()
        except TrackerError as error:
            self.error = error
        self.written = (self.app.recorder.max_notification_id() or 0) != before

    def succeeded(self) -> Any:
        assert self.error is None, f"refused: {self.error!r}"
        return self.result

    def refusal(self) -> TrackerError:
        """The refusal of the last command, which this check consumes."""
        error, self.error = self.error, None
        assert error is not None, "the command was not refused"
        self.refused = error
        return error
