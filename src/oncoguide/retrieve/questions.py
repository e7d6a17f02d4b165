"""The page questions of indexed documents as one matrix (see `oncoguide.kb.questions`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from oncoguide.kb.questions import PageQuestion, question_hash
from oncoguide.text.urls import normalize_url

__all__ = ["QuestionIndex"]

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class QuestionIndex:
    """Row i of `matrix` is a question of document `doc_ids[row_doc[i]]`."""

    doc_ids: tuple[str, ...]
    row_doc: npt.NDArray[np.int64]
    matrix: F32

    @classmethod
    def build(
        cls,
        questions: Sequence[PageQuestion],
        doc_of_url: Mapping[str, str],
        vectors: Mapping[str, F32],
    ) -> QuestionIndex:
        """The questions whose url is an indexed document's (`doc_of_url`, normalised urls as
        keys) and whose vector is cached (`vectors` by `question_hash`)."""
        docs: dict[str, int] = {}
        rows, owners = [], []
        for q in questions:
            doc_id = doc_of_url.get(normalize_url(q.url))
            vector = vectors.get(question_hash(q.question))
            if doc_id is None or vector is None:
                continue
            owners.append(docs.setdefault(doc_id, len(docs)))
            rows.append(np.asarray(vector, dtype=np.float32))
        matrix = np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
        return cls(tuple(docs), np.asarray(owners, dtype=np.int64), matrix)

    def __len__(self) -> int:
        return int(self.row_doc.size)

    def similarities(self, query_vector: F32) -> F32:
        """Cosine of every question with the (L2-normalised) query vector."""
        sims: F32 = self.matrix @ np.asarray(query_vector, dtype=np.float32).reshape(-1)
        return sims

    def best_per_doc(self, sims: F32) -> F32:
        """Per document (aligned with `doc_ids`): its best question cosine (`sims` from
        `similarities`)."""
        best = np.full(len(self.doc_ids), -np.inf, dtype=np.float32)
        np.maximum.at(best, self.row_doc, sims)
        return best
