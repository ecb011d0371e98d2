"""Steps for petitions: thin wrappers over app.petitions."""

from __future__ import annotations

from datetime import date

from pytest_bdd import given, parsers, then, when

from tests.steps.world import World
from tests.story import record_as_an_older_version_did, without_summary
from tracker.aggregates.petition import Channel, Level, Outcome, Satisfaction
from tracker.person import Person
from tracker.resident_id import ResidentId

CHANNELS = {
    "来信": Channel.LETTER,
    "来访": Channel.VISIT,
    "网上信访": Channel.ONLINE,
    "电话": Channel.PHONE,
}
LEVELS = {
    "社区": Level.COMMUNITY,
    "街道": Level.SUB_DISTRICT,
    "区": Level.DISTRICT,
    "市": Level.CITY,
    "省": Level.PROVINCE,
    "国家": Level.NATIONAL,
}
OUTCOMES = {"支持": Outcome.SUPPORTED, "解释": Outcome.EXPLAINED, "不支持": Outcome.NOT_SUPPORTED}
RATINGS = {
    "满意": Satisfaction.SATISFIED,
    "基本满意": Satisfaction.BASICALLY_SATISFIED,
    "不满意": Satisfaction.DISSATISFIED,
}


def _channel(text: str) -> Channel:
    """A parse type matching only the four channel words, so it cannot swallow a longer step."""
    return CHANNELS[text]


_channel.pattern = "|".join(CHANNELS)  # type: ignore[attr-defined]  # read by parse


EXTRA = {"Channel": _channel}


def _register(
    world: World,
    username: str,
    day: str,
    channel: Channel,
    *,
    headcount: int = 1,
    lodged: str = "街道",
    competent: str = "街道",
    id_number: str | None = None,
    community: str | None = None,
    name: str = "王芳",
    summary: str = "反映独生子女父母奖励未兑现",
) -> None:
    who = world.user(username)

    def command() -> object:
        person = Person(name, ResidentId.parse(id_number) if id_number else None)
        recorded = world.app.petitions.register(
            who,
            channel=channel,
            received_on=date.fromisoformat(day),
            petitioners=(person,),
            headcount=headcount,
            community=community or who.community or "xinmin",
            category="计生政策",
            summary=summary,
            lodged_level=LEVELS[lodged],
            competent_level=LEVELS[competent],
        )
        world.cases["current"] = recorded.case_id
        return recorded

    world.attempt(command)


@given(parsers.parse('"{username:w}" 登记一件 {day} 收到的{channel:Channel}', extra_types=EXTRA))
@when(parsers.parse('"{username:w}" 登记一件 {day} 收到的{channel:Channel}', extra_types=EXTRA))
@when(parsers.parse('"{username:w}" 补录一件 {day} 收到的{channel:Channel}', extra_types=EXTRA))
def register(world: World, username: str, day: str, channel: Channel) -> None:
    _register(world, username, day, channel)


@when(
    parsers.parse(
        '"{username:w}" 登记一件 {day} 收到的{channel:Channel}，人数 {headcount:d}',
        extra_types=EXTRA,
    )
)
def register_group(world: World, username: str, day: str, channel: Channel, headcount: int) -> None:
    _register(world, username, day, channel, headcount=headcount)


@when(
    parsers.parse(
        '"{username:w}" 登记一件 {day} 收到的{channel:Channel}，在{lodged}提出、主管为{competent}',
        extra_types=EXTRA,
    )
)
def register_levels(
    world: World, username: str, day: str, channel: Channel, lodged: str, competent: str
) -> None:
    _register(world, username, day, channel, lodged=lodged, competent=competent)


@when(
    parsers.parse(
        '"{username:w}" 登记一件 {day} 收到的{channel:Channel}，信访人身份证号 "{id_number}"',
        extra_types=EXTRA,
    )
)
def register_with_id(
    world: World, username: str, day: str, channel: Channel, id_number: str
) -> None:
    _register(world, username, day, channel, id_number=id_number)


@when(
    parsers.parse(
        '"{username:w}" 为社区 "{community}" 登记一件 {day} 收到的{channel:Channel}',
        extra_types=EXTRA,
    )
)
def register_for(world: World, username: str, community: str, day: str, channel: Channel) -> None:
    _register(world, username, day, channel, community=community)


# Characters a scenario cannot show, written by name.
UNSEEN = {"<NUL>": "\x00", "<ESC>": "\x1b", "<全角空格>": "\u3000", "<换行>": "\r\n"}


