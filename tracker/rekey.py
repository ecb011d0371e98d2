"""Rotating the cipher key: every event copied, in order, into a new store under the new key.

Events are never rewritten in place: the old store stays as it was until the
new one has been checked (``tracker check``) and put in its place.  Each event
is decrypted with the old key and encrypted with the new one, keeping its
aggregate, version, recording time and order in the log (the new store
numbers its log afresh, without the gaps a busy PostgreSQL log may have);
the read models of the new store are built from its events on first use,
sealed with the new key.  Nothing may be recorded in the old store meanwhile:
the copy fails if its log grew while it ran.
"""

from __future__ import annotations

from collections.abc import Callable

from tracker.application import Tracker
from tracker.settings import Settings

BATCH = 500


class TargetNotEmpty(RuntimeError):
    """The new store already holds events: copying into it would mix two histories."""


class SourceChanged(RuntimeError):
    """Events were recorded in the old store during the copy: stop the app and start again."""


def copy_events(
    source: Settings, target: Settings, progress: Callable[[int, int], None] | None = None
) -> int:
    """Copy every event of ``source`` into the empty ``target``; the number copied."""
    old, new = Tracker(source), Tracker(target)
    try:
        if new.recorder.max_notification_id():
            raise TargetNotEmpty(f"{target.database_url} already holds events")
        total = old.recorder.max_notification_id() or 0
        copied, start = 0, 1
        while notifications := old.recorder.select_notifications(start, BATCH):
            events = [old.mapper.to_domain_event(n) for n in notifications]
            new.recorder.insert_events([new.mapper.to_stored_event(e) for e in events])
            copied += len(notifications)
            start = notifications[-1].id + 1
            if progress is not None:
                progress(copied, total)
        if (old.recorder.max_notification_id() or 0) != (start - 1 if copied else 0):
            raise SourceChanged(f"{source.database_url} recorded events during the copy")
        return copied
    finally:
        old.close()
        new.close()
