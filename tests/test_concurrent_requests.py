"""Commands and reads from many threads at once, as the web app's thread pool sends them.

On SQLite the read models share the events' file.  A catch-up that held
SQLite's write lock while it read the event store stalled every command
behind it until the connection pool gave up ("Timed out waiting for return of
writer"); each thread here must finish, with its case recorded and listed.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from uuid import UUID

from tests.story import hire, register
from tracker.application import Tracker
from tracker.clock import FixedClock
from tracker.projections.case_index import CaseQuery
from tracker.settings import Settings

THREADS = 10


def test_parallel_commands_and_reads_all_complete(store: Settings, clock: FixedClock) -> None:
    app = Tracker(store, clock=clock)
    hire(app)
    app.views.refresh()
    auditor = app.accounts.principal("zhou")
    start = threading.Barrier(THREADS)

    def work(_: int) -> tuple[UUID, set[str]]:
        start.wait()
        case_id = register(app, "li", date(2026, 2, 20))
        listed = app.cases.list(auditor, CaseQuery(per_page=50)).rows
        return case_id, {row.case_id for row in listed}

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(work, range(THREADS)))
    assert len({case_id for case_id, _ in results}) == THREADS
    assert all(str(case_id) in listed for case_id, listed in results)  # read your writes
    assert app.cases.list(auditor, CaseQuery()).total == THREADS
    app.close()
