"""The workload read model on both stores: who answers for what, and what falls due when."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from tracker import deadlines
from tracker.aggregates.approval import DECISION_WORKING_DAYS
from tracker.aggregates.petition import Channel, Level, Outcome
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.errors import InvalidValue, PermissionDenied
from tracker.money import Money
from tracker.permissions import Principal
from tracker.person import Person
from tracker.projections.workload import TABLE, OfficerLoad
from tracker.resident_id import make_resident_id
from tracker.roles import Role
from tracker.services.workload import Workload

PASSWORD = "long-enough-pw"
COUPLE = (
    Person("陈明", make_resident_id("350102", date(1985, 4, 12), 131)),
    Person("林芳", make_resident_id("350102", date(1987, 9, 3), 242)),
)


def _setup(app: Tracker) -> Workload:
    app.accounts.create_first_admin("admin", "管理员", PASSWORD)
    admin = app.accounts.principal("admin")
    for username, community, roles in (
        ("li", "xinmin", (Role.OFFICER,)),
        ("chen", "xinmin", (Role.OFFICER,)),
        ("zhao", "dongjie", (Role.OFFICER,)),
        ("wang", None, (Role.APPROVER,)),
        ("zhou", None, (Role.AUDITOR,)),
    ):
        app.accounts.create(
            admin,
            username=username,
            display_name=username,
            password=PASSWORD,
            community=community,
            roles=roles,
        )
    return Workload(app)


def _who(app: Tracker, username: str) -> Principal:
    return app.accounts.principal(username)


def _register(app: Tracker, username: str, received: date) -> UUID:
    who = _who(app, username)
    return app.petitions.register(
        who,
        channel=Channel.LETTER,
        received_on=received,
        petitioners=(Person("王秀英"),),
        headcount=1,
        community=who.community or "xinmin",
        category="奖励扶助",
        summary="独生子女父母奖励未兑现",
        lodged_level=Level.SUB_DISTRICT,
        competent_level=Level.SUB_DISTRICT,
    ).case_id


def _apply(app: Tracker, username: str, applied: date) -> UUID:
    return app.approvals.apply(
        _who(app, username),
        spouses=COUPLE,
        community="xinmin",
        existing_children=1,
        policy_ground="one-only-child",
        applied_on=applied,
    ).case_id


def _assess(app: Tracker, username: str, number: str) -> UUID:
    return app.fees.assess(
        _who(app, username),
        decision_number=number,
        liable_parties=COUPLE,
        community="dongjie",
        amount=Money.parse("12000"),
        decided_on=date(2021, 5, 10),
        served_on=date(2021, 5, 12),
    ).case_id


def test_open_cases_per_officer_follow_reassignments_and_closing(
    app: Tracker, clock: FixedClock
) -> None:
    workload = _setup(app)
    li, zhao = _who(app, "li"), _who(app, "zhao")
    first = _register(app, "li", date(2026, 2, 20))
    second = _register(app, "li", date(2026, 2, 21))
    _register(app, "li", date(2026, 2, 22))  # never assigned: answers to li, who registered it
    closed = _register(app, "li", date(2026, 2, 23))
    app.petitions.assign(li, first, "chen")
    app.petitions.assign(li, second, "chen")
    app.petitions.assign(li, second, "li")  # reassigned back
    app.petitions.assign(li, closed, "chen")
    app.petitions.accept(li, closed, date(2026, 2, 24))
    app.petitions.reply(li, closed, date(2026, 3, 1), Outcome.EXPLAINED, "已解释政策")
    _apply(app, "li", date(2026, 2, 25))
    dongjie = _register(app, "zhao", date(2026, 2, 26))
    app.petitions.assign(zhao, dongjie, "zhao")
    _assess(app, "zhao", "鼓东征字〔2021〕3号")

    assert workload.open_by_officer(_who(app, "zhou")) == (
        OfficerLoad("chen", petitions=1),
        OfficerLoad("li", petitions=2, approvals=1),
        OfficerLoad("zhao", petitions=1, fees=1),
    )
    # A community user counts only their community's cases.
    assert workload.open_by_officer(li) == (
        OfficerLoad("chen", petitions=1),
        OfficerLoad("li", petitions=2, approvals=1),
    )
    assert [load.total for load in workload.open_by_officer(zhao)] == [2]

    # Staff change: chen's case goes to li; the count follows, the deadline stays.
    before = {item.case_id: item.next_deadline for item in workload.due_soon(li, days=60)}
    app.petitions.assign(li, first, "li")
    assert workload.open_by_officer(li) == (OfficerLoad("li", petitions=3, approvals=1),)
    after = {item.case_id: item.next_deadline for item in workload.due_soon(li, days=60)}
    assert after == before
    unassigned = [item for item in workload.due_soon(li, days=60) if not item.assigned]
    assert [(item.kind, item.officer) for item in unassigned] == [
        ("petition", "li"),
        ("approval", "li"),
    ]


def test_due_in_seven_days_includes_the_seventh_day_and_not_the_eighth(
    app: Tracker, clock: FixedClock
) -> None:
    workload = _setup(app)
    zhou = _who(app, "zhou")
    early = _register(app, "li", date(2026, 3, 1))  # routing limit 03-01 + 15 = 03-16 (Mon)
    late = _register(app, "li", date(2026, 3, 2))  # 03-17 (Tue)
    limits = {item.case_id: item.next_deadline for item in workload.due_soon(zhou, days=30)}
    assert limits == {early: date(2026, 3, 16), late: date(2026, 3, 17)}

    def on(day: date) -> tuple[list[UUID], list[UUID]]:
        clock.set(FixedClock.on(day).now())
        due = [item.case_id for item in workload.due_soon(zhou)]
        return due, [item.case_id for item in workload.overdue(zhou)]

    assert on(date(2026, 3, 8)) == ([], [])  # 03-16 is the 8th day
    assert on(date(2026, 3, 9)) == ([early], [])  # 03-16 the 7th day, 03-17 the 8th
    assert on(date(2026, 3, 10)) == ([early, late], [])
    assert on(date(2026, 3, 16)) == ([early, late], [])  # due today is not overdue
    assert on(date(2026, 3, 17)) == ([late], [early])
    assert on(date(2026, 3, 18)) == ([], [early, late])
    clock.set(FixedClock.on(date(2026, 3, 16)).now())
    due_today = workload.due_soon(zhou, days=0)
    assert [(item.case_id, item.days_left(date(2026, 3, 16))) for item in due_today] == [(early, 0)]
    with pytest.raises(InvalidValue):
        workload.due_soon(zhou, days=-1)


def test_each_kind_has_its_own_next_deadline(app: Tracker, clock: FixedClock) -> None:
    workload = _setup(app)
    li, zhao, wang = _who(app, "li"), _who(app, "zhao"), _who(app, "wang")
    zhou = _who(app, "zhou")
    petition = _register(app, "li", date(2026, 2, 10))
    app.petitions.accept(li, petition, date(2026, 2, 12))  # 60 days: 2026-04-13
    approval = _apply(app, "li", date(2026, 2, 2))
    fee = _assess(app, "zhao", "鼓东征字〔2021〕4号")  # due 30 days after service
    clock.set(FixedClock.on(date(2026, 2, 3)).now())

    deadline = {item.case_id: item.next_deadline for item in workload.overdue(zhou)}
    deadline.update({item.case_id: item.next_deadline for item in workload.due_soon(zhou, 100)})
    assert deadline == {
        petition: date(2026, 4, 13),
        approval: deadlines.working_limit(date(2026, 2, 2), DECISION_WORKING_DAYS),
        fee: date(2021, 6, 11),
    }
    clock.set(FixedClock.on(date(2026, 3, 2)).now())
    # Decided: an approved case stays open until the certificate is delivered, with no deadline.
    app.approvals.review_eligibility(li, approval, True, date(2026, 2, 3), "夫妻一方为独生子女")
    app.approvals.post(li, approval, date(2026, 2, 4), "新民社区居务公开栏")
    app.approvals.decide(wang, approval, True, date(2026, 2, 20), certificate_number="闽2026-007")
    # A part payment: nothing is "due on" the decision date any more (case index's rule).
    app.fees.record_payment(zhao, fee, "R-0007", Money.parse("100"), date(2021, 6, 1))
    listed = {i.case_id for i in workload.overdue(zhou) + workload.due_soon(zhou, 3650)}
    assert listed == {petition}
    assert workload.open_by_officer(zhou) == (
        OfficerLoad("li", petitions=1, approvals=1),
        OfficerLoad("zhao", fees=1),
    )
    app.approvals.deliver_certificate(li, approval, date(2026, 2, 25), "林芳", "li")
    assert workload.open_by_officer(zhou) == (
        OfficerLoad("li", petitions=1),
        OfficerLoad("zhao", fees=1),
    )


def test_scope_roles_and_a_rebuild(app: Tracker) -> None:
    workload = _setup(app)
    _register(app, "li", date(2026, 2, 20))
    dongjie = _register(app, "zhao", date(2026, 2, 24))
    zhao = _who(app, "zhao")
    assert [item.case_id for item in workload.due_soon(zhao, days=30)] == [dongjie]
    assert [item.community for item in workload.due_soon(_who(app, "zhou"), days=30)] == [
        "xinmin",
        "dongjie",
    ]
    assert [item.officer for item in workload.due_soon(_who(app, "zhou"), 30, officer="li")] == [
        "li"
    ]
    with pytest.raises(PermissionDenied):
        workload.open_by_officer(_who(app, "admin"))

    def rows() -> list[dict[str, Any]]:
        with app.views.db.read() as cursor:
            suffix = app.views.suffix(cursor, "workload")
            cursor.execute(f"SELECT * FROM {TABLE}{suffix} ORDER BY case_id")
            return cursor.fetchall()

    before = rows()
    app.views.rebuild("workload")
    assert rows() == before
