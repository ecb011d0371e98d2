"""What a cipher key costs: the same store with and without ``TRACKER_CIPHER_KEY``.

Two stores are filled with the same history (``bench.history``, seeded), one
plain and one under a key: its events encrypted by the library, its read
models' personal text sealed and its search index hashed
(``tracker.projections.sealing``).  Then, alternating between the two so that
both meet the same machine load:

1. Rebuild: the read models that seal something (``case_index``,
   ``audit_trail``, ``accounts``, ``sign_ins``) rebuilt on each store, over a
   few rounds; reported as events per second of the sealed store ÷ the plain
   one (1.0: no cost; the sealed rebuild also decrypts every event).
2. Queries: a case list page, text searches of two and three characters, and
   a page of the audit feed; reported as the median time of the sealed store
   ÷ the plain one (1.0: no cost).  Both answer about the same cases (shown).

    .venv/bin/python -m bench.sealing [--store sqlite|postgres|both] [--events N]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass

from eventsourcing.cryptography import AESCipher
from pydantic import SecretStr

from bench.commands import UnavailableStore, fresh_store
from bench.projections import WHO, fill, timed, tracker_on
from tracker.application import Tracker
from tracker.permissions import Principal
from tracker.projections.case_index import CaseQuery
from tracker.roles import Role

SEALING = ("accounts", "audit_trail", "case_index", "sign_ins")
AUDITOR = Principal(username="zheng", roles=frozenset({Role.AUDITOR}), community=None)


@dataclass(frozen=True)
class Query:
    label: str
    run: Callable[[Tracker], int]  # the number of rows the answer is about


QUERIES = (
    Query("case list: every kind, page 1", lambda app: app.cases.list(WHO, CaseQuery()).total),
    Query(
        "text search '王秀英' (three characters)",
        lambda app: app.cases.list(WHO, CaseQuery(text="王秀英")).total,
    ),
    Query(
        "text search '秀英' (two)",
        lambda app: app.cases.list(WHO, CaseQuery(text="秀英")).total,
    ),
    Query("audit feed, page 1", lambda app: app.audit_feed.feed(AUDITOR).total),
)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _rebuild(app: Tracker, name: str) -> None:
    app.views.rebuild(name)


def alternating(
    apps: tuple[Tracker, Tracker], work: Callable[[Tracker], object], times: int
) -> tuple[float, float]:
    """Median seconds of ``work`` on each app, called in turns (which goes first alternates)."""
    seconds: tuple[list[float], list[float]] = ([], [])
    for number in range(times):
        for side in (0, 1) if number % 2 == 0 else (1, 0):
            app = apps[side]
            seconds[side].append(timed(lambda: work(app)))  # noqa: B023 - called at once
    return statistics.median(seconds[0]), statistics.median(seconds[1])


def measure(kind: str, events: int, rounds: int, repeat: int) -> list[str]:
    lines = [f"{kind}:"]
    key = SecretStr(AESCipher.create_key(32))
    with fresh_store(kind) as plain_settings, fresh_store(kind) as other:
        sealed_settings = other.model_copy(update={"cipher_key": key})
        with tracker_on(plain_settings) as plain, tracker_on(sealed_settings) as sealed:
            apps = (plain, sealed)
            for app in apps:
                say(f"  {kind}: filling {'sealed' if app is sealed else 'plain'} store")
                fill(app, kind, events)
                app.views.catch_up()
            head = plain.recorder.max_notification_id() or 0
            lines.append(f"  {head:,} events in each store")
            for name in SEALING:
                rebuild = functools.partial(_rebuild, name=name)
                plain_s, sealed_s = alternating(apps, rebuild, rounds)
                ratio = plain_s / sealed_s
                lines.append(f"  rebuild {name:<12} sealed rate / plain rate  {ratio:5.2f}")
                say(f"  {kind}: rebuilt {name}")
            for query in QUERIES:
                sizes = [query.run(app) for app in apps]  # also the warm-up
                plain_s, sealed_s = alternating(apps, query.run, repeat)
                lines.append(
                    f"  {query.label:<40} sealed time / plain time  {sealed_s / plain_s:5.2f}"
                    f"  (rows {sizes[0]} plain, {sizes[1]} sealed;"
                    f" plain median {plain_s * 1000:.2f} ms)"
                )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sealing",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--events", type=int, default=20_000, help="events in each store")
    parser.add_argument("--rounds", type=int, default=3, help="rebuilds of each read model")
    parser.add_argument("--repeat", type=int, default=20, help="calls of each query")
    args = parser.parse_args(argv)
    if min(args.events, args.rounds, args.repeat) < 1:
        parser.error("--events, --rounds and --repeat must be at least 1")
    status = 0
    for kind in ("sqlite", "postgres") if args.store == "both" else (args.store,):
        try:
            print("\n".join(measure(kind, args.events, args.rounds, args.repeat)), flush=True)
        except UnavailableStore as error:
            say(f"{kind}: skipped, PostgreSQL unreachable: {error}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
