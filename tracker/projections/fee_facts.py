"""Fee facts: social maintenance fee cases and their payments, for the collection reports.

``fee_cases`` holds one row per version of every fee case (``record_version``,
read with ``known_on``): community, decision, amount in fen, the dues the late
fee is computed on, and the stage and date it was closed.  ``fee_payments``
gets a row for every payment, with the day it was paid and the moment it was
recorded, so a report date filters on ``paid_on`` and "as known on" on
``recorded_at``.

The reports (DOMAIN.md, "Social maintenance fees" and "Report dates"): the
cases whose decision date lies in the period up to the report date D;
coverage (征收面) = cases with a payment paid on or before D ÷ cases;
amount rate (征收额) = principal paid on or before D ÷ principal assessed.
Late fees are shown apart and never enter a rate.  ``recompute`` gives the
same report from the raw events, for ``tracker check``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tracker.aggregates.fee_collection import FeeCollection, FeeStage
from tracker.late_fees import Due, Payment, late_fee
from tracker.money import Money
from tracker.projections.projection import Projection, events_of, known_on
from tracker.projections.reporting import Ratio, breakdown_order, day, iso, replay, utc

if TYPE_CHECKING:
    from tracker.aggregates.base import TrackedAggregate
    from tracker.application import Tracker
    from tracker.periods import Period
    from tracker.projections.database import Cursor
    from tracker.projections.writes import Writes

CASES = "fee_cases"
PAYMENTS = "fee_payments"


def encode_dues(dues: Sequence[Due]) -> str:
    """``2020-04-30:400000;2020-05-31:400000``: due date and principal in fen."""
    return ";".join(f"{d.due_on.isoformat()}:{d.principal.fen}" for d in dues)


def decode_dues(text: str) -> tuple[Due, ...]:
    dues = []
    for part in text.split(";"):
        due_on, fen = part.split(":")
        dues.append(Due(date.fromisoformat(due_on), Money(int(fen))))
    return tuple(dues)


def case_row(case: FeeCollection) -> dict[str, Any]:
    return {
        "case_id": str(case.id),
        "version": case.version,
        "recorded_at": case.modified_on.isoformat(),
        "superseded_at": None,
        "community": case.community,
        "decision_number": case.decision_number,
        "decided_on": case.decided_on.isoformat(),
        "served_on": case.served_on.isoformat(),
        "due_on": case.due_on.isoformat(),
        "amount_fen": case.amount.fen,
        "dues": encode_dues(case.dues),
        "stage": case.stage.value,
        "closed_on": iso(case.closed_on),
    }


class FeeFacts(Projection):
    name = "fee_facts"
    tables = (CASES, PAYMENTS)
    topics = events_of(FeeCollection)

    def create(self, cursor: Cursor, suffix: str) -> None:
        cases, payments = f"{CASES}{suffix}", f"{PAYMENTS}{suffix}"
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {cases} ("
            "case_id TEXT NOT NULL, version INTEGER NOT NULL, "
            "recorded_at TEXT NOT NULL, superseded_at TEXT, "
            "community TEXT NOT NULL, decision_number TEXT NOT NULL, "
            "decided_on TEXT NOT NULL, served_on TEXT NOT NULL, due_on TEXT NOT NULL, "
            "amount_fen BIGINT NOT NULL, dues TEXT NOT NULL, "
            "stage TEXT NOT NULL, closed_on TEXT, "
            "PRIMARY KEY (case_id, version))"
        )
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {cases}_decided "
            f"ON {cases} (community, decided_on) WHERE superseded_at IS NULL"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {cases}_recorded ON {cases} (recorded_at)")
        # Every community's report: a period's cases without a full scan.
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {cases}_decided_on "
            f"ON {cases} (decided_on) WHERE superseded_at IS NULL"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {payments} ("
            "case_id TEXT NOT NULL, receipt TEXT NOT NULL, paid_on TEXT NOT NULL, "
            "amount_fen BIGINT NOT NULL, recorded_at TEXT NOT NULL, "
            "PRIMARY KEY (case_id, receipt))"
        )

    def process(
        self, writes: Writes, suffix: str, event: Any, case: TrackedAggregate, position: int
    ) -> None:
        if not isinstance(case, FeeCollection):
            return
        writes.version(f"{CASES}{suffix}", case_row(case))
        if isinstance(event, FeeCollection.PaymentReceived):
            writes.insert(
                f"{PAYMENTS}{suffix}",
                {
                    "case_id": str(case.id),
                    "receipt": event.receipt_number,
                    "paid_on": event.paid_on.isoformat(),
                    "amount_fen": event.amount.fen,
                    "recorded_at": case.modified_on.isoformat(),
                },
            )


# -- the report ------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeCase:
    """One case as the report shows it on the report date."""

    case_id: str
    community: str
    decision_number: str
    decided_on: date
    stage: str  # as of the report date: "assessed" until it was closed
    closed_on: date | None  # only when closed on or before the report date
    assessed: Money
    paid: Money  # principal paid on or before the report date
    outstanding: Money
    late_fee: Money  # as of FeeReport.late_fee_as_of, apart from the principal


@dataclass(frozen=True)
class FeeFigures:
    """The figures of one community, or of every community (``community`` None)."""

    community: str | None
    cases: int
    paying: int  # cases with at least one payment by the report date
    assessed: Money
    collected: Money
    outstanding: Money
    late_fees: Money
    by_stage: Mapping[str, int]
    coverage: Ratio  # 征收面: paying ÷ cases
    amount_rate: Ratio  # 征收额: collected ÷ assessed, in fen


@dataclass(frozen=True)
class FeeReport:
    period: Period
    report_date: date
    as_known_on: datetime | None
    late_fee_as_of: date
    community: str | None  # the scope; None: every community
    total: FeeFigures
    by_community: tuple[FeeFigures, ...]
    cases: tuple[FeeCase, ...]


def _figures(community: str | None, cases: Sequence[FeeCase]) -> FeeFigures:
    assessed = sum(c.assessed.fen for c in cases)
    collected = sum(c.paid.fen for c in cases)
    paying = sum(1 for c in cases if not c.paid.is_zero)
    stages: dict[str, int] = {stage.value: 0 for stage in FeeStage}
    for c in cases:
        stages[c.stage] = stages.get(c.stage, 0) + 1
    return FeeFigures(
        community=community,
        cases=len(cases),
        paying=paying,
        assessed=Money(assessed),
        collected=Money(collected),
        outstanding=Money(assessed - collected),
        late_fees=Money(sum(c.late_fee.fen for c in cases)),
        by_stage=stages,
        coverage=Ratio(paying, len(cases)),
        amount_rate=Ratio(collected, assessed),
    )


def _report(
    period: Period,
    report_date: date,
    as_known_on: datetime | None,
    late_fee_as_of: date,
    communities: Sequence[str],
    community: str | None,
    cases: list[FeeCase],
) -> FeeReport:
    cases.sort(key=lambda c: (c.community, c.decided_on, c.decision_number, c.case_id))
    shown = [community] if community is not None else communities
    by_community = tuple(
        _figures(name, [c for c in cases if c.community == name])
        for name in breakdown_order(shown, (c.community for c in cases))
    )
    return FeeReport(
        period=period,
        report_date=report_date,
        as_known_on=as_known_on,
        late_fee_as_of=late_fee_as_of,
        community=community,
        total=_figures(community, cases),
        by_community=by_community,
        cases=tuple(cases),
    )


def fee_report(
    cursor: Cursor,
    suffix: str,
    period: Period,
    *,
    report_date: date,
    communities: Sequence[str],
    abolished_on: date,
    community: str | None = None,
    as_known_on: datetime | None = None,
    late_fee_as_of: date | None = None,
) -> FeeReport:
    """The collection report from the read model.

    Cases decided in ``period`` up to ``report_date``; ``community`` limits to
    one; ``communities`` lists those shown in the breakdown (every configured
    one, so a community without cases shows "no cases").  Late fees are as of
    ``late_fee_as_of`` (the report date by default).
    """
    cases_table, payments_table = f"{CASES}{suffix}", f"{PAYMENTS}{suffix}"
    moment = utc(as_known_on)
    late_as_of = late_fee_as_of or report_date
    condition, params = known_on(moment)
    where = [condition, "decided_on >= ?", "decided_on <= ?"]
    params += [period.first.isoformat(), min(period.last, report_date).isoformat()]
    if community is not None:
        where.append("community = ?")
        params.append(community)
    selected = " AND ".join(where)
    cursor.execute(
        "SELECT case_id, community, decision_number, decided_on, amount_fen, dues, "
        f"stage, closed_on FROM {cases_table} WHERE {selected}",
        params,
    )
    rows = cursor.fetchall()
    payment_sql = (
        f"SELECT p.case_id, p.paid_on, p.amount_fen FROM {payments_table} p "
        f"WHERE p.case_id IN (SELECT case_id FROM {cases_table} WHERE {selected})"
    )
    payment_params = list(params)
    if moment is not None:
        payment_sql += " AND p.recorded_at <= ?"
        payment_params.append(moment.isoformat())
    cursor.execute(payment_sql, payment_params)
    payments: dict[str, list[Payment]] = defaultdict(list)
    for p in cursor.fetchall():
        payments[p["case_id"]].append(
            Payment(date.fromisoformat(p["paid_on"]), Money(int(p["amount_fen"])))
        )
    cases = []
    for row in rows:
        paid = payments[row["case_id"]]
        closed = day(row["closed_on"])
        stop = abolished_on if closed is None else min(abolished_on, closed)
        closed_by_report = closed is not None and closed <= report_date
        assessed = int(row["amount_fen"])
        paid_fen = sum(p.amount.fen for p in paid if p.paid_on <= report_date)
        cases.append(
            FeeCase(
                case_id=row["case_id"],
                community=row["community"],
                decision_number=row["decision_number"],
                decided_on=date.fromisoformat(row["decided_on"]),
                stage=row["stage"] if closed_by_report else FeeStage.ASSESSED.value,
                closed_on=closed if closed_by_report else None,
                assessed=Money(assessed),
                paid=Money(paid_fen),
                outstanding=Money(assessed - paid_fen),
                late_fee=late_fee(decode_dues(row["dues"]), paid, as_of=late_as_of, stop_on=stop),
            )
        )
    return _report(period, report_date, as_known_on, late_as_of, communities, community, cases)


# -- the same report from the events alone (tracker check) ---------------------------------


def recompute(
    app: Tracker,
    period: Period,
    *,
    report_date: date,
    communities: Sequence[str] | None = None,
    community: str | None = None,
    as_known_on: datetime | None = None,
    late_fee_as_of: date | None = None,
) -> FeeReport:
    """``fee_report`` computed from the raw events: no view table is read."""
    late_as_of = late_fee_as_of or report_date
    abolished_on = app.policy.abolished_on
    cases = []
    for case in replay(app, FeeCollection, as_known_on):
        if not period.first <= case.decided_on <= min(period.last, report_date):
            continue
        if community is not None and case.community != community:
            continue
        paid = sum((r.amount for r in case.receipts if r.paid_on <= report_date), Money.zero())
        closed = case.closed_on is not None and case.closed_on <= report_date
        cases.append(
            FeeCase(
                case_id=str(case.id),
                community=case.community,
                decision_number=case.decision_number,
                decided_on=case.decided_on,
                stage=case.stage.value if closed else FeeStage.ASSESSED.value,
                closed_on=case.closed_on if closed else None,
                assessed=case.amount,
                paid=paid,
                outstanding=case.amount - paid,
                late_fee=case.late_fee(late_as_of, abolished_on),
            )
        )
    if communities is None:
        communities = [c.code for c in app.policy.communities]
    return _report(period, report_date, as_known_on, late_as_of, communities, community, cases)
