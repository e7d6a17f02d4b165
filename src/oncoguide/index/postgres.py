"""The PostgreSQL + pgvector store, for deployments that share one database between processes.

Same rows and the same answers as the SQLite store:
- Lexical search finds candidate chunks with a GIN index on a `tsvector` and
  `websearch_to_tsquery('simple', ...)`, and ranks them with FTS5's bm25() formula over the terms
  SQLite's own tokenizer produced (`oncoguide.index.terms`), so scores and order match SQLite's.
  User text never reaches a query parser as syntax: it is reduced to tokenizer terms first.
- Vectors live in a pgvector column; `build_vector_index` adds an HNSW (cosine) index per model
  after a bulk load, and `nearest_chunks` searches it.
- Every write is one transaction; migrations are numbered SQL files in `pg_migrations`, applied
  under an advisory lock so two processes starting together do not race.
All psycopg errors leave this module as StoreError naming the server (never the password).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
from pgvector.psycopg import register_vector
from psycopg import sql
from psycopg.rows import dict_row

from oncoguide.config import is_postgres_url
from oncoguide.errors import QueryError, StoreError
from oncoguide.index.rows import (
    CHUNK_COLUMNS,
    DOC_COLUMNS,
    SECTION_COLUMNS,
    chunk_from_row,
    doc_row,
    document_from_row,
    section_from_row,
    section_row,
)
from oncoguide.index.store import ChunkMatch, StoreStats
from oncoguide.index.terms import BM25_B, BM25_K1, Tokenizer
from oncoguide.types import Chunk, Document, SearchFilters, Section

__all__ = [
    "PostgresStore",
    "connect",
    "is_postgres_url",
    "one_line",
    "open_pg_index",
    "open_pg_store",
    "pg_migrations",
    "redact_url",
]

# Serialises migrations between processes (any constant; "oncoguide" in ASCII).
_MIGRATION_LOCK = 0x6F6E636F6775
_CONNECT_TIMEOUT_S = 5
# Documents written or removed by one apply_changes from which the tables are analysed at once.
_ANALYZE_AFTER = 50


def redact_url(url: str) -> str:
    """The URL as safe to print: user, host, port and database, never the password."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "postgresql://(unparseable URL)"
    user = f"{info['user']}@" if info.get("user") else ""
    host = str(info.get("host") or "localhost")
    port = f":{info['port']}" if info.get("port") else ""
    return f"postgresql://{user}{host}{port}/{info.get('dbname') or ''}"


def pg_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every packaged PostgreSQL migration, in order."""
    found = []
    for entry in resources.files("oncoguide.index.pg_migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def one_line(exc: BaseException) -> str:
    """A psycopg error's message on one line (libpq's span several)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def connect(url: str) -> psycopg.Connection[dict[str, Any]]:
    """An autocommit connection returning dict rows, times in UTC; StoreError (one line, no
    password) when the server cannot be reached."""
    try:
        conn = psycopg.connect(
            url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_S, row_factory=dict_row
        )
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot connect to PostgreSQL at {redact_url(url)}: {one_line(exc)}"
        ) from exc
    try:
        conn.execute("SET TIME ZONE 'UTC'")
    except psycopg.Error as exc:
        conn.close()
        raise StoreError(f"database {redact_url(url)}: cannot set up: {one_line(exc)}") from exc
    return conn


def _websearch(terms: Sequence[str]) -> str:
    """A websearch_to_tsquery text matching any of `terms` (each quoted, so never an operator)."""
    return " or ".join(f'"{t}"' for t in dict.fromkeys(terms))


