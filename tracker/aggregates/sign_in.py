"""One attempt to sign in, and, when it succeeded, the session it opened until sign-out.

Attempts are events like any other so that auditors see who came in, from
where, and who was turned away; the lockout after repeated failures is
counted from them (``tracker.projections.sign_ins``).  A failed attempt keeps
the username as typed: an unknown name is as much worth auditing as a known
one, and is counted the same way so that a lockout reveals nothing.
"""

from __future__ import annotations

from enum import Enum
from typing import Any
from uuid import uuid4

from tracker.aggregates.base import Act, TrackedAggregate
from tracker.errors import DomainError

TYPED_LIMIT = 64  # the longest username a form accepts


def typed_username(text: str) -> str:
    """A username as typed, in the form attempts are counted by (no account needed)."""
    return " ".join(text.split()).lower()[:TYPED_LIMIT]


def client_address(text: str) -> str:
    return text.strip()[:TYPED_LIMIT] or "unknown"


class SignInOutcome(Enum):
    SIGNED_IN = "signed_in"
    FAILED = "failed"  # unknown user, wrong password or deactivated account: one answer
    LOCKED = "locked"  # refused unchecked while too many recent failures lock the door


class SessionEnd(Enum):
    SIGNED_OUT = "signed_out"
    IDLE = "idle"


class NotSignedIn(DomainError):
    template = "this sign-in attempt opened no session"


class AlreadyEnded(DomainError):
    template = "this session has already ended"


class SignIn(TrackedAggregate):
    class SignInAttempted(TrackedAggregate.Created):
        username: str
        address: str
        outcome: SignInOutcome
        community: str | None

    class SessionEnded(TrackedAggregate.Event):
        reason: SessionEnd

        def apply(self, aggregate: Any) -> None:
            aggregate.ended = self.reason

    def __init__(
        self, actor: str, username: str, address: str, outcome: SignInOutcome, community: str | None
    ) -> None:
        self.username = username
        self.address = address
        self.outcome = outcome
        self.community = community  # the account's, so a community's auditor sees its own
        self.ended: SessionEnd | None = None

    @classmethod
    def attempt(
        cls, act: Act, *, username: str, address: str, outcome: SignInOutcome, community: str | None
    ) -> SignIn:
        return cls._create(
            cls.SignInAttempted,
            id=uuid4(),
            actor=act.actor,
            timestamp=act.at,
            username=typed_username(username),
            address=client_address(address),
            outcome=SignInOutcome(outcome),
            community=community,
        )

    def end(self, act: Act, reason: SessionEnd) -> None:
        if self.outcome is not SignInOutcome.SIGNED_IN:
            raise NotSignedIn()
        if self.ended is not None:
            raise AlreadyEnded()
        self._trigger(self.SessionEnded, act, reason=SessionEnd(reason))
