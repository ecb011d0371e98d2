"""A realistic year of one sub-district, recorded through the application layer.

Every case goes through the same commands a user would give, in business
date order, with the clock set to each step's date, so recorded time and
business time agree and "as known on" questions have real answers.  The
random generator is seeded: the same day gives the same demo.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from uuid import UUID

from tracker import deadlines
from tracker.aggregates.account import Account
from tracker.aggregates.fee_collection import ChallengeKind, Instalment
from tracker.aggregates.petition import Channel, Level, Outcome, Satisfaction
from tracker.application import Tracker
from tracker.clock import SHANGHAI, FixedClock, SystemClock
from tracker.money import Money
from tracker.permissions import Principal
from tracker.person import Person
from tracker.resident_id import make_resident_id
from tracker.roles import Role
from tracker.settings import Settings

DEMO_PASSWORD = "tracker-demo-2026"
ADMIN = "admin"
APPROVER = "wang"
AUDITOR = "zhou"
SUB_DISTRICT_OFFICER = "liu"
COMMUNITY_OFFICERS = {
    "xinmin": "chen",
    "dongjie": "lin",
    "nanmen": "huang",
    "sanfang": "zheng",
    "wenquan": "wu",
}
ACCOUNTS: tuple[tuple[str, str, tuple[Role, ...], str | None], ...] = (
    (SUB_DISTRICT_OFFICER, "刘建华", (Role.OFFICER,), None),
    (APPROVER, "王丽萍", (Role.APPROVER,), None),
    (AUDITOR, "周文斌", (Role.AUDITOR,), None),
    *(
        (username, name, (Role.OFFICER,), community)
        for (community, username), name in zip(
            COMMUNITY_OFFICERS.items(),
            ("陈秀英", "林志强", "黄美玲", "郑国平", "吴晓燕"),
            strict=True,
        )
    ),
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = (
    "秀英",
    "桂兰",
    "建国",
    "志强",
    "丽华",
    "海燕",
    "国平",
    "金凤",
    "明辉",
    "春梅",
    "文杰",
    "淑珍",
)
REGIONS = ("350102", "350103", "350104", "350105", "350111")
CATEGORIES = {
    "独生子女父母奖励": "反映独生子女父母奖励金未按时兑现",
    "计生特殊家庭扶助": "申请计划生育特殊家庭扶助金",
    "社会抚养费": "对社会抚养费征收决定有异议",
    "再生育审批": "询问再生育审批办理进度",
    "流动人口管理": "反映流动人口婚育证明办理问题",
    "工作作风": "反映社区计生干部工作态度问题",
    "计生政策咨询": "咨询计划生育奖励扶助政策",
}


@dataclass
class _Case:
    """A case's id once its first step has run, for the steps after it."""

    id: UUID | None = None

    @property
    def known(self) -> UUID:
        assert self.id is not None
        return self.id


@dataclass(order=True)
class _Step:
    day: date
    seq: int
    run: Callable[[], object] = field(compare=False)


