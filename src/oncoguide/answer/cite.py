"""Citations: one per cited passage, numbered 1.. in order of first use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date

from oncoguide.types import AnswerSentence, Citation, Hit, Passage

__all__ = ["CitationBook", "make_citation", "passage_index", "renumber"]


def make_citation(n: int, hit: Hit, passage: Passage, as_of: date) -> Citation:
    """A citation for one passage of a retrieved hit; overdue when its review date has passed."""
    return Citation(
        n=n,
        doc_id=hit.doc_id,
        chunk_id=passage.chunk_id,
        url=hit.url,
        title=hit.title,
        heading=passage.heading or hit.heading,
        source=hit.source,
        last_reviewed=hit.last_reviewed,
        review_overdue=hit.review_due is not None and hit.review_due < as_of,
    )


class CitationBook:
    """Hands out citation numbers; the same passage always gets the same number."""

    def __init__(self, as_of: date) -> None:
        self._as_of = as_of
        self._by_chunk: dict[str, Citation] = {}

    def cite(self, hit: Hit, passage: Passage) -> int:
        found = self._by_chunk.get(passage.chunk_id)
        if found is None:
            found = make_citation(len(self._by_chunk) + 1, hit, passage, self._as_of)
            self._by_chunk[passage.chunk_id] = found
        return found.n

    def citations(self) -> tuple[Citation, ...]:
        return tuple(sorted(self._by_chunk.values(), key=lambda c: c.n))


def passage_index(hits: Sequence[Hit]) -> dict[str, tuple[Hit, Passage]]:
    """chunk_id -> (hit, passage) for every passage that retrieval handed over."""
    index: dict[str, tuple[Hit, Passage]] = {}
    for hit in hits:
        for passage in hit.passages:
            index.setdefault(passage.chunk_id, (hit, passage))
    return index


def renumber(
    sentences: Iterable[AnswerSentence], citations: Sequence[Citation]
) -> tuple[tuple[AnswerSentence, ...], tuple[Citation, ...]]:
    """Drop citations no sentence uses and renumber the rest 1.. in order of first use."""
    by_n = {c.n: c for c in citations}
    new_n: dict[int, int] = {}
    kept: list[AnswerSentence] = []
    for s in sentences:
        if s.citation not in by_n:
            continue
        n = new_n.setdefault(s.citation, len(new_n) + 1)
        kept.append(replace(s, citation=n))
    cites = tuple(replace(by_n[old], n=n) for old, n in new_n.items())
    return tuple(kept), cites
