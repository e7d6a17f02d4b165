"""The embedded SQLite store: one file with documents, chunks, an FTS5 index and cached embeddings.

WAL mode lets readers keep serving while an ingest writes; every write is one transaction.
All sqlite3 errors leave this module as StoreError naming the database file.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from oncoguide.errors import QueryError, StoreError
from oncoguide.index.fts import fts_query
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
from oncoguide.types import Chunk, Document, SearchFilters, Section

__all__ = [
    "BM25_WEIGHTS",
    "SqliteStore",
    "lexical_sql",
    "migrations",
    "open_index",
    "open_store",
]

# bm25() column weights for (title, heading, body): a title hit says most about the document.
BM25_WEIGHTS: tuple[float, float, float] = (4.0, 2.0, 1.0)

# Stay well under SQLite's host-parameter limit in IN (...) lists.
_BATCH = 500


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every packaged migration, in order."""
    found = []
    for entry in resources.files("oncoguide.index.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def lexical_sql(filters: SearchFilters) -> tuple[str, list[Any]]:
    """The chunk-level BM25 SQL and its filter parameters (bind MATCH text first, LIMIT last)."""
    where = ["chunks_fts MATCH ?", "d.status = ?"]
    params: list[Any] = [filters.status]
    for column in ("audience", "language", "source_type"):
        value = getattr(filters, column)
        if value is not None:
            where.append(f"d.{column} = ?")
            params.append(value)
    if filters.cancer_type is not None:
        where.append(
            "EXISTS (SELECT 1 FROM document_cancer_types t"
            " WHERE t.cancer_type = ? AND t.doc_id = d.doc_id)"
        )
        params.append(filters.cancer_type)
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    sql = (
        f"SELECT c.chunk_id, c.doc_id, -bm25(chunks_fts, {weights}) AS score"
        " FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid"
        " JOIN documents d ON d.doc_id = c.doc_id"
        f" WHERE {' AND '.join(where)}"
        f" ORDER BY bm25(chunks_fts, {weights}), c.rowid LIMIT ?"
    )
    return sql, params


def _batches(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _BATCH):
        yield items[start : start + _BATCH]


def _marks(n: int) -> str:
    return ",".join("?" * n)


class SqliteStore:
    """A `Store` in one SQLite file. Safe to share between threads (calls are serialised)."""

    def __init__(self, path: Path | str, *, create: bool = True) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        # mode=rw opens an existing file only: reading must never create a database.
        target = self.path if create else f"{self.path.absolute().as_uri()}?mode=rw"
        try:
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT) below.
            self._conn = sqlite3.connect(
                target, isolation_level=None, check_same_thread=False, timeout=30.0, uri=not create
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        self._conn.row_factory = sqlite3.Row
        try:
            with self._guard("open"):
                # Reading the header here is what detects a file that is not a database.
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
                # A full ingest is one big transaction; don't keep a WAL that size afterwards.
                self._conn.execute("PRAGMA journal_size_limit=67108864")
        except StoreError:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"SqliteStore({str(self.path)!r})"

    @contextmanager
    def _guard(self, action: str) -> Iterator[sqlite3.Connection]:
        """Serialise access and translate sqlite3 errors into StoreError naming the file."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(f"database {self.path}: cannot {action}: {exc}") from exc

    @contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything in the block commits, or nothing does."""
        with self._guard(action) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                # SQLite may already have rolled back (e.g. disk full); don't mask the real error.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- schema -----------------------------------------------------------------------------

    def migrate(self) -> int:
        """Apply pending numbered migrations, each in its own transaction; return the version."""
        known = migrations()
        latest = known[-1][0] if known else 0
        with self._guard("migrate") as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
            )
        current = self._schema_version()
        if current > latest:
            raise StoreError(
                f"database {self.path} has schema version {current}, newer than this"
                f" oncoguide supports ({latest}); upgrade oncoguide"
            )
        for version, name, sql in known:
            if version > current:
                self._apply_migration(version, name, sql)
        return self._schema_version()

    def _apply_migration(self, version: int, name: str, sql: str) -> None:
        with self._guard(f"apply migration {name}") as conn:
            try:
                conn.executescript(
                    f"BEGIN IMMEDIATE;\n{sql}\n;"
                    f"INSERT INTO schema_migrations (version, name) VALUES ({version}, '{name}');"
                    "COMMIT;"
                )
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def is_index(self) -> bool:
        """True when the file carries oncoguide's schema table (any version)."""
        with self._guard("read the schema") as conn:
            row = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            ).fetchone()
        return row is not None

    def _schema_version(self) -> int:
        with self._guard("read the schema version") as conn:
            row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
        return int(row[0])

    # -- documents and chunks ---------------------------------------------------------------

    def document_hashes(self) -> dict[str, str]:
        with self._guard("read document hashes") as conn:
            rows = conn.execute("SELECT doc_id, content_hash FROM documents").fetchall()
        return {r[0]: r[1] for r in rows}

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
            for batch in _batches(gone):
                marks = _marks(len(batch))
                conn.execute(f"DELETE FROM chunks WHERE doc_id IN ({marks})", batch)
                conn.execute(f"DELETE FROM sections WHERE doc_id IN ({marks})", batch)
                conn.execute(f"DELETE FROM document_cancer_types WHERE doc_id IN ({marks})", batch)
                conn.execute(f"DELETE FROM documents WHERE doc_id IN ({marks})", batch)
            for doc, chunks in upserts:
                self._insert_document(conn, doc, chunks)
            upserted = {doc.doc_id for doc, _ in upserts}
            for doc_id, doc_sections in (sections or {}).items():
                if doc_id not in upserted:
                    raise StoreError(
                        f"database {self.path}: sections given for {doc_id}, which is not written"
                    )
                if any(x.doc_id != doc_id for x in doc_sections):
                    raise StoreError(
                        f"database {self.path}: a section given for {doc_id} belongs elsewhere"
                    )
                conn.executemany(
                    f"INSERT INTO sections ({SECTION_COLUMNS}) VALUES ({_marks(6)})",
                    [section_row(x) for x in doc_sections],
                )

    def _insert_document(
        self, conn: sqlite3.Connection, doc: Document, chunks: Sequence[Chunk]
    ) -> None:
        conn.execute(f"INSERT INTO documents ({DOC_COLUMNS}) VALUES ({_marks(23)})", doc_row(doc))
        conn.executemany(
            "INSERT INTO document_cancer_types (cancer_type, doc_id) VALUES (?, ?)",
            [(ct, doc.doc_id) for ct in sorted(set(doc.cancer_types))],
        )
        for chunk in chunks:
            if chunk.doc_id != doc.doc_id:
                raise StoreError(
                    f"database {self.path}: chunk {chunk.chunk_id} belongs to {chunk.doc_id},"
                    f" not {doc.doc_id}"
                )
        conn.executemany(
            "INSERT INTO chunks (chunk_id, doc_id, ordinal, heading_path, heading, text,"
            " content_hash, section_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (c.chunk_id, c.doc_id, c.ordinal, json.dumps(list(c.heading_path)), c.heading,
                 c.text, c.content_hash, c.section_id)
                for c in chunks
            ],
        )  # fmt: skip

    def get_document(self, doc_id: str) -> Document | None:
        return self.get_documents([doc_id]).get(doc_id)

    def get_documents(self, doc_ids: Sequence[str]) -> dict[str, Document]:
        found: dict[str, Document] = {}
        with self._guard("read documents") as conn:
            for batch in _batches(list(dict.fromkeys(doc_ids))):
                sql = f"SELECT {DOC_COLUMNS} FROM documents WHERE doc_id IN ({_marks(len(batch))})"
                found.update((r["doc_id"], document_from_row(r)) for r in conn.execute(sql, batch))
        return found

    def iter_documents(self) -> Sequence[Document]:
        with self._guard("read documents") as conn:
            rows = conn.execute(f"SELECT {DOC_COLUMNS} FROM documents ORDER BY doc_id").fetchall()
        return [document_from_row(r) for r in rows]

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]:
        found: dict[str, Chunk] = {}
        with self._guard("read chunks") as conn:
            for batch in _batches(list(dict.fromkeys(chunk_ids))):
                marks = _marks(len(batch))
                sql = f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE chunk_id IN ({marks})"
                found.update((r["chunk_id"], chunk_from_row(r)) for r in conn.execute(sql, batch))
        return found

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        sql = f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE doc_id = ? ORDER BY ordinal"
        with self._guard("read chunks") as conn:
            return [chunk_from_row(r) for r in conn.execute(sql, (doc_id,))]

    def sections_of(self, doc_id: str) -> list[Section]:
        sql = f"SELECT {SECTION_COLUMNS} FROM sections WHERE doc_id = ? ORDER BY ordinal"
        with self._guard("read sections") as conn:
            return [section_from_row(r) for r in conn.execute(sql, (doc_id,))]

    def has_sections(self) -> bool:
        """True when any section is stored (an index from before 0002 has none until re-ingest)."""
        with self._guard("read sections") as conn:
            return conn.execute("SELECT 1 FROM sections LIMIT 1").fetchone() is not None

    # -- search -------------------------------------------------------------------------------

    def lexical_search(
        self, query: str, k: int, filters: SearchFilters | None = None
    ) -> list[ChunkMatch]:
        """BM25 over title/heading/body; user text is quoted by `fts_query`, never parsed."""
        if not query.strip():
            raise QueryError("empty question")
        match = fts_query(query)
        if match is None or k <= 0:
            return []
        sql, params = lexical_sql(filters or SearchFilters())
        with self._guard("search") as conn:
            rows = conn.execute(sql, [match, *params, k]).fetchall()
        return [ChunkMatch(chunk_id=r[0], doc_id=r[1], score=float(r[2])) for r in rows]

    # -- embeddings ---------------------------------------------------------------------------

    def missing_embeddings(self, model: str, content_hashes: Sequence[str]) -> list[str]:
        wanted = list(dict.fromkeys(content_hashes))
        have: set[str] = set()
        with self._guard("read embeddings") as conn:
            for batch in _batches(wanted):
                sql = (
                    "SELECT content_hash FROM embeddings"
                    f" WHERE model = ? AND content_hash IN ({_marks(len(batch))})"
                )
                have.update(r[0] for r in conn.execute(sql, [model, *batch]))
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
            rows.append((model, content_hash, int(vec.size), vec.tobytes()))
        with self._transaction("write embeddings") as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model, content_hash, dim, vector)"
                " VALUES (?, ?, ?, ?)",
                rows,
            )

    def get_embeddings(
        self, model: str, content_hashes: Sequence[str]
    ) -> dict[str, npt.NDArray[np.float32]]:
        """The cached vectors of these content hashes (those that have one)."""
        found: dict[str, npt.NDArray[np.float32]] = {}
        with self._guard("read embeddings") as conn:
            for batch in _batches(list(dict.fromkeys(content_hashes))):
                sql = (
                    "SELECT content_hash, vector FROM embeddings"
                    f" WHERE model = ? AND content_hash IN ({_marks(len(batch))})"
                )
                for h, blob in conn.execute(sql, [model, *batch]):
                    found[h] = np.frombuffer(blob, dtype=np.float32).copy()
        return found

    def load_embeddings(self, model: str) -> tuple[list[str], npt.NDArray[np.float32]]:
        """(chunk_ids, matrix) for the current chunks whose content hash has a vector."""
        sql = (
            "SELECT c.chunk_id, e.dim, e.vector FROM chunks c JOIN embeddings e"
            " ON e.model = ? AND e.content_hash = c.content_hash ORDER BY c.rowid"
        )
        with self._guard("read embeddings") as conn:
            rows = conn.execute(sql, (model,)).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        dims = {r[1] for r in rows}
        if len(dims) != 1:
            raise StoreError(
                f"database {self.path}: embeddings for model {model!r} have mixed sizes {dims}"
            )
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32)
        return [r[0] for r in rows], matrix.reshape(len(rows), dims.pop()).copy()

    def build_vector_index(self, model: str) -> None:
        """Nothing to build: dense search runs on the matrix `load_embeddings` returns."""

    # -- meta and housekeeping ------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        with self._guard("read meta") as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction("write meta") as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def cancer_types(self) -> dict[str, int]:
        """Every cancer type in the index with its number of documents (for option checks)."""
        with self._guard("read cancer types") as conn:
            rows = conn.execute(
                "SELECT cancer_type, count(*) FROM document_cancer_types GROUP BY cancer_type"
            ).fetchall()
        return {str(r[0]): int(r[1]) for r in rows}

    def stats(self) -> StoreStats:
        with self._guard("read stats") as conn:
            counts = [
                conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("documents", "chunks", "embeddings")
            ]
        return StoreStats(
            documents=counts[0],
            chunks=counts[1],
            embeddings=counts[2],
            schema_version=self._schema_version(),
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_file_path(path: Path) -> None:
    if path.is_dir():
        raise StoreError(
            f"{path} is a folder, not a database file: give a file path such as"
            f" {path / 'oncoguide.db'}"
        )
    if not path.parent.is_dir():
        raise StoreError(f"cannot create database {path}: folder {path.parent} does not exist")


def open_store(path: Path | str) -> SqliteStore:
    """Open (creating if needed) and migrate the store at `path`; StoreError if it is unusable.

    Only ingest creates an index; readers use `open_index`, which never creates a file.
    """
    _check_file_path(Path(path))
    store = SqliteStore(path)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store


def open_index(path: Path | str) -> SqliteStore:
    """Open an index built by `oncoguide ingest` for use; never creates or empties a file.

    A missing file, an empty (0-byte) file, a folder, a SQLite file that is not an oncoguide
    index, or an index with no documents is a StoreError naming the file and the fix.
    """
    p = Path(path)
    fix = f"run: oncoguide ingest PATH --db {p}"
    _check_file_path(p)
    if not p.exists():
        raise StoreError(f"no index at {p} (file not found): {fix}")
    if p.stat().st_size == 0:
        raise StoreError(f"{p} is an empty file, not an index: delete it, then {fix}")
    store = SqliteStore(p, create=False)
    try:
        if not store.is_index():
            raise StoreError(f"{p} is a SQLite database but not an oncoguide index: {fix}")
        store.migrate()  # an index from an older oncoguide is upgraded in place
        if store.stats().documents == 0:
            raise StoreError(f"the index at {p} holds no documents: {fix}")
    except BaseException:
        store.close()
        raise
    return store
