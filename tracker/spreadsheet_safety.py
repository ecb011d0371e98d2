"""Text written into a spreadsheet cell must never be run as a formula.

Excel, LibreOffice Calc and Google Sheets read a cell of a CSV (or a text
cell of a sheet) that starts with ``=``, ``+``, ``-`` or ``@`` as a formula,
and a leading tab or carriage return is dropped before the same reading.
Whatever a user typed into a case (a summary, a reason, a name) reaches the
auditors' exports, so ``=HYPERLINK(...)`` or ``+cmd|'/c calc'!A0`` typed by
one user would run on another's computer ("CSV injection", CWE-1236).  A
leading apostrophe makes the spreadsheet show the text as typed, and every
export writes its text cells through :func:`as_text_cell` so that none
forgets.  Numbers meant as numbers are written as numbers, not through here;
"-3000" typed as text stays text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it: with an apostrophe before a formula's first character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
