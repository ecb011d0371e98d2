"""A long, plausible history of one sub-district, built with the aggregates' own commands.

Used by ``bench.projections`` to fill a store quickly: the cases are built in
memory with their real command methods (``Petition.register``, ``.accept``,
``.reply``, ``SecondBirthApproval.apply_for``, ``FeeCollection.assess`` ...),
each step with an ``Act`` whose recording time is the step's business date,
and saved many aggregates per ``app.save`` instead of one command per save.

Density is fixed per day, so a longer history means more years, not denser
months: a month of one community holds about as many cases in a store of a
million events as in one of ten thousand.  Petitions and approvals run up to
the day before ``today``; fee cases, which could not be assessed after the
abolition (2021-08-20), run up to the day before it, over a window of the
same length.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from tracker import deadlines
from tracker.aggregates.approval import SecondBirthApproval
from tracker.aggregates.base import Act, TrackedAggregate
from tracker.aggregates.fee_collection import FeeCollection, Instalment
from tracker.aggregates.petition import Channel, Level, Outcome, Petition, Satisfaction
from tracker.aggregates.unique_number import NumberKind, UniqueNumber
from tracker.clock import SHANGHAI
from tracker.demo import (
    APPROVER,
    CATEGORIES,
    COMMUNITY_OFFICERS,
    GIVEN,
    REGIONS,
    SUB_DISTRICT_OFFICER,
    SURNAMES,
)
from tracker.money import Money
from tracker.person import Person
from tracker.policy import DEFAULT_GROUNDS
from tracker.resident_id import make_resident_id

PETITIONS_PER_DAY = 16
APPROVALS_PER_DAY = 3
FEES_PER_DAY = 3

# The demo's people and wording; the policy's grounds.
GROUNDS = tuple(ground.code for ground in DEFAULT_GROUNDS)


@dataclass
class Steps:
    """The acts of one case: recorded on each step's business date, in order."""

    first: date
    minute: int
    count: int = 0

    def act(self, actor: str, day: date) -> Act:
        self.count += 1
        at = datetime.combine(day, time(8, 30), SHANGHAI) + timedelta(
            minutes=self.minute + self.count
        )
        return Act(actor=actor, at=at)


