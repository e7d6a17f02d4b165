"""section_context: the top pages' section trees reach the answer stage, scored and citable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oncoguide.index.ingest import ingest_documents
from oncoguide.index.sqlite import SqliteStore, open_store
from oncoguide.kb.chunk import chunk_document
from oncoguide.kb.sections import parse_sections
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.retrieve.sections import section_context
from oncoguide.testing.builders import make_document
from oncoguide.testing.fakes import BagOfWordsEmbedder

pytestmark = pytest.mark.unit


MOUTH = """Mouth sores are common during cancer treatment.

## Causes of mouth sores

Radiation damages the cells that line the mouth.

## Ways to manage mouth sores

Rinse your mouth with salt water. Eat soft foods and sip cool drinks.
"""

DOCS = [
    make_document("mouth", title="Mouth Sores", body=MOUTH),
    make_document("hair", title="Hair Loss", body="Hair usually grows back after treatment."),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    with open_store(tmp_path / "s.db") as s:
        ingest_documents(
            DOCS, s, chunker=chunk_document, sectioner=parse_sections, embedder=BagOfWordsEmbedder()
        )
        yield s


def test_top_pages_get_their_scored_sections_and_citable_passages(store: SqliteStore) -> None:
    retriever = Retriever(store, BagOfWordsEmbedder())
    q = "how to manage mouth sores with salt water rinse"
    hits = retriever.search(q, k=2).hits
    assert hits[0].doc_id == "mouth"
    out = section_context(store, retriever, q, hits, top_docs=1)
    mouth = out[0]
    by_heading = {s.section.heading_path[-1]: s for s in mouth.sections}
    manage, causes = by_heading["Ways to manage mouth sores"], by_heading["Causes of mouth sores"]
    assert manage.text_sim is not None and causes.text_sim is not None
    assert manage.text_sim > causes.text_sim
    assert manage.heading_sim is not None and manage.heading_sim > causes.heading_sim  # type: ignore[operator]
    ids = {p.chunk_id: p for p in mouth.passages}
    assert ids[manage.section.section_id].text == manage.section.text
    assert out[1] == hits[1]  # only the top page is widened
    retriever.close()


def test_without_an_embedder_sections_come_unscored(store: SqliteStore) -> None:
    retriever = Retriever(store, None)
    hits = retriever.search("mouth sores", k=1).hits
    out = section_context(store, retriever, "mouth sores", hits)
    assert out[0].sections and all(s.text_sim is None for s in out[0].sections)


def test_an_index_without_section_trees_leaves_hits_as_retrieved(tmp_path: Path) -> None:
    with open_store(tmp_path / "old.db") as s:
        ingest_documents(DOCS, s, chunker=chunk_document)
        retriever = Retriever(s, None)
        hits = retriever.search("mouth sores", k=1).hits
        assert section_context(s, retriever, "mouth sores", hits) == hits


def test_a_warm_context_keeps_pages_until_the_next_ingest(store: SqliteStore) -> None:
    from oncoguide.retrieve.sections import SectionContext
    from oncoguide.testing.builders import with_body

    retriever = Retriever(store, None)
    context = SectionContext(store, retriever)
    hits = retriever.search("mouth sores", k=1).hits
    first = context("mouth sores", hits)
    assert context("mouth sores", hits) == first
    changed = with_body(DOCS[0], MOUTH + "\n## New section\n\nNew text about mouth sores.\n")
    ingest_documents([changed, DOCS[1]], store, chunker=chunk_document, sectioner=parse_sections)
    again = context("mouth sores", retriever.search("mouth sores", k=1).hits)
    assert "New section" in {s.section.heading_path[-1] for s in again[0].sections}


def test_the_pages_named_by_position_get_their_sections(store: SqliteStore) -> None:
    retriever = Retriever(store, BagOfWordsEmbedder())
    hits = retriever.search("mouth sores", k=2).hits
    assert len(hits) == 2
    out = section_context(store, retriever, "mouth sores", hits)
    assert all(h.sections for h in out)  # by default the first TOP_DOCS pages
    from oncoguide.retrieve.sections import SectionContext

    only_second = SectionContext(store, retriever)("mouth sores", hits, (1,))
    assert only_second[0] == hits[0] and only_second[1].sections
    retriever.close()
