"""The command forms of each kind of case, keyed by the service's command names."""

from __future__ import annotations

from typing import Any

from tracker.aggregates.fee_collection import ChallengeKind
from tracker.aggregates.petition import Channel, Level, Outcome, Satisfaction
from web import labels
from web.forms import CommandForm, Input, Kind
from web.labels import N_

OUTCOMES = tuple(labels.OUTCOMES.items())
CHANNELS = tuple(labels.CHANNELS.items())
LEVELS = tuple((level.name, labels.LEVELS[level.name]) for level in Level)
RATINGS = tuple(labels.RATINGS.items())
YES_NO = (("true", N_("Yes")), ("false", N_("No")))


def _day(name: str, label: str) -> Input:
    return Input(name, label, "date", today=True)


REASON = Input("reason", N_("Reason"), "textarea")


def _correct(service: Any, who: Any, case_id: Any, **values: Any) -> Any:
    """A correction names only the fields given; blank ones keep their recorded value."""
    version, reason = values.pop("expected_version"), values.pop("reason")
    changes = {
        name: Level[value] if name.endswith("_level") else value
        for name, value in values.items()
        if value not in (None, "")
    }
    return service.correct(who, case_id, reason, changes, expected_version=version)


def _optional(name: str, label: str, kind: Kind = "text", **more: Any) -> Input:
    return Input(name, label, kind, required=False, **more)


CORRECTION_NOTE = N_("Correct the registration (only the fields filled in change)")


def _resolution(command: str, title: str, *, upheld: bool) -> CommandForm:
    """Dismissing and upholding are one command of the service, with different rights."""
    return CommandForm(
        command,
        title,
        (
            Input("number", N_("Objection number"), "int"),
            _day("resolved_on", N_("Resolved on")),
            REASON,
        ),
        fixed={"upheld": upheld},
        call=lambda service, who, case_id, **values: service.resolve_objection(
            who, case_id, **values
        ),
    )


def _merge(service: Any, who: Any, case_id: Any, **values: Any) -> Any:
    values.pop("expected_version", None)
    return service.merge(who, case_id, **values)


PETITION: dict[str, CommandForm] = {
    form.command: form
    for form in (
        CommandForm("accept", N_("Accept"), (_day("accepted_on", N_("Accepted on")),)),
        CommandForm(
            "not_accept",
            N_("Do not accept"),
            (_day("decided_on", N_("Decided on")), REASON),
        ),
        CommandForm(
            "forward",
            N_("Forward to the competent organ"),
            (_day("forwarded_on", N_("Forwarded on")), Input("organ", N_("Organ"))),
        ),
        CommandForm("assign", N_("Assign"), (Input("assignee", N_("Officer's username")),)),
        CommandForm(
            "grant_extension",
            N_("Grant an extension"),
            (
                Input("days", N_("Days (at most 30)"), "int"),
                _day("approved_on", N_("Approved on")),
                REASON,
            ),
        ),
        CommandForm(
            "reply",
            N_("Reply and close"),
            (
                _day("replied_on", N_("Replied on")),
                Input("outcome", N_("Outcome"), "choice", OUTCOMES, Outcome),
                Input("text", N_("Reply"), "textarea"),
            ),
        ),
        CommandForm(
            "record_satisfaction",
            N_("Record satisfaction"),
            (
                Input("rating", N_("Rating"), "choice", RATINGS, Satisfaction),
                _day("recorded_on", N_("Recorded on")),
            ),
        ),
        CommandForm(
            "request_review",
            N_("Record a request for review"),
            (_day("requested_on", N_("Requested on")),),
        ),
        CommandForm(
            "request_re_review",
            N_("Record a request for re-review"),
            (_day("requested_on", N_("Requested on")),),
            fixed={"re_review": True},
            call=lambda service, who, case_id, **values: service.request_review(
                who, case_id, **values
            ),
        ),
        CommandForm(
            "stop_clock",
            N_("Record hearing time (clock stopped)"),
            (
                Input("start", N_("From"), "date"),
                Input("end", N_("To"), "date"),
                REASON,
            ),
        ),
        CommandForm(
            "give_opinion",
            N_("Give the opinion"),
            (
                _day("given_on", N_("Given on")),
                Input("outcome", N_("Outcome"), "choice", OUTCOMES, Outcome),
                Input("text", N_("Opinion"), "textarea"),
            ),
        ),
        CommandForm(
            "terminate",
            N_("End the matter"),
            (_day("terminated_on", N_("Ended on")), REASON),
        ),
        CommandForm(
            "merge_into",
            N_("Merge into another petition (duplicate)"),
            (Input("original_id", N_("Number of the original petition"), "case"), REASON),
            call=_merge,
        ),
        CommandForm("add_note", N_("Add a note"), (Input("text", N_("Note"), "textarea"),)),
        CommandForm(
            "correct",
            CORRECTION_NOTE,
            (
                _optional("received_on", N_("Received on"), "date"),
                _optional("channel", N_("Channel"), "choice", choices=CHANNELS, enum=Channel),
                _optional("headcount", N_("Headcount"), "int"),
                _optional("category", N_("Category")),
                _optional("summary", N_("Summary"), "textarea"),
                _optional("lodged_level", N_("Lodged at level"), "choice", choices=LEVELS),
                _optional("competent_level", N_("Competent level"), "choice", choices=LEVELS),
                REASON,
            ),
            call=_correct,
        ),
    )
}

