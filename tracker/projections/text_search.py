"""Text search over names and summaries that works for Chinese, on an index on both stores.

Chinese has no spaces between words and names are two or three characters,
so the text is indexed as overlapping pairs of characters (bigrams, the
usual way to index CJK text): 王秀英 gives 王秀 and 秀英.  A query of two
characters or more must have all its pairs in a row's text; the pairs are
found through an index (an FTS5 table on SQLite, a GIN index over a text
array on PostgreSQL) and the match is then confirmed with ``LIKE``, so only
contiguous text counts.  A query of one character falls back to ``LIKE``
alone.  Text is compared after NFKC normalisation and case folding, so
full-width and upper-case letters match their plain forms.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.projections.database import Cursor

_WORD = re.compile(r"\w+")


def normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def grams(text: str) -> list[str]:
    """The distinct character pairs of each word of ``text``, in order of first appearance."""
    found: dict[str, None] = {}
    for word in _WORD.findall(normalised(text).replace("_", " ")):
        for i in range(len(word) - 1):
            found.setdefault(word[i : i + 2])
    return list(found)


def create(cursor: Cursor, table: str) -> None:
    """One row per version of a case: its normalised text, and that text's pairs indexed."""
    if cursor.dialect == "sqlite":
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
            "case_id UNINDEXED, version UNINDEXED, text UNINDEXED, grams, "
            "tokenize = 'unicode61')"
        )
    else:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {table} ("
            "case_id TEXT NOT NULL, version INTEGER NOT NULL, text TEXT NOT NULL, "
            "grams TEXT[] NOT NULL, PRIMARY KEY (case_id, version))"
        )
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_grams ON {table} USING GIN (grams)")


def row(dialect: str, case_id: str, version: int, *texts: str) -> dict[str, Any]:
    text = normalised(" ".join(texts))
    pairs = grams(text)
    return {
        "case_id": case_id,
        "version": version,
        "text": text,
        "grams": " ".join(pairs) if dialect == "sqlite" else pairs,
    }


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def condition(dialect: str, table: str, text: str) -> tuple[str, list[Any]]:
    """A WHERE condition on the searched rows' ``case_id`` and ``version``."""
    wanted = normalised(text.strip())
    where = ["text LIKE ? ESCAPE '\\'"]
    params: list[Any] = [f"%{_escape_like(wanted)}%"]
    pairs = grams(wanted)
    if pairs and dialect == "sqlite":
        where.insert(0, f"{table} MATCH ?")
        params.insert(0, " ".join(f'"{pair}"' for pair in pairs))
    elif pairs:
        where.insert(0, "grams @> ?")
        params.insert(0, pairs)
    found = f"SELECT case_id, version FROM {table} WHERE {' AND '.join(where)}"
    return f"(case_id, version) IN ({found})", params
