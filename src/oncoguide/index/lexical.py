"""Document-level lexical search: BM25 chunk matches grouped so each document appears once."""

from __future__ import annotations

import re
from collections.abc import Sequence

from oncoguide.errors import QueryError
from oncoguide.index.fts import query_terms
from oncoguide.index.store import ChunkMatch, Store
from oncoguide.types import Chunk, Document, Hit, Passage, SearchFilters

__all__ = ["MAX_PASSAGES", "SNIPPET_CHARS", "lexical_search", "snippet"]

SNIPPET_CHARS = 200
MAX_PASSAGES = 3
# Chunk matches fetched per wanted document: several chunks of one page often outrank other pages.
_OVERFETCH = 10
_SPACE = re.compile(r"\s+")


def lexical_search(
    store: Store, query: str, *, k: int = 10, filters: SearchFilters | None = None
) -> list[Hit]:
    """The top `k` documents for `query`, each represented by its best-scoring chunk."""
    if not query.strip():
        raise QueryError("empty question")
    if k <= 0:
        return []
    matches = store.lexical_search(query, k * _OVERFETCH, filters)
    grouped = _group_by_doc(matches, k)
    docs = store.get_documents(list(grouped))
    chunks = store.get_chunks([m.chunk_id for ms in grouped.values() for m in ms])
    terms = query_terms(query)
    hits: list[Hit] = []
    for doc_id, doc_matches in grouped.items():
        doc = docs.get(doc_id)
        passages = _passages(doc_matches, chunks)
        if doc is None or not passages:
            continue  # removed by a concurrent ingest between the two reads
        hits.append(_hit(len(hits) + 1, doc, passages, terms))
    return hits


def _group_by_doc(matches: Sequence[ChunkMatch], k: int) -> dict[str, list[ChunkMatch]]:
    """Matches by document, documents in best-first order, at most k documents."""
    grouped: dict[str, list[ChunkMatch]] = {}
    for match in matches:
        if match.doc_id in grouped:
            if len(grouped[match.doc_id]) < MAX_PASSAGES:
                grouped[match.doc_id].append(match)
        elif len(grouped) < k:
            grouped[match.doc_id] = [match]
    return grouped


def _passages(matches: Sequence[ChunkMatch], chunks: dict[str, Chunk]) -> list[Passage]:
    return [
        Passage(
            chunk_id=m.chunk_id,
            doc_id=m.doc_id,
            heading=chunks[m.chunk_id].heading,
            text=chunks[m.chunk_id].text,
            score=m.score,
        )
        for m in matches
        if m.chunk_id in chunks
    ]


def _hit(rank: int, doc: Document, passages: list[Passage], terms: list[str]) -> Hit:
    best = passages[0]
    return Hit.for_document(
        doc,
        rank=rank,
        score=best.score,
        passages=tuple(passages),
        snippet=snippet(best.text, terms),
        signals=(("bm25", best.score),),
    )


def _first_match(text: str, terms: Sequence[str]) -> int | None:
    """Offset of the earliest query term in `text` (a word start; stems match by prefix)."""
    best: int | None = None
    for term in terms:
        # Porter stemming matches "treatments" for "treatment": search the shared stem as a prefix.
        stem = term if len(term) <= 4 else term[: max(4, len(term) - 2)]
        found = re.search(r"(?<!\w)" + re.escape(stem), text, flags=re.IGNORECASE)
        if found and (best is None or found.start() < best):
            best = found.start()
    return best


def snippet(text: str, terms: Sequence[str], width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of `text` around the first query term, cut at whole words."""
    flat = _SPACE.sub(" ", text).strip()
    if len(flat) <= width:
        return flat
    at = _first_match(flat, terms) or 0
    start = max(0, min(at - width // 4, len(flat) - width))
    end = min(len(flat), start + width)
    if start > 0:
        space = flat.find(" ", start, at + 1)  # start <= at, so the term stays in the window
        start = space + 1 if space != -1 else start
    if end < len(flat):
        space = flat.rfind(" ", start, end + 1)
        end = space if space > start else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(flat) else ""
    return prefix + flat[start:end].strip() + suffix
