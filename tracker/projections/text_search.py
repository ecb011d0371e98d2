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

Under a cipher key (``sealing``) the row keeps no text and the index keeps
keyed hashes of the text's single characters, pairs and triples instead of
the pairs; a query matches when all of its own are there.  That is exact for
queries of up to three characters (most names) and, for longer ones,
contiguous in every three characters, which in practice is the same.
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


def sealed_grams(text: str) -> list[str]:
    """Single characters, pairs and triples of each word: what a sealed index compares."""
    found: dict[str, None] = {}
    for word in _WORD.findall(normalised(text).replace("_", " ")):
        for size in (1, 2, 3):
            for i in range(len(word) - size + 1):
                found.setdefault(word[i : i + size])
    return list(found)


def _query_grams(text: str) -> list[str]:
    """The grams a sealed row must hold to contain ``text``: its triples, or the whole of it."""
    found: dict[str, None] = {}
    for word in _WORD.findall(normalised(text).replace("_", " ")):
        if len(word) <= 3:
            found.setdefault(word)
        for i in range(len(word) - 2):
            found.setdefault(word[i : i + 3])
    return list(found)


def row(cursor: Cursor, case_id: str, version: int, *texts: str) -> dict[str, Any]:
    text = normalised(" ".join(texts))
    sealer = cursor.sealer
    if sealer.sealed:
        # Sorted: in the text's order the first token would be the surname's character.
        pairs = sorted({sealer.token(gram) for gram in sealed_grams(text)})
        text = ""
    else:
        pairs = grams(text)
    return {
        "case_id": case_id,
        "version": version,
        "text": text,
        "grams": " ".join(pairs) if cursor.dialect == "sqlite" else pairs,
    }


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def condition(cursor: Cursor, table: str, text: str) -> tuple[str, list[Any]]:
    """A WHERE condition on the searched rows' ``case_id`` and ``version``."""
    wanted = normalised(text.strip())
    where: list[str] = []
    params: list[Any] = []
    if cursor.sealer.sealed:
        pairs = [cursor.sealer.token(gram) for gram in _query_grams(wanted)]
        if not pairs:  # nothing a word is made of: punctuation only matches nothing
            return "1 = 0", []
    else:
        where.append("text LIKE ? ESCAPE '\\'")
        params.append(f"%{_escape_like(wanted)}%")
        pairs = grams(wanted)
    if pairs and cursor.dialect == "sqlite":
        where.insert(0, f"{table} MATCH ?")
        params.insert(0, " ".join(f'"{pair}"' for pair in pairs))
    elif pairs:
        where.insert(0, "grams @> ?")
        params.insert(0, pairs)
    found = f"SELECT case_id, version FROM {table} WHERE {' AND '.join(where)}"
    return f"(case_id, version) IN ({found})", params
