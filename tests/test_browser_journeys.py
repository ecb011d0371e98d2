"""The users' journeys in a real browser (Chromium, headless) on the embedded SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from uuid import UUID

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import chromium, shot, sign_in
from tests.stores import store_settings
from tests.story import hire, register
from tests.web import served
from tracker.aggregates.fee_collection import Instalment
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.money import Money
from tracker.person import Person
from tracker.resident_id import make_resident_id


@dataclass(frozen=True)
class Site:
    base: str
    clock: FixedClock
    petition: UUID  # xinmin, received 2026-02-20, registered
    approval: UUID  # xinmin, applied 2026-02-24, found eligible 2026-02-25
    fee: UUID  # xinmin, 12,000 yuan assessed 2021-05-20, in 3 instalments


def _spouse(name: str, born: date, sequence: int) -> Person:
    return Person(name, make_resident_id("350102", born, sequence))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    clock = FixedClock.on(date(2021, 6, 1))
    with store_settings("sqlite", tmp_path) as store:
        seeded = Tracker(store, clock=clock)
        hire(seeded)
        li, wang = seeded.accounts.principal("li"), seeded.accounts.principal("wang")
        fee = seeded.fees.assess(
            li,
            decision_number="鼓东征字〔2021〕7号",
            liable_parties=(_spouse("陈建国", date(1980, 5, 1), 12),),
            community="xinmin",
            amount=Money.parse("12000"),
            decided_on=date(2021, 5, 20),
            served_on=date(2021, 5, 25),
        ).case_id
        seeded.fees.approve_instalments(
            wang,
            fee,
            applied_on=date(2021, 5, 28),
            approved_on=date(2021, 6, 1),
            schedule=(
                Instalment(date(2021, 6, 30), Money.parse("4000")),
                Instalment(date(2021, 7, 31), Money.parse("4000")),
                Instalment(date(2021, 8, 19), Money.parse("4000")),
            ),
        )
        clock.set(FixedClock.on(date(2026, 3, 2)).now())
        petition = register(seeded, "li", date(2026, 2, 20))
        approval = seeded.approvals.apply(
            li,
            spouses=(
                _spouse("周伟", date(1990, 3, 4), 13),
                _spouse("吴娜", date(1991, 7, 8), 24),
            ),
            community="xinmin",
            existing_children=1,
            policy_ground="universal-two",
            applied_on=date(2026, 2, 24),
        ).case_id
        seeded.approvals.review_eligibility(
            li, approval, eligible=True, reviewed_on=date(2026, 2, 25), grounds="全面两孩"
        )
        seeded.close()
        with served(store, clock) as base:
            yield Site(base, clock, petition, approval, fee)


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _stage(page: Page) -> str:
    return page.locator("h1 .stage").inner_text()


def test_an_officer_registers_handles_and_closes_a_petition(site: Site, browser: Browser) -> None:
    page = browser.new_page()
    sign_in(page, site.base, "li")
    shot(page, "home-officer")
    page.goto(f"{site.base}/cases?kind=petition")
    page.get_by_role("link", name="登记信访件").click()
    page.get_by_label("信访形式").select_option(label="来信")
    page.get_by_label("姓名 1").fill("赵丽")
    page.get_by_label("身份证号 1").fill(str(make_resident_id("350102", date(1975, 4, 9), 21)))
    expect(page.locator("#check-id_1")).to_contain_text("身份证号有效")  # asked as it was typed
    page.get_by_label("人数").fill("1")
    page.get_by_label("社区").select_option(label="新民社区")
    page.get_by_label("类别").fill("计生政策")
    page.get_by_label("摘要").fill("独生子女父母奖励未发放")
    page.get_by_label("提出层级").select_option(label="街道")
    page.get_by_label("主管层级").select_option(label="街道")
    shot(page, "register-petition")
    page.get_by_role("button", name="登记信访件").click()

    expect(page.locator("h1")).to_contain_text("赵丽")
    assert _stage(page) == "已登记"
    expect(page.locator("table.deadlines")).to_contain_text("还剩 15 天")
    page.locator("#form-accept").get_by_role("button").click()
    expect(page.locator("h1 .stage")).to_have_text("已受理")
    page.locator("#form-assign").get_by_label("经办人用户名").fill("li")
    page.locator("#form-assign").get_by_role("button").click()
    expect(page.locator("dl")).to_contain_text("li")
    reply = page.locator("#form-reply")
    reply.get_by_label("处理结果").select_option(label="解释说明")
    reply.get_by_label("答复意见").fill("已向信访人解释政策，奖励将于下月发放。")
    shot(page, "petition-accepted")
    reply.get_by_role("button").click()
    expect(page.locator("h1 .stage")).to_have_text("已答复")
    expect(page.locator("table.deadlines")).to_contain_text("已于 2026年3月2日 完成")
    shot(page, "petition-replied")


def test_a_refused_value_is_shown_beside_its_field_and_nothing_changes(
    site: Site, browser: Browser
) -> None:
    page = browser.new_page()
    sign_in(page, site.base, "li")
    page.goto(f"{site.base}/petitions/{site.petition}")
    accept = page.locator("#form-accept")
    accept.get_by_label("受理日期").fill("2026-03-03")  # tomorrow
    accept.get_by_role("button").click()
    expect(page.locator("#form-accept .field-error")).to_have_text("受理日期（2026-03-03）晚于今天")
    shot(page, "inline-error")
    page.reload()
    assert _stage(page) == "已登记"


def test_two_users_on_one_case_the_second_keeps_what_they_typed(
    site: Site, browser: Browser
) -> None:
    first, second = browser.new_context().new_page(), browser.new_context().new_page()
    for page in (first, second):
        sign_in(page, site.base, "li")
        page.goto(f"{site.base}/petitions/{site.petition}")
    refusal = second.locator("#form-not_accept")
    refusal.get_by_label("理由").fill("不属于信访事项，已告知向法院起诉")
    first.locator("#form-accept").get_by_role("button").click()
    expect(first.locator("h1 .stage")).to_have_text("已受理")

    refusal.get_by_role("button").click()
    expect(second.locator("#form-not_accept [role=alert]")).to_contain_text("案件已被他人修改")
    expect(second.locator("#form-not_accept").get_by_label("理由")).to_have_value(
        "不属于信访事项，已告知向法院起诉"
    )
    shot(second, "concurrent-change")
    second.locator("#form-not_accept").get_by_role("button").click()  # now against version 2
    expect(second.locator("#form-not_accept [role=alert]")).to_contain_text("已受理")


def test_an_approver_takes_an_application_through_posting_objection_decision_delivery(
    site: Site, browser: Browser
) -> None:
    page = browser.new_page()
    sign_in(page, site.base, "wang")
    shot(page, "home-approver")
    page.goto(f"{site.base}/approvals/{site.approval}")
    post = page.locator("#form-post")
    post.get_by_label("公布地点").fill("新民社区公告栏")
    post.get_by_role("button").click()
    expect(page.locator("h1 .stage")).to_have_text("张榜公布中")
    expect(page.locator("table.deadlines")).to_contain_text("张榜公布：异议截止")

    objection = page.locator("#form-lodge_objection")
    objection.get_by_label("异议人").fill("邻居王某")
    objection.get_by_label("异议", exact=True).fill("认为申请人已有两个子女")
    objection.get_by_role("button").click()
    expect(page.locator("section.objections")).to_contain_text("待处理")
    dismiss = page.locator("#form-dismiss_objection")
    dismiss.get_by_label("异议序号").fill("1")
    dismiss.get_by_label("理由").fill("经核实户籍，仅有一个子女")
    dismiss.get_by_role("button").click()
    expect(page.locator("section.objections")).to_contain_text("驳回")

    decide = page.locator("#form-decide")
    decide.get_by_label("已批准").select_option(label="是")
    decide.get_by_label("生育证号").fill("鼓东生〔2026〕001号")
    decide.get_by_role("button").click()  # too early: the posting runs until 2026-03-09
    expect(page.locator("#form-decide [role=alert]")).to_contain_text("张榜公布至")

    site.clock.set(FixedClock.on(date(2026, 3, 10)).now())  # the session has ended since
    sign_in(page, site.base, "wang")
    page.goto(f"{site.base}/approvals/{site.approval}")
    decide = page.locator("#form-decide")
    decide.get_by_label("已批准").select_option(label="是")
    decide.get_by_label("生育证号").fill("鼓东生〔2026〕001号")
    decide.get_by_role("button").click()
    expect(page.locator("h1 .stage")).to_have_text("已批准")
    deliver = page.locator("#form-deliver_certificate")
    deliver.get_by_label("签收人").fill("吴娜")
    deliver.get_by_label("送证人").fill("wang")
    deliver.get_by_role("button").click()
    expect(page.locator("h1 .stage")).to_have_text("已送证上门")
    expect(page.locator("table.deadlines")).to_contain_text("已于 2026年3月10日 完成")
    shot(page, "approval-delivered")


def test_an_officer_records_instalment_payments(site: Site, browser: Browser) -> None:
    site.clock.set(FixedClock.on(date(2021, 7, 1)).now())
    page = browser.new_page()
    sign_in(page, site.base, "li")
    page.goto(f"{site.base}/fees/{site.fee}")
    expect(page.locator("section.payments")).to_contain_text("分期计划")
    for receipt, paid_on in (("HK-0001", "2021-06-28"), ("HK-0002", "2021-07-01")):
        payment = page.locator("#form-record_payment")
        payment.get_by_label("收据号").fill(receipt)
        payment.get_by_label("金额（元）").fill("4,000")
        payment.get_by_label("缴款日期").fill(paid_on)
        payment.get_by_role("button").click()
        expect(page.locator("section.payments")).to_contain_text(receipt)
    facts = page.locator("section.facts")
    expect(facts).to_contain_text("¥8,000.00")  # paid
    expect(facts).to_contain_text("¥4,000.00")  # outstanding
    payment = page.locator("#form-record_payment")
    payment.get_by_label("收据号").fill("HK-0002")
    payment.get_by_label("金额（元）").fill("4000")
    payment.get_by_role("button").click()
    expect(page.locator("#form-record_payment [role=alert]")).to_contain_text(
        "收据号 HK-0002 已登记过"
    )
    shot(page, "fee-instalments")


def test_an_auditor_replays_a_case_and_opens_a_report_as_of_last_month(
    site: Site, browser: Browser
) -> None:
    page = browser.new_page()
    sign_in(page, site.base, "li")
    page.goto(f"{site.base}/petitions/{site.petition}")
    page.locator("#form-accept").get_by_role("button").click()
    expect(page.locator("h1 .stage")).to_have_text("已受理")
    page.context.clear_cookies()

    sign_in(page, site.base, "zhou")
    expect(page.locator("#activity")).to_contain_text("已受理")
    page.locator("#check").get_by_role("button", name="立即核对").click()
    expect(page.locator("#integrity")).to_contain_text("全部数字与原始记录一致")
    shot(page, "home-auditor")
    page.goto(f"{site.base}/petitions/{site.petition}")
    page.get_by_role("link", name="逐步回放").click()
    expect(page.locator("#replay")).to_contain_text("第 1 / 2 步")
    expect(page.locator("#replay .stage")).to_have_text("已登记")
    page.get_by_role("link", name="下一步").click()
    expect(page.locator("#replay")).to_contain_text("第 2 / 2 步")
    expect(page.locator("#replay .stage")).to_have_text("已受理")
    assert page.url.endswith("replay?step=2")  # the step is in the address
    shot(page, "replay")

    page.get_by_role("link", name="报表").click()
    page.get_by_label("期间").fill("2026-02")
    page.get_by_label("查看某日所知情况").fill("2026-02-28")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#reports")).to_contain_text("2026年2月28日 日终时所知")
    expect(page.locator("#three-nos")).to_contain_text("达标")
    assert "as_of=2026-02-28" in page.url
    shot(page, "reports-as-of-last-month")