class DemoYear:
    def __init__(self, settings: Settings, today: date | None = None, seed: int = 2026) -> None:
        self.today = today or SystemClock().today()
        self.start = self.today - timedelta(days=364)
        self.clock = FixedClock.on(self.start)
        self.app = Tracker(settings, clock=self.clock)
        self.rng = random.Random(seed)
        self.steps: list[_Step] = []
        self._seq = 0
        self._certificates = 0
        self._receipts = 0

    def close(self) -> None:
        self.app.close()

    def store_is_empty(self) -> bool:
        return not self.app.recorder.max_notification_id()

    def users(self) -> list[tuple[str, str, str]]:
        """The demo accounts present in the store: username, roles, scope."""
        found = []
        for username in (ADMIN, *(a[0] for a in ACCOUNTS)):
            if self.app.exists(Account.id_for(username)):
                principal = self.app.accounts.principal(username)
                roles = ", ".join(sorted(r.value for r in principal.roles))
                found.append((username, roles, principal.community or "街道（全部社区）"))
        return found

    # -- planning ----------------------------------------------------------------

    def plan(self) -> int:
        """Lay out every step of the year; returns how many there are."""
        self.steps.clear()
        for _ in range(24):
            self._fee_case()
        for _ in range(300):
            self._petition()
        self._duplicates()
        for _ in range(40):
            self._approval()
        self.steps.sort()
        return len(self.steps) + 1

    def record(self, on_step: Callable[[], None] = lambda: None) -> None:
        """Run the planned steps in business-date order, the clock following them."""
        if not self.steps:
            self.plan()
        self._at(min(self.steps[0].day, self.start))
        self._accounts()
        on_step()
        for step in self.steps:
            self._at(step.day)
            step.run()
            on_step()

    def _at(self, day: date) -> None:
        moment = datetime.combine(day, time(9), SHANGHAI) + timedelta(minutes=self._seq % 480)
        self.clock.set(min(moment, SystemClock().now()))

    def _add(self, day: date, run: Callable[[], object]) -> None:
        self._seq += 1
        self.steps.append(_Step(day, self._seq, run))

    def _who(self, username: str) -> Principal:
        return self.app.accounts.principal(username)

    def _accounts(self) -> None:
        admin = self.app.accounts.create_first_admin(ADMIN, "系统管理员", DEMO_PASSWORD)
        root = self._who(admin.username)
        for username, name, roles, community in ACCOUNTS:
            self.app.accounts.create(
                root,
                username=username,
                display_name=name,
                password=DEMO_PASSWORD,
                community=community,
                roles=roles,
            )

    # -- generators ------------------------------------------------------------------

    def _person(self, *, identified: bool, female: bool | None = None) -> Person:
        rng = self.rng
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if not identified:
            return Person(name)
        birth = date(rng.randint(1960, 1996), rng.randint(1, 12), rng.randint(1, 28))
        sequence = rng.randint(1, 499) * 2
        if female is False or (female is None and rng.random() < 0.5):
            sequence -= 1
        return Person(name, make_resident_id(rng.choice(REGIONS), birth, sequence))

    def _day_in_year(self) -> date:
        return self.start + timedelta(days=self.rng.randint(0, 364))

    def _petition(self, received: date | None = None, case: _Case | None = None) -> _Case:
        rng = self.rng
        case = case or _Case()
        received = received or self._day_in_year()
        community = rng.choice(list(COMMUNITY_OFFICERS))
        officer = COMMUNITY_OFFICERS[community]
        headcount = rng.choices([1, rng.randint(2, 4), rng.randint(5, 12)], [80, 16, 4])[0]
        competent = rng.choices([Level.SUB_DISTRICT, Level.COMMUNITY], [80, 20])[0]
        jump = rng.choices([0, 1, 2, 3], [75, 20, 4, 1])[0]
        lodged = Level(competent.value + jump)
        category = rng.choice(list(CATEGORIES))
        petitioners = tuple(
            self._person(identified=rng.random() < 0.5) for _ in range(min(headcount, 3))
        )

        def register() -> None:
            case.id = self.app.petitions.register(
                self._who(officer),
                channel=rng.choices(list(Channel), [30, 35, 25, 10])[0],
                received_on=received,
                petitioners=petitioners,
                headcount=headcount,
                community=community,
                category=category,
                summary=CATEGORIES[category],
                lodged_level=lodged,
                competent_level=competent,
            ).case_id

        self._add(received, register)
        routed = received + timedelta(days=rng.choices([rng.randint(1, 12), 18], [95, 5])[0])
        if routed > self.today:
            return case
        route = rng.choices(["accept", "not", "forward"], [85, 9, 6])[0]
        if route == "not":
            self._add(
                routed,
                lambda: self.app.petitions.not_accept(
                    self._who(officer), case.known, routed, "属于行政复议受理范围，已告知信访人"
                ),
            )
            return case
        if route == "forward":
            self._add(
                routed,
                lambda: self.app.petitions.forward(
                    self._who(officer), case.known, routed, "区卫生健康局"
                ),
            )
            return case
        self._add(routed, lambda: self.app.petitions.accept(self._who(officer), case.known, routed))
        assignee = officer if rng.random() < 0.8 else SUB_DISTRICT_OFFICER
        self._add(
            routed, lambda: self.app.petitions.assign(self._who(officer), case.known, assignee)
        )
        if rng.random() < 0.4:
            self._add(
                routed + timedelta(days=3),
                lambda: self.app.petitions.add_note(
                    self._who(assignee), case.known, "已约谈信访人，调取相关档案核实"
                ),
            )
        self._handle(case, routed, assignee)
        return case

    def _handle(self, case: _Case, accepted: date, officer: str) -> None:
        rng = self.rng
        kind = rng.choices(["normal", "late", "extended", "stuck"], [88, 6, 3, 3])[0]
        if kind == "stuck":
            return  # still open: overdue once its 60 days have passed
        days = {"normal": rng.randint(8, 55), "late": rng.randint(64, 80)}.get(kind, 75)
        if kind == "extended":
            approved = accepted + timedelta(days=50)
            if approved > self.today:
                return
            self._add(
                approved,
                lambda: self.app.petitions.grant_extension(
                    self._who(APPROVER), case.known, 30, "涉及多年档案，需协调区档案馆", approved
                ),
            )
        replied = accepted + timedelta(days=days)
        if replied > self.today:
            return
        outcome = rng.choices(list(Outcome), [45, 40, 15])[0]
        self._add(
            replied,
            lambda: self.app.petitions.reply(
                self._who(officer), case.known, replied, outcome, "经调查核实，已书面答复信访人。"
            ),
        )
        rated = replied + timedelta(days=rng.randint(3, 14))
        if rng.random() < 0.7 and rated <= self.today:
            rating = rng.choices(list(Satisfaction), [70, 22, 8])[0]
            self._add(
                rated,
                lambda: self.app.petitions.record_satisfaction(
                    self._who(officer), case.known, rating, rated
                ),
            )
        if outcome is not Outcome.SUPPORTED and rng.random() < 0.12:
            self._review(case, replied, officer)
        elif replied + timedelta(days=40) <= self.today and rng.random() < 0.2:
            ended = replied + timedelta(days=40)
            self._add(
                ended,
                lambda: self.app.petitions.terminate(
                    self._who(officer), case.known, ended, "答复后三十日内未申请复查"
                ),
            )

    def _review(self, case: _Case, replied: date, officer: str) -> None:
        rng = self.rng
        requested = replied + timedelta(days=rng.randint(5, 25))
        opinion = requested + timedelta(days=rng.randint(10, 28))
        if opinion > self.today:
            return

        def who() -> Principal:
            return self._who(officer)

        self._add(
            requested, lambda: self.app.petitions.request_review(who(), case.known, requested)
        )
        self._add(
            opinion,
            lambda: self.app.petitions.give_opinion(
                who(), case.known, opinion, Outcome.NOT_SUPPORTED, "维持原答复意见"
            ),
        )
        again = opinion + timedelta(days=10)
        hearing = again + timedelta(days=8)
        final = again + timedelta(days=33)
        if rng.random() < 0.5 or final > self.today:
            return
        self._add(
            again,
            lambda: self.app.petitions.request_review(who(), case.known, again, re_review=True),
        )
        self._add(
            hearing + timedelta(days=2),
            lambda: self.app.petitions.stop_clock(
                who(), case.known, hearing, hearing + timedelta(days=2), "组织听证"
            ),
        )
        self._add(
            final,
            lambda: self.app.petitions.give_opinion(
                who(), case.known, final, Outcome.NOT_SUPPORTED, "复核维持复查意见，本事项终结"
            ),
        )

    def _duplicates(self) -> None:
        """Three letters about a matter already registered, merged into the original."""
        for _ in range(3):
            received = self.today - timedelta(days=self.rng.randint(30, 300))
            original = _Case()
            self._petition_simple(received, original)
            duplicate = _Case()
            again = received + timedelta(days=2)
            self._petition_simple(again, duplicate)
            self._add(again, self._merge(duplicate, original))

    def _merge(self, duplicate: _Case, original: _Case) -> Callable[[], object]:
        return lambda: self.app.petitions.merge(
            self._who(SUB_DISTRICT_OFFICER),
            duplicate.known,
            original.known,
            "同一信访人就同一事项重复来信",
        )

    def _petition_simple(self, received: date, case: _Case) -> None:
        petitioner = self._person(identified=True)

        def register() -> None:
            case.id = self.app.petitions.register(
                self._who(SUB_DISTRICT_OFFICER),
                channel=Channel.LETTER,
                received_on=received,
                petitioners=(petitioner,),
                headcount=1,
                community="xinmin",
                category="独生子女父母奖励",
                summary=CATEGORIES["独生子女父母奖励"],
                lodged_level=Level.SUB_DISTRICT,
                competent_level=Level.SUB_DISTRICT,
            ).case_id

        self._add(received, register)

    def _approval(self) -> None:
        rng = self.rng
        case = _Case()
        community = rng.choice(list(COMMUNITY_OFFICERS))
        officer = COMMUNITY_OFFICERS[community]
        applied = self._day_in_year()
        spouses = (
            self._person(identified=True, female=False),
            self._person(identified=True, female=True),
        )
        ground = rng.choice(self.app.policy.policy_grounds).code

        def apply() -> None:
            case.id = self.app.approvals.apply(
                self._who(officer),
                spouses=spouses,
                community=community,
                existing_children=1,
                policy_ground=ground,
                applied_on=applied,
            ).case_id

        self._add(applied, apply)
        steps = self._approval_steps(case, officer, applied)
        for day, run in steps:
            if day > self.today:
                return
            self._add(day, run)

    def _approval_steps(
        self, case: _Case, officer: str, applied: date
    ) -> list[tuple[date, Callable[[], object]]]:
        rng = self.rng
        app = self.app
        reviewed = applied + timedelta(days=rng.randint(1, 3))
        if rng.random() < 0.08:
            return [
                (
                    reviewed,
                    lambda: app.approvals.review_eligibility(
                        self._who(officer), case.known, False, reviewed, "不符合再生育条件"
                    ),
                )
            ]
        if rng.random() < 0.05:
            return [
                (
                    reviewed,
                    lambda: app.approvals.withdraw(
                        self._who(officer), case.known, reviewed, "申请人撤回申请"
                    ),
                )
            ]
        posted = reviewed + timedelta(days=1)
        ends = deadlines.calendar_limit(posted, app.policy.posting_days)
        steps: list[tuple[date, Callable[[], object]]] = [
            (
                reviewed,
                lambda: app.approvals.review_eligibility(
                    self._who(officer),
                    case.known,
                    True,
                    reviewed,
                    "符合《福建省人口与计划生育条例》规定",
                ),
            ),
            (
                posted,
                lambda: app.approvals.post(
                    self._who(officer), case.known, posted, "社区居务公开栏"
                ),
            ),
        ]
        objection = rng.random()
        if objection < 0.1:
            lodged = posted + timedelta(days=2)
            upheld = objection < 0.03
            steps += [
                (
                    lodged,
                    lambda: app.approvals.lodge_objection(
                        self._who(officer),
                        case.known,
                        lodged,
                        "群众来电",
                        "反映申请人已生育两个子女",
                    ),
                ),
                (
                    lodged + timedelta(days=3),
                    lambda: app.approvals.resolve_objection(
                        self._who(APPROVER),
                        case.known,
                        1,
                        upheld,
                        "经核查户籍与出生登记" + ("，异议属实" if upheld else "，异议不属实"),
                        lodged + timedelta(days=3),
                    ),
                ),
            ]
            if upheld:
                return steps
        decided = max(ends, posted + timedelta(days=3)) + timedelta(days=rng.randint(1, 4))
        self._certificates += 1
        number = f"{decided.year}-{self._certificates:04d}"
        delivered = decided + timedelta(days=rng.randint(2, 7))
        steps += [
            (
                decided,
                lambda: app.approvals.decide(
                    self._who(APPROVER), case.known, True, decided, certificate_number=number
                ),
            ),
            (
                delivered,
                lambda: app.approvals.deliver_certificate(
                    self._who(officer), case.known, delivered, "申请人本人", officer
                ),
            ),
        ]
        return steps

    def _fee_case(self) -> None:
        rng = self.rng
        case = _Case()
        community = rng.choice(list(COMMUNITY_OFFICERS))
        officer = COMMUNITY_OFFICERS[community]
        decided = date(2019, 1, 1) + timedelta(days=rng.randint(0, 940))
        served = decided + timedelta(days=rng.randint(3, 10))
        amount = Money(rng.randint(100, 1200) * 10000)
        parties = (
            self._person(identified=True, female=False),
            self._person(identified=True, female=True),
        )
        self._sequence_fee = getattr(self, "_sequence_fee", 0) + 1
        number = f"鼓计征〔{decided.year}〕{self._sequence_fee}号"

        def assess() -> None:
            case.id = self.app.fees.assess(
                self._who(officer),
                decision_number=number,
                liable_parties=parties,
                community=community,
                amount=amount,
                decided_on=decided,
                served_on=served,
            ).case_id

        self._add(served, assess)
        plan = rng.choices(["full", "partial", "instalments", "none"], [35, 25, 20, 20])[0]
        due = deadlines.calendar_limit(served, 30)
        if plan == "full":
            self._pay(case, officer, amount, served + timedelta(days=rng.randint(5, 28)))
        elif plan == "partial":
            self._pay(case, officer, Money(amount.fen // 2), due - timedelta(days=3))
        elif plan == "instalments" and self._instalments(case, officer, served, amount):
            return  # every instalment paid: the case closed as paid
        if (
            plan in ("partial", "none")
            and rng.random() < 0.4
            and due + timedelta(days=60) < self.app.policy.abolished_on
        ):
            enforced = due + timedelta(days=60)
            self._add(
                enforced,
                lambda: self.app.fees.apply_enforcement(
                    self._who(officer), case.known, enforced, "鼓楼区人民法院"
                ),
            )
        if plan != "full" and rng.random() < 0.1:
            filed = served + timedelta(days=20)
            self._add(
                filed,
                lambda: self.app.fees.file_challenge(
                    self._who(officer),
                    case.known,
                    ChallengeKind.REVIEW,
                    filed,
                    "当事人申请行政复议",
                ),
            )
        if (
            plan == "none"
            and rng.random() < 0.2
            and due + timedelta(days=90) < self.app.policy.abolished_on
        ):
            written = due + timedelta(days=90)
            self._add(
                written,
                lambda: self.app.fees.write_off(
                    self._who(APPROVER), case.known, written, "当事人下落不明，无可执行财产"
                ),
            )
            return
        if plan != "full" and rng.random() < 0.85:
            ceased = self.app.policy.abolished_on + timedelta(days=rng.randint(12, 60))
            self._add(
                ceased,
                lambda: self.app.fees.cease(
                    self._who(officer),
                    case.known,
                    ceased,
                    "人口与计划生育法修正，停止征收社会抚养费",
                ),
            )

    def _instalments(self, case: _Case, officer: str, served: date, amount: Money) -> bool:
        """Plans instalments and pays some or all of them; True when all are paid."""
        rng = self.rng
        applied = served + timedelta(days=10)
        approved = applied + timedelta(days=3)
        count = rng.randint(3, 4)
        share = amount.fen // count
        amounts = [share] * (count - 1) + [amount.fen - share * (count - 1)]
        schedule = tuple(
            Instalment(deadlines.add_months(approved, 1 + i * 2), Money(fen))
            for i, fen in enumerate(amounts)
        )
        self._add(
            approved,
            lambda: self.app.fees.approve_instalments(
                self._who(APPROVER), case.known, applied, approved, schedule
            ),
        )
        paid = [
            i for i in schedule[: rng.randint(1, count)] if i.due_on < self.app.policy.abolished_on
        ]
        for instalment in paid:
            self._pay(case, officer, instalment.amount, instalment.due_on - timedelta(days=2))
        return len(paid) == count

    def _pay(self, case: _Case, officer: str, amount: Money, paid: date) -> None:
        self._receipts += 1
        receipt = f"FJ{paid.year}{self._receipts:06d}"
        self._add(
            paid,
            lambda: self.app.fees.record_payment(
                self._who(officer), case.known, receipt, amount, paid
            ),
        )
