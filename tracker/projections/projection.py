"""The base of every read model: its tables, and what one event does to them.

A projection never loads from the store itself: the runner hands it each
event with the case as it stands after that event, rebuilt from the events
alone.  Its tables carry a generation suffix so that a rebuild can fill new
tables beside the ones being served and switch over in one transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.utils import get_topic

if TYPE_CHECKING:
    from datetime import datetime

    from tracker.aggregates.base import TrackedAggregate
    from tracker.policy import Policy
    from tracker.projections.database import Cursor
    from tracker.projections.writes import Writes


class Projection(ABC):
    name: ClassVar[str]
    tables: ClassVar[tuple[str, ...]]
    # The topic prefixes of the events it reads: the runner neither decodes nor
    # replays the others for it (a rebuild of the fee figures skips the petitions).
    topics: ClassVar[tuple[str, ...]]
    # Raised when the tables change: a store with an older generation rebuilds it.
    schema: ClassVar[int] = 1

    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    @abstractmethod
    def create(self, cursor: Cursor, suffix: str) -> None:
        """Create this generation's tables and indexes (if they do not exist)."""

    @abstractmethod
    def process(
        self, writes: Writes, suffix: str, event: Any, case: TrackedAggregate, position: int
    ) -> None:
        """Apply one event; ``case`` is its aggregate after the event."""


def events_of(*aggregates: type) -> tuple[str, ...]:
    """The topic prefixes of the events of these aggregate classes."""
    return tuple(f"{get_topic(cls)}." for cls in aggregates)


def known_on(as_known_on: datetime | None, prefix: str = "") -> tuple[str, list[Any]]:
    """The condition selecting each case's row as known now, or as known at a past moment."""
    if as_known_on is None:
        return f"{prefix}superseded_at IS NULL", []
    # Recording times are stored as UTC ISO text, which sorts in time order.
    moment = as_known_on.astimezone(UTC).isoformat()
    return (
        f"{prefix}recorded_at <= ? AND ({prefix}superseded_at IS NULL "
        f"OR {prefix}superseded_at > ?)",
        [moment, moment],
    )
