"""English names of the codes users see (kinds, stages, roles), translated in the templates.

``N_`` only marks a string for the catalogue (``pybabel extract -k N_``); the
template translates it when it shows it.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the usual name of the gettext no-op marker
    return message


KINDS = {
    "petition": N_("Petition"),
    "approval": N_("Second-birth approval"),
    "fee": N_("Social-fee collection"),
    "account": N_("Account"),
    "claim": N_("Number claim"),
}

STAGES = {
    # petitions
    "registered": N_("Registered"),
    "accepted": N_("Accepted"),
    "not_accepted": N_("Not accepted"),
    "forwarded": N_("Forwarded"),
    "replied": N_("Replied"),
    "under_review": N_("Under review"),
    "reviewed": N_("Reviewed"),
    "under_re_review": N_("Under re-review"),
    "terminated": N_("Terminated"),
    "merged": N_("Merged"),
    # approvals
    "applied": N_("Applied"),
    "eligible": N_("Eligible"),
    "ineligible": N_("Ineligible"),
    "posted": N_("Posted publicly"),
    "approved": N_("Approved"),
    "rejected": N_("Rejected"),
    "delivered": N_("Certificate delivered"),
    "withdrawn": N_("Withdrawn"),
    # fee collections
    "assessed": N_("Assessed"),
    "paid": N_("Paid"),
    "written_off": N_("Written off"),
    "ceased": N_("Ceased"),
}

ROLES = {
    "officer": N_("Officer"),
    "approver": N_("Approver"),
    "auditor": N_("Auditor"),
    "admin": N_("Administrator"),
}

SORTS = {
    "opened_on": N_("Opened on"),
    "closed_on": N_("Closed on"),
    "next_deadline": N_("Next deadline"),
    "stage": N_("Stage"),
    "community": N_("Community"),
    "kind": N_("Kind"),
}

DEADLINES = {
    "routing": N_("Accept, refuse or forward (15 days from receipt)"),
    "handling": N_("Handle and reply (60 days from acceptance)"),
    "review_request": N_("The petitioner may request a review (30 days)"),
    "review_opinion": N_("Review opinion (30 days)"),
    "re_review_request": N_("The petitioner may request a re-review (30 days)"),
    "re_review_opinion": N_("Re-review opinion (30 days, hearings excluded)"),
    "decision": N_("Decision (15 working days from application)"),
    "objections": N_("Public posting: objections until"),
    "instalment_request": N_("Application for instalments"),
    "payment": N_("Payment due"),
}

CHANNELS = {
    "letter": N_("Letter"),
    "visit": N_("Visit"),
    "online": N_("Online"),
    "phone": N_("Phone"),
}

LEVELS = {
    "COMMUNITY": N_("Community"),
    "SUB_DISTRICT": N_("Sub-district"),
    "DISTRICT": N_("District"),
    "CITY": N_("City"),
    "PROVINCE": N_("Province"),
    "NATIONAL": N_("National"),
}

OUTCOMES = {
    "supported": N_("Supported"),
    "explained": N_("Explained"),
    "not_supported": N_("Not supported"),
}

RATINGS = {
    "satisfied": N_("Satisfied"),
    "basically_satisfied": N_("Basically satisfied"),
    "dissatisfied": N_("Dissatisfied"),
}
