"""Petition figures: closure rate, on-time closure rate and the three no's (三无).

Definitions (DOMAIN.md, "Petitions" and "Report dates"), for a period, a
report date D (business time) and an "as known on" moment T (recorded time):

* A merged duplicate counts once: the duplicate is left out of every figure.
* Closure rate (结案率) = petitions accepted in the period (accepted on a day
  of the period no later than D) and replied by D ÷ petitions accepted in the
  period.  No accepted petitions gives no rate ("no cases"), never 0 or 100%.
* On-time closure rate (按期办结率) = of those replied by D, the share replied
  on or before their handling limit; the extended limit counts when the
  extension was approved on or before the reply.
* Three no's, at the period's end E = min(D, last day): no collective petition
  (headcount at least the policy threshold) and no skip-level petition
  received in the period (received on or before E); no backlog case (积案):
  accepted on or before E, not replied by E, and E past its limit (the
  extended one only if approved by E).

``figures`` and friends read the ``petition_facts`` view; ``recompute``
computes the same figures from the raw events alone, for ``tracker check``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tracker.aggregates.petition import Petition, PetitionStage
from tracker.clock import SHANGHAI
from tracker.periods import Period
from tracker.projections.petition_facts import TABLE
from tracker.projections.projection import known_on
from tracker.projections.reporting import utc

if TYPE_CHECKING:
    from tracker.application import Tracker
    from tracker.projections.database import Cursor


# -- results --------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosureFigures:
    """Closure figures of one community (or of all, ``community`` None); case ids sorted."""

    community: str | None
    accepted: tuple[str, ...]
    closed: tuple[str, ...]
    on_time: tuple[str, ...]

    @property
    def no_cases(self) -> bool:
        return not self.accepted

    @property
    def late(self) -> tuple[str, ...]:
        on_time = set(self.on_time)
        return tuple(c for c in self.closed if c not in on_time)

    @property
    def still_open(self) -> tuple[str, ...]:
        closed = set(self.closed)
        return tuple(c for c in self.accepted if c not in closed)

    @property
    def rate(self) -> Fraction | None:
        """Closed ÷ accepted; None when nothing was accepted ("no cases")."""
        return Fraction(len(self.closed), len(self.accepted)) if self.accepted else None

    @property
    def on_time_rate(self) -> Fraction | None:
        """On time ÷ closed; None when nothing was closed."""
        return Fraction(len(self.on_time), len(self.closed)) if self.closed else None


@dataclass(frozen=True)
class ClosureReport:
    period: Period
    report_date: date
    as_known_on: datetime | None
    total: ClosureFigures
    communities: tuple[ClosureFigures, ...]  # the breakdown; empty when one community was asked

    def community(self, code: str) -> ClosureFigures:
        return next(f for f in self.communities if f.community == code)


@dataclass(frozen=True)
class NoCheck:
    """One of the three no's: met when no case is behind it."""

    cases: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.cases)

    @property
    def met(self) -> bool:
        return not self.cases


@dataclass(frozen=True)
class ThreeNosFigures:
    community: str | None
    collective: NoCheck
    skip_level: NoCheck
    backlog: NoCheck

    @property
    def met(self) -> bool:
        return self.collective.met and self.skip_level.met and self.backlog.met


@dataclass(frozen=True)
class ThreeNosReport:
    period: Period
    report_date: date
    period_end: date  # E = min(report date, the period's last day): where backlog is judged
    as_known_on: datetime | None
    total: ThreeNosFigures
    communities: tuple[ThreeNosFigures, ...]

    def community(self, code: str) -> ThreeNosFigures:
        return next(f for f in self.communities if f.community == code)


@dataclass(frozen=True)
class PetitionFigures:
    """Both reports for one question; what ``tracker check`` compares."""

    closure: ClosureReport
    three_nos: ThreeNosReport


# -- shared helpers ----------------------------------------------------------------------