@dataclass
class History:
    """Cases of one sub-district, day by day; seeded, so the same arguments give the same store."""

    today: date
    abolished_on: date
    days: int
    seed: int = 2026
    rng: random.Random = field(init=False)
    _numbers: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @property
    def last(self) -> date:
        """The last day of petitions and approvals (business dates stay before today)."""
        return self.today - timedelta(days=1)

    @property
    def fee_last(self) -> date:
        return self.abolished_on - timedelta(days=1)

    def calendar(self) -> Iterator[tuple[date, bool, bool]]:
        """Every day of both windows in date order: (day, fee cases?, petitions and approvals?)."""
        cases_from = self.last - timedelta(days=self.days - 1)
        fees_from = self.fee_last - timedelta(days=self.days - 1)
        day = min(cases_from, fees_from)
        while day <= self.last:
            yield day, fees_from <= day <= self.fee_last, cases_from <= day
            day += timedelta(days=1)

    def day(self, day: date, fees: bool, cases: bool) -> list[TrackedAggregate]:
        """The aggregates of the cases opened on ``day``, with all their events pending."""
        built: list[TrackedAggregate] = []
        if fees:
            for _ in range(FEES_PER_DAY):
                built += self.fee_case(day)
        if cases:
            for _ in range(PETITIONS_PER_DAY):
                built += self.petition(day)
            for _ in range(APPROVALS_PER_DAY):
                built += self.approval(day)
        return built

    # -- people and numbers -------------------------------------------------------------

    def _name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def _person(self, *, identified: bool, female: bool | None = None) -> Person:
        rng = self.rng
        name = self._name()
        if not identified:
            return Person(name)
        birth = date(rng.randint(1940, 1975), rng.randint(1, 12), rng.randint(1, 28))
        sequence = rng.randint(1, 499) * 2
        if female is False or (female is None and rng.random() < 0.5):
            sequence -= 1
        return Person(name, make_resident_id(rng.choice(REGIONS), birth, sequence))

    def _number(self) -> int:
        self._numbers += 1
        return self._numbers

    def _steps(self, first: date) -> Steps:
        return Steps(first, self.rng.randint(0, 480))

    # -- petitions ----------------------------------------------------------------------

    def petition(self, received: date) -> list[TrackedAggregate]:
        rng = self.rng
        steps = self._steps(received)
        community = rng.choice(list(COMMUNITY_OFFICERS))
        officer = COMMUNITY_OFFICERS[community]
        headcount = rng.choices([1, rng.randint(2, 4), rng.randint(5, 12)], [80, 16, 4])[0]
        competent = rng.choices([Level.SUB_DISTRICT, Level.COMMUNITY], [80, 20])[0]
        lodged = Level(competent.value + rng.choices([0, 1, 2, 3], [75, 20, 4, 1])[0])
        category = rng.choice(list(CATEGORIES))
        petitioners = tuple(
            self._person(identified=rng.random() < 0.5) for _ in range(min(headcount, 3))
        )
        case = Petition.register(
            steps.act(officer, received),
            channel=rng.choices(list(Channel), [30, 35, 25, 10])[0],
            received_on=received,
            petitioners=petitioners,
            headcount=headcount,
            community=community,
            category=category,
            summary=CATEGORIES[category],
            lodged_level=lodged,
            competent_level=competent,
        )
        built: list[TrackedAggregate] = [case]
        if rng.random() < 0.01:
            built.append(self._duplicate(case, steps, received))
        routed = received + timedelta(days=rng.choices([rng.randint(1, 12), 18], [95, 5])[0])
        if routed > self.last:
            return built
        route = rng.choices(["accept", "not", "forward"], [85, 9, 6])[0]
        if route == "not":
            case.not_accept(
                steps.act(officer, routed), routed, "属于行政复议受理范围，已告知信访人"
            )
            return built
        if route == "forward":
            case.forward(steps.act(officer, routed), routed, "区卫生健康局")
            return built
        case.accept(steps.act(officer, routed), routed)
        assignee = officer if rng.random() < 0.8 else SUB_DISTRICT_OFFICER
        case.assign(steps.act(officer, routed), assignee)
        noted = routed + timedelta(days=3)
        if rng.random() < 0.4 and noted <= self.last:
            case.add_note(steps.act(assignee, noted), "已约谈信访人，调取相关档案核实")
        self._handle(case, steps, routed, assignee)
        return built

    def _duplicate(self, original: Petition, steps: Steps, received: date) -> Petition:
        """A second letter on the same matter, registered and merged the same day.

        It shares the original's steps, so the original's recording times keep rising.
        """
        duplicate = Petition.register(
            steps.act(SUB_DISTRICT_OFFICER, received),
            channel=Channel.LETTER,
            received_on=received,
            petitioners=original.petitioners,
            headcount=original.headcount,
            community=original.community,
            category=original.category,
            summary=original.summary,
            lodged_level=original.lodged_level,
            competent_level=original.competent_level,
        )
        duplicate.merge_into(
            steps.act(SUB_DISTRICT_OFFICER, received), original, "同一信访人就同一事项重复来信"
        )
        return duplicate

    def _handle(self, case: Petition, steps: Steps, accepted: date, officer: str) -> None:
        rng = self.rng
        kind = rng.choices(["normal", "late", "extended", "backlog"], [88, 6, 3, 3])[0]
        # A backlog case is replied months late: old ones are all cleared, recent ones are open.
        days = {"normal": rng.randint(8, 55), "late": rng.randint(64, 80)}.get(
            kind, 75 if kind == "extended" else rng.randint(90, 200)
        )
        if kind == "extended":
            approved = accepted + timedelta(days=50)
            if approved > self.last:
                return
            case.grant_extension(
                steps.act(APPROVER, approved), 30, "涉及多年档案，需协调区档案馆", approved
            )
        replied = accepted + timedelta(days=days)
        if replied > self.last:
            return
        outcome = rng.choices(list(Outcome), [45, 40, 15])[0]
        case.reply(steps.act(officer, replied), replied, outcome, "经调查核实，已书面答复信访人。")
        rated = replied + timedelta(days=rng.randint(3, 14))
        if rng.random() < 0.7 and rated <= self.last:
            rating = rng.choices(list(Satisfaction), [70, 22, 8])[0]
            case.record_satisfaction(steps.act(officer, rated), rating, rated)
        if outcome is not Outcome.SUPPORTED and rng.random() < 0.12:
            requested = replied + timedelta(days=rng.randint(15, 25))  # after the rating
            opinion = requested + timedelta(days=rng.randint(10, 28))
            if opinion <= self.last:
                case.request_review(steps.act(officer, requested), requested)
                case.give_opinion(
                    steps.act(officer, opinion), opinion, Outcome.NOT_SUPPORTED, "维持原答复意见"
                )
        elif rng.random() < 0.2:
            window = case.review_request_limit
            assert window is not None
            ended = window + timedelta(days=rng.randint(1, 10))
            if ended > self.last:
                return
            case.terminate(steps.act(officer, ended), ended, "答复后三十日内未申请复查")

    # -- second-birth approvals -----------------------------------------------------------

    def approval(self, applied: date) -> list[TrackedAggregate]:
        rng = self.rng
        steps = self._steps(applied)
        community = rng.choice(list(COMMUNITY_OFFICERS))
        officer = COMMUNITY_OFFICERS[community]
        case = SecondBirthApproval.apply_for(
            steps.act(officer, applied),
            spouses=(
                self._person(identified=True, female=False),
                self._person(identified=True, female=True),
            ),
            community=community,
            existing_children=1,
            policy_ground=rng.choice(GROUNDS),
            applied_on=applied,
        )
        built: list[TrackedAggregate] = [case]
        reviewed = applied + timedelta(days=rng.randint(1, 3))
        if reviewed > self.last:
            return built
        if rng.random() < 0.08:
            case.review_eligibility(
                steps.act(officer, reviewed), False, reviewed, "不符合再生育条件"
            )
            return built
        case.review_eligibility(steps.act(officer, reviewed), True, reviewed, "符合条例规定")
        if rng.random() < 0.03:
            withdrawn = reviewed + timedelta(days=2)
            if withdrawn <= self.last:
                case.withdraw(steps.act(officer, withdrawn), withdrawn, "申请人撤回申请")
            return built
        posted = reviewed + timedelta(days=rng.randint(0, 2))
        if posted > self.last:
            return built
        case.post(steps.act(officer, posted), posted, "社区公示栏", 7)
        ends = case.posting_ends
        assert ends is not None
        ready = ends
        if rng.random() < 0.08:
            lodged, resolved = posted + timedelta(days=2), posted + timedelta(days=5)
            if resolved > self.last:
                return built
            number = case.lodge_objection(steps.act(officer, lodged), lodged, "邻居", "反映多孩")
            upheld = rng.random() < 0.2
            who = APPROVER if upheld else officer
            case.resolve_objection(steps.act(who, resolved), number, upheld, "经核实", resolved)
            if upheld:
                return built
            ready = max(ready, resolved)
        decided = ready + timedelta(days=rng.randint(1, 4))
        if decided > self.last:
            return built
        if rng.random() < 0.05:
            case.decide(steps.act(APPROVER, decided), False, decided, None, "材料不实")
            return built
        certificate = f"{decided.year}-{self._number():07d}"
        act = steps.act(APPROVER, decided)
        case.decide(act, True, decided, certificate, "")
        built.append(
            UniqueNumber.claim(act, NumberKind.CERTIFICATE, certificate, case.id, community)
        )
        delivered = decided + timedelta(days=rng.randint(2, 7))
        if delivered <= self.last:
            case.deliver_certificate(
                steps.act(officer, delivered), delivered, "申请人本人", officer
            )
        return built

    # -- social maintenance fees ----------------------------------------------------------

    def fee_case(self, decided: date) -> list[TrackedAggregate]:
        rng = self.rng
        community = rng.choice(list(COMMUNITY_OFFICERS))
        officer = COMMUNITY_OFFICERS[community]
        served = decided + timedelta(days=rng.randint(3, 10))
        steps = self._steps(served)
        amount = Money(rng.randint(100, 1200) * 10000)
        case = FeeCollection.assess(
            steps.act(officer, served),
            decision_number=f"鼓计征〔{decided.year}〕{self._number()}号",
            liable_parties=(
                self._person(identified=True, female=False),
                self._person(identified=True, female=True),
            ),
            community=community,
            amount=amount,
            decided_on=decided,
            served_on=served,
            abolished_on=self.abolished_on,
        )
        built: list[TrackedAggregate] = [case]
        due = case.due_on
        plan = rng.choices(["full", "partial", "instalments", "none"], [35, 25, 20, 20])[0]
        if plan == "full":
            built += self._pay(case, steps, officer, amount, served + timedelta(rng.randint(5, 28)))
        elif plan == "partial":
            built += self._pay(case, steps, officer, Money(amount.fen // 2), due - timedelta(3))
        elif plan == "instalments":
            built += self._instalments(case, steps, officer, served, amount)
        if plan in ("partial", "none") and rng.random() < 0.4:
            enforced = due + timedelta(days=60)
            if enforced < self.abolished_on:
                case.apply_enforcement(
                    steps.act(officer, enforced), enforced, "鼓楼区人民法院", self.abolished_on
                )
        written = due + timedelta(days=90)
        if plan == "none" and rng.random() < 0.2 and written < self.abolished_on:
            case.write_off(steps.act(APPROVER, written), written, "当事人下落不明，无可执行财产")
        if case.is_open:
            ceased = self.abolished_on + timedelta(days=rng.randint(12, 60))
            case.cease(
                steps.act(officer, ceased),
                ceased,
                "人口与计划生育法修正，停止征收社会抚养费",
                self.abolished_on,
            )
        return built

    def _pay(
        self, case: FeeCollection, steps: Steps, officer: str, amount: Money, paid: date
    ) -> list[TrackedAggregate]:
        if paid >= self.abolished_on or paid > self.last or not case.is_open:
            return []
        receipt = f"FJ{paid.year}{self._number():08d}"
        act = steps.act(officer, paid)
        case.record_payment(act, receipt, amount, paid, self.abolished_on)
        return [UniqueNumber.claim(act, NumberKind.RECEIPT, receipt, case.id, case.community)]

    def _instalments(
        self, case: FeeCollection, steps: Steps, officer: str, served: date, amount: Money
    ) -> list[TrackedAggregate]:
        applied = served + timedelta(days=10)
        approved = applied + timedelta(days=3)
        if approved >= self.abolished_on:
            return []
        count = self.rng.randint(3, 4)
        share = amount.fen // count
        amounts = [share] * (count - 1) + [amount.fen - share * (count - 1)]
        schedule = tuple(
            Instalment(deadlines.add_months(approved, 1 + i * 2), Money(fen))
            for i, fen in enumerate(amounts)
        )
        case.approve_instalments(
            steps.act(APPROVER, approved), applied, approved, schedule, self.abolished_on
        )
        claims: list[TrackedAggregate] = []
        for instalment in schedule[: self.rng.randint(1, count)]:
            claims += self._pay(
                case, steps, officer, instalment.amount, instalment.due_on - timedelta(days=2)
            )
        return claims


def events_of(aggregates: list[TrackedAggregate]) -> list[Any]:
    """Every pending event of the aggregates, in recording-time order.

    Each aggregate's events must already be in that order (the sort is stable),
    or the log would hold a version before the one it follows.
    """
    events: list[Any] = []
    for aggregate in aggregates:
        pending = aggregate.collect_events()
        if any(a.timestamp >= b.timestamp for a, b in itertools.pairwise(pending)):
            raise AssertionError(f"the steps of {type(aggregate).__name__} are out of time order")
        events += pending
    events.sort(key=lambda event: event.timestamp)
    return events
