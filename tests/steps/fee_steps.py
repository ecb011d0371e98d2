"""Steps for social maintenance fee cases (社会抚养费征收): thin wrappers over app.fees.

Every step text names 征收案 or 社会抚养费, so that none can bind to a petition
or approval step (pytest-bdd binds steps globally by text).
"""

from __future__ import annotations

from datetime import date

from pytest_bdd import parsers, then, when

from tests.steps.world import World
from tracker.aggregates.fee_collection import ChallengeKind, Instalment
from tracker.money import Money
from tracker.person import Person
from tracker.resident_id import ResidentId, make_resident_id

CHALLENGES = {"行政复议": ChallengeKind.REVIEW, "行政诉讼": ChallengeKind.LAWSUIT}

# The couple named in every decision, with valid ID numbers (check characters computed).
COUPLE = (
    Person("陈明", make_resident_id("350102", date(1985, 4, 12), 131)),
    Person("林芳", make_resident_id("350102", date(1987, 9, 3), 242)),
)

CEASE_REASON = "人口与计划生育法2021年8月20日修正，取消社会抚养费"


def _day(text: str) -> date:
    return date.fromisoformat(text.strip())


def _assess(
    world: World,
    username: str,
    number: str,
    amount: str,
    decided: str,
    served: str,
    *,
    id_number: str | None = None,
) -> None:
    who = world.user(username)

    def command() -> object:
        parties: tuple[Person, ...] = COUPLE
        if id_number is not None:
            parties = (Person("陈明", ResidentId.parse(id_number)),)
        recorded = world.app.fees.assess(
            who,
            decision_number=number,
            liable_parties=parties,
            community=who.community or "xinmin",
            amount=Money.parse(amount),
            decided_on=_day(decided),
            served_on=_day(served),
        )
        world.cases["current"] = recorded.case_id
        return recorded

    world.attempt(command)


@when(
    parsers.parse(
        '"{username:w}" 作出社会抚养费征收决定 "{number}"，金额 {amount} 元，'
        "{decided} 作出，{served} 送达"
    )
)
def assess(
    world: World, username: str, number: str, amount: str, decided: str, served: str
) -> None:
    _assess(world, username, number, amount, decided, served)


@when(
    parsers.parse(
        '"{username:w}" 作出社会抚养费征收决定 "{number}"，金额 {amount} 元，'
        '{decided} 作出，{served} 送达，当事人身份证号 "{id_number}"'
    )
)
def assess_with_id(
    world: World, username: str, number: str, amount: str, decided: str, served: str, id_number: str
) -> None:
    _assess(world, username, number, amount, decided, served, id_number=id_number)


@when(parsers.parse('"{username:w}" 于 {approved} 批准该征收案分期缴纳，申请日 {applied}：'))
def approve_instalments(
    world: World, username: str, approved: str, applied: str, datatable: list[list[str]]
) -> None:
    """The table has a header row (缴款期限 | 金额) and one row per instalment."""
    rows = datatable[1:]

    def command() -> object:
        schedule = tuple(Instalment(_day(due), Money.parse(amount)) for due, amount in rows)
        return world.app.fees.approve_instalments(
            world.user(username), world.case, _day(applied), _day(approved), schedule
        )

    world.attempt(command)


@when(parsers.parse('"{username:w}" 于 {day} 收到该征收案缴款 {amount} 元，收据号 "{receipt}"'))
def record_payment(world: World, username: str, day: str, amount: str, receipt: str) -> None:
    world.attempt(
        lambda: world.app.fees.record_payment(
            world.user(username), world.case, receipt, Money.parse(amount), _day(day)
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 登记当事人对该征收案提起{kind}'))
def file_challenge(world: World, username: str, day: str, kind: str) -> None:
    world.attempt(
        lambda: world.app.fees.file_challenge(
            world.user(username), world.case, CHALLENGES[kind], _day(day), "当事人不服征收决定"
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 就该征收案申请法院强制执行'))
def apply_enforcement(world: World, username: str, day: str) -> None:
    world.attempt(
        lambda: world.app.fees.apply_enforcement(
            world.user(username), world.case, _day(day), "福州市鼓楼区人民法院"
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 核销该征收案，理由 "{reason}"'))
def write_off(world: World, username: str, day: str, reason: str) -> None:
    world.attempt(
        lambda: world.app.fees.write_off(world.user(username), world.case, _day(day), reason)
    )


@when(parsers.parse('"{username:w}" 于 {day} 停止征收该征收案'))
def cease(world: World, username: str, day: str) -> None:
    world.attempt(
        lambda: world.app.fees.cease(world.user(username), world.case, _day(day), CEASE_REASON)
    )


@then(parsers.parse('该征收案状态为 "{stage}"'))
def stage_is(world: World, stage: str) -> None:
    assert world.app.fees.get(world.reader, world.case).stage.value == stage


@then(parsers.parse("该征收案缴款期限为 {day}"))
def due_on_is(world: World, day: str) -> None:
    assert world.app.fees.get(world.reader, world.case).due_on == _day(day)


@then(parsers.parse("该征收案尚欠 {amount} 元"))
def outstanding_is(world: World, amount: str) -> None:
    assert world.app.fees.get(world.reader, world.case).outstanding == Money.parse(amount)


@then(parsers.parse("该征收案已缴 {amount} 元"))
def paid_is(world: World, amount: str) -> None:
    assert world.app.fees.get(world.reader, world.case).paid == Money.parse(amount)


@then(parsers.parse("该征收案分期缴纳计划共 {count:d} 期"))
def instalment_count(world: World, count: int) -> None:
    assert len(world.app.fees.get(world.reader, world.case).instalments) == count


@then(parsers.parse("该征收案结案日期为 {day}"))
def closed_on_is(world: World, day: str) -> None:
    assert world.app.fees.get(world.reader, world.case).closed_on == _day(day)


@then(parsers.parse("该征收案截至 {day} 的滞纳金为 {amount} 元"))
def late_fee_is(world: World, day: str, amount: str) -> None:
    view = world.app.fees.get(world.reader, world.case, as_of=_day(day))
    assert view.late_fee_as_of == _day(day)
    assert view.late_fee == Money.parse(amount), f"late fee {view.late_fee}"


@then(parsers.parse("该征收案于 {day} 申请了法院强制执行"))
def enforcement_applied(world: World, day: str) -> None:
    assert world.app.fees.get(world.reader, world.case).enforcement_applied_on == _day(day)


@then(parsers.parse("该征收案历史中记有 {day} 提起的{kind}"))
def challenge_recorded(world: World, day: str, kind: str) -> None:
    history = world.app.audit.history(world.reader, world.case)
    assert any(
        record.kind == "ChallengeFiled"
        and record.fields["kind"] is CHALLENGES[kind]
        and record.fields["filed_on"] == _day(day)
        for record in history
    ), [record.kind for record in history]


@when(parsers.parse('"{username:w}" 更正该征收案决定书文号为 "{number}"，理由 "{reason}"'))
def correct_decision_number(world: World, username: str, number: str, reason: str) -> None:
    world.attempt(
        lambda: world.app.fees.correct(
            world.user(username), world.case, reason, {"decision_number": number}
        )
    )


@then(parsers.parse('该征收案决定书文号为 "{number}"'))
def decision_number_is(world: World, number: str) -> None:
    assert world.app.fees.get(world.reader, world.case).decision_number == number