def default_report_date(period: Period, today: date, as_known_on: datetime | None = None) -> date:
    """The period's last day, or the day asked about while the period ran.

    With ``as_known_on`` the report is the one that was shown on that day, so
    "today" is that day's local date.
    """
    if as_known_on is not None:
        today = min(today, as_known_on.astimezone(SHANGHAI).date())
    return period.default_report_date(today)


def _breakdown_codes(found: Iterable[str | None], communities: Sequence[str]) -> list[str]:
    extra = sorted({c for c in found if c is not None} - set(communities))
    return [*communities, *extra]


def _ids(rows: Iterable[tuple[str, str]], community: str | None) -> tuple[str, ...]:
    return tuple(sorted(case for where, case in rows if community is None or where == community))


def _closure_from(
    period: Period,
    report_date: date,
    as_known_on: datetime | None,
    community: str | None,
    communities: Sequence[str],
    accepted: list[tuple[str, str]],
    closed: list[tuple[str, str]],
    on_time: list[tuple[str, str]],
) -> ClosureReport:
    def figures(code: str | None, label: str | None) -> ClosureFigures:
        return ClosureFigures(label, _ids(accepted, code), _ids(closed, code), _ids(on_time, code))

    breakdown: tuple[ClosureFigures, ...] = ()
    if community is None:
        codes = _breakdown_codes((c for c, _ in accepted), communities)
        breakdown = tuple(figures(code, code) for code in codes)
    return ClosureReport(period, report_date, as_known_on, figures(None, community), breakdown)


def _three_nos_from(
    period: Period,
    report_date: date,
    as_known_on: datetime | None,
    community: str | None,
    communities: Sequence[str],
    collective: list[tuple[str, str]],
    skip_level: list[tuple[str, str]],
    backlog: list[tuple[str, str]],
) -> ThreeNosReport:
    def figures(code: str | None, label: str | None) -> ThreeNosFigures:
        return ThreeNosFigures(
            label,
            NoCheck(_ids(collective, code)),
            NoCheck(_ids(skip_level, code)),
            NoCheck(_ids(backlog, code)),
        )

    breakdown: tuple[ThreeNosFigures, ...] = ()
    if community is None:
        found = (c for rows in (collective, skip_level, backlog) for c, _ in rows)
        breakdown = tuple(figures(code, code) for code in _breakdown_codes(found, communities))
    end = min(report_date, period.last)
    return ThreeNosReport(
        period, report_date, end, as_known_on, figures(None, community), breakdown
    )


# -- from the view --------------------------------------------------------------------

# The limit that counts on a given day: the extended one once the extension was approved.
_LIMIT_ON = (
    "(CASE WHEN extension_approved_on IS NOT NULL AND extension_approved_on <= {day} "
    "THEN extended_limit ELSE handling_limit END)"
)


def _where(as_known_on: datetime | None, community: str | None) -> tuple[list[str], list[Any]]:
    condition, params = known_on(utc(as_known_on))
    where = [condition, "merged = 0"]
    if community is not None:
        where.append("community = ?")
        params.append(community)
    return where, params


def closure_rate(
    cursor: Cursor,
    suffix: str,
    period: Period,
    community: str | None,
    report_date: date,
    as_known_on: datetime | None = None,
    *,
    communities: Sequence[str] = (),
) -> ClosureReport:
    """Closure and on-time closure rates; with ``community`` None, all plus a breakdown.

    ``communities`` are always listed in the breakdown, even without cases.
    """
    day = report_date.isoformat()
    where, params = _where(as_known_on, community)
    where += ["accepted_on IS NOT NULL", "accepted_on >= ?", "accepted_on <= ?"]
    params += [period.first.isoformat(), min(period.last, report_date).isoformat()]
    closed = "(replied_on IS NOT NULL AND replied_on <= ?)"
    on_time = f"(replied_on <= {_LIMIT_ON.format(day='replied_on')})"
    cursor.execute(
        f"SELECT case_id, community, "
        f"CASE WHEN {closed} THEN 1 ELSE 0 END AS closed, "
        f"CASE WHEN {closed} AND {on_time} THEN 1 ELSE 0 END AS on_time "
        f"FROM {TABLE}{suffix} WHERE {' AND '.join(where)}",
        [day, day, *params],
    )
    rows = cursor.fetchall()
    return _closure_from(
        period,
        report_date,
        utc(as_known_on),
        community,
        communities,
        [(r["community"], r["case_id"]) for r in rows],
        [(r["community"], r["case_id"]) for r in rows if int(r["closed"])],
        [(r["community"], r["case_id"]) for r in rows if int(r["on_time"])],
    )


