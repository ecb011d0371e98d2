"""Steps for second-birth approvals (再生育审批): thin wrappers over app.approvals.

Step texts say 申请 or 再生育 so that they never match a petition step (pytest-bdd
binds steps by text across every feature).
"""

from __future__ import annotations

from datetime import date

from pytest_bdd import parsers, then, when

from tests.steps.world import World
from tracker.person import Person
from tracker.resident_id import InvalidResidentId, ResidentId, make_resident_id

# The couple every application names unless a step says otherwise.
HUSBAND = "陈明"
WIFE = "林芳"
REGION = "350102"  # 福州市鼓楼区
HUSBAND_BIRTH = date(1990, 1, 2)
WIFE_BIRTH = date(1992, 5, 6)
GROUND = "one-only-child"
PLACE = "新民社区居务公开栏"


def _apply(
    world: World,
    username: str,
    day: str,
    *,
    wife_id: str | None = None,
    husband_identified: bool = True,
    ground: str = GROUND,
) -> None:
    who = world.user(username)

    def command() -> object:
        husband_id = make_resident_id(REGION, HUSBAND_BIRTH, 123) if husband_identified else None
        wife_number = (
            ResidentId.parse(wife_id, world.clock.today())
            if wife_id is not None
            else make_resident_id(REGION, WIFE_BIRTH, 124)
        )
        recorded = world.app.approvals.apply(
            who,
            spouses=(Person(HUSBAND, husband_id), Person(WIFE, wife_number)),
            community=who.community or "xinmin",
            existing_children=1,
            policy_ground=ground,
            applied_on=date.fromisoformat(day),
        )
        world.cases["current"] = recorded.case_id
        return recorded

    world.attempt(command)


# -- applying ------------------------------------------------------------------


@when(parsers.parse('"{username:w}" 于 {day} 受理一件再生育申请'))
def apply(world: World, username: str, day: str) -> None:
    _apply(world, username, day)


@when(parsers.parse('"{username:w}" 于 {day} 受理一件再生育申请，女方身份证号 "{id_number}"'))
def apply_with_wife_id(world: World, username: str, day: str, id_number: str) -> None:
    _apply(world, username, day, wife_id=id_number)


@when(parsers.parse('"{username:w}" 于 {day} 受理一件再生育申请，男方未填身份证号'))
def apply_without_husband_id(world: World, username: str, day: str) -> None:
    _apply(world, username, day, husband_identified=False)


@when(parsers.parse('"{username:w}" 于 {day} 受理一件再生育申请，政策依据 "{ground}"'))
def apply_on_ground(world: World, username: str, day: str, ground: str) -> None:
    _apply(world, username, day, ground=ground)


# -- eligibility review and public posting -------------------------------------


