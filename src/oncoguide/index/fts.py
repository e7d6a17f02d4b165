"""Turn user text into a safe FTS5 MATCH expression.

User text is never parsed as FTS5 syntax: every token becomes a quoted string, so `AND`, `OR`,
`NOT`, `NEAR`, `*`, `^`, `(`, `)`, `:` and quotes are just text (sqlite-utils `escape_fts` habit).
"""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["MAX_TERMS", "STOP_WORDS", "fts_query", "query_terms"]

# Bounds the cost of one MATCH: a pasted page of text should not become a 5,000-term OR.
MAX_TERMS = 32

# A small English list. Dropping these in OR mode stops "what is the ..." from matching every chunk.
_STOP_WORDS_TEXT = """
    a about after again all also am an and any are as at be been before being both but by can
    could did do does doing during each few for from had has have having he her here hers him
    his how i if in into is it its itself just me more most my no nor not of off on once only
    or other our out over own same she should so some such than that the their them then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

# Letters and digits in any script (underscore excluded, as the unicode61 tokenizer excludes it).
_TOKEN = re.compile(r"[^\W_]+")


def query_terms(text: str, *, drop_stop_words: bool = True) -> list[str]:
    """Lower-cased, de-duplicated search terms of `text`, in order, at most MAX_TERMS."""
    terms: list[str] = []
    seen: set[str] = set()
    for match in _TOKEN.finditer(text):
        term = match.group(0).lower()
        if term in seen or (drop_stop_words and term in STOP_WORDS):
            continue
        seen.add(term)
        terms.append(term)
        if len(terms) == MAX_TERMS:
            break
    return terms


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts_query(text: str, *, mode: Literal["and", "or"] = "or") -> str | None:
    """A MATCH expression for `text`, or None when nothing searchable is left.

    "or" drops stop words and matches any term (BM25 ranks documents with more terms higher);
    "and" keeps every term and requires all of them.
    """
    terms = query_terms(text, drop_stop_words=mode == "or")
    if not terms:
        return None
    joiner = " OR " if mode == "or" else " AND "
    return joiner.join(_quote(t) for t in terms)
