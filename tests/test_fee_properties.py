"""Property-based tests of the FeeCollection aggregate (see tests/aggregate_properties.py).

Any sequence of fee commands, with generated and often nonsensical arguments
(negative, zero and huge amounts, amounts typed as yuan text, schedules that
do not add up, dates around the 2021 abolition), either succeeds or is refused
with a TrackerError / InvalidMoney that leaves the case untouched; the cases
rebuilt from the store equal the live ones.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    initialize,
    multiple,
    rule,
    run_state_machine_as_test,
)

from tests.aggregate_properties import (
    ACTS,
    AMOUNTS,
    DAYS,
    GOOD_PERSONS,
    PERSONS,
    PLAIN_ACTS,
    POSTGRES_RUNS,
    SQLITE_RUNS,
    TEXTS,
    ActSpec,
    AggregateMachine,
    AmountSpec,
    Day,
    PersonSpec,
    money,
    shift,
)
from tracker.aggregates.base import Act
from tracker.aggregates.fee_collection import ChallengeKind, FeeCollection, FeeStage, Instalment
from tracker.money import Money
from tracker.policy import Policy

ABOLISHED = Policy().abolished_on  # 2021-08-20
# Mostly the real cut-off; sometimes any other day, as the aggregate takes it as an argument.
ABOLITIONS = st.one_of(
    st.just(ABOLISHED), st.just(ABOLISHED), st.dates(date(2010, 1, 1), date(2030, 12, 31))
)
FEES = st.one_of(st.integers(1, 5_000_000), AMOUNTS)
SUBJECTS = st.one_of(st.sampled_from(["(2019)鼓计征字第12号", "R-1", "court"]), TEXTS)
CHANGES = st.dictionaries(
    st.sampled_from(["amount", "decision_number", "served_on", "community"]),
    st.one_of(TEXTS, st.integers(-1, 5).map(Money), st.dates()),
    max_size=2,
)


def split(total: Money, parts: int) -> list[Money]:
    """``total`` in ``parts`` nearly equal amounts that add up to it exactly."""
    share, rest = divmod(total.fen, parts)
    return [Money(share + (rest if i == parts - 1 else 0)) for i in range(parts)]


class FeeMachine(AggregateMachine):
    cases: Bundle[FeeCollection] = Bundle("cases")

    @initialize(start=st.dates(date(2014, 1, 1), date(2021, 7, 31)))
    def begin(self, start: date) -> None:
        self.cursor = start

    @rule(
        target=cases,
        act=ACTS,
        number=SUBJECTS,
        parties=st.one_of(
            st.lists(GOOD_PERSONS, min_size=1, max_size=2),
            st.lists(st.one_of(GOOD_PERSONS, PERSONS), max_size=3),
        ),
        community=st.sampled_from(["xinmin", "", "elsewhere"]),
        amount=FEES,
        decided=DAYS,
        served=st.one_of(st.integers(0, 10), st.integers(-5, 40)),
        abolished=ABOLITIONS,
    )
    def assess(
        self,
        act: ActSpec,
        number: str,
        parties: list[PersonSpec],
        community: str,
        amount: AmountSpec,
        decided: Day,
        served: int,
        abolished: date,
    ) -> FeeCollection | MultipleResults[FeeCollection]:
        decided_on = self.on(decided)
        served_on = shift(decided_on, served)
        case = self.create(
            "assess",
            act,
            [decided_on, served_on],
            lambda at: FeeCollection.assess(
                at,
                decision_number=number,
                liable_parties=tuple(p.person() for p in parties),
                community=community,
                amount=money(amount),
                decided_on=decided_on,
                served_on=served_on,
                abolished_on=abolished,
            ),
        )
        if case is None:
            return multiple()
        return case

    # -- the lifecycle, walked with plausible arguments ---------------------------

    def _progress(self, case: FeeCollection, act: ActSpec, gap: int, variant: int) -> None:
        on = shift(self.base(case), gap)
        if case.stage is not FeeStage.ASSESSED or variant == 0:
            kind = ChallengeKind.REVIEW if gap % 2 else ChallengeKind.LAWSUIT
            self.run(
                "progress file_challenge",
                act,
                [on],
                lambda a: case.file_challenge(a, kind, on, "filed"),
                case,
            )
        elif variant == 1 and not case.instalments:
            applied = shift(case.served_on, gap)
            approved = shift(applied, 1 + gap % 3)
            due = [shift(approved, 30 * (i + 1)) for i in range(2 + gap % 3)]
            schedule = tuple(
                Instalment(d, m)
                for d, m in zip(due, split(case.outstanding, len(due)), strict=True)
            )
            self.run(
                "progress approve_instalments",
                act,
                [applied, approved],
                lambda a: case.approve_instalments(a, applied, approved, schedule, ABOLISHED),
                case,
            )
        elif variant in (2, 3):
            part = case.outstanding if variant == 2 else Money(max(1, case.outstanding.fen // 3))
            self.run(
                "progress record_payment",
                act,
                [on],
                lambda a: case.record_payment(a, f"R-{gap}", part, on, ABOLISHED),
                case,
            )
        elif variant == 4:
            after = shift(case.due_on, 1 + gap)
            self.run(
                "progress apply_enforcement",
                act,
                [after],
                lambda a: case.apply_enforcement(a, after, "鼓楼区人民法院", ABOLISHED),
                case,
            )
        elif variant == 5:
            ceased = max(on, shift(ABOLISHED, gap))
            self.run(
                "progress cease",
                act,
                [ceased],
                lambda a: case.cease(a, ceased, "fee abolished", ABOLISHED),
                case,
            )
        else:
            self.run(
                "progress write_off",
                act,
                [on],
                lambda a: case.write_off(a, on, "liable party deceased"),
                case,
            )

    @rule(case=cases, act=PLAIN_ACTS, gap=st.integers(0, 20), variant=st.integers(0, 6))
    def progress(self, case: FeeCollection, act: ActSpec, gap: int, variant: int) -> None:
        self._progress(case, act, gap, variant)

    # Hypothesis picks rules uniformly (and switches some off per example), so the
    # lifecycle walk gets more weight through two more rules doing the same.
    @rule(case=cases, act=PLAIN_ACTS, gap=st.integers(0, 20), variant=st.integers(0, 6))
    def progress_further(self, case: FeeCollection, act: ActSpec, gap: int, variant: int) -> None:
        self._progress(case, act, gap, variant)

    @rule(case=cases, act=PLAIN_ACTS, gap=st.integers(0, 20), variant=st.integers(0, 6))
    def progress_to_the_end(
        self, case: FeeCollection, act: ActSpec, gap: int, variant: int
    ) -> None:
        self._progress(case, act, gap, variant)

    # -- every command with generated arguments -----------------------------------

    @rule(
        case=cases,
        act=ACTS,
        applied=DAYS,
        approval_gap=st.integers(-3, 10),
        dues=st.lists(st.tuples(st.integers(-5, 90), AMOUNTS), max_size=4),
        exact=st.booleans(),
    )
    def approve_instalments(
        self,
        case: FeeCollection,
        act: ActSpec,
        applied: Day,
        approval_gap: int,
        dues: list[tuple[int, AmountSpec]],
        exact: bool,
    ) -> None:
        """``exact`` splits the outstanding balance; otherwise the amounts are as drawn."""
        applied_on = self.on(applied, case)
        approved_on = shift(applied_on, approval_gap)

        def command(a: Act) -> None:
            due_dates, due_on = [], approved_on
            for gap, _ in dues:
                due_on = shift(due_on, gap)
                due_dates.append(due_on)
            if exact and dues:
                amounts = split(case.outstanding, len(dues))
            else:
                amounts = [money(amount) for _, amount in dues]
            schedule = tuple(Instalment(d, m) for d, m in zip(due_dates, amounts, strict=True))
            case.approve_instalments(a, applied_on, approved_on, schedule, ABOLISHED)

        self.run("approve_instalments", act, [applied_on, approved_on], command, case)

    @rule(
        case=cases,
        act=ACTS,
        receipt=SUBJECTS,
        portion=st.sampled_from([None, None, 1, 2, 3]),
        amount=AMOUNTS,
        day=DAYS,
    )
    def record_payment(
        self,
        case: FeeCollection,
        act: ActSpec,
        receipt: str,
        portion: int | None,
        amount: AmountSpec,
        day: Day,
    ) -> None:
        """``portion`` n pays 1/n of the outstanding balance; None pays ``amount``."""
        on = self.on(day, case)

        def command(a: Act) -> None:
            paid = money(amount) if portion is None else Money(case.outstanding.fen // portion)
            case.record_payment(a, receipt, paid, on, ABOLISHED)

        self.run("record_payment", act, [on], command, case)

    @rule(case=cases, act=ACTS, kind=st.sampled_from(ChallengeKind), day=DAYS, note=TEXTS)
    def file_challenge(
        self, case: FeeCollection, act: ActSpec, kind: ChallengeKind, day: Day, note: str
    ) -> None:
        on = self.on(day, case)
        self.run(
            "file_challenge", act, [on], lambda a: case.file_challenge(a, kind, on, note), case
        )

    @rule(case=cases, act=ACTS, day=DAYS, court=SUBJECTS, abolished=ABOLITIONS)
    def apply_enforcement(
        self, case: FeeCollection, act: ActSpec, day: Day, court: str, abolished: date
    ) -> None:
        on = self.on(day, case)
        self.run(
            "apply_enforcement",
            act,
            [on],
            lambda a: case.apply_enforcement(a, on, court, abolished),
            case,
        )

    @rule(case=cases, act=ACTS, day=DAYS, reason=SUBJECTS)
    def write_off(self, case: FeeCollection, act: ActSpec, day: Day, reason: str) -> None:
        on = self.on(day, case)
        self.run("write_off", act, [on], lambda a: case.write_off(a, on, reason), case)

    @rule(case=cases, act=ACTS, day=DAYS, reason=SUBJECTS, abolished=ABOLITIONS)
    def cease(
        self, case: FeeCollection, act: ActSpec, day: Day, reason: str, abolished: date
    ) -> None:
        on = self.on(day, case)
        self.run("cease", act, [on], lambda a: case.cease(a, on, reason, abolished), case)

    @rule(case=cases, act=ACTS, reason=SUBJECTS, changes=CHANGES)
    def correct(
        self, case: FeeCollection, act: ActSpec, reason: str, changes: dict[str, Any]
    ) -> None:
        """Nothing on a fee case is correctable: always refused."""
        self.run("correct", act, [], lambda a: case.correct(a, reason, changes), case)


def test_fee_commands_on_sqlite() -> None:
    run_state_machine_as_test(FeeMachine, settings=SQLITE_RUNS)


@pytest.mark.postgres
def test_fee_commands_on_postgres(tmp_path: Path) -> None:
    class OnPostgres(FeeMachine):
        def __init__(self) -> None:
            super().__init__(postgres=tmp_path)

    run_state_machine_as_test(OnPostgres, settings=POSTGRES_RUNS)