def typed(text: str) -> str:
    for name, character in UNSEEN.items():
        text = text.replace(name, character)
    return text


TYPED_FIELDS = {"摘要": "summary", "信访人姓名": "name"}


@when(
    parsers.parse(
        '"{username:w}" 登记一件 {day} 收到的{channel:Channel}，{field}为 "{text}"',
        extra_types=EXTRA,
    )
)
def register_typed(
    world: World, username: str, day: str, channel: Channel, field: str, text: str
) -> None:
    if TYPED_FIELDS[field] == "name":
        _register(world, username, day, channel, name=typed(text))
    else:
        _register(world, username, day, channel, summary=typed(text))


@when(
    parsers.parse(
        '"{username:w}" 登记一件 {day} 收到的{channel:Channel}，'
        '信访人姓名为 {n:d} 个 "{character}"',
        extra_types=EXTRA,
    )
)
def register_long_name(
    world: World, username: str, day: str, channel: Channel, n: int, character: str
) -> None:
    _register(world, username, day, channel, name=character * n)


@then(parsers.parse('该件信访人姓名为 "{name}"，摘要为 "{summary}"'))
def kept_text(world: World, name: str, summary: str) -> None:
    case = world.app.petitions.get(world.user("li"), world.case)
    assert [person.name for person in case.petitioners] == [name]
    assert case.summary == summary.replace("<换行>", "\n")


@when(parsers.parse('该件记为 "{name}"'))
def name_case(world: World, name: str) -> None:
    world.cases[name] = world.case