class PostgresStore:
    """A `Store` in a PostgreSQL database. Safe to share between threads (calls are serialised).

    `url` is a libpq URL; `?options=-csearch_path%3Dname` puts the tables in another schema.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = redact_url(url)  # what messages call this database
        self._lock = threading.RLock()
        self._tokenizer = Tokenizer()
        self._vectors_registered = False
        try:
            self._conn = connect(url)
        except StoreError:
            self._tokenizer.close()
            raise

    def __repr__(self) -> str:
        return f"PostgresStore({self.path!r})"

    @contextmanager
    def _guard(self, action: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """Serialise access and translate psycopg errors into StoreError naming the server."""
        with self._lock:
            try:
                yield self._conn
            except psycopg.Error as exc:
                raise StoreError(f"database {self.path}: cannot {action}: {one_line(exc)}") from exc

    @contextmanager
    def _transaction(self, action: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """One write transaction: everything in the block commits, or nothing does."""
        with self._guard(action) as conn, conn.transaction():
            yield conn

    def _vectors(self) -> None:
        """Teach the connection the pgvector type (it exists once the first migration ran)."""
        if not self._vectors_registered:
            with self._guard("load the vector type") as conn:
                register_vector(conn)
            self._vectors_registered = True

    # -- schema -----------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply pending numbered migrations, each in its own transaction; return the version."""
        known = pg_migrations()
        latest = known[-1][0] if known else 0
        with self._transaction("migrate") as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
        current = self._schema_version()
        if current > latest:
            raise StoreError(
                f"database {self.path} has schema version {current}, newer than this"
                f" oncoguide supports ({latest}); upgrade oncoguide"
            )
        for version, name, text in known:
            if version > current:
                self._apply_migration(version, name, text)
        self._vectors()
        return self._schema_version()

    def _apply_migration(self, version: int, name: str, text: str) -> None:
        with self._transaction(f"apply migration {name}") as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            done = conn.execute(
                "SELECT 1 FROM schema_migrations WHERE version = %s", (version,)
            ).fetchone()
            if done is not None:  # another process applied it while we waited for the lock
                return
            conn.execute(sql.SQL(text))  # packaged, trusted SQL (several statements)
            conn.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name)
            )

    def is_index(self) -> bool:
        """True when the database carries oncoguide's schema table (any version)."""
        with self._guard("read the schema") as conn:
            row = conn.execute(
                "SELECT to_regclass('schema_migrations') IS NOT NULL AS ok"
            ).fetchone()
        return bool(row and row["ok"])

    def _schema_version(self) -> int:
        with self._guard("read the schema version") as conn:
            row = conn.execute(
                "SELECT coalesce(max(version), 0) AS v FROM schema_migrations"
            ).fetchone()
        return int(row["v"]) if row else 0

    # -- documents and chunks ---------------------------------------------------------------

    def document_hashes(self) -> dict[str, str]:
        with self._guard("read document hashes") as conn:
            rows = conn.execute("SELECT doc_id, content_hash FROM documents").fetchall()
        return {r["doc_id"]: r["content_hash"] for r in rows}

    def apply_changes(
        self,
        upserts: Sequence[tuple[Document, Sequence[Chunk]]],
        deletes: Sequence[str],
        sections: Mapping[str, Sequence[Section]] | None = None,
    ) -> None:
        """Replace the given documents (chunks, and sections by doc id) and delete others, in one
        transaction."""
        with self._transaction("write documents") as conn:
            gone = [doc.doc_id for doc, _ in upserts] + list(deletes)
            if gone:
                conn.execute(
                    "UPDATE term_hits h SET n = h.n - d.n FROM (SELECT k AS term, count(*) AS n"
                    " FROM chunk_terms t, jsonb_object_keys(t.terms) k"
                    " WHERE t.doc_id = ANY(%s) GROUP BY k) d WHERE h.term = d.term",
                    (gone,),
                )
                conn.execute("DELETE FROM chunks WHERE doc_id = ANY(%s)", (gone,))
                conn.execute("DELETE FROM sections WHERE doc_id = ANY(%s)", (gone,))
                conn.execute("DELETE FROM document_cancer_types WHERE doc_id = ANY(%s)", (gone,))
                conn.execute("DELETE FROM documents WHERE doc_id = ANY(%s)", (gone,))
            if upserts:
                self._insert(conn, upserts)
            self._insert_sections(conn, {d.doc_id for d, _ in upserts}, sections or {})
            conn.execute("DELETE FROM term_hits WHERE n <= 0")
            conn.execute(
                "UPDATE chunk_totals SET rows = t.n, tokens = t.tokens FROM"
                " (SELECT count(*) AS n, coalesce(sum(ntokens), 0) AS tokens FROM chunk_terms) t"
            )
        if len(upserts) + len(deletes) >= _ANALYZE_AFTER:
            # Fresh statistics now, not when autovacuum gets to it: without them the planner
            # guesses the search plans badly (9x slower right after a bulk load).
            with self._guard("analyze the index") as conn:
                conn.execute(
                    "ANALYZE documents, document_cancer_types, chunks, chunk_terms, chunk_totals,"
                    " term_hits"
                )

    def _insert(
        self,
        conn: psycopg.Connection[dict[str, Any]],
        upserts: Sequence[tuple[Document, Sequence[Chunk]]],
    ) -> None:
        rows: list[tuple[Any, ...]] = []
        texts: list[tuple[str, str, str]] = []
        for doc, chunks in upserts:
            for chunk in chunks:
                if chunk.doc_id != doc.doc_id:
                    raise StoreError(
                        f"database {self.path}: chunk {chunk.chunk_id} belongs to"
                        f" {chunk.doc_id}, not {doc.doc_id}"
                    )
                rows.append(
                    (chunk.chunk_id, chunk.doc_id, chunk.ordinal,
                     json.dumps(list(chunk.heading_path)), chunk.heading, chunk.text,
                     chunk.content_hash, chunk.section_id)
                )  # fmt: skip
                texts.append((doc.title, chunk.heading, chunk.text))
        terms = self._tokenizer.chunks(texts)
        rowids = [
            int(r["id"])
            for r in conn.execute(
                "SELECT nextval(pg_get_serial_sequence('chunks', 'rowid')) AS id"
                " FROM generate_series(1, %s)",
                (len(rows),),
            )
        ]
        rowids.sort()  # insertion order is the tie-break of equal scores
        with conn.cursor() as cur:
            with cur.copy(f"COPY documents ({DOC_COLUMNS}) FROM STDIN") as copy:
                for doc, _ in upserts:
                    copy.write_row(doc_row(doc))
            with cur.copy("COPY document_cancer_types (cancer_type, doc_id) FROM STDIN") as copy:
                for doc, _ in upserts:
                    for cancer_type in sorted(set(doc.cancer_types)):
                        copy.write_row((cancer_type, doc.doc_id))
            with cur.copy(
                "COPY chunks (rowid, chunk_id, doc_id, ordinal, heading_path, heading, text,"
                " content_hash, section_id) FROM STDIN"
            ) as copy:
                for rowid, row in zip(rowids, rows, strict=True):
                    copy.write_row((rowid, *row))
            with cur.copy(
                "COPY chunk_terms (chunk_rowid, doc_id, ntokens, terms) FROM STDIN"
            ) as copy:
                for rowid, row, term in zip(rowids, rows, terms, strict=True):
                    copy.write_row((rowid, row[1], term.tokens, json.dumps(term.frequencies)))
        conn.execute(
            "INSERT INTO term_hits (term, n) SELECT k, count(*)"
            " FROM chunk_terms t, jsonb_object_keys(t.terms) k WHERE t.chunk_rowid = ANY(%s)"
            " GROUP BY k ON CONFLICT (term) DO UPDATE SET n = term_hits.n + EXCLUDED.n",
            (rowids,),
        )

    def _insert_sections(
        self,
        conn: psycopg.Connection[dict[str, Any]],
        upserted: set[str],
        sections: Mapping[str, Sequence[Section]],
    ) -> None:
        for doc_id, doc_sections in sections.items():
            if doc_id not in upserted:
                raise StoreError(
                    f"database {self.path}: sections given for {doc_id}, which is not written"
                )
            if any(x.doc_id != doc_id for x in doc_sections):
                raise StoreError(
                    f"database {self.path}: a section given for {doc_id} belongs elsewhere"
                )
        with (
            conn.cursor() as cur,
            cur.copy(f"COPY sections ({SECTION_COLUMNS}) FROM STDIN") as copy,
        ):
            for doc_sections in sections.values():
                for section in doc_sections:
                    copy.write_row(section_row(section))

    def sections_of(self, doc_id: str) -> list[Section]:
        sql_text = f"SELECT {SECTION_COLUMNS} FROM sections WHERE doc_id = %s ORDER BY ordinal"
        with self._guard("read sections") as conn:
            return [section_from_row(r) for r in conn.execute(sql_text, (doc_id,))]

    def has_sections(self) -> bool:
        """True when any section is stored (an index from before 0002 has none until re-ingest)."""
        with self._guard("read sections") as conn:
            return conn.execute("SELECT 1 FROM sections LIMIT 1").fetchone() is not None

    def get_document(self, doc_id: str) -> Document | None:
        return self.get_documents([doc_id]).get(doc_id)

    def get_documents(self, doc_ids: Sequence[str]) -> dict[str, Document]:
        wanted = list(dict.fromkeys(doc_ids))
        if not wanted:
            return {}
        with self._guard("read documents") as conn:
            rows = conn.execute(
                f"SELECT {DOC_COLUMNS} FROM documents WHERE doc_id = ANY(%s)", (wanted,)
            ).fetchall()
        return {r["doc_id"]: document_from_row(r) for r in rows}

    def iter_documents(self) -> Sequence[Document]:
        with self._guard("read documents") as conn:
            rows = conn.execute(
                f'SELECT {DOC_COLUMNS} FROM documents ORDER BY doc_id COLLATE "C"'
            ).fetchall()
        return [document_from_row(r) for r in rows]

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        wanted = list(dict.fromkeys(chunk_ids))
        if not wanted:
            return {}
        with self._guard("read chunks") as conn:
            rows = conn.execute(
                f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE chunk_id = ANY(%s)", (wanted,)
            ).fetchall()
        return {r["chunk_id"]: chunk_from_row(r) for r in rows}

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        sql_text = f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE doc_id = %s ORDER BY ordinal"
        with self._guard("read chunks") as conn:
            return [chunk_from_row(r) for r in conn.execute(sql_text, (doc_id,))]

    # -- search -------------------------------------------------------------------------------

    def lexical_search(
        self, query: str, k: int, filters: SearchFilters | None = None
    ) -> list[ChunkMatch]:
        """FTS5's bm25 over title/heading/body, computed here; user text is never parsed."""
        if not query.strip():
            raise QueryError("empty question")
        terms = self._tokenizer.query(query)
        if not terms or k <= 0:
            return []
        text, params = _lexical_sql(filters or SearchFilters(), len(terms))
        params.update({f"t{i}": term for i, term in enumerate(terms)})
        with self._guard("search") as conn:
            rows = conn.execute(
                text,
                {
                    "terms": terms, "ws": _websearch(terms), "k1": BM25_K1,
                    "k1p1": BM25_K1 + 1.0, "omb": 1 - BM25_B, "b": BM25_B, "k": k, **params,
                },
                prepare=False,  # a generic plan cannot know how common the terms are: 2x slower
            ).fetchall()  # fmt: skip
        return [
            ChunkMatch(chunk_id=r["chunk_id"], doc_id=r["doc_id"], score=float(r["score"]))
            for r in rows
        ]

    def cancer_types(self) -> dict[str, int]:
        """Every cancer type in the index with its number of documents (for option checks)."""
        with self._guard("read cancer types") as conn:
            rows = conn.execute(
                "SELECT cancer_type, count(*) AS n FROM document_cancer_types GROUP BY cancer_type"
            ).fetchall()
        return {str(r["cancer_type"]): int(r["n"]) for r in rows}

    # -- embeddings ---------------------------------------------------------------------------

    def missing_embeddings(self, model: str, content_hashes: Sequence[str]) -> list[str]:
        wanted = list(dict.fromkeys(content_hashes))
        if not wanted:
            return []
        with self._guard("read embeddings") as conn:
            have = {
                r["content_hash"]
                for r in conn.execute(
                    "SELECT content_hash FROM embeddings"
                    " WHERE model = %s AND content_hash = ANY(%s)",
                    (model, wanted),
                )
            }
        return [h for h in wanted if h not in have]

    def put_embeddings(
        self, model: str, items: Sequence[tuple[str, npt.NDArray[np.float32]]]
    ) -> None:
        rows = []
        for content_hash, vector in items:
            vec = np.asarray(vector, dtype=np.float32)
            if vec.ndim != 1 or vec.size == 0:
                raise StoreError(
                    f"database {self.path}: embedding for {content_hash} must be a non-empty"
                    f" 1-D vector, got shape {vec.shape}"
                )
            rows.append((model, content_hash, int(vec.size), vec))
        if not rows:
            return
        self._vectors()
        with self._transaction("write embeddings") as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO embeddings (model, content_hash, dim, vector)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (model, content_hash)"
                " DO UPDATE SET dim = EXCLUDED.dim, vector = EXCLUDED.vector",
                rows,
            )

    def get_embeddings(
        self, model: str, content_hashes: Sequence[str]
    ) -> dict[str, npt.NDArray[np.float32]]:
        """The cached vectors of these content hashes (those that have one)."""
        wanted = list(dict.fromkeys(content_hashes))
        if not wanted:
            return {}
        self._vectors()
        with self._guard("read embeddings") as conn, conn.cursor(binary=True) as cur:
            rows = cur.execute(
                "SELECT content_hash, vector FROM embeddings"
                " WHERE model = %s AND content_hash = ANY(%s)",
                (model, wanted),
            ).fetchall()
        return {
            r["content_hash"]: np.asarray(r["vector"].to_numpy(), dtype=np.float32) for r in rows
        }

    def load_embeddings(self, model: str) -> tuple[list[str], npt.NDArray[np.float32]]:
        """(chunk_ids, matrix) for the current chunks whose content hash has a vector."""
        self._vectors()
        with self._guard("read embeddings") as conn, conn.cursor(binary=True) as cur:
            rows = cur.execute(
                "SELECT c.chunk_id, e.dim, e.vector FROM chunks c JOIN embeddings e"
                " ON e.model = %s AND e.content_hash = c.content_hash ORDER BY c.rowid",
                (model,),
            ).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        dims = {r["dim"] for r in rows}
        if len(dims) != 1:
            raise StoreError(
                f"database {self.path}: embeddings for model {model!r} have mixed sizes {dims}"
            )
        matrix = np.stack([np.asarray(r["vector"].to_numpy(), dtype=np.float32) for r in rows])
        return [r["chunk_id"] for r in rows], matrix

    def _index_name(self, model: str, dim: int) -> str:
        return f"embeddings_hnsw_{hashlib.sha1(model.encode()).hexdigest()[:12]}_{dim}"

    def build_vector_index(self, model: str) -> None:
        """An HNSW (cosine) index on `model`'s vectors, if there is none yet.

        Build it after a bulk load: inserting into an existing HNSW index is ~3x slower than
        building it once. Later incremental ingests keep it up to date.
        """
        with self._guard("read embeddings") as conn:
            dims = [
                int(r["dim"])
                for r in conn.execute(
                    "SELECT DISTINCT dim FROM embeddings WHERE model = %s", (model,)
                )
            ]
        for dim in dims:
            index = sql.SQL(
                "CREATE INDEX IF NOT EXISTS {name} ON embeddings USING hnsw"
                " ((vector::vector({dim})) vector_cosine_ops) WHERE model = {model} AND dim = {dim}"
            ).format(
                name=sql.Identifier(self._index_name(model, dim)),
                dim=sql.Literal(dim),
                model=sql.Literal(model),
            )
            with self._transaction("build the vector index") as conn:
                conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
                conn.execute(index)

    def has_vector_index(self, model: str, dim: int) -> bool:
        with self._guard("read the schema") as conn:
            row = conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL AS ok", (self._index_name(model, dim),)
            ).fetchone()
        return bool(row and row["ok"])

    def nearest_chunks(
        self, model: str, vector: npt.NDArray[np.float32], k: int, *, ef_search: int = 100
    ) -> list[tuple[str, str, float]]:
        """(chunk_id, doc_id, cosine) of the chunks nearest `vector`, best first (HNSW:
        approximate once `build_vector_index` ran, exact before)."""
        vec = np.asarray(vector, dtype=np.float32).reshape(-1)
        if k <= 0 or vec.size == 0:
            return []
        self._vectors()
        dim = int(vec.size)
        query = sql.SQL(
            "SELECT c.chunk_id, c.doc_id, 1 - n.distance AS cosine FROM ("
            " SELECT content_hash, vector::vector({dim}) <=> %(v)s::vector({dim}) AS distance"
            " FROM embeddings WHERE model = %(model)s AND dim = {dim}"
            " ORDER BY vector::vector({dim}) <=> %(v)s::vector({dim}) LIMIT %(k)s) n"
            " JOIN chunks c ON c.content_hash = n.content_hash"
            " ORDER BY n.distance, c.rowid LIMIT %(k)s"
        ).format(dim=sql.Literal(dim))
        with self._transaction("search vectors") as conn:
            conn.execute(sql.SQL("SET LOCAL hnsw.ef_search = {}").format(sql.Literal(ef_search)))
            rows = conn.execute(query, {"v": vec, "model": model, "k": k}).fetchall()
        return [(r["chunk_id"], r["doc_id"], float(r["cosine"])) for r in rows]

    # -- meta and housekeeping ------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._guard("read meta") as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = %s", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction("write meta") as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (%s, %s)"
                " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, value),
            )

    def stats(self) -> StoreStats:
        with self._guard("read stats") as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM documents) AS documents,"
                " (SELECT count(*) FROM chunks) AS chunks,"
                " (SELECT count(*) FROM embeddings) AS embeddings"
            ).fetchone()
        assert row is not None
        return StoreStats(
            documents=int(row["documents"]),
            chunks=int(row["chunks"]),
            embeddings=int(row["embeddings"]),
            schema_version=self._schema_version(),
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            self._tokenizer.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _lexical_sql(filters: SearchFilters, n_terms: int) -> tuple[str, dict[str, Any]]:
    """The bm25 SQL for chunk matches of `n_terms` query terms, and its filter parameters.

    FTS5's formula (ext/fts5/fts5_aux.c): per query term, idf = ln((N - n + 0.5) / (n + 0.5))
    floored at 1e-6, with n the chunks holding the term (table term_hits); each chunk's term
    frequency is weighted by column. The score is written out as ((0 + part_1) + part_2) + ...,
    a part being 0.0 for a term the chunk lacks: the same additions in the same order as FTS5,
    so the doubles are identical, without a per-chunk aggregate. Ties go by insertion order.
    """
    where = ["t.tsv @@ websearch_to_tsquery('simple', %(ws)s)", "d.status = %(status)s"]
    params: dict[str, Any] = {"status": filters.status}
    for column in ("audience", "language", "source_type"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"d.{column} = %({column})s")
            params[column] = value
    if filters.cancer_type is not None:
        where.append(
            "EXISTS (SELECT 1 FROM document_cancer_types ct"
            " WHERE ct.cancer_type = %(cancer_type)s AND ct.doc_id = d.doc_id)"
        )
        params["cancer_type"] = filters.cancer_type
    parts = []
    for i in range(n_terms):
        freq = f"(t.terms ->> %(t{i})s)::float8"
        parts.append(
            f"CASE WHEN t.terms ? %(t{i})s THEN (SELECT idf FROM qi WHERE ord = {i + 1})"
            f" * (({freq} * %(k1p1)s) / ({freq} + %(k1)s * (%(omb)s + %(b)s * t.ntokens"
            " / (SELECT avgdl FROM totals)))) ELSE 0.0::float8 END"
        )
    score = " + ".join(["0.0::float8", *parts])
    # MATERIALIZED: computed once per query, never inlined into the per-chunk part.
    text = (
        "WITH totals AS MATERIALIZED (SELECT rows,"
        "  tokens::float8 / NULLIF(rows, 0)::float8 AS avgdl FROM chunk_totals),"
        " hits AS MATERIALIZED (SELECT u.term, coalesce(th.n, 0) AS n"
        "  FROM (SELECT DISTINCT unnest(%(terms)s::text[]) AS term) u"
        "  LEFT JOIN term_hits th ON th.term = u.term),"
        " qi AS MATERIALIZED (SELECT qt.ord, CASE WHEN x.idf > 0 THEN x.idf ELSE 1e-6::float8"
        "  END AS idf FROM unnest(%(terms)s::text[]) WITH ORDINALITY AS qt(term, ord)"
        "  JOIN hits ON hits.term = qt.term CROSS JOIN totals,"
        "  LATERAL (SELECT ln(((totals.rows - hits.n)::float8 + 0.5)"
        "   / (hits.n::float8 + 0.5)) AS idf) x),"
        f" scored AS (SELECT t.chunk_rowid, {score} AS score"
        "  FROM chunk_terms t JOIN documents d ON d.doc_id = t.doc_id"
        f"  WHERE {' AND '.join(where)}),"
        " top AS (SELECT chunk_rowid, score FROM scored WHERE score > 0"
        "  ORDER BY score DESC, chunk_rowid LIMIT %(k)s)"
        " SELECT c.chunk_id, c.doc_id, top.score FROM top"
        " JOIN chunks c ON c.rowid = top.chunk_rowid ORDER BY top.score DESC, top.chunk_rowid"
    )
    return text, params


def open_pg_store(url: str) -> PostgresStore:
    """Connect to and migrate the PostgreSQL index at `url` (creating its tables if needed)."""
    store = PostgresStore(url)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store


def open_pg_index(url: str) -> PostgresStore:
    """Connect to an index built by `oncoguide ingest`; never creates tables.

    A database without oncoguide's tables, or whose index holds no documents, is a StoreError
    naming the server and the fix.
    """
    store = PostgresStore(url)
    fix = f"run: oncoguide ingest PATH --db {store.path}"
    try:
        if not store.is_index():
            raise StoreError(f"the database {store.path} holds no oncoguide index: {fix}")
        store.migrate()  # an index from an older oncoguide is upgraded in place
        if store.stats().documents == 0:
            raise StoreError(f"the index at {store.path} holds no documents: {fix}")
    except BaseException:
        store.close()
        raise
    return store
