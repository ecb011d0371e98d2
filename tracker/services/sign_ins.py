"""Signing in and out, recorded for the auditors, with a lockout after repeated failures.

The rule: when the last N failed sign-ins of a username (since its last
success) or of a client address all fall within the lock period, further
attempts are refused unchecked until that period has passed since the last
of them.  N and the period are settings (5 per username, 20 per address, 15
minutes).  A username is counted whether or not an account has it, and a
locked attempt checks no password, so neither the answer nor its time tells
whether the account exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from tracker.aggregates.sign_in import (
    SessionEnd,
    SignIn,
    SignInOutcome,
    client_address,
    typed_username,
)
from tracker.clock import SHANGHAI
from tracker.errors import CaseNotFound, TrackerError
from tracker.permissions import Principal
from tracker.projections.sign_ins import NAME, recent_failures
from tracker.services.accounts import AuthenticationFailed
from tracker.services.base import Service


class SignInLocked(TrackerError):
    template = "too many failed sign-ins; try again after {until}"


@dataclass(frozen=True)
class Session:
    """A successful sign-in: the user, and the record a sign-out will close."""

    principal: Principal
    sign_in_id: UUID


def locked_until(failures: Sequence[datetime], limit: int, period: timedelta) -> datetime | None:
    """When a lock set by these failures (newest first) ends; None if they set none."""
    if len(failures) < limit:
        return None
    newest, oldest = failures[0], failures[limit - 1]
    if newest - oldest > period:
        return None
    return newest + period


class SignIns(Service):
    def sign_in(self, username: str, password: str, address: str) -> Session:
        """A session for the right password; each attempt recorded, whatever its outcome."""
        until = self.locked_until(username, address)
        if until is not None:
            self._record(username, address, SignInOutcome.LOCKED, None)
            local = until.astimezone(SHANGHAI).strftime("%H:%M")
            raise SignInLocked(until=local)
        try:
            who = self.app.accounts.authenticate(username, password)
        except AuthenticationFailed:
            self._record(username, address, SignInOutcome.FAILED, None)
            raise
        attempt = self._record(who.username, address, SignInOutcome.SIGNED_IN, who.community)
        return Session(principal=who, sign_in_id=attempt.id)

    def sign_out(self, sign_in_id: UUID, reason: SessionEnd) -> None:
        """Close the session's record; one already closed (or never opened) is left as it is."""
        try:
            attempt = self.app.load(SignIn, sign_in_id, None)
        except CaseNotFound:
            return
        if attempt.outcome is not SignInOutcome.SIGNED_IN or attempt.ended is not None:
            return
        attempt.end(self.app.act(attempt.username), reason)
        self.app.commit(attempt)

    def is_open(self, sign_in_id: UUID) -> bool:
        """Whether the session this sign-in opened is still on: a copy of an ended one is not."""
        try:
            attempt = self.app.load(SignIn, sign_in_id, None)
        except CaseNotFound:
            return False
        return attempt.outcome is SignInOutcome.SIGNED_IN and attempt.ended is None

    def locked_until(self, username: str, address: str) -> datetime | None:
        """The end of a lock on this username or address now in force, if any."""
        settings = self.app.settings
        period = timedelta(minutes=settings.sign_in_lock_minutes)
        # (column, value, failures that lock, counted only since the last success?)
        counts = (
            ("username", typed_username(username), settings.sign_in_failures, True),
            ("address", client_address(address), settings.sign_in_address_failures, False),
        )
        views = self.app.views
        views.refresh()
        locks = []
        with views.db.read() as cursor:
            suffix = views.suffix(cursor, NAME)
            for column, value, limit, since_success in counts:
                failures = recent_failures(
                    cursor,
                    suffix,
                    column=column,
                    value=value,
                    limit=limit,
                    since_success=since_success,
                )
                locks.append(locked_until(failures, limit, period))
        now = self.app.clock.now()
        return max((until for until in locks if until is not None and until > now), default=None)

    def _record(
        self, username: str, address: str, outcome: SignInOutcome, community: str | None
    ) -> SignIn:
        act = self.app.act(typed_username(username) or "-")
        attempt = SignIn.attempt(
            act, username=username, address=address, outcome=outcome, community=community
        )
        self.app.commit(attempt)
        return attempt
