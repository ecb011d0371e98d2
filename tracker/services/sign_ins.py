"""Signing in and out, recorded for the auditors, with a lockout after repeated failures.

The rule: when the last N failed sign-ins of a username (since its last
success) or of a client address all fall within the lock period, further
attempts are refused unchecked until that period has passed since the last
of them.  N and the period are settings (5 per username, 20 per address, 15
minutes).  A username is counted whether or not an account has it, and a
locked attempt checks no password, so neither the answer nor its time tells
whether the account exists.

Only failures lock.  Each attempt is recorded before its password is
checked, and the failed attempts ahead of it in the log are counted; when
the attempts ahead that are still undecided could lock it if they failed,
it first waits until they are decided.  So attempts sent in parallel are
counted one after another: of forty simultaneous guesses five are checked
and the rest locked unchecked, while forty simultaneous right passwords all
get in.  The wait ends, and only the decided attempts count, once none of
those ahead has been decided for ``pending_wait`` seconds: an attempt whose
worker stopped before deciding it stays undecided for good.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple
from uuid import UUID

from tracker.aggregates.sign_in import SessionEnd, SignIn, SignInOutcome, typed_username
from tracker.clock import SHANGHAI
from tracker.errors import CaseNotFound, TrackerError
from tracker.permissions import Principal
from tracker.projections.sign_ins import NAME, failures_before, undecided_before
from tracker.services.accounts import AuthenticationFailed
from tracker.services.base import Service


class SignInLocked(TrackerError):
    template = "too many failed sign-ins; try again after {until}"


@dataclass(frozen=True)
class Session:
    """A successful sign-in: the user, and the record a sign-out will close."""

    principal: Principal
    sign_in_id: UUID
    password_mark: str  # a change of password ends the session


def locked_until(failures: Sequence[datetime], limit: int, period: timedelta) -> datetime | None:
    """When a lock set by these failures (newest first) ends; None if they set none."""
    if len(failures) < limit:
        return None
    newest, oldest = failures[0], failures[limit - 1]
    if newest - oldest > period:
        return None
    return newest + period


class Locks(NamedTuple):
    """What the attempts ahead of one attempt say about a lock on it."""

    by_failures: datetime | None  # the end of the lock its failed attempts set
    if_undecided_fail: datetime | None  # ... and the undecided ones, were they to fail
    undecided: int  # how many attempts of its username or address are undecided


class SignIns(Service):
    # An attempt that undecided attempts ahead of it could lock waits for them to be
    # decided, but no longer than this many seconds without one of them being decided
    # (an attempt whose worker stopped stays undecided).  Monotonic time, not the
    # app's clock, which tests hold still.  And how often it looks again.
    pending_wait = 5.0
    pending_poll = 0.02

    def sign_in(self, username: str, password: str, address: str) -> Session:
        """A session for the right password; each attempt recorded, whatever its outcome."""
        act = self.app.act(typed_username(username))
        community = self.app.accounts.community_of(username)
        attempt = SignIn.attempt(act, username=username, address=address, community=community)
        position = self.app.commit(attempt).position
        until = self._lock(attempt.username, attempt.address, position)
        if until is not None:
            self._decide(attempt, SignInOutcome.LOCKED)
            raise SignInLocked(until=until.astimezone(SHANGHAI).strftime("%H:%M"))
        try:
            who = self.app.accounts.authenticate(username, password)
        except AuthenticationFailed:
            self._decide(attempt, SignInOutcome.FAILED)
            raise
        self._decide(attempt, SignInOutcome.SIGNED_IN)
        mark = self.app.accounts.password_mark(who.username)
        return Session(principal=who, sign_in_id=attempt.id, password_mark=mark)

    def sign_out(self, sign_in_id: UUID, reason: SessionEnd) -> None:
        """Close the session's record; one already closed (or never opened) is left as it is."""
        attempt = self._attempt(sign_in_id)
        if attempt is not None and attempt.is_open:
            attempt.end(self.app.act(attempt.username), reason)
            self.app.commit(attempt)

    def is_open(self, sign_in_id: UUID) -> bool:
        """Whether the session this sign-in opened is still on: a copy of an ended one is not."""
        attempt = self._attempt(sign_in_id)
        return attempt is not None and attempt.is_open

    def _lock(self, username: str, address: str, position: int) -> datetime | None:
        """The end of the lock real failures set on the attempt at ``position``, if any.

        While undecided attempts ahead of it could still set one, wait until
        they are decided, or until none of them has been for ``pending_wait``.
        """
        locks = self.locks(username, address, position)
        deadline = time.monotonic() + self.pending_wait
        while locks.by_failures is None and locks.if_undecided_fail is not None:
            if time.monotonic() >= deadline:
                break  # the attempts ahead are stuck: count only those decided
            time.sleep(self.pending_poll)
            undecided = locks.undecided
            locks = self.locks(username, address, position)
            if locks.undecided < undecided:
                deadline = time.monotonic() + self.pending_wait
        return locks.by_failures

    def locks(self, username: str, address: str, position: int) -> Locks:
        """A lock on this username or address for the attempt at ``position``, as the log has it."""
        settings = self.app.settings
        period = timedelta(minutes=settings.sign_in_lock_minutes)
        # (column, value, failures that lock, counted only since the last success?)
        counts = (
            ("username", username, settings.sign_in_failures, True),
            ("address", address, settings.sign_in_address_failures, False),
        )
        views = self.app.views
        views.refresh()
        now = self.app.clock.now()
        ends: list[datetime | None] = []
        undecided = 0
        with views.db.read() as cursor:
            suffix = views.suffix(cursor, NAME)
            for column, value, _, _ in counts:
                undecided += undecided_before(
                    cursor, suffix, column=column, value=value, position=position
                )
            for counted in (False, True):
                lock_ends = []
                for column, value, limit, since_success in counts:
                    failures = failures_before(
                        cursor,
                        suffix,
                        column=column,
                        value=value,
                        position=position,
                        limit=limit,
                        since_success=since_success,
                        undecided=counted,
                    )
                    lock_ends.append(locked_until(failures, limit, period))
                ends.append(max((u for u in lock_ends if u is not None and u > now), default=None))
        return Locks(by_failures=ends[0], if_undecided_fail=ends[1], undecided=undecided)

    def _attempt(self, sign_in_id: UUID) -> SignIn | None:
        try:
            return self.app.load(SignIn, sign_in_id, None)
        except CaseNotFound:
            return None

    def _decide(self, attempt: SignIn, outcome: SignInOutcome) -> None:
        attempt.decide(self.app.act(attempt.username), outcome)
        self.app.commit(attempt)
