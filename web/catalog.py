"""The interface's messages: gathered from the code, merged into the Chinese catalogue.

``python -m web.catalog`` (``make messages``) collects every message of the
templates (``_``), of the web code (``_``, ``N_``) and every domain error's
template, and merges them into ``web/locales/zh_CN/LC_MESSAGES/messages.po``:
new ones arrive untranslated, vanished ones are dropped.  The test suite
fails while any message lacks a translation.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

import tracker
from tracker import money, resident_id
from tracker.aggregates.approval import SecondBirthApproval as Approval
from tracker.aggregates.fee_collection import FeeCollection as Fee
from tracker.aggregates.petition import Petition
from tracker.errors import TrackerError
from tracker.permissions import Action
from web.case_forms import FORMS
from web.i18n import LOCALE_DIR

WEB = Path(__file__).parent
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _error_classes() -> Iterator[type[TrackerError]]:
    # Errors are defined beside the rules they enforce, all over the package.
    for module in pkgutil.walk_packages(tracker.__path__, "tracker."):
        importlib.import_module(module.name)
    pending: list[type[TrackerError]] = [TrackerError]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        yield cls


_PROBLEM = re.compile(r'problem="([^"]+)"')


def _problems() -> Iterator[tuple[str, str]]:
    """The fixed ``problem`` texts of ``InvalidValue`` refusals, with the file they are in.

    A value in one is a parameter named in braces (``{maximum}``), filled in after translation;
    a text built with values (an f-string) would stay English inside the translated template.
    """
    root = Path(tracker.__file__).parent
    for source in sorted(root.rglob("*.py")):
        where = f"tracker/{source.relative_to(root)}"
        for text in _PROBLEM.findall(source.read_text(encoding="utf-8")):
            yield text, where
    for module in (resident_id, money):
        for text in module._MESSAGES.values():
            yield text, f"tracker/{module.__name__.split('.')[-1]}.py"


def messages() -> Catalog:
    """Every message id the interface can show, with where it comes from."""
    catalog = Catalog(project="tracker", charset="utf-8")
    for filename, lineno, message, comments, _context in extract_from_dir(
        WEB, METHODS, options_map=OPTIONS, keywords=KEYWORDS
    ):
        catalog.add(message, locations=[(f"web/{filename}", lineno)], auto_comments=comments)
    for cls in _error_classes():
        if "template" in cls.__dict__:
            where = f"{cls.__module__.replace('.', '/')}.py"
            catalog.add(cls.template, locations=[(where, 0)], auto_comments=[cls.__name__])
    for text, where in _problems():
        catalog.add(text, locations=[(where, 0)], auto_comments=["problem"])
    for text, where in _actions():
        catalog.add(text, locations=[(where, 0)], auto_comments=["action"])
    return catalog


def _actions() -> Iterator[tuple[str, str]]:
    """What a refusal names as the ``action`` without a form to take its title from: each
    action of the role table, and each command a stage admits that has no form of its own."""
    for action in Action:
        yield action.value, "tracker/permissions.py"
    for kind, aggregate in (("petition", Petition), ("approval", Approval), ("fee", Fee)):
        for command in sorted(set(aggregate.STAGE_GATES) - set(FORMS[kind])):
            yield command.replace("_", " "), aggregate.__module__.replace(".", "/") + ".py"


def path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"


def load(locale: str) -> Catalog:
    with path(locale).open("rb") as source:
        return read_po(source, locale=locale)


def untranslated(locale: str = "zh_CN") -> list[str]:
    """Message ids the interface uses that the catalogue does not translate."""
    catalog = load(locale)
    missing = []
    for message in messages():
        if not message.id:
            continue
        entry = catalog.get(message.id)
        if entry is None or entry.fuzzy or not entry.string:
            missing.append(str(message.id))
            continue
        if isinstance(entry.string, tuple) and not all(entry.string):
            missing.append(str(message.id))
    return missing


def update(locale: str = "zh_CN") -> int:
    target = path(locale)
    if target.exists():
        catalog = load(locale)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=locale, project="tracker", charset="utf-8")
    catalog.update(messages(), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with target.open("wb") as out:
        write_po(out, catalog, width=100, sort_output=False, include_previous=False)
    return len(untranslated(locale))


def main() -> int:
    missing = update()
    print(f"{path('zh_CN')}: {missing} message(s) without a translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
