"""Incremental, atomic ingest (on builder documents; test_ingest_kb.py covers markdown folders)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from oncoguide.errors import EmbedderError, KBError
from oncoguide.index.ingest import (
    HP_CHUNKS_EMBEDDED,
    embedding_text,
    ingest_documents,
    select_for_embedding,
)
from oncoguide.index.sqlite import SqliteStore, open_store
from oncoguide.testing.builders import make_chunks, make_document, with_body
from oncoguide.types import Chunk, Document

pytestmark = pytest.mark.unit


class CountingEmbedder:
    """Deterministic fake: hashes text into a unit vector; records what it was asked to embed."""

    name = "fake-8"
    dim = 8

    def __init__(self, fail_on_call: int | None = None) -> None:
        self.calls: list[list[str]] = []
        self.fail_on_call = fail_on_call

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.calls.append(list(texts))
        if self.fail_on_call is not None and len(self.calls) == self.fail_on_call:
            raise EmbedderError("injected embedder failure")
        seeds = [int(hashlib.sha256(t.encode()).hexdigest()[:8], 16) for t in texts]
        rows = [np.random.default_rng(seed).random(8) for seed in seeds]  # 8 even if dim lies
        m = np.asarray(rows, dtype=np.float32).reshape(len(texts), 8)
        norms = np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-9)
        out: npt.NDArray[np.float32] = (m / norms).astype(np.float32)
        return out

    @property
    def texts(self) -> list[str]:
        return [t for call in self.calls for t in call]


def chunker(doc: Document) -> list[Chunk]:
    """One chunk per paragraph of the body."""
    paragraphs = [p for p in doc.body.split("\n\n") if p.strip()]
    return make_chunks(doc, [(f"Section {i}", p) for i, p in enumerate(paragraphs)])


def kb() -> list[Document]:
    docs = [
        make_document(f"doc{i}", body=f"Paragraph one of doc {i} about chemo.\n\nPart two {i}.")
        for i in range(4)
    ]
    hp_body = "\n\n".join(f"Technical section {i} on staging." for i in range(6))
    return [*docs, make_document("hp", audience="technical", body=hp_body)]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    with open_store(tmp_path / "i.db") as store:
        yield store


def test_first_then_unchanged_ingest(store: SqliteStore) -> None:
    first = ingest_documents(kb(), store, chunker=chunker)
    assert (first.added, first.changed, first.removed, first.unchanged) == (5, 0, 0, 0)
    assert first.chunks_written == 4 * 2 + 6 == store.stats().chunks
    second = ingest_documents(kb(), store, chunker=chunker)
    assert (second.added, second.changed, second.removed, second.unchanged) == (0, 0, 0, 5)
    assert second.chunks_written == 0
    assert json.loads(store.get_meta("last_ingest") or "{}")["unchanged"] == 5


def test_changed_and_removed_documents(store: SqliteStore) -> None:
    ingest_documents(kb(), store, chunker=chunker)
    docs = kb()
    docs[0] = with_body(docs[0], "Entirely new text about immunotherapy.")
    report = ingest_documents(docs[:-1], store, chunker=chunker)
    assert (report.added, report.changed, report.removed, report.unchanged) == (0, 1, 1, 3)
    assert report.plan.changed == ("doc0",) and report.plan.removed == ("hp",)
    assert store.get_document("hp") is None
    assert [c.text for c in store.chunks_of("doc0")] == ["Entirely new text about immunotherapy."]
    assert store.lexical_search("immunotherapy", 3)[0].doc_id == "doc0"


def test_dry_run_reports_and_writes_nothing(store: SqliteStore) -> None:
    ingest_documents(kb()[:2], store, chunker=chunker)
    before = store.stats()
    report = ingest_documents(kb()[1:], store, chunker=chunker, dry_run=True)
    assert report.dry_run and (report.added, report.removed, report.unchanged) == (3, 1, 1)
    assert store.stats() == before
    assert report.to_dict()["changes"]["added"] == ["doc2", "doc3", "hp"]


def test_chunker_failure_names_file_and_keeps_old_index(store: SqliteStore) -> None:
    ingest_documents(kb(), store, chunker=chunker)
    before = (store.document_hashes(), store.stats())
    docs = [with_body(d, d.body + "\n\nMore.") for d in kb()]

    def failing(doc: Document) -> list[Chunk]:
        if doc.doc_id == "doc2":
            raise ValueError("bad heading")
        return chunker(doc)

    with pytest.raises(KBError, match=r"doc2\.md"):
        ingest_documents(docs, store, chunker=failing)
    assert (store.document_hashes(), store.stats()) == before


class FailingStore(SqliteStore):
    """Fails after some documents were written inside the transaction."""

    def _insert_document(self, conn: object, doc: Document, chunks: Sequence[Chunk]) -> None:
        if doc.doc_id == "doc3":
            raise RuntimeError("disk on fire")
        super()._insert_document(conn, doc, chunks)  # type: ignore[arg-type]


def test_failure_mid_apply_leaves_previous_index_serving(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    with open_store(db) as good:
        ingest_documents(kb(), good, chunker=chunker)
        before = (good.document_hashes(), good.stats())
    failing = FailingStore(db)
    docs = [with_body(d, d.body + "\n\nChanged.") for d in kb()]
    with pytest.raises(RuntimeError, match="disk on fire"):
        ingest_documents(docs[:-1], failing, chunker=chunker)
    failing.close()
    with open_store(db) as reopened:
        assert (reopened.document_hashes(), reopened.stats()) == before
        assert reopened.get_meta("last_ingest") is not None


def test_duplicate_ids_are_reported(store: SqliteStore) -> None:
    docs = kb()
    dup = dataclasses.replace(docs[0], path="en/other.md")
    report = ingest_documents([*docs, dup], store, chunker=chunker)
    assert report.files_read == 6 and report.documents == 5
    assert report.errors[0]["path"] == "en/other.md"


def test_selection_policy() -> None:
    docs = kb()
    assert len(select_for_embedding(docs[0], chunker(docs[0]))) == 2
    hp_chunks = chunker(docs[-1])
    assert select_for_embedding(docs[-1], hp_chunks[::-1]) == hp_chunks[:HP_CHUNKS_EMBEDDED]


def test_embeddings_are_cached_by_content_hash(store: SqliteStore) -> None:
    emb = CountingEmbedder()
    first = ingest_documents(kb(), store, chunker=chunker, embedder=emb, batch_size=3)
    assert (first.embedded, first.embed_cached) == (8 + HP_CHUNKS_EMBEDDED, 0)
    assert all(len(c) <= 3 for c in emb.calls)
    assert emb.texts[0].startswith("Title of ")  # heading path first, then the chunk text
    assert store.load_embeddings(emb.name)[1].shape == (11, 8)
    docs = kb()
    docs[1] = with_body(docs[1], "Paragraph one of doc 1 about chemo.\n\nA new second part.")
    emb.calls.clear()
    second = ingest_documents(docs, store, chunker=chunker, embedder=emb)
    assert (second.embedded, second.embed_cached) == (1, 10)
    assert emb.texts == [embedding_text(store.chunks_of("doc1")[1])]


def test_interrupted_embedding_resumes(store: SqliteStore) -> None:
    with pytest.raises(EmbedderError):
        ingest_documents(
            kb(), store, chunker=chunker, embedder=CountingEmbedder(fail_on_call=2), batch_size=4
        )
    assert store.stats().documents == 5  # the text commit happened before embedding
    assert store.stats().embeddings == 4
    report = ingest_documents(kb(), store, chunker=chunker, embedder=CountingEmbedder())
    assert (report.embedded, report.embed_cached) == (7, 4)


def test_wrong_embedder_shape_is_an_error(store: SqliteStore) -> None:
    emb = CountingEmbedder()
    emb.dim = 4
    with pytest.raises(EmbedderError, match="shape"):
        ingest_documents(kb(), store, chunker=chunker, embedder=emb)


def test_progress_stages(store: SqliteStore) -> None:
    seen: list[tuple[str, int, int]] = []
    ingest_documents(
        kb(), store, chunker=chunker, embedder=CountingEmbedder(),
        progress=lambda s, d, t: seen.append((s, d, t)),
    )  # fmt: skip
    assert {s for s, _, _ in seen} == {"chunk", "write", "embed"}
    assert ("chunk", 5, 5) in seen and ("embed", 11, 11) in seen


def test_sectioned_ingest_stores_section_trees_and_embeds_heading_paths(store: SqliteStore) -> None:
    from oncoguide.index.ingest import SECTIONS_META_KEY, heading_hash
    from oncoguide.kb.chunk import chunk_document
    from oncoguide.kb.sections import parse_sections

    docs = [
        make_document("mouth", title="Mouth Sores", body="Intro.\n\n## Ways to manage\n\nRinse."),
        make_document("hair", title="Hair Loss", body="Hair often grows back."),
    ]
    embedder = CountingEmbedder()
    # An index built before sections: the sectioned ingest re-writes every document once.
    ingest_documents(docs, store, chunker=chunk_document)
    assert not store.has_sections() and store.get_meta(SECTIONS_META_KEY) is None
    report = ingest_documents(
        docs, store, chunker=chunk_document, sectioner=parse_sections, embedder=embedder
    )
    assert report.changed == 2
    mouth = store.sections_of("mouth")
    assert [s.heading for s in mouth] == ["Mouth Sores", "Mouth Sores › Ways to manage"]
    assert {c.section_id for c in store.chunks_of("mouth")} == {s.section_id for s in mouth}
    assert "Mouth Sores › Ways to manage" in embedder.texts
    assert store.get_embeddings(embedder.name, [heading_hash(mouth[1].heading)])
    # Nothing changed: nothing re-written, no heading embedded twice.
    again = ingest_documents(
        docs, store, chunker=chunk_document, sectioner=parse_sections, embedder=embedder
    )
    assert (again.changed, again.added, again.unchanged) == (0, 0, 2)
    assert sorted(embedder.texts) == sorted(set(embedder.texts))
