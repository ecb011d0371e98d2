"""A small cast and a petition, shared by the read-model tests."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from tracker.aggregates.petition import Channel, Level
from tracker.application import Tracker
from tracker.person import Person
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


def register(app: Tracker, username: str, received: date, headcount: int = 1) -> UUID:
    """A visit about an unpaid only-child reward, in the officer's community."""
    who = app.accounts.principal(username)
    return app.petitions.register(
        who,
        channel=Channel.VISIT,
        received_on=received,
        petitioners=(Person("王秀英"),),
        headcount=headcount,
        community=who.community or "xinmin",
        category="奖励扶助",
        summary="独生子女父母奖励未兑现",
        lodged_level=Level.SUB_DISTRICT,
        competent_level=Level.SUB_DISTRICT,
    ).case_id
