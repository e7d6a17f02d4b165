"""The storage interface. SQLite (embedded default) and PostgreSQL + pgvector implement it.

One conformance suite (`oncoguide.testing.conformance`) runs against every backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from oncoguide.types import Chunk, Document, SearchFilters, Section

__all__ = ["ChunkMatch", "IngestPlan", "Store", "StoreStats"]


@dataclass(frozen=True)
class ChunkMatch:
    """A chunk matched by lexical search, with its BM25 score (higher is better)."""

    chunk_id: str
    doc_id: str
    score: float


@dataclass(frozen=True)
class IngestPlan:
    """What an ingest would change, by document id."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: tuple[str, ...]


@dataclass(frozen=True)
class StoreStats:
    documents: int
    chunks: int
    embeddings: int
    schema_version: int


@runtime_checkable
class Store(Protocol):
    """Persistent documents, chunks, a lexical index and cached embeddings."""

    def migrate(self) -> int:
        """Apply pending numbered migrations; return the schema version."""
        ...

    def document_hashes(self) -> dict[str, str]:
        """doc_id -> content hash of every stored document."""
        ...

    def apply_changes(
        self,
        upserts: Sequence[tuple[Document, Sequence[Chunk]]],
        deletes: Sequence[str],
        sections: Mapping[str, Sequence[Section]] | None = None,
    ) -> None:
        """Replace the given documents (their chunks, and their sections by doc id) and delete
        others, atomically."""
        ...

    def get_document(self, doc_id: str) -> Document | None: ...

    def get_documents(self, doc_ids: Sequence[str]) -> dict[str, Document]: ...

    def iter_documents(self) -> Sequence[Document]: ...

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, Chunk]: ...

    def chunks_of(self, doc_id: str) -> list[Chunk]: ...

    def sections_of(self, doc_id: str) -> list[Section]:
        """The document's section tree, in reading order (empty for an index from before it)."""
        ...

    def has_sections(self) -> bool:
        """True when any document's sections are stored."""
        ...

    def lexical_search(
        self, query: str, k: int, filters: SearchFilters | None = None
    ) -> list[ChunkMatch]:
        """BM25 over title/heading/body. `query` is user text: it is quoted, never parsed."""
        ...

    def missing_embeddings(self, model: str, content_hashes: Sequence[str]) -> list[str]:
        """Which of these chunk content hashes have no cached vector for `model`."""
        ...

    def put_embeddings(
        self, model: str, items: Sequence[tuple[str, npt.NDArray[np.float32]]]
    ) -> None:
        """Cache vectors by chunk content hash."""
        ...

    def get_embeddings(
        self, model: str, content_hashes: Sequence[str]
    ) -> dict[str, npt.NDArray[np.float32]]:
        """Cached vectors by content hash (chunks' and section headings'), those that exist."""
        ...

    def load_embeddings(self, model: str) -> tuple[list[str], npt.NDArray[np.float32]]:
        """(chunk_ids, matrix) for every stored chunk that has a vector for `model`."""
        ...

    def get_meta(self, key: str) -> str | None: ...

    def set_meta(self, key: str, value: str) -> None: ...

    def stats(self) -> StoreStats: ...

    def close(self) -> None: ...
