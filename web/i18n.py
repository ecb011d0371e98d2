"""Languages of the interface: Chinese first, English available.

Message ids are English; the zh_CN catalogue (``web/locales``) translates
them.  The catalogue is read from its ``.po`` file when the app starts, so
there is no compiled file to keep in step.  Domain errors are translated by
their English template (``TrackerError.template``), one entry per rule.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency

from tracker.clock import SHANGHAI
from tracker.errors import TrackerError, fill
from tracker.money import Money
from web.case_forms import FORMS
from web.labels import STAGES

LOCALES = ("zh_CN", "en")
DEFAULT = "zh_CN"
LOCALE_DIR = Path(__file__).parent / "locales"


@cache
def translations(locale: str) -> gettext.NullTranslations:
    """The catalogue of ``locale``; English needs none (the ids are English)."""
    po = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def chosen(value: str | None) -> str:
    """A supported locale for what the user asked for, else the default."""
    return value if value in LOCALES else DEFAULT


def error_message(error: TrackerError, locale: str, fields: Mapping[str, str] | None = None) -> str:
    """The refusal in the user's language, with its parameters filled in.

    A stage's code reads as the stage's name, and a field's name as its label
    in ``fields`` (message ids, e.g. the labels of the form that was sent).
    """
    catalogue = translations(locale)
    template = catalogue.gettext(error.template)
    params = dict(error.params)
    if params.get("stage") in STAGES:
        params["stage"] = catalogue.gettext(STAGES[params["stage"]])
    if isinstance(params.get("problem"), str):
        params["problem"] = fill(catalogue.gettext(params["problem"]), params)
    for key in ("field", "earlier_field"):
        if fields and params.get(key) in fields:
            params[key] = catalogue.gettext(fields[params[key]])
    if isinstance(params.get("action"), str):
        params["action"] = _command(params["action"], catalogue.gettext, locale)
    try:
        return template.format(**params)
    except (KeyError, IndexError):  # a catalogue entry naming a parameter the error lacks
        return str(error)


def _command(command: str, gettext: Callable[[str], str], locale: str) -> str:
    """A command as its form calls it (受理, "accept"); one without a form, or an action of
    the role table ("handle a petition"), by its name's catalogue entry (``web/catalog.py``)."""
    title = next((forms[command].title for forms in FORMS.values() if command in forms), None)
    if title is None:
        return gettext(command.replace("_", " "))
    text = gettext(title)
    return text if locale.startswith("zh") else text[:1].lower() + text[1:]


def day(value: date | None, locale: str) -> str:
    if value is None:
        return ""
    return format_date(value, format="medium", locale=Locale.parse(locale))


def moment(value: datetime | None, locale: str) -> str:
    if value is None:
        return ""
    return format_datetime(value, format="short", tzinfo=SHANGHAI, locale=Locale.parse(locale))


def money(value: Money | None, locale: str) -> str:
    if value is None:
        return ""
    return format_currency(value.yuan, "CNY", locale=Locale.parse(locale))
