"""The Tracker application: one per process, holding the store, the clock and the policy.

Command and query methods live in the services (``app.petitions``,
``app.approvals``, ``app.fees``, ``app.accounts``, ``app.audit``); this
module holds what they share: loading a case within the user's scope,
saving with concurrency mapped to a domain error, and the acting context.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import Environment

from tracker.aggregates.base import Act, TrackedAggregate
from tracker.clock import SHANGHAI, Clock, SystemClock
from tracker.errors import CaseNotFound, ConcurrentChange, InvalidValue
from tracker.policy import Policy
from tracker.settings import Settings
from tracker.transcodings import register_all

if TYPE_CHECKING:
    from eventsourcing.persistence import JSONTranscoder

    from tracker.permissions import Principal

T = TypeVar("T", bound=TrackedAggregate)


@dataclass(frozen=True)
class Recorded:
    """What a command wrote: the case, its new version, and the store position reached."""

    case_id: UUID
    version: int
    position: int


class Tracker(Application[UUID]):
    name = "Tracker"

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        clock: Clock | None = None,
        policy: Policy | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.clock: Clock = clock or SystemClock()
        self.policy = policy or Policy.load(self.settings.policy_file)
        super().__init__(env={**self.settings.eventsourcing_env(), **(env or {})})
        # Imported here: the services import this module for Recorded and Tracker.
        from tracker.projections.database import connect_views
        from tracker.projections.registry import all_projections
        from tracker.projections.runner import Views
        from tracker.services.accounts import Accounts
        from tracker.services.approval_reports import ApprovalReports
        from tracker.services.approvals import Approvals
        from tracker.services.audit import Audit
        from tracker.services.audit_feed import AuditFeed
        from tracker.services.cases import Cases
        from tracker.services.fee_reports import FeeReports
        from tracker.services.fees import Fees
        from tracker.services.petition_reports import PetitionReports
        from tracker.services.petitions import Petitions
        from tracker.services.sign_ins import SignIns
        from tracker.services.workload import Workload

        self.views = Views(
            self,
            connect_views(self.settings),
            all_projections(self.policy),
            inline=self.settings.projections == "inline",
        )
        self.accounts = Accounts(self)
        self.sign_ins = SignIns(self)
        self.petitions = Petitions(self)
        self.approvals = Approvals(self)
        self.fees = Fees(self)
        self.audit = Audit(self)
        self.cases = Cases(self)
        self.petition_reports = PetitionReports(self)
        self.fee_reports = FeeReports(self)
        self.approval_reports = ApprovalReports(self)
        self.audit_feed = AuditFeed(self)
        self.workload = Workload(self)

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        """The library's settings: ``Settings`` first, the process environment's tuning after.

        The library reads ``os.environ`` too, where a name prefixed with the
        app's (``TRACKER_CIPHER_KEY``) outranks the one given: a store opened
        with other settings than the environment's (``tracker rekey``) would
        get the environment's key.  So ``TRACKER_*`` names are Tracker's own
        (read by ``Settings``), and the library sees only its unprefixed ones
        (``POSTGRES_POOL_SIZE``, ``SQLITE_LOCK_TIMEOUT``, ...) besides ``env``.
        """
        prefix = f"{name.upper()}_"
        tuning = {key: value for key, value in os.environ.items() if not key.startswith(prefix)}
        return Environment(name, {**type(self).env, **tuning, **(env or {})})

    def close(self) -> None:
        views = getattr(self, "views", None)
        if views is not None:
            views.db.close()
        super().close()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_all(transcoder)

    def act(self, who: Principal | str) -> Act:
        actor = who if isinstance(who, str) else who.username
        return Act(actor=actor, at=self.clock.now())

    def exists(self, aggregate_id: UUID) -> bool:
        try:
            self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return False
        return True

    def load(
        self,
        kind: type[T],
        case_id: UUID,
        who: Principal | None,
        *,
        expected_version: int | None = None,
        version: int | None = None,
        as_known_on: datetime | None = None,
    ) -> T:
        """A case the user may see, else CaseNotFound; stale forms get ConcurrentChange.

        ``as_known_on`` gives the case as it stood at that recorded moment (its
        last event recorded by then); a case recorded later was not known yet.
        """
        if as_known_on is not None:
            version = self._version_known_on(case_id, as_known_on)
        try:
            aggregate: Any = self.repository.get(case_id, version=version)
        except AggregateNotFoundError:
            raise CaseNotFound(case_id=case_id) from None
        if not isinstance(aggregate, kind):
            raise CaseNotFound(case_id=case_id)
        community = getattr(aggregate, "community", None)
        if who is not None and community is not None and not who.sees(community):
            raise CaseNotFound(case_id=case_id)
        if expected_version is not None and aggregate.version != expected_version:
            raise ConcurrentChange(case_id=case_id)
        return aggregate

    def today(self, as_known_on: datetime | None = None) -> date:
        """Today, or the local date of the moment a page is shown as of."""
        if as_known_on is None:
            return self.clock.today()
        return as_known_on.astimezone(SHANGHAI).date()

    def _version_known_on(self, case_id: UUID, moment: datetime) -> int:
        if moment.tzinfo is None:
            raise InvalidValue(field="as_known_on", problem="a moment with its time zone")
        known = [
            event.originator_version
            for event in self.events.get(case_id)
            if getattr(event, "timestamp") <= moment  # noqa: B009 - not on the protocol
        ]
        if not known:
            raise CaseNotFound(case_id=case_id)
        return max(known)

    def commit(self, primary: TrackedAggregate, *others: TrackedAggregate) -> Recorded:
        """Save in one transaction; a concurrent writer's conflict writes nothing."""
        try:
            recordings = self.save(primary, *others)
        except IntegrityError:
            raise ConcurrentChange(case_id=primary.id) from None
        position = max((r.notification.id for r in recordings), default=0)
        return Recorded(case_id=primary.id, version=primary.version, position=position)