def three_nos(
    cursor: Cursor,
    suffix: str,
    period: Period,
    community: str | None,
    report_date: date,
    as_known_on: datetime | None = None,
    *,
    communities: Sequence[str] = (),
) -> ThreeNosReport:
    """The three no's at the period's end E = min(report date, last day)."""
    end = min(report_date, period.last).isoformat()
    table = f"{TABLE}{suffix}"
    where, params = _where(as_known_on, community)
    received = [
        *where,
        "received_on >= ?",
        "received_on <= ?",
        "(collective = 1 OR skip_level = 1)",
    ]
    cursor.execute(
        f"SELECT case_id, community, collective, skip_level FROM {table} "
        f"WHERE {' AND '.join(received)}",
        [*params, period.first.isoformat(), end],
    )
    registered = cursor.fetchall()
    # Open at E: not replied at all, or replied after E.  Two branches rather than an
    # OR, so that each is a range of the (replied_on, accepted_on) index: how long the
    # history is then does not matter.
    # SQLite, which keeps no statistics here, would take the accepted_on index for the
    # second branch; it is told which index to use.
    overdue = [*where, "accepted_on <= ?", f"? > {_LIMIT_ON.format(day='?')}"]
    hint = (
        f" INDEXED BY {table}_open_at" if cursor.dialect == "sqlite" and as_known_on is None else ""
    )
    branch = f"SELECT case_id, community FROM {table}{{hint}} WHERE {' AND '.join(overdue)}"
    cursor.execute(
        f"{branch.format(hint='')} AND replied_on IS NULL "
        f"UNION ALL {branch.format(hint=hint)} AND replied_on > ?",
        [*params, end, end, end, *params, end, end, end, end],
    )
    backlog = cursor.fetchall()
    return _three_nos_from(
        period,
        report_date,
        utc(as_known_on),
        community,
        communities,
        [(r["community"], r["case_id"]) for r in registered if int(r["collective"])],
        [(r["community"], r["case_id"]) for r in registered if int(r["skip_level"])],
        [(r["community"], r["case_id"]) for r in backlog],
    )


def figures(
    cursor: Cursor,
    suffix: str,
    period: Period,
    community: str | None,
    report_date: date,
    as_known_on: datetime | None = None,
    *,
    communities: Sequence[str] = (),
) -> PetitionFigures:
    args = (cursor, suffix, period, community, report_date, as_known_on)
    return PetitionFigures(
        closure_rate(*args, communities=communities),
        three_nos(*args, communities=communities),
    )


# -- from the events alone -----------------------------------------------------------


@dataclass(frozen=True)
class KnownPetition:
    """A petition as known at a moment, rebuilt from its events in memory."""

    case: Petition
    base_limit: date | None  # the handling limit without the extension
    extension_approved_on: date | None

    def limit_on(self, day: date) -> date:
        """The handling limit that applies on ``day``: extended once the extension is approved."""
        approved = self.extension_approved_on
        limit = self.case.handling_limit if approved and approved <= day else self.base_limit
        assert limit is not None  # accepted
        return limit