@when(parsers.parse('"{username:w}" 于 {day} 审查该申请符合政策'))
def review_eligible(world: World, username: str, day: str) -> None:
    world.attempt(
        lambda: world.app.approvals.review_eligibility(
            world.user(username),
            world.case,
            True,
            date.fromisoformat(day),
            "福建省人口与计划生育条例：夫妻一方为独生子女",
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 审查该申请不符合政策，理由 "{reason}"'))
def review_ineligible(world: World, username: str, day: str, reason: str) -> None:
    world.attempt(
        lambda: world.app.approvals.review_eligibility(
            world.user(username), world.case, False, date.fromisoformat(day), reason
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 张榜公布该申请'))
def post(world: World, username: str, day: str) -> None:
    world.attempt(
        lambda: world.app.approvals.post(
            world.user(username), world.case, date.fromisoformat(day), PLACE
        )
    )


# -- objections ------------------------------------------------------------------


@when(parsers.parse('"{username:w}" 于 {day} 登记群众 "{objector}" 对该申请的异议'))
def lodge_objection(world: World, username: str, day: str, objector: str) -> None:
    world.attempt(
        lambda: world.app.approvals.lodge_objection(
            world.user(username),
            world.case,
            date.fromisoformat(day),
            objector,
            "反映申请人第一个子女并非独生",
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 驳回该申请的第 {number:d} 件异议，理由 "{reason}"'))
def dismiss_objection(world: World, username: str, day: str, number: int, reason: str) -> None:
    world.attempt(
        lambda: world.app.approvals.resolve_objection(
            world.user(username), world.case, number, False, reason, date.fromisoformat(day)
        )
    )


@when(
    parsers.parse('"{username:w}" 于 {day} 认定该申请的第 {number:d} 件异议成立，理由 "{reason}"')
)
def uphold_objection(world: World, username: str, day: str, number: int, reason: str) -> None:
    world.attempt(
        lambda: world.app.approvals.resolve_objection(
            world.user(username), world.case, number, True, reason, date.fromisoformat(day)
        )
    )


# -- decision, delivery, withdrawal ------------------------------------------------


@when(parsers.parse('"{username:w}" 于 {day} 批准该申请，服务证号 "{number}"'))
def approve(world: World, username: str, day: str, number: str) -> None:
    world.attempt(
        lambda: world.app.approvals.decide(
            world.user(username),
            world.case,
            True,
            date.fromisoformat(day),
            certificate_number=number,
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 不批准该申请，理由 "{reason}"'))
def reject(world: World, username: str, day: str, reason: str) -> None:
    world.attempt(
        lambda: world.app.approvals.decide(
            world.user(username), world.case, False, date.fromisoformat(day), reason=reason
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 不批准该申请，未说明理由'))
def reject_without_reason(world: World, username: str, day: str) -> None:
    world.attempt(
        lambda: world.app.approvals.decide(
            world.user(username), world.case, False, date.fromisoformat(day), reason=""
        )
    )


@when(
    parsers.parse(
        '"{username:w}" 于 {day} 登记再生育服务证送证上门：送证人 "{officer:w}"，'
        '签收人 "{receiver}"'
    )
)
def deliver(world: World, username: str, day: str, officer: str, receiver: str) -> None:
    world.attempt(
        lambda: world.app.approvals.deliver_certificate(
            world.user(username), world.case, date.fromisoformat(day), receiver, officer
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 登记申请人撤回该申请'))
def withdraw(world: World, username: str, day: str) -> None:
    world.attempt(
        lambda: world.app.approvals.withdraw(
            world.user(username), world.case, date.fromisoformat(day), "申请人户籍迁出本街道"
        )
    )


@when(parsers.parse('"{username:w}" 查看该申请'))
def look_at(world: World, username: str) -> None:
    world.attempt(lambda: world.app.approvals.get(world.user(username), world.case))


# -- outcomes --------------------------------------------------------------------


@then(parsers.parse('该申请状态为 "{stage}"'))
def stage_is(world: World, stage: str) -> None:
    assert world.app.approvals.get(world.reader, world.case).stage.value == stage


@then(parsers.parse("该申请公示期至 {day}"))
def posting_ends(world: World, day: str) -> None:
    view = world.app.approvals.get(world.reader, world.case)
    assert view.posting_ends == date.fromisoformat(day)


@then(parsers.parse("该申请有 {count:d} 件未处理的异议"))
def open_objections(world: World, count: int) -> None:
    view = world.app.approvals.get(world.reader, world.case)
    assert sum(1 for objection in view.objections if objection.is_open) == count


@then(parsers.parse('该申请的服务证号为 "{number}"'))
def certificate_number(world: World, number: str) -> None:
    view = world.app.approvals.get(world.reader, world.case)
    assert view.certificate_number == number


@then(parsers.parse('该申请的服务证由 "{receiver}" 签收，送证人为 "{officer:w}"'))
def delivered(world: World, receiver: str, officer: str) -> None:
    # Read by the officer who delivered it: the auditor (reader) sees the name masked.
    view = world.app.approvals.get(world.user(officer), world.case)
    assert view.received_by == receiver
    assert view.delivering_officer == officer


@then(parsers.parse("该申请的审批期限为 {day}"))
def decision_due(world: World, day: str) -> None:
    view = world.app.approvals.get(world.reader, world.case)
    assert view.decision_due == date.fromisoformat(day)


@then(parsers.parse("该申请{verdict}逾期"))
def overdue(world: World, verdict: str) -> None:
    assert verdict in ("已", "未")
    view = world.app.approvals.get(world.reader, world.case)
    assert view.is_overdue is (verdict == "已")


@then(parsers.parse("该申请为{kind}审批"))
def decided_on_time(world: World, kind: str) -> None:
    assert kind in ("按期", "超期")
    view = world.app.approvals.get(world.reader, world.case)
    assert view.decided_on_time is (kind == "按期")


@then(parsers.parse('身份证号被拒绝的原因是 "{reason}"'))
def id_problem(world: World, reason: str) -> None:
    assert isinstance(world.refused, InvalidResidentId), f"refused with {world.refused!r}"
    assert world.refused.reason.value == reason


@when(parsers.parse('"{username:w}" 更正该申请的政策依据为 "{ground}"，理由 "{reason}"'))
def correct_ground(world: World, username: str, ground: str, reason: str) -> None:
    world.attempt(
        lambda: world.app.approvals.correct(
            world.user(username), world.case, reason, {"policy_ground": ground}
        )
    )


@then(parsers.parse('该申请的政策依据为 "{ground}"，历史中保留原依据'))
def ground_corrected(world: World, ground: str) -> None:
    assert world.app.approvals.get(world.reader, world.case).policy_ground == ground
    history = world.app.audit.history(world.reader, world.case)
    assert history[-1].kind == "Corrected"
    assert history[-1].fields["changes"] == {"policy_ground": ground}
    assert history[0].fields["policy_ground"] != ground
