"""Who may do what: one table of action × role, checked by the application layer.

Community scope is the second half of every check: a user of one community
sees only that community's cases, and a case outside the scope is reported
as not found, so that identifiers cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tracker.errors import PermissionDenied
from tracker.roles import Role


class Action(Enum):
    READ_CASES = "read cases"
    READ_HISTORY = "read history"
    REGISTER_PETITION = "register a petition"
    HANDLE_PETITION = "handle a petition"
    EXTEND_PETITION = "extend a petition"
    CORRECT_CASE = "correct a case"
    APPLY_APPROVAL = "register an approval application"
    HANDLE_APPROVAL = "handle an approval case"
    DECIDE_APPROVAL = "decide an approval case"
    ASSESS_FEE = "assess a fee"
    HANDLE_FEE = "handle a fee case"
    APPROVE_INSTALMENTS = "approve instalments"
    WRITE_OFF_FEE = "write off a fee case"
    MANAGE_ACCOUNTS = "manage accounts"
    READ_ACCOUNT_HISTORY = "read an account's history"
    VERIFY_STORE = "verify the read models against the events"


OFFICER, APPROVER, AUDITOR, ADMIN = Role.OFFICER, Role.APPROVER, Role.AUDITOR, Role.ADMIN

RULES: dict[Action, frozenset[Role]] = {
    Action.READ_CASES: frozenset({OFFICER, APPROVER, AUDITOR}),
    Action.READ_HISTORY: frozenset({OFFICER, APPROVER, AUDITOR}),
    Action.REGISTER_PETITION: frozenset({OFFICER}),
    Action.HANDLE_PETITION: frozenset({OFFICER}),
    Action.EXTEND_PETITION: frozenset({APPROVER}),
    Action.CORRECT_CASE: frozenset({OFFICER}),
    Action.APPLY_APPROVAL: frozenset({OFFICER}),
    Action.HANDLE_APPROVAL: frozenset({OFFICER, APPROVER}),
    Action.DECIDE_APPROVAL: frozenset({APPROVER}),
    Action.ASSESS_FEE: frozenset({OFFICER}),
    Action.HANDLE_FEE: frozenset({OFFICER}),
    Action.APPROVE_INSTALMENTS: frozenset({APPROVER}),
    Action.WRITE_OFF_FEE: frozenset({APPROVER}),
    Action.MANAGE_ACCOUNTS: frozenset({ADMIN}),
    Action.READ_ACCOUNT_HISTORY: frozenset({ADMIN, AUDITOR}),
    Action.VERIFY_STORE: frozenset({ADMIN, AUDITOR}),
}


@dataclass(frozen=True)
class Principal:
    """The user a command or query is made for, as resolved from an active account."""

    username: str
    roles: frozenset[Role]
    community: str | None  # None: the whole sub-district

    def may(self, action: Action) -> bool:
        return bool(self.roles & RULES[action])

    def require(self, action: Action) -> None:
        if not self.may(action):
            raise PermissionDenied(user=self.username, action=action.value)

    def sees(self, community: str) -> bool:
        return self.community is None or self.community == community