def replay(app: Tracker, as_known_on: datetime | None = None) -> list[KnownPetition]:
    """Every petition as known at ``as_known_on`` (None: now), from the notification log.

    A case is taken at its last event recorded by that moment: events are
    applied in log order, and a case stops at its first event recorded later.
    """
    moment = utc(as_known_on)
    cases: dict[UUID, Any] = {}
    base_limits: dict[UUID, date | None] = {}
    approvals: dict[UUID, date] = {}
    later: set[UUID] = set()
    position = 0
    while True:
        notifications = app.recorder.select_notifications(
            start=position, limit=500, inclusive_of_start=False
        )
        if not notifications:
            break
        for notification in notifications:
            event: Any = app.mapper.to_domain_event(notification)
            case_id = event.originator_id
            if case_id in later:
                continue
            if moment is not None and event.timestamp > moment:
                later.add(case_id)
                continue
            case = cases[case_id] = event.mutate(cases.get(case_id))
            if not isinstance(case, Petition):
                continue
            if not case.extension_days:
                base_limits[case_id] = case.handling_limit
            if isinstance(event, Petition.ExtensionGranted):
                approvals[case_id] = event.approved_on
        position = notifications[-1].id
    return [
        KnownPetition(case, base_limits.get(case_id), approvals.get(case_id))
        for case_id, case in cases.items()
        if isinstance(case, Petition)
    ]


def figures_from(
    petitions: Iterable[KnownPetition],
    period: Period,
    community: str | None,
    report_date: date,
    as_known_on: datetime | None,
    *,
    collective_threshold: int,
    communities: Sequence[str] = (),
) -> PetitionFigures:
    """The figures computed in Python from petitions rebuilt from events."""
    end = min(report_date, period.last)
    accepted: list[tuple[str, str]] = []
    closed: list[tuple[str, str]] = []
    on_time: list[tuple[str, str]] = []
    collective: list[tuple[str, str]] = []
    skip_level: list[tuple[str, str]] = []
    backlog: list[tuple[str, str]] = []
    for known in petitions:
        case = known.case
        if case.stage is PetitionStage.MERGED:
            continue
        if community is not None and case.community != community:
            continue
        key = (case.community, str(case.id))
        if period.first <= case.received_on <= end:
            if case.is_collective(collective_threshold):
                collective.append(key)
            if case.is_skip_level:
                skip_level.append(key)
        accepted_on, replied_on = case.accepted_on, case.replied_on
        if accepted_on is None:
            continue
        if period.first <= accepted_on <= end:
            accepted.append(key)
            if replied_on is not None and replied_on <= report_date:
                closed.append(key)
                if replied_on <= known.limit_on(replied_on):
                    on_time.append(key)
        still_open = replied_on is None or replied_on > end
        if accepted_on <= end and still_open and end > known.limit_on(end):
            backlog.append(key)
    moment = utc(as_known_on)
    return PetitionFigures(
        _closure_from(
            period, report_date, moment, community, communities, accepted, closed, on_time
        ),
        _three_nos_from(
            period, report_date, moment, community, communities, collective, skip_level, backlog
        ),
    )


def recompute(
    app: Tracker,
    period: Period,
    community: str | None = None,
    report_date: date | None = None,
    as_known_on: datetime | None = None,
    *,
    petitions: Sequence[KnownPetition] | None = None,
) -> PetitionFigures:
    """The petition figures from the raw events only, without any view table.

    Defaults as ``PetitionReports``: the report date is the period's last day
    or the day asked about while it ran; with ``community`` None every
    configured community is in the breakdown.  ``petitions`` (from ``replay``
    with the same ``as_known_on``) saves replaying for several periods.
    """
    if report_date is None:
        report_date = default_report_date(period, app.clock.today(), utc(as_known_on))
    if petitions is None:
        petitions = replay(app, as_known_on)
    return figures_from(
        petitions,
        period,
        community,
        report_date,
        as_known_on,
        collective_threshold=app.policy.collective_threshold,
        communities=[c.code for c in app.policy.communities] if community is None else (),
    )