APPROVAL: dict[str, CommandForm] = {
    form.command: form
    for form in (
        CommandForm(
            "review_eligibility",
            N_("Review eligibility"),
            (
                Input("eligible", N_("Eligible"), "choice", YES_NO),
                _day("reviewed_on", N_("Reviewed on")),
                Input("grounds", N_("Grounds"), "textarea"),
            ),
        ),
        CommandForm(
            "post",
            N_("Post publicly"),
            (_day("posted_on", N_("Posted on")), Input("place", N_("Place of posting"))),
        ),
        CommandForm(
            "lodge_objection",
            N_("Record an objection"),
            (
                _day("lodged_on", N_("Lodged on")),
                Input("objector", N_("Objector")),
                Input("content", N_("Objection"), "textarea"),
            ),
        ),
        _resolution("dismiss_objection", N_("Dismiss an objection"), upheld=False),
        _resolution(
            "uphold_objection", N_("Uphold an objection (rejects the application)"), upheld=True
        ),
        CommandForm(
            "decide",
            N_("Decide"),
            (
                Input("approved", N_("Approved"), "choice", YES_NO),
                _day("decided_on", N_("Decided on")),
                Input("certificate_number", N_("Certificate number (if approved)"), required=False),
                Input("reason", N_("Reason (if rejected)"), "textarea", required=False),
            ),
        ),
        CommandForm(
            "deliver_certificate",
            N_("Deliver the certificate"),
            (
                _day("delivered_on", N_("Delivered on")),
                Input("received_by", N_("Received by")),
                Input("delivering_officer", N_("Delivered by")),
            ),
        ),
        CommandForm("withdraw", N_("Withdraw"), (_day("withdrawn_on", N_("Withdrawn on")), REASON)),
        CommandForm(
            "correct",
            CORRECTION_NOTE,
            (_optional("existing_children", N_("Children they have"), "int"), REASON),
            call=_correct,
        ),
    )
}

CHALLENGES = (("review", N_("Administrative review")), ("lawsuit", N_("Lawsuit")))

FEE: dict[str, CommandForm] = {
    form.command: form
    for form in (
        CommandForm(
            "approve_instalments",
            N_("Approve an instalment plan"),
            (
                Input("applied_on", N_("Applied on"), "date"),
                _day("approved_on", N_("Approved on")),
                Input(
                    "schedule", N_("Instalments (one per line: due date and amount)"), "schedule"
                ),
            ),
        ),
        CommandForm(
            "record_payment",
            N_("Record a payment"),
            (
                Input("receipt_number", N_("Receipt number")),
                Input("amount", N_("Amount (yuan)"), "money"),
                _day("paid_on", N_("Paid on")),
            ),
        ),
        CommandForm(
            "file_challenge",
            N_("Record a review or lawsuit"),
            (
                Input("kind", N_("Kind"), "choice", CHALLENGES, ChallengeKind),
                _day("filed_on", N_("Filed on")),
                Input("note", N_("Note"), "textarea"),
            ),
        ),
        CommandForm(
            "apply_enforcement",
            N_("Apply to the court for enforcement"),
            (_day("applied_on", N_("Applied on")), Input("court", N_("Court"))),
        ),
        CommandForm(
            "write_off", N_("Write off"), (_day("written_off_on", N_("Written off on")), REASON)
        ),
        CommandForm(
            "cease",
            N_("Close as ceased (fee abolished)"),
            (_day("ceased_on", N_("Ceased on")), REASON),
        ),
        CommandForm(
            "correct",
            CORRECTION_NOTE,
            (_optional("decision_number", N_("Decision number")), REASON),
            call=_correct,
        ),
    )
}

FORMS = {"petition": PETITION, "approval": APPROVAL, "fee": FEE}
