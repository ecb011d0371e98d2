"""Who sees the people of a case whole, on both stores: lists, case views, trails, history.

Officers and approvers see names whole everywhere and ID numbers whole on the case only;
auditors (and admins) see both masked everywhere; several roles: the most revealing wins.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from tests.story import PARTY, apply_for_second_birth, assess_fee, hire, register
from tracker.application import Tracker
from tracker.disclosure import (
    CASEWORK,
    WHOLE,
    Detail,
    PersonView,
    Place,
    disclosure_for,
)
from tracker.display import render
from tracker.permissions import Principal
from tracker.person import Person
from tracker.projections.audit_trail import Change
from tracker.projections.case_index import CaseQuery
from tracker.resident_id import make_resident_id
from tracker.roles import Role

PETITIONER = Person("王秀英", make_resident_id("350102", date(1975, 4, 9), 22))
COUPLE = (
    Person("林芳", make_resident_id("350102", date(1990, 1, 2), 32)),
    Person("郑强", make_resident_id("350102", date(1989, 6, 7), 41)),
)
OBJECTOR = "邻居赵某"
EVERYONE = (PETITIONER, *COUPLE, PARTY)
WHOLE_NAMES = (*(p.name for p in EVERYONE), OBJECTOR)
WHOLE_NUMBERS = tuple(str(p.id_number) for p in EVERYONE)

# li: officer of xinmin; wang: approver; xu: auditor and officer of xinmin; zhou: auditor.
CASEWORKERS = ("li", "wang", "xu")
AUDITORS = ("zhou",)


@dataclass(frozen=True)
class Story:
    petition: UUID
    approval: UUID
    fee: UUID


def _story(app: Tracker) -> Story:
    hire(app, ("xu", "xinmin", (Role.AUDITOR, Role.OFFICER)))
    li, wang = app.accounts.principal("li"), app.accounts.principal("wang")
    petition = register(app, "li", date(2026, 2, 20), petitioners=(PETITIONER,))
    approval = apply_for_second_birth(app, "li", COUPLE)
    app.approvals.review_eligibility(li, approval, True, date(2026, 2, 3), "夫妻一方为独生子女")
    app.approvals.post(li, approval, date(2026, 2, 4), "新民社区居务公开栏")
    app.approvals.lodge_objection(li, approval, date(2026, 2, 5), OBJECTOR, "认为已有两个子女")
    app.approvals.resolve_objection(li, approval, 1, False, "经核实仅有一个子女", date(2026, 2, 6))
    app.approvals.decide(wang, approval, True, date(2026, 2, 20), certificate_number="闽2026-001")
    app.approvals.deliver_certificate(li, approval, date(2026, 2, 24), "林芳", "li")
    fee = assess_fee(app, "li")
    return Story(petition, approval, fee)


def _masked(person: Person) -> PersonView:
    assert person.id_number is not None
    return PersonView(person.masked_name, person.id_number.masked)


def _whole(person: Person) -> PersonView:
    return PersonView(person.name, str(person.id_number))


def _in_lists(person: Person) -> PersonView:
    """Name whole, ID number masked: what a caseworker sees of a person in a trail."""
    assert person.id_number is not None
    return PersonView(person.name, person.id_number.masked)


def _names_listed(app: Tracker, who: Principal) -> set[str]:
    return {row.names for row in app.cases.list(who, CaseQuery(community="xinmin")).rows}


def _trail_change(app: Tracker, who: Principal, case_id: UUID, field: str) -> Any:
    """The value after the last event of the case's trail that changed ``field``."""
    changes = [row.change(field) for row in app.audit_feed.case_trail(who, case_id)]
    return [change for change in changes if change is not None][-1].after


def test_the_table_names_every_role_and_only_casework_sees_anything_whole() -> None:
    assert set(WHOLE) == set(Role)
    assert WHOLE[Role.OFFICER] == WHOLE[Role.APPROVER] == CASEWORK
    assert WHOLE[Role.AUDITOR] == WHOLE[Role.ADMIN] == frozenset()
    # Nobody sees ID numbers whole in lists, trails and exports.
    assert not any((Detail.ID_NUMBERS, Place.LISTS) in seen for seen in WHOLE.values())


