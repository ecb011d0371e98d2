"""Names and ID numbers over real HTTP on both stores, as each role may see them.

An officer sees 王秀英 whole in the list and on the case page, and her ID number whole on the
case page only; an auditor sees 王** and the masked number on every page, in the CSV export
and in the JSON API, and never the whole name or number.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import pytest

from tests.story import hire, register
from tests.web import served, signed_in
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.person import Person
from tracker.resident_id import make_resident_id
from tracker.settings import Settings

ID_NUMBER = make_resident_id("350102", date(1975, 4, 9), 22)
WHOLE_ID, MASKED_ID = str(ID_NUMBER), ID_NUMBER.masked


@dataclass(frozen=True)
class Site:
    base: str
    petition: UUID  # xinmin, 王秀英 with her ID number: registered 02-20, accepted 03-02


@pytest.fixture
def site(store: Settings) -> Iterator[Site]:
    clock = FixedClock.on(date(2026, 2, 20))
    seeded = Tracker(store, clock=clock)
    hire(seeded)
    li = seeded.accounts.principal("li")
    petition = register(seeded, "li", date(2026, 2, 20), petitioners=(Person("王秀英", ID_NUMBER),))
    clock.set(FixedClock.on(date(2026, 3, 2)).now())
    seeded.petitions.accept(li, petition, date(2026, 3, 2))
    seeded.close()
    with served(store, clock) as base:
        yield Site(base, petition)


def _pages(site: Site) -> dict[str, str]:
    """Everywhere the petitioner shows: lists, the case, the audit pages, the CSV, the API."""
    case = site.petition
    return {
        "list": "/cases",
        "case": f"/petitions/{case}",
        "case as known on": f"/petitions/{case}?as_of=2026-03-01",
        "timeline": f"/audit/petitions/{case}",
        "replay": f"/audit/petitions/{case}/replay?step=1",
        "csv": f"/audit/petitions/{case}/trail.csv",
        "posting board": "/posting-board",
        "api list": "/api/cases",
        "api case": f"/api/cases/petition/{case}",
        "api trail": f"/api/audit/petition/{case}",
        "api feed": "/api/audit",
    }


def _read(site: Site, username: str) -> dict[str, str]:
    with signed_in(site.base, username) as client:
        answers = {name: client.get(path) for name, path in _pages(site).items()}
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text[:300])
    return {name: answer.text for name, answer in answers.items()}


def test_an_officer_sees_the_name_whole_and_the_id_number_whole_on_the_case_only(
    site: Site,
) -> None:
    seen = _read(site, "li")
    for name in ("list", "case", "case as known on", "timeline", "replay", "csv", "api list"):
        assert "王秀英" in seen[name], name
        assert "王**" not in seen[name], name
    for name in ("case", "case as known on", "replay", "api case"):
        assert WHOLE_ID in seen[name], name
    # In lists, trails and exports nobody needs the number: masked there for the officer too.
    for name in ("list", "timeline", "csv", "api list", "api trail", "api feed"):
        assert WHOLE_ID not in seen[name], name
    for name in ("timeline", "csv", "api trail"):
        assert MASKED_ID in seen[name], name


def test_an_auditor_sees_the_name_and_the_id_number_masked_everywhere(site: Site) -> None:
    seen = _read(site, "zhou")
    for name in ("list", "case", "case as known on", "timeline", "replay", "csv", "api list"):
        assert "王**" in seen[name], name
    for name in ("api case", "api trail", "api feed"):
        assert '"name":"王**"' in seen[name], name
    for name in ("case", "timeline", "csv", "api case", "api trail"):
        assert MASKED_ID in seen[name], name
    for name, text in seen.items():
        assert "王秀英" not in text, name
        assert WHOLE_ID not in text, name


def test_the_auditor_finds_the_case_by_the_whole_name_and_sees_it_masked(site: Site) -> None:
    with signed_in(site.base, "zhou") as zhou:
        found = zhou.get("/api/cases", params={"text": "王秀英"}).json()
    assert [row["names"] for row in found["rows"]] == ["王**"]
