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
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.resident_id import make_resident_id


@dataclass(frozen=True)
class Site:
    base: str
    petition: UUID  # xinmin, received 2026-02-20, registered


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    clock = FixedClock.on(date(2026, 3, 2))
    with store_settings("sqlite", tmp_path) as store:
        seeded = Tracker(store, clock=clock)
        hire(seeded)
        petition = register(seeded, "li", date(2026, 2, 20))
        seeded.close()
        with served(store, clock) as base:
            yield Site(base, petition)


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