@pytest.mark.parametrize(
    ("roles", "whole"),
    [
        ({Role.AUDITOR, Role.OFFICER}, CASEWORK),
        ({Role.ADMIN, Role.APPROVER}, CASEWORK),
        ({Role.ADMIN, Role.AUDITOR}, frozenset()),
    ],
)
def test_several_roles_see_what_the_most_revealing_one_sees(
    roles: set[Role], whole: frozenset[tuple[Detail, Place]]
) -> None:
    assert disclosure_for(Principal("x", frozenset(roles), None)).whole == whole


def test_caseworkers_see_names_whole_and_id_numbers_whole_only_on_the_case(app: Tracker) -> None:
    story = _story(app)
    for username in CASEWORKERS:
        who = app.accounts.principal(username)
        assert _names_listed(app, who) == {"王秀英", "林芳、郑强", "陈建国"}, username

        assert app.petitions.get(who, story.petition).petitioners == (_whole(PETITIONER),)
        approval = app.approvals.get(who, story.approval)
        assert approval.spouses == tuple(_whole(p) for p in COUPLE)
        assert approval.objections[0].objector == OBJECTOR
        assert approval.received_by == "林芳"
        assert app.fees.get(who, story.fee).liable_parties == (_whole(PARTY),)

        # In the trail, the history and the feed: names whole, ID numbers masked.
        assert _trail_change(app, who, story.petition, "petitioners") == [
            render(_in_lists(PETITIONER))
        ]
        assert _trail_change(app, who, story.approval, "objections")[0]["objector"] == OBJECTOR
        assert _trail_change(app, who, story.approval, "received_by") == "林芳"
        history = app.audit.history(who, story.approval)
        assert list(history[0].fields["spouses"]) == [_in_lists(p) for p in COUPLE]
        assessed = app.audit_feed.feed(who, event_type="Assessed").rows[0]
        assert assessed.change("liable_parties") == Change(
            "liable_parties", None, [render(_in_lists(PARTY))]
        )


def test_auditors_see_names_and_id_numbers_masked_everywhere(app: Tracker) -> None:
    story = _story(app)
    for username in AUDITORS:
        who = app.accounts.principal(username)
        assert _names_listed(app, who) == {"王**", "林*、郑*", "陈**"}
        # The search still matches the whole name the auditor types.
        found = app.cases.list(who, CaseQuery(text="王秀英"))
        assert [row.names for row in found.rows] == ["王**"]

        assert app.petitions.get(who, story.petition).petitioners == (_masked(PETITIONER),)
        approval = app.approvals.get(who, story.approval)
        assert approval.spouses == tuple(_masked(p) for p in COUPLE)
        assert approval.objections[0].objector == "邻***"
        assert approval.received_by == "林*"
        assert app.fees.get(who, story.fee).liable_parties == (_masked(PARTY),)
        replayed = app.approvals.get(who, story.approval, version=1)
        assert replayed.spouses == tuple(_masked(p) for p in COUPLE)

        assert _trail_change(app, who, story.petition, "petitioners") == [
            render(_masked(PETITIONER))
        ]
        assert _trail_change(app, who, story.approval, "objections")[0]["objector"] == "邻***"
        assert _trail_change(app, who, story.approval, "received_by") == "林*"
        history = app.audit.history(who, story.approval)
        assert list(history[0].fields["spouses"]) == [_masked(p) for p in COUPLE]
        assert [r.fields.get("objector") for r in history if r.kind == "ObjectionLodged"] == [
            "邻***"
        ]
        assessed = app.audit_feed.feed(who, event_type="Assessed").rows[0]
        assert assessed.change("liable_parties") == Change(
            "liable_parties", None, [render(_masked(PARTY))]
        )

        # Nothing the auditor can ask for names anyone whole or gives a whole ID number.
        seen = json.dumps(
            render(
                [
                    app.cases.list(who, CaseQuery(per_page=200)),
                    app.petitions.get(who, story.petition),
                    app.approvals.get(who, story.approval),
                    app.fees.get(who, story.fee),
                    [app.audit_feed.case_trail(who, case_id) for case_id in vars(story).values()],
                    [app.audit.history(who, case_id) for case_id in vars(story).values()],
                    app.audit_feed.feed(who, per_page=500),
                ]
            ),
            ensure_ascii=False,
        )
        for whole in (*WHOLE_NAMES, *WHOLE_NUMBERS):
            assert whole not in seen, whole
