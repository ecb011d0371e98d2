"""With a cipher key, neither the raw SQLite file nor a PostgreSQL table shows a name or ID number.

Events are encrypted by the library; the read models seal personal text with
the same key (``tracker.projections.sealing``).  Each test first stores the
same cases without a key and finds the personal data in the raw storage, so
that the search for it is shown to work before it is trusted to find nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from eventsourcing.cryptography import AESCipher
from pydantic import SecretStr

from tests.stores import STORES, store_settings
from tests.story import PASSWORD, apply_for_second_birth, hire, register
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.person import Person
from tracker.projections.case_index import CaseQuery
from tracker.resident_id import make_resident_id
from tracker.settings import Settings

ID_NUMBER = make_resident_id("350102", date(1985, 4, 12), 131)
SPOUSE_ID = make_resident_id("350102", date(1987, 9, 3), 242)
NAMES = ("欧阳秀英", "司马建国")
SUMMARY = "司马建国反映母亲奖励金未兑现"
REASON = "欧阳秀英本人来电更正"
SECRETS = (*NAMES, str(ID_NUMBER), SUMMARY, REASON)


def _traces(secret: str) -> list[bytes]:
    """The ways a text can sit in storage: UTF-8, JSON escapes, PostgreSQL's bytea hex."""
    utf8 = secret.encode()
    escaped = json.dumps(secret).strip('"').encode()
    return [utf8, escaped, escaped.upper().replace(b"\\U", b"\\u"), utf8.hex().encode()]


def _found(raw: bytes) -> list[str]:
    return [secret for secret in SECRETS if any(trace in raw for trace in _traces(secret))]


def _record(settings: Settings) -> None:
    """A petition and an approval with names, an ID number, a summary and a reason."""
    app = Tracker(settings, clock=FixedClock.on(date(2026, 3, 2)))
    hire(app)
    li = app.accounts.principal("li")
    petition = register(
        app, "li", date(2026, 2, 27), petitioners=(Person(NAMES[0]),), summary=SUMMARY
    )
    app.petitions.correct(li, petition, REASON, {"headcount": 2})
    apply_for_second_birth(app, "li", (Person(NAMES[1], ID_NUMBER), Person("林芳", SPOUSE_ID)))
    app.sign_ins.sign_in("li", PASSWORD, "10.0.0.1")
    app.views.refresh()
    app.close()


def _raw_sqlite(settings: Settings) -> bytes:
    path = Path(settings.eventsourcing_env()["SQLITE_DBNAME"])
    return b"".join(file.read_bytes() for file in path.parent.glob(f"{path.name}*"))


def _raw_postgres(settings: Settings) -> bytes:
    """Every row of every table of the store's schema, as PostgreSQL prints it."""
    env = settings.eventsourcing_env()
    schema = env["POSTGRES_SCHEMA"]
    raw = []
    with psycopg.connect(dbname=env["POSTGRES_DBNAME"], host=env["POSTGRES_HOST"]) as conn:
        tables = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
        assert tables, "no tables in the store's schema"
        for (table,) in tables:
            rows = conn.execute(f'SELECT t::text FROM "{schema}"."{table}" t').fetchall()
            raw += [row[0].encode() for row in rows]
    return b"\n".join(raw)


def _raw(kind: str, settings: Settings) -> bytes:
    return _raw_sqlite(settings) if kind == "sqlite" else _raw_postgres(settings)


@pytest.fixture(params=STORES)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def key() -> str:
    return AESCipher.create_key(32)


@pytest.fixture
def sealed(kind: str, tmp_path: Path, key: str) -> Iterator[Settings]:
    with store_settings(kind, tmp_path) as settings:
        yield settings.model_copy(update={"cipher_key": SecretStr(key)})


def test_without_a_key_the_raw_storage_shows_the_personal_data(kind: str, tmp_path: Path) -> None:
    with store_settings(kind, tmp_path) as settings:
        _record(settings)
        assert set(_found(_raw(kind, settings))) == set(SECRETS)


def test_with_a_key_the_raw_storage_shows_no_name_or_id_number(kind: str, sealed: Settings) -> None:
    _record(sealed)
    assert _found(_raw(kind, sealed)) == []


def test_with_a_key_the_app_reads_and_searches_as_before(sealed: Settings) -> None:
    _record(sealed)
    app = Tracker(sealed, clock=FixedClock.on(date(2026, 3, 2)))
    auditor = app.accounts.principal("zhou")

    def found(text: str) -> list[str]:
        return [row.names for row in app.cases.list(auditor, CaseQuery(text=text)).rows]

    officer = app.accounts.principal("li")
    rows = app.cases.list(officer, CaseQuery(kind="petition")).rows
    assert [(row.names, row.summary) for row in rows] == [(NAMES[0], f"奖励扶助 {SUMMARY}")]
    assert len(found("欧阳秀英")) == len(found("秀英")) == len(found("欧")) == 1
    assert len(found("司马建国")) == 2  # the approval's spouse, and the petition's summary
    assert found("欧英") == []  # both characters, not next to each other
    assert found("秀英欧阳") == []
    trail = app.audit_feed.feed(auditor, kind="petition").rows
    assert any(row.reason == REASON for row in trail)
    app.close()


def test_a_store_sealed_with_one_key_is_refused_by_another(sealed: Settings) -> None:
    _record(sealed)
    other = sealed.model_copy(update={"cipher_key": SecretStr(AESCipher.create_key(32))})
    app = Tracker(other)
    with pytest.raises(ValueError, match="Invalid cipher tag"):
        app.accounts.principal("li")
    app.close()


def test_without_a_key_a_name_that_looks_sealed_is_just_a_name(kind: str, tmp_path: Path) -> None:
    with store_settings(kind, tmp_path) as settings:
        app = Tracker(settings, clock=FixedClock.on(date(2026, 3, 2)))
        hire(app)
        register(app, "li", date(2026, 2, 27), petitioners=(Person("sealed:AAAA"),))
        officer = app.accounts.principal("li")
        assert [row.names for row in app.cases.list(officer, CaseQuery()).rows] == ["sealed:AAAA"]
        app.close()
