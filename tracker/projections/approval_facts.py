"""Approval facts: per version of every second-birth approval, what the approval reports use.

One row per version (``record_version``, read with ``known_on``): community,
the business dates of each step, the decision limit (15 working days from the
application), the posting period, objection counts, whether an objection was
still open on the decision's date, the decision, the certificate and delivery.

The reports (DOMAIN.md, "Second-birth approvals" and "Report dates"), for a
period and a report date D:

* cases by stage: the applications received in the period (up to D), each in
  the stage it had reached on D;
* on-time decision rate: decisions made in the period (up to D) on or before
  their limit ÷ decisions made in the period; a rejection through an upheld
  objection is a decision, an ineligible review is not;
* delivery rate: of the approvals decided in the period, those delivered by D;
* median days from application to delivery, over those delivered;
* posting compliance: of those approvals, the ones decided after a full
  posting period with no objection open on the decision's date.

``recompute`` gives the same report from the raw events, for ``tracker check``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tracker.aggregates.approval import ApprovalStage, SecondBirthApproval
from tracker.projections.projection import Projection, events_of, known_on
from tracker.projections.reporting import Ratio, breakdown_order, day, iso, median, replay, utc

if TYPE_CHECKING:
    from tracker.aggregates.base import TrackedAggregate
    from tracker.application import Tracker
    from tracker.periods import Period
    from tracker.projections.database import Cursor
    from tracker.projections.writes import Writes

TABLE = "approval_facts"
APPROVED_STAGES = (ApprovalStage.APPROVED, ApprovalStage.DELIVERED)


def _open_on(case: SecondBirthApproval, on: date) -> bool:
    """Whether an objection lodged by ``on`` was still unresolved at the end of that day."""
    return any(
        o.lodged_on <= on and (o.resolved_on is None or o.resolved_on > on) for o in case.objections
    )


def facts_row(case: SecondBirthApproval) -> dict[str, Any]:
    decided = case.decided_on
    reviewed = case.reviewed_on is not None
    return {
        "case_id": str(case.id),
        "version": case.version,
        "recorded_at": case.modified_on.isoformat(),
        "superseded_at": None,
        "community": case.community,
        "stage": case.stage.value,
        "applied_on": case.applied_on.isoformat(),
        "decision_due": case.decision_due.isoformat(),
        "reviewed_on": iso(case.reviewed_on),
        "eligible": int(case.stage is not ApprovalStage.INELIGIBLE) if reviewed else None,
        "posted_on": iso(case.posted_on),
        "posting_days": case.posting_days if case.posted_on is not None else None,
        "posting_ends": iso(case.posting_ends),
        "objections_lodged": len(case.objections),
        "objections_open": len(case.open_objections),
        "open_at_decision": None if decided is None else int(_open_on(case, decided)),
        "decided_on": iso(decided),
        "approved": None if decided is None else int(case.stage in APPROVED_STAGES),
        "certificate": case.certificate_number,
        "delivered_on": iso(case.delivered_on),
        "withdrawn_on": iso(case.withdrawn_on),
    }


class ApprovalFacts(Projection):
    name = "approval_facts"
    tables = (TABLE,)
    topics = events_of(SecondBirthApproval)

    def create(self, cursor: Cursor, suffix: str) -> None:
        table = f"{TABLE}{suffix}"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            "case_id TEXT NOT NULL, version INTEGER NOT NULL, "
            "recorded_at TEXT NOT NULL, superseded_at TEXT, "
            "community TEXT NOT NULL, stage TEXT NOT NULL, "
            "applied_on TEXT NOT NULL, decision_due TEXT NOT NULL, "
            "reviewed_on TEXT, eligible INTEGER, "
            "posted_on TEXT, posting_days INTEGER, posting_ends TEXT, "
            "objections_lodged INTEGER NOT NULL, objections_open INTEGER NOT NULL, "
            "open_at_decision INTEGER, decided_on TEXT, approved INTEGER, certificate TEXT, "
            "delivered_on TEXT, withdrawn_on TEXT, "
            "PRIMARY KEY (case_id, version))"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_applied "
            f"ON {table} (community, applied_on) WHERE superseded_at IS NULL"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_decided "
            f"ON {table} (community, decided_on) WHERE superseded_at IS NULL"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_recorded ON {table} (recorded_at)")
        # Every community's report: applied or decided in the period, one index per side of
        # the OR.  Not partial: SQLite uses no partial index for one side of an OR.
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_applied_on ON {table} (applied_on)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_decided_on ON {table} (decided_on)")

    def process(
        self, writes: Writes, suffix: str, event: Any, case: TrackedAggregate, position: int
    ) -> None:
        if isinstance(case, SecondBirthApproval):
            writes.version(f"{TABLE}{suffix}", facts_row(case))


# -- the report ------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalCase:
    """One approval as the report shows it: its facts as known, its stage on the report date."""

    case_id: str
    community: str
    stage: str  # on the report date
    applied_on: date
    decision_due: date
    posted_on: date | None
    posting_ends: date | None
    objections_lodged: int
    objections_open: int
    decided_on: date | None
    approved: bool | None
    decided_on_time: bool | None
    open_at_decision: bool | None
    certificate: str | None
    delivered_on: date | None
    withdrawn_on: date | None


@dataclass(frozen=True)
class ApprovalFigures:
    """The figures of one community, or of every community (``community`` None)."""

    community: str | None
    applications: int  # received in the period
    by_stage: Mapping[str, int]  # those applications by their stage on the report date
    decisions: int  # made in the period
    decided_on_time: int
    on_time_rate: Ratio
    approvals: int  # approvals among those decisions
    delivered: int  # of those approvals, delivered by the report date
    delivery_rate: Ratio
    median_days_to_delivery: Decimal | None
    posting_compliant: int
    posting_compliance: Ratio


@dataclass(frozen=True)
class ApprovalReport:
    period: Period
    report_date: date
    as_known_on: datetime | None
    community: str | None  # the scope; None: every community
    total: ApprovalFigures
    by_community: tuple[ApprovalFigures, ...]
    cases: tuple[ApprovalCase, ...]  # applied or decided in the period


def _figures(
    community: str | None, cases: Sequence[ApprovalCase], period: Period, report_date: date
) -> ApprovalFigures:
    end = min(period.last, report_date)

    def within(value: date | None) -> bool:
        return value is not None and period.first <= value <= end

    applications = [c for c in cases if within(c.applied_on)]
    stages = {stage.value: 0 for stage in ApprovalStage}
    for c in applications:
        stages[c.stage] += 1
    decisions = [c for c in cases if within(c.decided_on)]
    on_time = sum(1 for c in decisions if c.decided_on_time)
    approvals = [c for c in decisions if c.approved]
    delivered = [
        c for c in approvals if c.delivered_on is not None and c.delivered_on <= report_date
    ]
    compliant = sum(
        1
        for c in approvals
        if c.posting_ends is not None
        and c.decided_on is not None
        and c.decided_on > c.posting_ends
        and c.open_at_decision is False
    )
    return ApprovalFigures(
        community=community,
        applications=len(applications),
        by_stage=stages,
        decisions=len(decisions),
        decided_on_time=on_time,
        on_time_rate=Ratio(on_time, len(decisions)),
        approvals=len(approvals),
        delivered=len(delivered),
        delivery_rate=Ratio(len(delivered), len(approvals)),
        median_days_to_delivery=median(
            [(c.delivered_on - c.applied_on).days for c in delivered if c.delivered_on]
        ),
        posting_compliant=compliant,
        posting_compliance=Ratio(compliant, len(approvals)),
    )


def _report(
    period: Period,
    report_date: date,
    as_known_on: datetime | None,
    communities: Sequence[str],
    community: str | None,
    cases: list[ApprovalCase],
) -> ApprovalReport:
    cases.sort(key=lambda c: (c.community, c.applied_on, c.case_id))
    shown = [community] if community is not None else communities
    by_community = tuple(
        _figures(name, [c for c in cases if c.community == name], period, report_date)
        for name in breakdown_order(shown, (c.community for c in cases))
    )
    return ApprovalReport(
        period=period,
        report_date=report_date,
        as_known_on=as_known_on,
        community=community,
        total=_figures(community, cases, period, report_date),
        by_community=by_community,
        cases=tuple(cases),
    )


def _stage_of_row(row: Mapping[str, Any], on: date) -> ApprovalStage:
    """The stage a case had reached on a date, from the business dates of its row."""

    def by(column: str) -> bool:
        value = day(row[column])
        return value is not None and value <= on

    if by("withdrawn_on"):
        return ApprovalStage.WITHDRAWN
    if by("delivered_on"):
        return ApprovalStage.DELIVERED
    if by("decided_on"):
        return ApprovalStage.APPROVED if row["approved"] else ApprovalStage.REJECTED
    if by("posted_on"):
        return ApprovalStage.POSTED
    if by("reviewed_on"):
        return ApprovalStage.ELIGIBLE if row["eligible"] else ApprovalStage.INELIGIBLE
    return ApprovalStage.APPLIED


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def approval_report(
    cursor: Cursor,
    suffix: str,
    period: Period,
    *,
    report_date: date,
    communities: Sequence[str],
    community: str | None = None,
    as_known_on: datetime | None = None,
) -> ApprovalReport:
    """The approval report from the read model (see the module's docstring)."""
    table = f"{TABLE}{suffix}"
    condition, params = known_on(utc(as_known_on))
    first, end = period.first.isoformat(), min(period.last, report_date).isoformat()
    where = [
        condition,
        "((applied_on >= ? AND applied_on <= ?) OR (decided_on >= ? AND decided_on <= ?))",
    ]
    params += [first, end, first, end]
    if community is not None:
        where.append("community = ?")
        params.append(community)
    cursor.execute(f"SELECT * FROM {table} WHERE {' AND '.join(where)}", params)
    cases = []
    for row in cursor.fetchall():
        decided, due = day(row["decided_on"]), date.fromisoformat(row["decision_due"])
        cases.append(
            ApprovalCase(
                case_id=row["case_id"],
                community=row["community"],
                stage=_stage_of_row(row, report_date).value,
                applied_on=date.fromisoformat(row["applied_on"]),
                decision_due=due,
                posted_on=day(row["posted_on"]),
                posting_ends=day(row["posting_ends"]),
                objections_lodged=int(row["objections_lodged"]),
                objections_open=int(row["objections_open"]),
                decided_on=decided,
                approved=_flag(row["approved"]),
                decided_on_time=None if decided is None else decided <= due,
                open_at_decision=_flag(row["open_at_decision"]),
                certificate=row["certificate"],
                delivered_on=day(row["delivered_on"]),
                withdrawn_on=day(row["withdrawn_on"]),
            )
        )
    return _report(period, report_date, as_known_on, communities, community, cases)


# -- the same report from the events alone (tracker check) ---------------------------------


def _stage_of_case(case: SecondBirthApproval, on: date) -> ApprovalStage:
    """The stage on a date: the last step dated on or before it."""
    steps: list[tuple[date | None, ApprovalStage]] = [
        (case.applied_on, ApprovalStage.APPLIED),
        (
            case.reviewed_on,
            ApprovalStage.INELIGIBLE
            if case.stage is ApprovalStage.INELIGIBLE
            else ApprovalStage.ELIGIBLE,
        ),
        (case.posted_on, ApprovalStage.POSTED),
        (
            case.decided_on,
            ApprovalStage.APPROVED if case.certificate_number else ApprovalStage.REJECTED,
        ),
        (case.delivered_on, ApprovalStage.DELIVERED),
        (case.withdrawn_on, ApprovalStage.WITHDRAWN),
    ]
    reached = ApprovalStage.APPLIED
    for when, stage in steps:
        if when is not None and when <= on:
            reached = stage
    return reached


def recompute(
    app: Tracker,
    period: Period,
    *,
    report_date: date,
    communities: Sequence[str] | None = None,
    community: str | None = None,
    as_known_on: datetime | None = None,
) -> ApprovalReport:
    """``approval_report`` computed from the raw events: no view table is read."""
    end = min(period.last, report_date)
    cases = []
    for case in replay(app, SecondBirthApproval, as_known_on):
        applied = period.first <= case.applied_on <= end
        decided = case.decided_on is not None and period.first <= case.decided_on <= end
        if not (applied or decided) or community not in (None, case.community):
            continue
        cases.append(
            ApprovalCase(
                case_id=str(case.id),
                community=case.community,
                stage=_stage_of_case(case, report_date).value,
                applied_on=case.applied_on,
                decision_due=case.decision_due,
                posted_on=case.posted_on,
                posting_ends=case.posting_ends,
                objections_lodged=len(case.objections),
                objections_open=sum(1 for o in case.objections if o.upheld is None),
                decided_on=case.decided_on,
                approved=None if case.decided_on is None else case.certificate_number is not None,
                decided_on_time=case.decided_on_time,
                open_at_decision=(
                    None if case.decided_on is None else _open_on(case, case.decided_on)
                ),
                certificate=case.certificate_number,
                delivered_on=case.delivered_on,
                withdrawn_on=case.withdrawn_on,
            )
        )
    if communities is None:
        communities = [c.code for c in app.policy.communities]
    return _report(period, report_date, as_known_on, communities, community, cases)