@when(parsers.parse('"{username:w}" 于 {day} 受理该件'))
def accept(world: World, username: str, day: str) -> None:
    world.attempt(
        lambda: world.app.petitions.accept(
            world.user(username), world.case, date.fromisoformat(day)
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 不予受理该件，理由 "{reason}"'))
def not_accept(world: World, username: str, day: str, reason: str) -> None:
    world.attempt(
        lambda: world.app.petitions.not_accept(
            world.user(username), world.case, date.fromisoformat(day), reason
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 将该件转送 "{organ}"'))
def forward(world: World, username: str, day: str, organ: str) -> None:
    world.attempt(
        lambda: world.app.petitions.forward(
            world.user(username), world.case, date.fromisoformat(day), organ
        )
    )


@when(parsers.parse('"{username:w}" 将该件交办给 "{assignee}"'))
def assign(world: World, username: str, assignee: str) -> None:
    world.attempt(lambda: world.app.petitions.assign(world.user(username), world.case, assignee))


@when(parsers.parse('"{username:w}" 为该件添加备注 "{text}"'))
def add_note(world: World, username: str, text: str) -> None:
    world.attempt(lambda: world.app.petitions.add_note(world.user(username), world.case, text))


@when(parsers.parse('"{username:w}" 于 {day} 批准该件延期 {days:d} 天，理由 "{reason}"'))
def extend(world: World, username: str, day: str, days: int, reason: str) -> None:
    world.attempt(
        lambda: world.app.petitions.grant_extension(
            world.user(username), world.case, days, reason, date.fromisoformat(day)
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 答复该件，结果为{outcome}'))
def reply(world: World, username: str, day: str, outcome: str) -> None:
    world.attempt(
        lambda: world.app.petitions.reply(
            world.user(username),
            world.case,
            date.fromisoformat(day),
            OUTCOMES[outcome],
            "经核实，已按政策兑现。",
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 记录回访满意度为{rating}'))
def satisfaction(world: World, username: str, day: str, rating: str) -> None:
    world.attempt(
        lambda: world.app.petitions.record_satisfaction(
            world.user(username), world.case, RATINGS[rating], date.fromisoformat(day)
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 登记信访人的{kind}申请'))
def request_review(world: World, username: str, day: str, kind: str) -> None:
    world.attempt(
        lambda: world.app.petitions.request_review(
            world.user(username), world.case, date.fromisoformat(day), re_review=kind == "复核"
        )
    )


@when(parsers.parse('"{username:w}" 记录听证时间 {start} 至 {end}'))
def stop_clock(world: World, username: str, start: str, end: str) -> None:
    world.attempt(
        lambda: world.app.petitions.stop_clock(
            world.user(username),
            world.case,
            date.fromisoformat(start),
            date.fromisoformat(end),
            "听证",
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 出具意见，结果为{outcome}'))
def give_opinion(world: World, username: str, day: str, outcome: str) -> None:
    world.attempt(
        lambda: world.app.petitions.give_opinion(
            world.user(username),
            world.case,
            date.fromisoformat(day),
            OUTCOMES[outcome],
            "维持原处理意见",
        )
    )


@when(parsers.parse('"{username:w}" 于 {day} 终结该件'))
def terminate(world: World, username: str, day: str) -> None:
    world.attempt(
        lambda: world.app.petitions.terminate(
            world.user(username), world.case, date.fromisoformat(day), "期满未申请复查"
        )
    )


@when(parsers.parse('"{username:w}" 将 "{duplicate}" 作为重复件并入 "{original}"'))
def merge(world: World, username: str, duplicate: str, original: str) -> None:
    world.attempt(
        lambda: world.app.petitions.merge(
            world.user(username), world.cases[duplicate], world.cases[original], "同一事项重复来信"
        )
    )


@when(parsers.parse('"{username:w}" 更正该件人数为 {headcount:d}，理由 "{reason}"'))
def correct_headcount(world: World, username: str, headcount: int, reason: str) -> None:
    world.attempt(
        lambda: world.app.petitions.correct(
            world.user(username), world.case, reason, {"headcount": headcount}
        )
    )


@then(parsers.parse('该件状态为 "{stage}"'))
def stage_is(world: World, stage: str) -> None:
    view = world.app.petitions.get(world.reader, world.case)
    assert view.stage.value == stage


@then(parsers.parse('"{name}" 的状态为 "{stage}"'))
def named_stage_is(world: World, name: str, stage: str) -> None:
    view = world.app.petitions.get(world.reader, world.cases[name])
    assert view.stage.value == stage


@then(parsers.parse("该件当前期限为 {day}"))
def current_limit_is(world: World, day: str) -> None:
    view = world.app.petitions.get(world.reader, world.case)
    assert view.current_limit == date.fromisoformat(day)


@then(parsers.parse("该件{verdict}集体访"))
def collective(world: World, verdict: str) -> None:
    view = world.app.petitions.get(world.reader, world.case)
    assert verdict in ("是", "不是")
    assert view.is_collective is (verdict == "是")


@then(parsers.parse("该件{verdict}越级访"))
def skip_level(world: World, verdict: str) -> None:
    view = world.app.petitions.get(world.reader, world.case)
    assert verdict in ("是", "不是")
    assert view.is_skip_level is (verdict == "是")


@then(parsers.parse("该件{verdict}逾期"))
def overdue(world: World, verdict: str) -> None:
    view = world.app.petitions.get(world.reader, world.case)
    assert verdict in ("已", "未")
    assert view.is_overdue is (verdict == "已")


@then(parsers.parse("该件{verdict}按期办结"))
def on_time(world: World, verdict: str) -> None:
    view = world.app.petitions.get(world.reader, world.case)
    assert verdict in ("已", "未")
    assert view.closed_on_time is (verdict == "已")


@then(parsers.parse("该件的人数为 {headcount:d}，历史中保留原值 {original:d}"))
def corrected(world: World, headcount: int, original: int) -> None:
    reader = world.reader
    assert world.app.petitions.get(reader, world.case).headcount == headcount
    history = world.app.audit.history(reader, world.case)
    assert history[0].fields["headcount"] == original
    assert history[-1].kind == "Corrected"
    assert history[-1].fields["changes"] == {"headcount": headcount}


@then(parsers.parse("该件收到日期为 {day}"))
def received_on(world: World, day: str) -> None:
    assert world.app.petitions.get(world.reader, world.case).received_on == date.fromisoformat(day)


@then(parsers.parse("该件回访满意度为{rating}"))
def rated(world: World, rating: str) -> None:
    assert world.app.petitions.get(world.reader, world.case).satisfaction is RATINGS[rating]


@when(parsers.parse('"{username:w}" 更正该件收到日期为 {day}，理由 "{reason}"'))
def correct_received_on(world: World, username: str, day: str, reason: str) -> None:
    world.attempt(
        lambda: world.app.petitions.correct(
            world.user(username), world.case, reason, {"received_on": date.fromisoformat(day)}
        )
    )


@given("库中有一条旧版本记下的、缺少摘要的信访件登记")
def an_old_registration_without_summary(world: World) -> None:
    world.cases["current"] = record_as_an_older_version_did(world.app, without_summary)
