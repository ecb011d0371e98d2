"""Every message the interface can show has its Chinese translation."""

from __future__ import annotations

import re

from tracker.errors import CaseNotFound, LimitExpired, WrongStage
from web import catalog, i18n


def test_every_message_and_every_refusal_is_translated() -> None:
    # A new string or error without a translation fails here: run `make messages`, translate.
    assert catalog.untranslated("zh_CN") == []


def test_a_refusal_reads_in_the_users_language_with_its_values() -> None:
    error = WrongStage(action="accept", stage="replied")
    assert i18n.error_message(error, "en") == "cannot accept a case in stage Replied"
    assert i18n.error_message(error, "zh_CN") == "案件处于“已答复”环节，不能受理"
    late = LimitExpired(action="grant_extension", limit="2026-03-02")
    assert i18n.error_message(late, "zh_CN") == "批准延期的期限已于 2026-03-02 届满"
    english = "the time limit for grant an extension ended on 2026-03-02"
    assert i18n.error_message(late, "en") == english
    assert i18n.error_message(CaseNotFound(case_id="x"), "zh_CN") == "找不到该案件"


def test_no_translation_names_a_value_its_message_lacks() -> None:
    """A translation may leave a value out (a case's id), but never name one the message lacks."""
    placeholder = re.compile(r"%\(\w+\)s|\{\w+\}")
    for message in catalog.load("zh_CN"):
        if message.id and message.string:
            known = set(placeholder.findall(str(message.id)))
            assert set(placeholder.findall(str(message.string))) <= known, message.id
