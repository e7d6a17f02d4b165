"""Exact cosine search over the cached chunk embeddings (the KB is small enough for brute force).

Loaded once per retriever from the store; queries are one matrix-vector product plus a per-document
max, a few milliseconds for ~20k chunks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from oncoguide.errors import StoreError
from oncoguide.index.store import Store

__all__ = ["DenseIndex"]

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class DenseIndex:
    """Row i of `matrix` is chunk `chunk_ids[i]` of document `doc_ids[chunk_doc[i]]`."""

    chunk_ids: tuple[str, ...]
    chunk_doc: I64
    doc_ids: tuple[str, ...]
    matrix: F32

    @classmethod
    def load(cls, store: Store, model: str) -> DenseIndex:
        chunk_ids, matrix = store.load_embeddings(model)
        if not chunk_ids:
            return cls.empty()
        chunks = store.get_chunks(chunk_ids)
        doc_index: dict[str, int] = {}
        rows: list[int] = []
        owners: list[int] = []
        for row, chunk_id in enumerate(chunk_ids):
            chunk = chunks.get(chunk_id)
            if chunk is None:
                continue  # deleted by a concurrent ingest between the two reads
            rows.append(row)
            owners.append(doc_index.setdefault(chunk.doc_id, len(doc_index)))
        if matrix.ndim != 2 or matrix.shape[0] != len(chunk_ids):
            raise StoreError(f"embedding matrix for {model!r} has shape {matrix.shape}")
        return cls(
            chunk_ids=tuple(chunk_ids[r] for r in rows),
            chunk_doc=np.asarray(owners, dtype=np.int64),
            doc_ids=tuple(doc_index),
            matrix=np.ascontiguousarray(matrix[rows], dtype=np.float32),
        )

    @classmethod
    def empty(cls) -> DenseIndex:
        return cls((), np.zeros(0, dtype=np.int64), (), np.zeros((0, 0), dtype=np.float32))

    @cached_property
    def doc_position(self) -> dict[str, int]:
        return {d: i for i, d in enumerate(self.doc_ids)}

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def similarities(self, query_vector: F32) -> F32:
        """Cosine of every chunk with the (L2-normalised) query vector."""
        q = np.asarray(query_vector, dtype=np.float32).reshape(-1)
        if q.shape[0] != self.matrix.shape[1]:
            raise StoreError(
                f"query vector has {q.shape[0]} dims but the stored embeddings have"
                f" {self.matrix.shape[1]}: was the index built with another embedder?"
            )
        sims: F32 = self.matrix @ q
        return sims

    def doc_scores(self, sims: F32) -> F32:
        """Best chunk cosine per document (index aligned with `doc_ids`)."""
        best = np.full(len(self.doc_ids), -np.inf, dtype=np.float32)
        np.maximum.at(best, self.chunk_doc, sims)
        return best

    def rank_docs(self, doc_best: F32, mask: npt.NDArray[np.bool_], depth: int) -> list[str]:
        """Allowed documents by best chunk cosine, best first, at most `depth`."""
        scores = np.where(mask, doc_best, -np.inf)
        depth = min(depth, int(mask.sum()))
        if depth <= 0:
            return []
        top = np.argpartition(-scores, depth - 1)[:depth]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [self.doc_ids[i] for i in top]

    def doc_chunk_sims(self, doc_id: str, query_vector: F32) -> dict[str, float]:
        """Cosine of the query with each embedded chunk of one document."""
        idx = self.doc_position.get(doc_id)
        if idx is None or self.matrix.size == 0:
            return {}
        rows = self._doc_rows[idx]
        sims = self.matrix[rows] @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        return {self.chunk_ids[r]: float(v) for r, v in zip(rows, sims, strict=True)}

    @cached_property
    def _doc_rows(self) -> list[I64]:
        """Each document's rows of `matrix` (by document position)."""
        order = np.argsort(self.chunk_doc, kind="stable")
        bounds = np.searchsorted(self.chunk_doc[order], np.arange(len(self.doc_ids) + 1))
        return [order[bounds[i] : bounds[i + 1]] for i in range(len(self.doc_ids))]

    def second_best(self, sims: F32, doc_id: str) -> float | None:
        """The document's second-best chunk cosine (its best when it has one chunk; None when
        it has no vector): a page with several close passages is about the question throughout."""
        idx = self.doc_position.get(doc_id)
        if idx is None:
            return None
        own = sims[self._doc_rows[idx]]
        if own.size == 0:
            return None
        if own.size == 1:
            return float(own[0])
        return float(np.partition(own, own.size - 2)[own.size - 2])

    def best_chunks(self, sims: F32, doc_ids: Sequence[str], per_doc: int) -> dict[str, list[str]]:
        """The `per_doc` most similar chunk ids of each given document."""
        out: dict[str, list[str]] = {}
        for doc_id in doc_ids:
            idx = self.doc_position.get(doc_id)
            if idx is None:
                continue
            rows = self._doc_rows[idx]
            order = rows[np.argsort(-sims[rows], kind="stable")][:per_doc]
            out[doc_id] = [self.chunk_ids[r] for r in order]
        return out
