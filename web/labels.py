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
    "sign_in": N_("Sign-in"),
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

EVENTS = {
    "Accepted": N_("Accepted"),
    "Applied": N_("Application received"),
    "Assessed": N_("Fee assessed"),
    "Assigned": N_("Assigned to an officer"),
    "Ceased": N_("Collection ceased"),
    "CertificateDelivered": N_("Certificate delivered"),
    "ChallengeFiled": N_("Review or lawsuit filed"),
    "Claimed": N_("Number claimed"),
    "ClockStopped": N_("Clock stopped for a hearing"),
    "Corrected": N_("Corrected"),
    "Created": N_("Account created"),
    "Deactivated": N_("Account deactivated"),
    "Decided": N_("Decided"),
    "DuplicateMerged": N_("Duplicate merged in"),
    "EligibilityReviewed": N_("Eligibility reviewed"),
    "EnforcementApplied": N_("Enforcement applied for"),
    "ExtensionGranted": N_("Extension granted"),
    "Forwarded": N_("Forwarded"),
    "InstalmentPlanApproved": N_("Instalment plan approved"),
    "MergedInto": N_("Merged into another petition"),
    "NotAccepted": N_("Not accepted"),
    "NoteAdded": N_("Note added"),
    "ObjectionLodged": N_("Objection lodged"),
    "ObjectionResolved": N_("Objection resolved"),
    "OpinionGiven": N_("Opinion given"),
    "PasswordChanged": N_("Password changed"),
    "PaymentReceived": N_("Payment received"),
    "Posted": N_("Posted publicly"),
    "Registered": N_("Registered"),
    "Replied": N_("Replied"),
    "ReviewRequested": N_("Review requested"),
    "RoleGranted": N_("Role granted"),
    "RoleRevoked": N_("Role revoked"),
    "SatisfactionRecorded": N_("Satisfaction recorded"),
    "ScopeChanged": N_("Scope changed"),
    "SessionEnded": N_("Signed out"),
    "SignInAttempted": N_("Sign-in attempt"),
    "SignInDecided": N_("Sign-in answered"),
    "Terminated": N_("Ended"),
    "Withdrawn": N_("Withdrawn"),
    "WrittenOff": N_("Written off"),
}

# What became of a sign-in attempt or session (the audit feed shows it beside the event).
SIGN_INS = {
    "pending": N_("password being checked"),
    "signed_in": N_("signed in"),
    "failed": N_("failed: unknown user or wrong password"),
    "locked": N_("refused: too many failures"),
    "signed_out": N_("signed out"),
    "idle": N_("ended after being idle"),
    "password_changed": N_("ended: the password was changed"),
}

# Names of fields that refusals name but no form shows as one input.
FIELDS = {
    "changes": N_("The fields to correct"),
    "petitioners": N_("Petitioners"),
    "spouses": N_("Spouses"),
    "liable_parties": N_("Liable parties"),
    "id_number": N_("ID number"),
}


# The read models, as the parts of the lists and reports that users know them by.
READ_MODELS = {
    "case_index": N_("the case lists and search"),
    "petition_facts": N_("the petition figures"),
    "fee_facts": N_("the social-fee figures"),
    "approval_facts": N_("the approval figures"),
    "audit_trail": N_("the audit trail and activity feed"),
    "workload": N_("the deadlines and workload lists"),
    "accounts": N_("the account list"),
    "sign_ins": N_("the sign-in records"),
}
