"""Case pages over real HTTP: facts, deadlines, the commands a user may give, and refusals."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import httpx
import pytest

from tests.story import assess_fee, hire, register
from tests.web import csrf_of, served, signed_in
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.resident_id import make_resident_id
from tracker.settings import Settings


@dataclass(frozen=True)
class Site:
    base: str
    petition: UUID  # xinmin, received 2026-02-20, registered
    other: UUID  # dongjie
    fee: UUID  # xinmin, assessed in 2021, nothing paid


@pytest.fixture
def site(store: Settings) -> Iterator[Site]:
    clock = FixedClock.on(date(2021, 6, 1))
    seeded = Tracker(store, clock=clock)
    hire(seeded)
    fee = assess_fee(seeded, "li")
    clock.set(FixedClock.on(date(2026, 3, 2)).now())
    petition = register(seeded, "li", date(2026, 2, 20))
    other = register(seeded, "zhao", date(2026, 2, 20))
    seeded.close()
    with served(store, clock) as base:
        yield Site(base, petition, other, fee)


def _forms(page: str) -> list[str]:
    return re.findall(r'<form id="form-(\w+)"', page)


def _post(client: httpx.Client, url: str, **fields: str) -> httpx.Response:
    """A plain form post, as a browser without htmx sends it (hidden token field)."""
    token = csrf_of(client.get("/").text)
    return client.post(url, data={"csrf_token": token, **fields}, headers={"X-CSRF-Token": ""})


def test_the_page_shows_facts_deadlines_and_only_the_officers_commands(site: Site) -> None:
    with signed_in(site.base, "li") as li:
        page = li.get(f"/petitions/{site.petition}")
    assert page.status_code == 200
    assert "王秀英" in page.text
    assert "受理、不予受理或转送（收到后15日内）" in page.text
    assert "2026年3月9日" in page.text  # 2026-02-20 + 15 days = 03-07, a Saturday → Monday 03-09
    assert "还剩 7 天" in page.text
    assert _forms(page.text) == [
        "accept",
        "not_accept",
        "forward",
        "assign",
        "add_note",
        "merge_into",
        "correct",
    ]


def test_an_approver_may_extend_only_an_accepted_petition(site: Site) -> None:
    with signed_in(site.base, "wang") as wang:
        assert _forms(wang.get(f"/petitions/{site.petition}").text) == []
        with signed_in(site.base, "li") as li:
            url = f"/petitions/{site.petition}"
            accepted = _post(li, f"{url}/accept", expected_version="1", accepted_on="2026-03-02")
            assert accepted.status_code == 303
        assert _forms(wang.get(url).text) == ["grant_extension"]


def test_a_plain_form_post_records_and_returns_to_the_page(site: Site) -> None:
    url = f"/petitions/{site.petition}"
    with signed_in(site.base, "li") as li:
        answer = _post(li, f"{url}/accept", expected_version="1", accepted_on="2026-03-02")
        assert answer.status_code == 303
        assert answer.headers["location"] == url
        page = li.get(url).text
    assert '<span class="stage">已受理</span>' in page
    assert "已于 2026年3月2日 完成" in page
    assert "办理并答复（受理后60日内）" in page


def test_an_htmx_post_gets_the_form_back_with_the_error_beside_the_field(site: Site) -> None:
    url = f"/petitions/{site.petition}"
    with signed_in(site.base, "li") as li:
        future = li.post(
            f"{url}/accept",
            data={"expected_version": "1", "accepted_on": "2026-03-03"},
            headers={"HX-Request": "true"},
        )
        garbled = li.post(
            f"{url}/not_accept",
            data={"expected_version": "1", "decided_on": "yesterday", "reason": "理由"},
            headers={"HX-Request": "true"},
        )
        done = li.post(
            f"{url}/accept",
            data={"expected_version": "1", "accepted_on": "2026-03-02"},
            headers={"HX-Request": "true"},
        )
    assert future.status_code == 422
    assert future.text.lstrip().startswith('<form id="form-accept"')
    assert "受理日期（2026-03-03）晚于今天" in future.text
    assert 'value="2026-03-03"' in future.text  # what was typed stays
    assert garbled.status_code == 422
    assert "请输入日期。" in garbled.text
    assert ">理由</textarea>" in garbled.text
    assert done.status_code == 204
    assert done.headers["hx-redirect"] == url


def test_a_change_by_someone_else_keeps_what_was_typed(site: Site) -> None:
    url = f"/petitions/{site.petition}"
    with signed_in(site.base, "li") as li:
        _post(li, f"{url}/add_note", expected_version="1", text="先到的备注")
        stale = li.post(
            f"{url}/not_accept",
            data={"expected_version": "1", "decided_on": "2026-03-02", "reason": "不属于信访事项"},
            headers={"HX-Request": "true"},
        )
        page = _post(li, f"{url}/accept", expected_version="1", accepted_on="2026-03-02")
    assert stale.status_code == 409
    assert "案件已被他人修改" in stale.text
    assert ">不属于信访事项</textarea>" in stale.text
    assert 'name="expected_version" value="2"' in stale.text  # a new try applies to version 2
    assert page.status_code == 409  # a plain post gets the whole page, refreshed
    assert "先到的备注" in page.text


def test_another_communitys_case_and_bad_addresses_are_not_found(site: Site) -> None:
    with signed_in(site.base, "li") as li:
        other = li.get(f"/petitions/{site.other}")
        wrong_kind = li.get(f"/fees/{site.petition}")
        garbled = li.get("/petitions/not-a-uuid")
        command = _post(li, f"/petitions/{site.petition}/drop_table", expected_version="1")
        foreign = _post(li, f"/petitions/{site.other}/accept", expected_version="1")
        foreign_htmx = li.post(
            f"/petitions/{site.other}/accept",
            data={"expected_version": "1", "accepted_on": "2026-03-02"},
            headers={"HX-Request": "true"},
        )
    assert other.status_code == 404
    assert "找不到该案件" in other.text
    assert wrong_kind.status_code == 404
    assert garbled.status_code == 422
    assert command.status_code == 404
    assert foreign.status_code == 404
    assert foreign_htmx.status_code == 404  # the same answer, whichever way the form is sent


def test_an_auditor_reads_the_case_and_can_do_nothing(site: Site) -> None:
    with signed_in(site.base, "zhou") as zhou:
        page = zhou.get(f"/petitions/{site.petition}")
        refused = _post(zhou, f"/petitions/{site.petition}/accept", expected_version="1")
    assert page.status_code == 200
    assert _forms(page.text) == []
    assert "本案当前环节无需您办理" in page.text
    assert refused.status_code == 403


def test_a_fee_case_takes_payments_in_yuan(site: Site) -> None:
    url = f"/fees/{site.fee}"
    with signed_in(site.base, "li") as li:
        page = li.get(url).text
        assert "¥12,000.00" in page
        bad = _post(
            li,
            f"{url}/record_payment",
            expected_version="1",
            receipt_number="R-1",
            amount="12,000.001",
            paid_on="2021-06-01",
        )
        assert bad.status_code == 422
        assert "请输入以元为单位的金额" in bad.text
        ok = _post(
            li,
            f"{url}/record_payment",
            expected_version="1",
            receipt_number="R-1",
            amount="4000",
            paid_on="2021-06-01",
        )
        assert ok.status_code == 303
        page = li.get(url).text
    assert "R-1" in page
    assert "¥8,000.00" in page  # outstanding


def _petition_form(id_number: str, summary: str) -> dict[str, str]:
    """The new-petition form as a user fills it in: a letter from 赵丽 of xinmin."""
    return {
        "channel": "letter",
        "received_on": "2026-03-01",
        "name_1": "赵丽",
        "id_1": id_number,
        "headcount": "1",
        "community": "xinmin",
        "category": "计生政策",
        "summary": summary,
        "lodged_level": "SUB_DISTRICT",
        "competent_level": "SUB_DISTRICT",
    }


def test_an_officer_registers_a_petition_and_lands_on_its_page(site: Site) -> None:
    id_number = str(make_resident_id("350102", date(1975, 4, 9), 21))
    with signed_in(site.base, "li") as li:
        form = li.get("/petitions/new")
        assert form.status_code == 200
        assert 'value="2026-03-02"' in form.text  # received on: today
        answer = _post(li, "/petitions/new", **_petition_form(id_number, "独生子女父母奖励未发放"))
        assert answer.status_code == 303
        page = li.get(answer.headers["location"]).text
    assert f"赵丽 ({id_number})" in page  # whole on the case page, for the officer
    assert "独生子女父母奖励未发放" in page


def test_a_bad_id_number_is_shown_beside_its_row_and_nothing_is_recorded(site: Site) -> None:
    with signed_in(site.base, "li") as li:
        before = li.get("/cases").text
        wrong_check_character = "350102197504092120"
        answer = _post(li, "/petitions/new", **_petition_form(wrong_check_character, "摘要"))
        after = li.get("/cases").text
    assert answer.status_code == 422
    assert "最后一位校验码与前17位不符" in answer.text
    assert 'value="350102197504092120"' in answer.text
    assert re.search(r"共 \d+ 件", before).group(0) == re.search(r"共 \d+ 件", after).group(0)  # type: ignore[union-attr]


def test_an_id_number_is_checked_by_the_server_as_it_is_typed(site: Site) -> None:
    good = str(make_resident_id("350102", date(1975, 4, 9), 21))
    with signed_in(site.base, "li") as li:
        ok = li.get("/check/resident-id", params={"id_1": good}, headers={"HX-Request": "true"})
        short = li.get("/check/resident-id", params={"id_2": "3501"})
        future = li.get("/check/resident-id", params={"id_1": "350102209901010011"})
    assert "身份证号有效" in ok.text
    assert "身份证号应为18位" in short.text
    assert "field-error" in future.text


def test_an_approval_needs_both_spouses(site: Site) -> None:
    with signed_in(site.base, "li") as li:
        answer = _post(
            li,
            "/approvals/new",
            name_1="林芳",
            id_1=str(make_resident_id("350102", date(1990, 1, 2), 32)),
            community="xinmin",
            existing_children="1",
            policy_ground="universal-two",
            applied_on="2026-03-02",
        )
    assert answer.status_code == 422
    assert "须填写夫妻双方" in answer.text


def test_an_auditor_cannot_open_a_case(site: Site) -> None:
    with signed_in(site.base, "zhou") as zhou:
        assert zhou.get("/petitions/new").status_code == 403
        assert zhou.get("/things/new").status_code == 404


def test_the_posting_board_lists_posted_applications_without_id_numbers(site: Site) -> None:
    with signed_in(site.base, "li") as li:
        empty = li.get("/posting-board")
        assert "目前没有公示中的申请" in empty.text
        applied = _post(
            li,
            "/approvals/new",
            name_1="林芳",
            id_1=str(make_resident_id("350102", date(1990, 1, 2), 32)),
            name_2="郑强",
            id_2=str(make_resident_id("350102", date(1989, 6, 7), 41)),
            community="xinmin",
            existing_children="1",
            policy_ground="universal-two",
            applied_on="2026-03-02",
        )
        url = applied.headers["location"]
        _post(
            li,
            f"{url}/review_eligibility",
            expected_version="1",
            eligible="true",
            reviewed_on="2026-03-02",
            grounds="全面两孩",
        )
        _post(li, f"{url}/post", expected_version="2", posted_on="2026-03-02", place="公告栏")
        board = li.get("/posting-board")
    assert "林芳、郑强" in board.text
    assert "2026年3月9日" in board.text  # 7 days from 03-02
    assert "350102" not in board.text


def test_a_correction_changes_only_the_fields_given_and_needs_a_reason(site: Site) -> None:
    url = f"/petitions/{site.petition}"
    with signed_in(site.base, "li") as li:
        page = li.get(url).text
        assert "更正登记信息" in page
        no_reason = _post(li, f"{url}/correct", expected_version="1", headcount="6")
        nothing = _post(li, f"{url}/correct", expected_version="1", reason="核对原件")
        done = _post(
            li,
            f"{url}/correct",
            expected_version="1",
            headcount="6",
            lodged_level="DISTRICT",
            reason="核对来访登记表，人数和提出层级录错",
        )
        page = li.get(url).text
        trail = li.get(f"/audit/petitions/{site.petition}").text
    assert no_reason.status_code == 422
    assert "理由 为必填项" in no_reason.text
    assert nothing.status_code == 422
    assert "要更正的项目 为必填项" in nothing.text
    assert done.status_code == 303
    assert "集体访" in page  # 6 people: collective
    assert "区 / 街道" in page
    assert "核对来访登记表，人数和提出层级录错" in trail
