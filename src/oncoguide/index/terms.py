"""SQLite's FTS5 tokenizer as the one definition of a search term, for every backend.

The SQLite index tokenizes with `porter unicode61 remove_diacritics 2` and ranks with FTS5's
bm25(). For PostgreSQL to return the same chunks in the same order, it must see the same terms,
so instead of re-implementing the tokenizer (or using Snowball English, which stems and drops
stop words differently), this module runs the real one: an in-memory FTS5 table whose
`fts5vocab` instance view lists every token with its column. `BM25_K1`/`BM25_B` are FTS5's
constants (ext/fts5/fts5_aux.c); index.postgres computes the same formula in SQL.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from oncoguide.index.fts import query_terms

__all__ = [
    "BM25_B",
    "BM25_K1",
    "TOKENIZE",
    "ChunkTerms",
    "Tokenizer",
]

# Must equal the `tokenize` option of chunks_fts in index/migrations/0001_initial.sql (a test
# compares them).
TOKENIZE = "porter unicode61 remove_diacritics 2"
BM25_K1 = 1.2
BM25_B = 0.75
# Column weights of (title, heading, body), as in index.sqlite.BM25_WEIGHTS.
_WEIGHTS = (4.0, 2.0, 1.0)


@dataclass(frozen=True)
class ChunkTerms:
    """What bm25() needs of one chunk: weighted term frequencies and its length in tokens."""

    frequencies: dict[str, float]  # term -> sum of column weights over its occurrences
    tokens: int  # every token of title + heading + body


class Tokenizer:
    """Tokenizes text exactly as the SQLite index does. Safe to share between threads."""

    def __init__(self, weights: Sequence[float] = _WEIGHTS) -> None:
        self._weights = tuple(weights)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        self._conn.execute(
            f"CREATE VIRTUAL TABLE t USING fts5 (title, heading, body, tokenize = '{TOKENIZE}')"
        )
        self._conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab (t, 'instance')")

    def chunks(self, rows: Sequence[tuple[str, str, str]]) -> list[ChunkTerms]:
        """ChunkTerms of each (title, heading, body), in order."""
        if not rows:
            return []
        freqs: list[dict[str, float]] = [{} for _ in rows]
        tokens = [0] * len(rows)
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                self._conn.executemany(
                    "INSERT INTO t (rowid, title, heading, body) VALUES (?, ?, ?, ?)",
                    [(i + 1, *row) for i, row in enumerate(rows)],
                )
                for term, doc, col in self._conn.execute("SELECT term, doc, col FROM v"):
                    i = int(doc) - 1
                    freqs[i][term] = freqs[i].get(term, 0.0) + self._weights[_COLUMNS[col]]
                    tokens[i] += 1
            finally:
                self._conn.execute("ROLLBACK")
        return [ChunkTerms(dict(f), n) for f, n in zip(freqs, tokens, strict=True)]

    def query(self, text: str) -> list[str]:
        """The terms SQLite searches for `text` (one per query word, in order; repeats kept).

        `fts_query` quotes each word of `query_terms`; FTS5 then tokenizes each quoted word. A
        word that tokenizes to several tokens (rare) contributes each of them.
        """
        words = query_terms(text)
        if not words:
            return []
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                self._conn.executemany(
                    "INSERT INTO t (rowid, title, heading, body) VALUES (?, '', '', ?)",
                    [(i + 1, w) for i, w in enumerate(words)],
                )
                rows = self._conn.execute(
                    "SELECT doc, offset, term FROM v ORDER BY doc, offset"
                ).fetchall()
            finally:
                self._conn.execute("ROLLBACK")
        return [str(term) for _, _, term in rows]

    def close(self) -> None:
        with self._lock:
            self._conn.close()


_COLUMNS = {"title": 0, "heading": 1, "body": 2}
