"""The audit trail read model on both stores: it agrees with the event store, event for event."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

import pytest

from tests.story import COUPLE, apply_for_second_birth, hire, register
from tracker.aggregates.account import Account
from tracker.aggregates.fee_collection import Instalment
from tracker.aggregates.petition import Outcome
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.errors import CaseNotFound, PermissionDenied
from tracker.money import Money
from tracker.permissions import Principal
from tracker.projections.audit_trail import EVENTS, STATE, AuditTrail, Change
from tracker.projections.runner import Views
from tracker.roles import Role
from tracker.services.audit import REDACTED
from tracker.services.audit_feed import AuditFeed


def _setup(app: Tracker) -> AuditFeed:
    hire(app, ("xu", "xinmin", (Role.AUDITOR,)))
    return AuditFeed(app)


def _who(app: Tracker, username: str) -> Principal:
    return app.accounts.principal(username)


def _history_key(record: Any) -> tuple[Any, ...]:
    reason = record.fields.get("reason") or record.fields.get("grounds") or None
    return (
        record.version,
        record.kind,
        record.actor,
        record.business_date,
        record.recorded_at,
        reason,
    )


def _trail_key(row: Any) -> tuple[Any, ...]:
    return (row.version, row.event_type, row.actor, row.business_date, row.recorded_at, row.reason)


def _raw_rows(app: Tracker) -> dict[str, list[dict[str, Any]]]:
    with app.views.db.read() as cursor:
        suffix = app.views.suffix(cursor, "audit_trail")
        rows = {}
        for table, order in ((EVENTS, "position"), (STATE, "case_id")):
            cursor.execute(f"SELECT * FROM {table}{suffix} ORDER BY {order}")
            rows[table] = cursor.fetchall()
        return rows


def _busy_store(app: Tracker, clock: FixedClock) -> dict[str, UUID]:
    """A petition, an approval, a fee case and account changes, on several recording days."""
    li, wang = _who(app, "li"), _who(app, "wang")
    admin = _who(app, "admin")
    petition = register(app, "li", date(2026, 2, 10), headcount=6)
    clock.advance(hours=2)
    app.petitions.accept(li, petition, date(2026, 2, 12))
    app.petitions.assign(li, petition, "li")
    app.petitions.add_note(li, petition, "已电话联系信访人")
    clock.advance(days=1)
    app.petitions.grant_extension(wang, petition, 10, "需要调取历年档案", date(2026, 3, 3))
    app.petitions.correct(li, petition, "重复计入了陪同人员", {"headcount": 3})
    app.petitions.reply(li, petition, date(2026, 3, 3), Outcome.SUPPORTED, "已按政策兑现")

    approval = apply_for_second_birth(app, "li")
    app.approvals.review_eligibility(li, approval, True, date(2026, 2, 3), "夫妻一方为独生子女")
    app.approvals.post(li, approval, date(2026, 2, 4), "新民社区居务公开栏")
    app.approvals.decide(wang, approval, True, date(2026, 2, 20), certificate_number="闽2026-001")

    fee = app.fees.assess(
        _who(app, "zhao"),
        decision_number="鼓东征字〔2021〕3号",
        liable_parties=COUPLE,
        community="dongjie",
        amount=Money.parse("12000"),
        decided_on=date(2021, 5, 10),
        served_on=date(2021, 5, 12),
    ).case_id
    app.fees.record_payment(_who(app, "zhao"), fee, "R-0001", Money.parse("3000"), date(2021, 6, 1))
    plan = (
        Instalment(date(2021, 7, 1), Money.parse("4500")),
        Instalment(date(2021, 8, 1), Money.parse("4500")),
    )
    app.fees.approve_instalments(wang, fee, date(2021, 6, 1), date(2021, 6, 5), plan)

    clock.advance(days=1)
    app.accounts.grant_role(admin, "li", Role.APPROVER)
    app.accounts.change_password(admin, "li", "another-password-1", None)
    return {"petition": petition, "approval": approval, "fee": fee, "li": Account.id_for("li")}


def test_a_trail_equals_the_history_in_the_event_store(app: Tracker, clock: FixedClock) -> None:
    feed = _setup(app)
    ids = _busy_store(app, clock)
    zhou = _who(app, "zhou")
    everything = feed.feed(zhou, per_page=500)
    aggregate_ids = {row.case_id for row in everything.rows}
    assert set(ids.values()) <= aggregate_ids
    assert everything.total == app.views.head()  # one row per event in the store
    for case_id in aggregate_ids:
        history = app.audit.history(zhou, case_id)
        trail = feed.case_trail(zhou, case_id)
        assert [_trail_key(r) for r in trail] == [_history_key(h) for h in history]
    kinds = {row.case_id: row.kind for row in everything.rows}
    assert [kinds[ids[k]] for k in ("petition", "approval", "fee", "li")] == [
        "petition",
        "approval",
        "fee",
        "account",
    ]
    claims = [row for row in everything.rows if row.kind == "claim"]
    # The first admin's claim, the certificate's (xinmin) and the receipt's (dongjie).
    assert sorted((row.community or "") for row in claims) == ["", "dongjie", "xinmin"]
    # Newest first, in the order the store recorded them.
    positions = [row.position for row in everything.rows]
    assert positions == sorted(positions, reverse=True) == list(range(len(positions), 0, -1))


def test_a_correction_shows_the_old_and_new_value_and_the_reason(
    app: Tracker, clock: FixedClock
) -> None:
    feed = _setup(app)
    li = _who(app, "li")
    case = register(app, "li", date(2026, 2, 10), headcount=6)
    clock.advance(hours=3)
    app.petitions.correct(li, case, "重复计入了陪同人员", {"headcount": 3})
    trail = feed.case_trail(_who(app, "zhou"), case)
    registered, corrected = trail
    assert registered.change("headcount") == Change("headcount", None, 6)
    assert registered.business_date == date(2026, 2, 10)
    assert (corrected.event_type, corrected.actor, corrected.reason) == (
        "Corrected",
        "li",
        "重复计入了陪同人员",
    )
    assert corrected.changes == (Change("headcount", 6, 3),)
    assert corrected.business_date is None
    assert corrected.recorded_at == clock.now()
    assert corrected.recorded_at - registered.recorded_at == timedelta(hours=3)


def test_what_changed_renders_dates_enums_and_money_as_text(
    app: Tracker, clock: FixedClock
) -> None:
    feed = _setup(app)
    ids = _busy_store(app, clock)
    zhou = _who(app, "zhou")
    accepted = feed.case_trail(zhou, ids["petition"])[1]
    assert accepted.changes == (
        Change("stage", "registered", "accepted"),
        Change("accepted_on", None, "2026-02-12"),
    )
    payment = feed.case_trail(zhou, ids["fee"])[1]
    assert payment.event_type == "PaymentReceived"
    assert payment.change("receipts") == Change(
        "receipts", [], [{"number": "R-0001", "amount": "3000.00", "paid_on": "2021-06-01"}]
    )
    created = feed.case_trail(zhou, ids["approval"])[0]
    spouses = created.change("spouses")
    assert spouses is not None
    # ID numbers are masked in the trail, as in every list.
    masked = [p.id_number.masked for p in COUPLE if p.id_number is not None]
    assert [s["id_number"] for s in spouses.after] == masked
    assert all("*" in number for number in masked)


def test_the_feed_filters_by_actor_kind_community_type_and_recorded_time(
    app: Tracker, clock: FixedClock
) -> None:
    feed = _setup(app)
    start = clock.now()
    ids = _busy_store(app, clock)
    zhou = _who(app, "zhou")

    by_wang = feed.feed(zhou, actor="wang")
    assert [(r.event_type, r.kind) for r in by_wang.rows] == [
        ("InstalmentPlanApproved", "fee"),
        ("Claimed", "claim"),
        ("Decided", "approval"),
        ("ExtensionGranted", "petition"),
    ]
    assert all(r.actor == "wang" for r in by_wang.rows)

    fees = feed.feed(zhou, kind="fee")
    assert [r.event_type for r in fees.rows] == [
        "InstalmentPlanApproved",
        "PaymentReceived",
        "Assessed",
    ]
    # The plan counts by its approval date, not the application date it also carries.
    assert fees.rows[0].business_date == date(2021, 6, 5)
    assert {r.case_id for r in fees.rows} == {ids["fee"]}

    dongjie = feed.feed(zhou, community="dongjie")
    assert {(r.kind, r.community) for r in dongjie.rows} == {
        ("fee", "dongjie"),
        ("claim", "dongjie"),
        ("account", "dongjie"),  # zhao's account
    }

    corrections = feed.feed(zhou, event_type="Corrected")
    assert [(r.case_id, r.reason) for r in corrections.rows] == [
        (ids["petition"], "重复计入了陪同人员")
    ]

    # Recorded on the second day (start + 1 day + 2 hours): the extension to the payment.
    second_day = feed.feed(
        zhou,
        recorded_from=start + timedelta(days=1),
        recorded_to=start + timedelta(days=1, hours=2),
    )
    assert second_day.rows[0].event_type == "InstalmentPlanApproved"
    assert second_day.rows[-1].event_type == "ExtensionGranted"
    assert {r.recorded_at for r in second_day.rows} == {start + timedelta(days=1, hours=2)}
    assert feed.feed(zhou, recorded_to=start - timedelta(microseconds=1)).total == 0
    # The range is inclusive at both ends.
    assert feed.feed(zhou, recorded_from=start, recorded_to=start).total > 0

    combined = feed.feed(zhou, actor="li", kind="petition", event_type="Accepted")
    assert [r.case_id for r in combined.rows] == [ids["petition"]]

    # Pages, newest first.
    total = feed.feed(zhou).total
    first, second = feed.feed(zhou, per_page=4), feed.feed(zhou, page=2, per_page=4)
    assert first.total == second.total == total
    assert first.pages == -(-total // 4)
    assert first.rows[0].position == total
    assert [r.position for r in first.rows + second.rows] == list(range(total, total - 8, -1))


def test_no_password_hash_is_stored_in_the_audit_tables(app: Tracker, clock: FixedClock) -> None:
    feed = _setup(app)
    ids = _busy_store(app, clock)
    hashes = {
        event.password_hash
        for username in ("admin", "li", "zhao", "wang", "zhou", "xu")
        for event in app.events.get(Account.id_for(username))
        if hasattr(event, "password_hash")
    }
    assert len(hashes) == 7  # six accounts, and li's new password
    app.views.catch_up()
    raw = _raw_rows(app)
    assert raw[EVENTS]
    assert raw[STATE]
    text = repr(raw)
    for secret in hashes:
        assert secret not in text
    assert "argon2" not in text
    changed = feed.case_trail(_who(app, "zhou"), ids["li"])[-1]
    assert changed.event_type == "PasswordChanged"
    assert changed.changes == (Change("password_hash", REDACTED, REDACTED),)


def test_scope_and_roles_decide_what_the_trail_and_feed_show(
    app: Tracker, clock: FixedClock
) -> None:
    feed = _setup(app)
    ids = _busy_store(app, clock)
    li, zhao, xu = _who(app, "li"), _who(app, "zhao"), _who(app, "xu")
    admin, zhou = _who(app, "admin"), _who(app, "zhou")

    mine = feed.feed(li, per_page=500)
    assert mine.total > 0
    assert {r.community for r in mine.rows} == {"xinmin"}
    assert "account" not in {r.kind for r in mine.rows}
    assert {r.community for r in feed.feed(zhao, per_page=500).rows} == {"dongjie"}
    # Asking for another community within one's own scope gives nothing.
    assert feed.feed(li, community="dongjie").total == 0

    # A community auditor sees the accounts of that community, not the others'.
    accounts = {r.case_id for r in feed.feed(xu, kind="account", per_page=500).rows}
    assert accounts == {Account.id_for("li"), Account.id_for("xu")}
    # An admin (no right to case histories) sees account events only.
    assert {r.kind for r in feed.feed(admin, per_page=500).rows} == {"account"}
    assert {r.kind for r in feed.feed(zhou, per_page=500).rows} == {
        "petition",
        "approval",
        "fee",
        "account",
        "claim",
    }

    with pytest.raises(CaseNotFound):
        feed.case_trail(zhao, ids["petition"])
    with pytest.raises(CaseNotFound):
        feed.case_trail(zhou, UUID(int=1))
    with pytest.raises(PermissionDenied):
        feed.case_trail(li, ids["li"])  # an officer does not read account histories
    with pytest.raises(PermissionDenied):
        feed.case_trail(admin, ids["petition"])
    assert feed.case_trail(admin, ids["li"])[-1].event_type == "PasswordChanged"
    assert feed.case_trail(li, ids["petition"])[0].event_type == "Registered"
    # The same refusals as the history read from the store.
    with pytest.raises(CaseNotFound):
        app.audit.history(zhao, ids["petition"])
    with pytest.raises(PermissionDenied):
        app.audit.history(li, ids["li"])


def test_restarts_and_a_rebuild_give_identical_rows(app: Tracker, clock: FixedClock) -> None:
    _setup(app)
    _busy_store(app, clock)
    app.views.catch_up()
    expected = _raw_rows(app)

    app.views.rebuild("audit_trail")
    assert _raw_rows(app) == expected

    with app.views.db.write() as cursor:
        suffix = app.views.suffix(cursor, "audit_trail")
        for table in (EVENTS, STATE):
            cursor.execute(f"DELETE FROM {table}{suffix}")
        cursor.execute("UPDATE view_positions SET position = 0 WHERE name = 'audit_trail'")
    head = app.views.head()
    while app.views.position("audit_trail") < head:
        # Each time a new runner and a new projection (no state in memory) does one event.
        Views(app, app.views.db, [AuditTrail(app.policy)]).catch_up(batch=1, stop_after=1)
    assert _raw_rows(app) == expected
