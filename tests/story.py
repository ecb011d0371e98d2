"""A small cast, a petition, a second-birth application and a fee case, shared by the tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from tracker.aggregates.petition import Channel, Level, Petition
from tracker.application import Tracker
from tracker.money import Money
from tracker.person import Person
from tracker.resident_id import make_resident_id
from tracker.roles import Role

PASSWORD = "long-enough-pw"
STAFF: tuple[tuple[str, str | None, tuple[Role, ...]], ...] = (
    ("li", "xinmin", (Role.OFFICER,)),
    ("zhao", "dongjie", (Role.OFFICER,)),
    ("wang", None, (Role.APPROVER,)),
    ("zhou", None, (Role.AUDITOR,)),
)


def hire(app: Tracker, *extra: tuple[str, str | None, tuple[Role, ...]]) -> None:
    """The first admin, then the staff (and any extra accounts)."""
    app.accounts.create_first_admin("admin", "管理员", PASSWORD)
    admin = app.accounts.principal("admin")
    for username, community, roles in (*STAFF, *extra):
        app.accounts.create(
            admin,
            username=username,
            display_name=username,
            password=PASSWORD,
            community=community,
            roles=roles,
        )


COUPLE = (
    Person("陈明", make_resident_id("350102", date(1985, 4, 12), 131)),
    Person("林芳", make_resident_id("350102", date(1987, 9, 3), 242)),
)


PARTY = Person("陈建国", make_resident_id("350102", date(1980, 5, 1), 12))


def register(
    app: Tracker,
    username: str,
    received: date,
    headcount: int = 1,
    *,
    petitioners: tuple[Person, ...] = (Person("王秀英"),),
    summary: str = "独生子女父母奖励未兑现",
) -> UUID:
    """A visit about an unpaid only-child reward, in the officer's community."""
    who = app.accounts.principal(username)
    return app.petitions.register(
        who,
        channel=Channel.VISIT,
        received_on=received,
        petitioners=petitioners,
        headcount=headcount,
        community=who.community or "xinmin",
        category="奖励扶助",
        summary=summary,
        lodged_level=Level.SUB_DISTRICT,
        competent_level=Level.SUB_DISTRICT,
    ).case_id


def apply_for_second_birth(
    app: Tracker,
    username: str,
    spouses: tuple[Person, Person] = COUPLE,
    applied: date = date(2026, 2, 2),
) -> UUID:
    """A couple with one child, one of them an only child, in the officer's community."""
    who = app.accounts.principal(username)
    return app.approvals.apply(
        who,
        spouses=spouses,
        community=who.community or "xinmin",
        existing_children=1,
        policy_ground="one-only-child",
        applied_on=applied,
    ).case_id


def assess_fee(
    app: Tracker,
    username: str,
    number: str = "鼓东征字〔2021〕7号",
    parties: tuple[Person, ...] = (PARTY,),
) -> UUID:
    """12,000 yuan assessed in May 2021, before the fee was abolished; nothing paid yet."""
    who = app.accounts.principal(username)
    return app.fees.assess(
        who,
        decision_number=number,
        liable_parties=parties,
        community=who.community or "xinmin",
        amount=Money.parse("12000"),
        decided_on=date(2021, 5, 20),
        served_on=date(2021, 5, 25),
    ).case_id


# Events as an older version of Tracker could have stored them, for the read models to live with.


def record_as_an_older_version_did(app: Tracker, change: Callable[[Any], None]) -> UUID:
    """A registration whose stored event ``change`` altered after the rules had passed it."""
    petition = Petition.register(
        app.act("li"),
        channel=Channel.LETTER,
        received_on=app.clock.today(),
        petitioners=(Person("周敏"),),
        headcount=1,
        community="xinmin",
        category="奖励扶助",
        summary="奖励未兑现",
        lodged_level=Level.SUB_DISTRICT,
        competent_level=Level.SUB_DISTRICT,
    )
    change(petition.pending_events[0])
    app.save(petition)
    return petition.id


def with_nul(event: Any) -> None:
    object.__setattr__(event, "summary", "奖励\x00未兑现")


def without_summary(event: Any) -> None:
    object.__delattr__(event, "summary")
