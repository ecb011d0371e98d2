"""Property-based tests of the Petition aggregate (see tests/aggregate_properties.py).

Any sequence of petition commands, with generated and often nonsensical
arguments, either succeeds or is refused with a TrackerError that leaves the
petition untouched; the petitions rebuilt from the store equal the live ones.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    initialize,
    multiple,
    rule,
    run_state_machine_as_test,
)

from tests.aggregate_properties import (
    ACTS,
    DAYS,
    GOOD_PERSONS,
    PERSONS,
    PLAIN_ACTS,
    POSTGRES_RUNS,
    SQLITE_RUNS,
    TEXTS,
    ActSpec,
    AggregateMachine,
    Day,
    PersonSpec,
    shift,
)
from tracker.aggregates.base import Act
from tracker.aggregates.petition import (
    Channel,
    Level,
    Outcome,
    Petition,
    PetitionStage,
    Satisfaction,
)
from tracker.clock import SHANGHAI
from tracker.errors import TrackerError
from tracker.person import Person

# None stands for "as many as the named petitioners", the usual case.
HEADCOUNTS = st.one_of(st.none(), st.none(), st.integers(-2, 8), st.just(10**12))
SUBJECTS = st.one_of(st.sampled_from(["housing", "邻里纠纷"]), TEXTS)
EXTENSION_DAYS = st.one_of(st.integers(-3, 35), st.sampled_from([10**9, -(10**9)]))
ASSIGNEES = st.one_of(st.sampled_from(["alice", "bob", " alice ", ""]), TEXTS)
COMMUNITIES = st.sampled_from(["xinmin", "dongjie", "", "elsewhere"])


def _enum_or_value(enum: Any) -> st.SearchStrategy[Any]:
    """A member, or the raw value a form would submit for it."""
    return st.one_of(st.sampled_from(enum), st.sampled_from([m.value for m in enum]))


# Values a correction may carry: valid or not, but of the kinds a form submits.
CORRECTION_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "headcount": st.one_of(st.integers(-2, 8), st.booleans(), st.just(10**12), st.just("3")),
    "category": TEXTS,
    "summary": TEXTS,
    "lodged_level": _enum_or_value(Level),
    "competent_level": _enum_or_value(Level),
    "channel": _enum_or_value(Channel),
    # Not correctable:
    "stage": st.sampled_from(PetitionStage),
    "community": COMMUNITIES,
    "received_on": st.dates(),
}
CHANGES = st.lists(st.sampled_from(sorted(CORRECTION_VALUES)), unique=True, max_size=3).flatmap(
    lambda keys: st.fixed_dictionaries({k: CORRECTION_VALUES[k] for k in keys})
)


class PetitionMachine(AggregateMachine):
    petitions: Bundle[Petition] = Bundle("petitions")

    @initialize(start=st.dates(date(2015, 1, 1), date(2026, 12, 31)))
    def begin(self, start: date) -> None:
        self.cursor = start

    @rule(
        target=petitions,
        act=ACTS,
        channel=st.sampled_from(Channel),
        received=DAYS,
        petitioners=st.one_of(
            st.lists(GOOD_PERSONS, min_size=1, max_size=3),
            st.lists(st.one_of(GOOD_PERSONS, PERSONS), max_size=3),
        ),
        headcount=HEADCOUNTS,
        community=COMMUNITIES,
        category=SUBJECTS,
        summary=SUBJECTS,
        lodged=st.sampled_from(Level),
        competent=st.sampled_from(Level),
    )
    def register(
        self,
        act: ActSpec,
        channel: Channel,
        received: Day,
        petitioners: list[PersonSpec],
        headcount: int | None,
        community: str,
        category: str,
        summary: str,
        lodged: Level,
        competent: Level,
    ) -> Petition | MultipleResults[Petition]:
        received_on = self.on(received)
        petition = self.create(
            "register",
            act,
            [received_on],
            lambda at: Petition.register(
                at,
                channel=channel,
                received_on=received_on,
                petitioners=tuple(p.person() for p in petitioners),
                headcount=len(petitioners) if headcount is None else headcount,
                community=community,
                category=category,
                summary=summary,
                lodged_level=lodged,
                competent_level=competent,
            ),
        )
        if petition is None:
            return multiple()
        return petition

    # -- the lifecycle, walked with plausible arguments ---------------------------

    def _progress(
        self, petition: Petition, act: ActSpec, gap: int, outcome: Outcome, variant: int
    ) -> None:
        """The command the petition's stage expects next, with plausible arguments.

        Random rules alone seldom get past the first stages; this one walks the
        lifecycle (accept, extend, reply, review, clock stops, opinions, termination).
        """
        on = shift(self.base(petition), gap)
        stage = petition.stage
        if stage is PetitionStage.REGISTERED:
            self.run("progress accept", act, [on], lambda a: petition.accept(a, on), petition)
        elif stage is PetitionStage.ACCEPTED and variant == 0:
            self.run(
                "progress grant_extension",
                act,
                [on],
                lambda a: petition.grant_extension(a, 1 + gap, "hearing", on),
                petition,
            )
        elif stage is PetitionStage.ACCEPTED:
            self.run(
                "progress reply",
                act,
                [on],
                lambda a: petition.reply(a, on, outcome, "answered"),
                petition,
            )
        elif stage in (PetitionStage.REPLIED, PetitionStage.REVIEWED) and variant == 0:
            window = (
                petition.review_request_limit
                if stage is PetitionStage.REPLIED
                else petition.re_review_request_limit
            )
            assert window is not None
            after = shift(window, 1 + gap)
            self.run(
                "progress terminate",
                act,
                [after],
                lambda a: petition.terminate(a, after, "no review requested"),
                petition,
            )
        elif stage is PetitionStage.REPLIED:
            self.run(
                "progress request_review",
                act,
                [on],
                lambda a: petition.request_review(a, on),
                petition,
            )
        elif stage is PetitionStage.REVIEWED:
            self.run(
                "progress request_re_review",
                act,
                [on],
                lambda a: petition.request_re_review(a, on),
                petition,
            )
        elif stage in (PetitionStage.UNDER_REVIEW, PetitionStage.UNDER_RE_REVIEW) and variant < 2:
            first = shift(on, 1)
            last = shift(first, variant + gap % 4)
            self.run(
                "progress stop_clock",
                act,
                [first, last],
                lambda a: petition.stop_clock(a, first, last, "hearing"),
                petition,
            )
        elif stage in (PetitionStage.UNDER_REVIEW, PetitionStage.UNDER_RE_REVIEW):
            self.run(
                "progress give_opinion",
                act,
                [on],
                lambda a: petition.give_opinion(a, on, outcome, "opinion"),
                petition,
            )
        elif petition.replied_on is not None and variant == 0:
            self.run(
                "progress record_satisfaction",
                act,
                [on],
                lambda a: petition.record_satisfaction(a, Satisfaction.SATISFIED, on),
                petition,
            )
        else:
            self.run("progress add_note", act, [], lambda a: petition.add_note(a, "note"), petition)

    @rule(
        petition=petitions,
        act=PLAIN_ACTS,
        gap=st.integers(0, 12),
        outcome=st.sampled_from(Outcome),
        variant=st.integers(0, 3),
    )
    def progress(
        self, petition: Petition, act: ActSpec, gap: int, outcome: Outcome, variant: int
    ) -> None:
        self._progress(petition, act, gap, outcome, variant)

    # Hypothesis picks rules uniformly (and switches some off per example), so the
    # lifecycle walk gets more weight through two more rules doing the same.
    @rule(
        petition=petitions,
        act=PLAIN_ACTS,
        gap=st.integers(0, 12),
        outcome=st.sampled_from(Outcome),
        variant=st.integers(0, 3),
    )
    def progress_further(
        self, petition: Petition, act: ActSpec, gap: int, outcome: Outcome, variant: int
    ) -> None:
        self._progress(petition, act, gap, outcome, variant)

    @rule(
        petition=petitions,
        act=PLAIN_ACTS,
        gap=st.integers(0, 12),
        outcome=st.sampled_from(Outcome),
        variant=st.integers(0, 3),
    )
    def progress_to_the_end(
        self, petition: Petition, act: ActSpec, gap: int, outcome: Outcome, variant: int
    ) -> None:
        self._progress(petition, act, gap, outcome, variant)

    # -- routing ---------------------------------------------------------------

    @rule(petition=petitions, act=ACTS, day=DAYS)
    def accept(self, petition: Petition, act: ActSpec, day: Day) -> None:
        on = self.on(day, petition)
        self.run("accept", act, [on], lambda a: petition.accept(a, on), petition)

    @rule(petition=petitions, act=ACTS, day=DAYS, reason=TEXTS)
    def not_accept(self, petition: Petition, act: ActSpec, day: Day, reason: str) -> None:
        on = self.on(day, petition)
        self.run("not_accept", act, [on], lambda a: petition.not_accept(a, on, reason), petition)

    @rule(petition=petitions, act=ACTS, day=DAYS, organ=TEXTS)
    def forward(self, petition: Petition, act: ActSpec, day: Day, organ: str) -> None:
        on = self.on(day, petition)
        self.run("forward", act, [on], lambda a: petition.forward(a, on, organ), petition)

    # -- handling ----------------------------------------------------------------

    @rule(petition=petitions, act=ACTS, assignee=ASSIGNEES)
    def assign(self, petition: Petition, act: ActSpec, assignee: str) -> None:
        self.run("assign", act, [], lambda a: petition.assign(a, assignee), petition)

    @rule(petition=petitions, act=ACTS, text=TEXTS)
    def add_note(self, petition: Petition, act: ActSpec, text: str) -> None:
        self.run("add_note", act, [], lambda a: petition.add_note(a, text), petition)

    @rule(petition=petitions, act=ACTS, days=EXTENSION_DAYS, reason=TEXTS, day=DAYS)
    def grant_extension(
        self, petition: Petition, act: ActSpec, days: int, reason: str, day: Day
    ) -> None:
        on = self.on(day, petition)
        self.run(
            "grant_extension",
            act,
            [on],
            lambda a: petition.grant_extension(a, days, reason, on),
            petition,
        )

    @rule(petition=petitions, act=ACTS, day=DAYS, outcome=st.sampled_from(Outcome), text=TEXTS)
    def reply(
        self, petition: Petition, act: ActSpec, day: Day, outcome: Outcome, text: str
    ) -> None:
        on = self.on(day, petition)
        self.run("reply", act, [on], lambda a: petition.reply(a, on, outcome, text), petition)

    @rule(petition=petitions, act=ACTS, rating=st.sampled_from(Satisfaction), day=DAYS)
    def record_satisfaction(
        self, petition: Petition, act: ActSpec, rating: Satisfaction, day: Day
    ) -> None:
        on = self.on(day, petition)
        self.run(
            "record_satisfaction",
            act,
            [on],
            lambda a: petition.record_satisfaction(a, rating, on),
            petition,
        )

    # -- review and re-review ------------------------------------------------------

    @rule(petition=petitions, act=ACTS, day=DAYS)
    def request_review(self, petition: Petition, act: ActSpec, day: Day) -> None:
        on = self.on(day, petition)
        self.run("request_review", act, [on], lambda a: petition.request_review(a, on), petition)

    @rule(petition=petitions, act=ACTS, day=DAYS)
    def request_re_review(self, petition: Petition, act: ActSpec, day: Day) -> None:
        on = self.on(day, petition)
        self.run(
            "request_re_review", act, [on], lambda a: petition.request_re_review(a, on), petition
        )

    @rule(petition=petitions, act=ACTS, start=DAYS, length=st.integers(-3, 20), reason=TEXTS)
    def stop_clock(
        self, petition: Petition, act: ActSpec, start: Day, length: int, reason: str
    ) -> None:
        first = self.on(start, petition)
        last = shift(first, length)
        self.run(
            "stop_clock",
            act,
            [first, last],
            lambda a: petition.stop_clock(a, first, last, reason),
            petition,
        )

    @rule(petition=petitions, act=ACTS, day=DAYS, outcome=st.sampled_from(Outcome), text=TEXTS)
    def give_opinion(
        self, petition: Petition, act: ActSpec, day: Day, outcome: Outcome, text: str
    ) -> None:
        on = self.on(day, petition)
        self.run(
            "give_opinion",
            act,
            [on],
            lambda a: petition.give_opinion(a, on, outcome, text),
            petition,
        )

    @rule(petition=petitions, act=ACTS, day=DAYS, reason=TEXTS)
    def terminate(self, petition: Petition, act: ActSpec, day: Day, reason: str) -> None:
        on = self.on(day, petition)
        self.run("terminate", act, [on], lambda a: petition.terminate(a, on, reason), petition)

    # -- duplicates and corrections -------------------------------------------------

    @rule(duplicate=petitions, original=petitions, act=ACTS, reason=TEXTS)
    def merge_into(
        self, duplicate: Petition, original: Petition, act: ActSpec, reason: str
    ) -> None:
        # Both petitions change, or neither: ``attempt`` checks both.
        touched = (duplicate,) if duplicate is original else (duplicate, original)
        self.run(
            "merge_into", act, [], lambda a: duplicate.merge_into(a, original, reason), *touched
        )

    @rule(petition=petitions, act=ACTS, reason=TEXTS, changes=CHANGES)
    def correct(
        self, petition: Petition, act: ActSpec, reason: str, changes: dict[str, Any]
    ) -> None:
        self.run("correct", act, [], lambda a: petition.correct(a, reason, changes), petition)


def test_petition_commands_on_sqlite() -> None:
    run_state_machine_as_test(PetitionMachine, settings=SQLITE_RUNS)


@pytest.mark.postgres
def test_petition_commands_on_postgres(tmp_path: Path) -> None:
    class OnPostgres(PetitionMachine):
        def __init__(self) -> None:
            super().__init__(postgres=tmp_path)

    run_state_machine_as_test(OnPostgres, settings=POSTGRES_RUNS)


# -- bugs the machine found, kept as regression tests --------------------------------

ACT = Act(actor="alice", at=datetime(2024, 5, 6, 9, tzinfo=SHANGHAI))


def _registered(*petitioners: Person, headcount: int) -> Petition:
    return Petition.register(
        ACT,
        channel=Channel.LETTER,
        received_on=date(2024, 5, 1),
        petitioners=petitioners,
        headcount=headcount,
        community="xinmin",
        category="housing",
        summary="leaking roof",
        lodged_level=Level.COMMUNITY,
        competent_level=Level.COMMUNITY,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [("lodged_level", 99), ("competent_level", 0), ("channel", "fax")],
)
def test_correcting_to_an_unknown_level_or_channel_is_refused(field: str, value: object) -> None:
    petition = _registered(Person("张三"), headcount=1)
    with pytest.raises(TrackerError):
        petition.correct(ACT, "typo", {field: value})


def test_correcting_headcount_below_the_named_petitioners_is_refused() -> None:
    petition = _registered(Person("张三"), Person("李四"), headcount=2)
    with pytest.raises(TrackerError):
        petition.correct(ACT, "miscounted", {"headcount": 1})
