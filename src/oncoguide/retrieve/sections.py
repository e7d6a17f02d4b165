"""Answer context: hand the answer stage the section trees of the top retrieved pages.

For each of the top pages, its stored sections go onto the hit (`Hit.sections`) with two
similarities to the question when an embedder is on: the best cosine of the question with the
section's chunk embeddings (heading + text, computed at ingest) and the cosine with its heading
path (embedded at ingest). Each section is also added to the hit's passages under its
`section_id`, so a quote from it is verified and cited like any passage. An index without
sections (built before 0002) leaves the hits as retrieval returned them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from oncoguide.index.ingest import heading_hash
from oncoguide.index.store import Store
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.types import Hit, Passage, ScoredSection, Section

__all__ = ["TOP_DOCS", "section_context"]

TOP_DOCS = 3  # pages whose sections may answer (the answer reads best from one of the first few)


def _scored(
    store: Store, retriever: Retriever | None, question: str, hit: Hit, sections: list[Section]
) -> tuple[ScoredSection, ...]:
    vector = retriever.question_vector(question) if retriever is not None else None
    dense = retriever.dense_index() if retriever is not None else None
    if vector is None or dense is None or retriever is None or retriever.embedder is None:
        return tuple(ScoredSection(s) for s in sections)
    q = np.asarray(vector, dtype=np.float32).reshape(-1)
    by_chunk = dense.doc_chunk_sims(hit.doc_id, q)
    text_sim: dict[str, float] = {}
    for chunk in store.chunks_of(hit.doc_id):
        sim = by_chunk.get(chunk.chunk_id)
        if sim is not None and chunk.section_id:
            text_sim[chunk.section_id] = max(sim, text_sim.get(chunk.section_id, -1.0))
    vectors = store.get_embeddings(
        retriever.embedder.name, [heading_hash(s.heading) for s in sections]
    )
    out = []
    for s in sections:
        v = vectors.get(heading_hash(s.heading))
        heading_sim = float(v @ q) if v is not None and v.shape == q.shape else None
        out.append(ScoredSection(s, text_sim.get(s.section_id), heading_sim))
    return tuple(out)


def _with_sections(store: Store, retriever: Retriever | None, question: str, hit: Hit) -> Hit:
    sections = store.sections_of(hit.doc_id)
    if not sections:
        return hit
    scored = _scored(store, retriever, question, hit, sections)
    passages = tuple(
        Passage(s.section.section_id, hit.doc_id, s.section.heading, s.section.text,
                s.text_sim or 0.0)
        for s in scored
        if s.section.blocks
    )  # fmt: skip
    return replace(hit, sections=scored, passages=hit.passages + passages)


def section_context(
    store: Store,
    retriever: Retriever | None,
    question: str,
    hits: Sequence[Hit],
    *,
    top_docs: int = TOP_DOCS,
) -> tuple[Hit, ...]:
    """The hits, the first `top_docs` with their scored sections (see the module docstring)."""
    return tuple(
        _with_sections(store, retriever, question, hit) if i < top_docs else hit
        for i, hit in enumerate(hits)
    )
