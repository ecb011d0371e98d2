"""Every message the interface can show has its Chinese translation."""

from __future__ import annotations

from tracker.errors import CaseNotFound, WrongStage
from web import catalog, i18n


def test_every_message_and_every_refusal_is_translated() -> None:
    # A new string or error without a translation fails here: run `make messages`, translate.
    assert catalog.untranslated("zh_CN") == []


def test_a_refusal_reads_in_the_users_language_with_its_values() -> None:
    error = WrongStage(action="accept", stage="replied")
    assert i18n.error_message(error, "en") == "cannot accept a case in stage Replied"
    assert i18n.error_message(error, "zh_CN").startswith("案件处于“已答复”环节")
    assert i18n.error_message(CaseNotFound(case_id="x"), "zh_CN") == "找不到该案件"
