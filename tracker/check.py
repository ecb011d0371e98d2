"""台帐、报表、实际三一致: every figure from the read models, recomputed from the raw events.

The recomputation reads only the notification log and rebuilds the cases in
memory; it shares no table with the read models, so a view changed behind
their back, or a projection bug, shows up as a difference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.aggregates.approval import SecondBirthApproval
from tracker.aggregates.fee_collection import FeeCollection
from tracker.aggregates.petition import Petition
from tracker.periods import Period
from tracker.projections import approval_facts, fee_facts, petition_reports
from tracker.projections.case_index import PERSONAL, opened, row_for
from tracker.projections.database import UNAVAILABLE, as_stored
from tracker.projections.failures import describe
from tracker.projections.reporting import replay

if TYPE_CHECKING:
    from tracker.application import Tracker
    from tracker.projections.database import Cursor


@dataclass(frozen=True)
class Difference:
    what: str
    in_view: Any
    from_events: Any

    def __str__(self) -> str:
        return f"{self.what}\n  read model: {self.in_view}\n  events:     {self.from_events}"


def periods(years: Iterable[int]) -> Iterator[Period]:
    """Every month, quarter and year of the given years."""
    for year in sorted(set(years)):
        yield Period.whole_year(year)
        for quarter in range(1, 5):
            yield Period.quarter(year, quarter)
        for month in range(1, 13):
            yield Period.month(year, month)


def _compare(what: str, in_view: Any, from_events: Any) -> list[Difference]:
    return [] if in_view == from_events else [Difference(what, in_view, from_events)]


def _shown(row: dict[str, Any] | None, other: dict[str, Any] | None) -> dict[str, Any] | None:
    """A case index row to report, its names and summary hidden (say only whether they differ).

    Auditors and admins run the check, and they see names masked everywhere else.
    """
    if row is None:
        return None
    hidden = {
        column: "[differs]" if other is not None and row[column] != other[column] else "[same]"
        for column in PERSONAL
    }
    return {**row, **hidden}


class Checker:
    def __init__(self, app: Tracker) -> None:
        self.app = app
        self.today = app.clock.today()
        self.communities = [c.code for c in app.policy.communities]

    def run(self, on_step: Callable[[str], None] = lambda _: None) -> list[Difference]:
        """Every difference found; a read model stopped by an event, or events that cannot
        be replayed, are differences too (reported, never a crash of the check)."""
        self.app.views.refresh()
        differences = [
            Difference(
                f"read model {failure.name} stopped before the event at position "
                f"{failure.position} (since {failure.failed_at:%Y-%m-%d %H:%M} UTC)",
                "stopped",
                failure.error,
            )
            for failure in self.app.views.failures()
        ]
        for name, step in (
            ("case index", self.case_index),
            ("petition figures", self.petition_figures),
            ("fee figures", self.fee_figures),
            ("approval figures", self.approval_figures),
        ):
            on_step(name)
            try:
                differences += step()
            except UNAVAILABLE:
                raise
            except Exception as error:
                differences.append(
                    Difference(f"the {name} could not be recomputed", "", describe(error))
                )
        return differences

    def _read(self, name: str, query: Callable[[Cursor, str], Any]) -> Any:
        with self.app.views.db.read() as cursor:
            return query(cursor, self.app.views.suffix(cursor, name))

    def case_index(self) -> list[Difference]:
        threshold = self.app.policy.collective_threshold
        expected = {}
        for kind in (Petition, SecondBirthApproval, FeeCollection):
            for case in replay(self.app, kind):
                row = row_for(case, threshold)
                assert row is not None
                expected[row["case_id"]] = row

        def current(cursor: Cursor, suffix: str) -> dict[str, dict[str, Any]]:
            cursor.execute(f"SELECT * FROM case_versions{suffix} WHERE superseded_at IS NULL")
            return {row["case_id"]: opened(row, cursor.sealer) for row in cursor.fetchall()}

        stored = self._read("case_index", current)
        differences = []
        for case_id in sorted(set(expected) | set(stored)):
            view, events = stored.get(case_id), expected.get(case_id)
            if view is not None and events is not None:
                view = {k: view[k] for k in events}
            if events is not None:  # as the read models can hold text (no NUL)
                events = {k: as_stored(v) for k, v in events.items()}
            if view != events:
                what = f"case index row {case_id}"
                differences.append(Difference(what, _shown(view, events), _shown(events, view)))
        return differences

    def petition_figures(self) -> list[Difference]:
        petitions = petition_reports.replay(self.app)
        years = {p.case.received_on.year for p in petitions}
        differences = []
        for period in periods(years):
            report_date = period.default_report_date(self.today)
            if report_date < period.first:
                continue

            def query(
                cursor: Cursor,
                suffix: str,
                period: Period = period,
                report_date: date = report_date,
            ) -> Any:
                return petition_reports.figures(
                    cursor, suffix, period, None, report_date, communities=self.communities
                )

            in_view = self._read("petition_facts", query)
            from_events = petition_reports.recompute(
                self.app, period, None, report_date, petitions=petitions
            )
            differences += _compare(f"petition figures {period}", in_view, from_events)
        return differences

    def _reports(
        self,
        name: str,
        years: set[int],
        view_query: Callable[..., Any],
        recompute: Callable[..., Any],
        **options: Any,
    ) -> list[Difference]:
        differences = []
        for period in periods(years):
            report_date: date = period.default_report_date(self.today)
            if report_date < period.first:
                continue

            def query(
                cursor: Cursor,
                suffix: str,
                period: Period = period,
                report_date: date = report_date,
            ) -> Any:
                return view_query(
                    cursor,
                    suffix,
                    period,
                    report_date=report_date,
                    communities=self.communities,
                    **options,
                )

            in_view = self._read(name, query)
            from_events = recompute(
                self.app, period, report_date=report_date, communities=self.communities
            )
            differences += _compare(f"{name} {period}", in_view, from_events)
        return differences

    def fee_figures(self) -> list[Difference]:
        years = {case.decided_on.year for case in replay(self.app, FeeCollection)}
        return self._reports(
            "fee_facts",
            years,
            fee_facts.fee_report,
            fee_facts.recompute,
            abolished_on=self.app.policy.abolished_on,
        )

    def approval_figures(self) -> list[Difference]:
        years = {case.applied_on.year for case in replay(self.app, SecondBirthApproval)}
        return self._reports(
            "approval_facts", years, approval_facts.approval_report, approval_facts.recompute
        )
