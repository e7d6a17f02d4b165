"""Answer context: hand the answer stage the section trees of the pages it will answer from.

The turn names those pages by their positions in the hits (`answer.pick.answer_pages`: patient
pages first for a patient reader, each keeping its retrieval rank); without positions, the top
retrieved pages. For each of them, its stored sections go onto the hit (`Hit.sections`) with two
similarities to the question when an embedder is on: the best cosine of the question with the
section's chunk embeddings (heading + text, computed at ingest) and the cosine with its heading
path (embedded at ingest). Each section is also added to the hit's passages under its
`section_id`, so a quote from it is verified and cited like any passage. An index without
sections (built before 0002) leaves the hits as retrieval returned them.

A question that tells its story before asking ("My mum had surgery for breast cancer, what helps
with the swelling?") is matched by what it asks: with a `focus` (the asked part, or None), both
similarities are ASKED_WEIGHT times the asked part's cosine plus the rest times the whole
question's, so the story's topic does not outweigh the asked one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from oncoguide.index.ingest import heading_hash
from oncoguide.index.store import Store
from oncoguide.kb.sections import passage_text
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.types import Hit, Passage, ScoredSection

__all__ = ["TOP_DOCS", "SectionContext", "section_context"]

TOP_DOCS = 3  # pages whose sections may answer (the answer reads best from one of the first few)
CACHED_PAGES = 256  # pages whose parsed section trees a warm `SectionContext` keeps
ASKED_WEIGHT = 0.5  # the asked part's share of a story-first question's similarities


class _Page:
    """One page's stored section tree, its sections as passages, and its chunks' sections."""

    def __init__(self, store: Store, doc_id: str) -> None:
        self.sections = store.sections_of(doc_id)
        self.section_of = {c.chunk_id: c.section_id for c in store.chunks_of(doc_id)}
        self.passages = {
            s.section_id: Passage(s.section_id, doc_id, s.heading, passage_text(s), 0.0)
            for s in self.sections
            if s.blocks
        }


def _query(
    retriever: Retriever, question: str, asked: str | None
) -> npt.NDArray[np.float32] | None:
    """The question's vector; with an asked part, the weighted mix of the two (module docstring:
    cosines are linear in the query, so mixing the vectors mixes the similarities)."""
    vector = retriever.question_vector(question)
    if vector is None:
        return None
    q = np.asarray(vector, dtype=np.float32).reshape(-1)
    part = retriever.question_vector(asked) if asked else None
    if part is None:
        return q
    p = np.asarray(part, dtype=np.float32).reshape(-1)
    return (ASKED_WEIGHT * p + (1.0 - ASKED_WEIGHT) * q) if p.shape == q.shape else q


def _scored(
    store: Store,
    retriever: Retriever | None,
    q: npt.NDArray[np.float32] | None,
    hit: Hit,
    page: _Page,
) -> tuple[ScoredSection, ...]:
    dense = retriever.dense_index() if retriever is not None else None
    if q is None or dense is None or retriever is None or retriever.embedder is None:
        return tuple(ScoredSection(s) for s in page.sections)
    text_sim: dict[str, float] = {}
    for chunk_id, sim in dense.doc_chunk_sims(hit.doc_id, q).items():
        section_id = page.section_of.get(chunk_id)
        if section_id:
            text_sim[section_id] = max(sim, text_sim.get(section_id, -1.0))
    vectors = store.get_embeddings(
        retriever.embedder.name, [heading_hash(s.heading) for s in page.sections]
    )
    out = []
    for s in page.sections:
        v = vectors.get(heading_hash(s.heading))
        heading_sim = float(v @ q) if v is not None and v.shape == q.shape else None
        out.append(ScoredSection(s, text_sim.get(s.section_id), heading_sim))
    return tuple(out)


class SectionContext:
    """`section_context` bound to a store and retriever, keeping recently read pages parsed
    (dropped whenever the store's last ingest changes)."""

    def __init__(
        self,
        store: Store,
        retriever: Retriever | None,
        focus: Callable[[str], str | None] | None = None,
    ) -> None:
        self.store = store
        self.retriever = retriever
        self.focus = focus  # the asked part of a story-first question, else None
        self._pages: dict[str, _Page] = {}
        self._ingest: str | None = None

    def page(self, doc_id: str) -> _Page:
        found = self._pages.pop(doc_id, None)
        if found is None:
            found = _Page(self.store, doc_id)
        self._pages[doc_id] = found  # most recent last
        while len(self._pages) > CACHED_PAGES:
            self._pages.pop(next(iter(self._pages)))
        return found

    def __call__(
        self,
        question: str,
        hits: Sequence[Hit],
        pages: Sequence[int] | None = None,
        *,
        top_docs: int = TOP_DOCS,
    ) -> tuple[Hit, ...]:
        """The hits, those at positions `pages` (by default the first `top_docs`) with their
        scored sections (module docstring)."""
        chosen = set(range(top_docs)) if pages is None else set(pages)
        ingest = self.store.get_meta("last_ingest")
        if ingest != self._ingest:
            self._pages, self._ingest = {}, ingest
        q = None
        if self.retriever is not None and any(hits[i].doc_id for i in chosen if i < len(hits)):
            asked = self.focus(question) if self.focus is not None else None
            q = _query(self.retriever, question, asked)
        return tuple(self._with_sections(q, h) if i in chosen else h
                     for i, h in enumerate(hits))  # fmt: skip

    def _with_sections(self, q: npt.NDArray[np.float32] | None, hit: Hit) -> Hit:
        page = self.page(hit.doc_id)
        if not page.sections:
            return hit
        scored = _scored(self.store, self.retriever, q, hit, page)
        passages = tuple(
            replace(page.passages[s.section.section_id], score=s.text_sim or 0.0)
            for s in scored
            if s.section.section_id in page.passages
        )
        return replace(hit, sections=scored, passages=hit.passages + passages)


def section_context(
    store: Store,
    retriever: Retriever | None,
    question: str,
    hits: Sequence[Hit],
    *,
    top_docs: int = TOP_DOCS,
    focus: Callable[[str], str | None] | None = None,
) -> tuple[Hit, ...]:
    """The hits, the first `top_docs` with their scored sections (see the module docstring)."""
    return SectionContext(store, retriever, focus)(question, hits, top_docs=top_docs)
