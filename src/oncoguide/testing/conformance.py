"""Store conformance tests: every backend's test module subclasses these with a `store` fixture.

    class TestSqliteStore(StoreConformance):
        @pytest.fixture
        def store(self, tmp_path): ...  # a fresh, migrated, empty store; closed after the test

The same behaviour is then proven on SQLite and PostgreSQL (Haystack document-store test habit).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np
import pytest

from oncoguide.errors import OncoguideError, QueryError
from oncoguide.index.store import Store
from oncoguide.testing.builders import make_chunk, make_chunks, make_document, with_body
from oncoguide.types import Block, Chunk, Document, GlossaryTerm, SearchFilters, Section

__all__ = [
    "HOSTILE_QUERIES",
    "DocumentConformance",
    "EmbeddingConformance",
    "LexicalConformance",
    "SchemaConformance",
    "SectionConformance",
    "StoreConformance",
    "seed_corpus",
]

HOSTILE_QUERIES = [
    '"', '""', "'", "AND", "OR", "NOT", "NEAR", "NEAR(a b)", "a AND", "OR b", "*", "chemo*",
    "(", ")", "(chemo", "title:chemo", "^chemo", "-chemo", "+", "a:b:c", "{title}: x",
    'chemo" OR "1"="1', "'; DROP TABLE chunks; --", "\\", "%", "_", "\x00", "chemo\x00therapy",
    "ünïcödé çhémo", "化疗", "🙂", "a" * 5000, "NOT NOT NOT", "chemo NEAR/3 therapy",
]  # fmt: skip


def seed_corpus() -> list[tuple[Document, list[Chunk]]]:
    """Four small documents that differ in audience, language, cancer type and wording."""
    specs: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
        ("tamoxifen", {"title": "Tamoxifen Citrate", "cancer_types": ("breast",)},
         [("Uses", "Tamoxifen is a hormone therapy used to treat breast cancer."),
          ("Side effects", "Hot flashes and tiredness are common side effects.")]),
        ("chemo", {"title": "Chemotherapy to Treat Cancer", "tags": ("treatment",)},
         [("How it works", "Chemotherapy uses drugs to kill cancer cells."),
          ("Side effects", "Chemotherapy treatments can cause nausea and hair loss.")]),
        ("hp-lung", {"title": "Lung Cancer Treatment (PDQ) - Health Professional",
                     "audience": "technical", "cancer_types": ("lung",), "source_type": "pdq"},
         [("Staging", "Non-small cell lung cancer staging uses the TNM system.")]),
        ("es-mama", {"title": "Cáncer de mama", "language": "es", "cancer_types": ("breast",)},
         [("Tratamiento", "La quimioterapia y la terapia hormonal tratan el cáncer de mama.")]),
    ]  # fmt: skip
    out = []
    for doc_id, fields, sections in specs:
        body = "\n\n".join(text for _, text in sections)
        doc = make_document(doc_id, body=body, **fields)
        out.append((doc, make_chunks(doc, sections)))
    return out


class _ExplodingChunks(Sequence[Chunk]):
    """A chunk list that fails half-way through being written (an injected mid-apply failure)."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self._chunks = chunks

    def __len__(self) -> int:
        return len(self._chunks)

    @overload
    def __getitem__(self, i: int) -> Chunk: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[Chunk]: ...
    def __getitem__(self, i: int | slice) -> Chunk | Sequence[Chunk]:
        return self._chunks[i]

    def __iter__(self) -> Iterator[Chunk]:
        yield self._chunks[0]
        raise RuntimeError("injected failure while writing chunks")


def _seeded(store: Store) -> list[tuple[Document, list[Chunk]]]:
    corpus = seed_corpus()
    store.apply_changes(corpus, [])
    return corpus


class SchemaConformance:
    def test_implements_the_protocol(self, store: Store) -> None:
        assert isinstance(store, Store)

    def test_migrate_is_idempotent(self, store: Store) -> None:
        version = store.migrate()
        assert version >= 1
        assert store.migrate() == version
        assert store.stats().schema_version == version

    def test_empty_store_stats(self, store: Store) -> None:
        stats = store.stats()
        assert (stats.documents, stats.chunks, stats.embeddings) == (0, 0, 0)

    def test_meta_round_trip_and_overwrite(self, store: Store) -> None:
        assert store.get_meta("kb_version") is None
        store.set_meta("kb_version", "1")
        store.set_meta("kb_version", "2 ✓")
        assert store.get_meta("kb_version") == "2 ✓"


class DocumentConformance:
    def test_document_round_trips_every_field(self, store: Store) -> None:
        doc = make_document(
            "full", review_due=None, cancer_types=("breast", "lung"), tags=("a", "b"),
            glossary_terms=(GlossaryTerm("chemotherapy", "45214"),), extra=(("k", "v"),),
        )  # fmt: skip
        store.apply_changes([(doc, make_chunks(doc))], [])
        assert store.get_document("full") == doc
        assert store.get_documents(["full", "missing"]) == {"full": doc}
        assert store.get_document("missing") is None

    def test_hashes_stats_and_iteration(self, store: Store) -> None:
        corpus = _seeded(store)
        assert store.document_hashes() == {d.doc_id: d.content_hash for d, _ in corpus}
        assert [d.doc_id for d in store.iter_documents()] == sorted(d.doc_id for d, _ in corpus)
        stats = store.stats()
        assert (stats.documents, stats.chunks) == (4, sum(len(c) for _, c in corpus))

    def test_chunks_round_trip_in_order(self, store: Store) -> None:
        corpus = _seeded(store)
        doc, chunks = corpus[0]
        assert store.chunks_of(doc.doc_id) == chunks
        ids = [c.chunk_id for c in chunks] + ["nope"]
        assert store.get_chunks(ids) == {c.chunk_id: c for c in chunks}
        assert store.chunks_of("nope") == []

    def test_upsert_replaces_document_and_chunks(self, store: Store) -> None:
        corpus = _seeded(store)
        doc = with_body(corpus[0][0], "Tamoxifen now has one new section about bone health.")
        new_chunks = [make_chunk(doc, 0, doc.body, ("Tamoxifen", "Bones"))]
        store.apply_changes([(doc, new_chunks)], [])
        assert store.get_document(doc.doc_id) == doc
        assert store.chunks_of(doc.doc_id) == new_chunks
        assert store.document_hashes()[doc.doc_id] == doc.content_hash
        assert store.lexical_search("flashes", 10) == []
        assert [m.doc_id for m in store.lexical_search("bones", 10)] == [doc.doc_id]

    def test_delete_removes_document_chunks_and_index(self, store: Store) -> None:
        _seeded(store)
        store.apply_changes([], ["chemo", "not-there"])
        assert store.get_document("chemo") is None
        assert store.chunks_of("chemo") == []
        assert "chemo" not in store.document_hashes()
        assert all(m.doc_id != "chemo" for m in store.lexical_search("chemotherapy", 10))

    def test_many_documents_in_one_call(self, store: Store) -> None:
        docs = [make_document(f"d{i:04d}", body=f"word{i} common") for i in range(1200)]
        store.apply_changes([(d, make_chunks(d)) for d in docs], [])
        assert len(store.get_documents([d.doc_id for d in docs])) == 1200
        store.apply_changes([], [d.doc_id for d in docs[:1100]])
        assert store.stats().documents == 100

    def test_failure_mid_apply_rolls_everything_back(self, store: Store) -> None:
        corpus = _seeded(store)
        before = (store.document_hashes(), store.stats(), store.chunks_of("chemo"))
        doc = make_document("new-doc", body="Brand new radiation therapy text.")
        chunks = _ExplodingChunks([make_chunk(doc, 0, "a"), make_chunk(doc, 1, "b")])
        changed = with_body(corpus[1][0], "changed chemo body")
        with pytest.raises((RuntimeError, OncoguideError)):
            store.apply_changes([(changed, make_chunks(changed)), (doc, chunks)], ["tamoxifen"])
        assert (store.document_hashes(), store.stats(), store.chunks_of("chemo")) == before
        assert [m.doc_id for m in store.lexical_search("tamoxifen", 5)][:1] == ["tamoxifen"]
        assert store.lexical_search("radiation", 5) == []

    def test_duplicate_chunk_id_is_a_store_error_and_writes_nothing(self, store: Store) -> None:
        doc = make_document("dup")
        chunk = make_chunk(doc, 0, "text")
        with pytest.raises(OncoguideError):
            store.apply_changes([(doc, [chunk, chunk])], [])
        assert store.stats().documents == 0


class LexicalConformance:
    def test_title_match_ranks_first_and_scores_descend(self, store: Store) -> None:
        _seeded(store)
        matches = store.lexical_search("tamoxifen side effects", 10)
        assert matches[0].doc_id == "tamoxifen"
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)
        assert len({m.chunk_id for m in matches}) == len(matches)

    def test_k_limits_and_stemming(self, store: Store) -> None:
        _seeded(store)
        assert len(store.lexical_search("side effects", 1)) == 1
        # porter stemming: singular query words find plural text
        assert {m.doc_id for m in store.lexical_search("treatment", 10)} == {"chemo", "hp-lung"}
        assert [m.doc_id for m in store.lexical_search("hot flash", 10)] == ["tamoxifen"]

    @pytest.mark.parametrize(
        ("filters", "expected"),
        [
            (SearchFilters(), {"tamoxifen", "chemo", "hp-lung", "es-mama"}),
            (SearchFilters(audience="technical"), {"hp-lung"}),
            (SearchFilters(cancer_type="breast"), {"tamoxifen", "es-mama"}),
            (SearchFilters(cancer_type="lung", audience="patient"), set()),
            (SearchFilters(source_type="pdq"), {"hp-lung"}),
            (SearchFilters(language="es"), {"es-mama"}),
            (SearchFilters(status="retired"), set()),
        ],
    )
    def test_filters(self, store: Store, filters: SearchFilters, expected: set[str]) -> None:
        _seeded(store)
        query = "cancer cáncer"
        assert {m.doc_id for m in store.lexical_search(query, 20, filters)} == expected

    def test_status_filter_sees_retired_documents(self, store: Store) -> None:
        doc = make_document("old", status="retired", body="Retired page about laetrile.")
        store.apply_changes([(doc, make_chunks(doc))], [])
        assert store.lexical_search("laetrile", 5) == []
        found = store.lexical_search("laetrile", 5, SearchFilters(status="retired"))
        assert [m.doc_id for m in found] == ["old"]

    @pytest.mark.parametrize("query", HOSTILE_QUERIES)
    def test_hostile_queries_never_raise(self, store: Store, query: str) -> None:
        _seeded(store)
        assert isinstance(store.lexical_search(query, 5), list)

    def test_fts_operators_are_searched_as_text(self, store: Store) -> None:
        doc = make_document("ops", title="Operators", body="NOT a NEAR miss, AND title: done")
        store.apply_changes([(doc, make_chunks(doc))], [])
        assert [m.doc_id for m in store.lexical_search("NEAR", 5)] == ["ops"]

    @pytest.mark.parametrize("query", ["", "   ", "\n\t"])
    def test_blank_query_is_a_query_error(self, store: Store, query: str) -> None:
        with pytest.raises(QueryError):
            store.lexical_search(query, 5)

    def test_stop_words_only_finds_nothing(self, store: Store) -> None:
        _seeded(store)
        assert store.lexical_search("what is the", 5) == []


def _sections(doc: Document) -> list[Section]:
    blocks = (
        Block("para", text="Hot flashes are common."),
        Block("list", lead_in="Other effects include:", items=("tiredness", "nausea")),
        Block("table", items=("Grade 1 — Meaning: mild",)),
    )
    return [
        Section(f"{doc.doc_id}::s{i:04d}", doc.doc_id, i, (doc.title, f"Part {i}"), blocks, f"h{i}")
        for i in range(2)
    ]


class SectionConformance:
    def test_sections_round_trip_and_are_replaced_with_their_document(self, store: Store) -> None:
        corpus = seed_corpus()
        doc = corpus[0][0]
        assert not store.has_sections()
        store.apply_changes(corpus, [], {doc.doc_id: _sections(doc)})
        assert store.has_sections()
        assert store.sections_of(doc.doc_id) == _sections(doc)
        assert store.sections_of(corpus[1][0].doc_id) == []
        store.apply_changes([corpus[0]], [])  # re-written without sections: the old ones go
        assert store.sections_of(doc.doc_id) == []
        store.apply_changes([corpus[0]], [], {doc.doc_id: _sections(doc)})
        store.apply_changes([], [doc.doc_id])
        assert store.sections_of(doc.doc_id) == []

    def test_sections_of_an_unwritten_document_are_refused(self, store: Store) -> None:
        corpus = seed_corpus()
        with pytest.raises(OncoguideError):
            store.apply_changes(corpus[1:], [], {corpus[0][0].doc_id: _sections(corpus[0][0])})
        assert store.stats().documents == 0

    def test_chunks_keep_their_section_id(self, store: Store) -> None:
        doc, chunks = seed_corpus()[0]
        pointed = [dataclasses.replace(c, section_id=f"{doc.doc_id}::s0000") for c in chunks]
        store.apply_changes([(doc, pointed)], [])
        assert [c.section_id for c in store.chunks_of(doc.doc_id)] == [
            f"{doc.doc_id}::s0000"
        ] * len(chunks)


class EmbeddingConformance:
    MODEL = "fake-4"

    def _vec(self, seed: int) -> np.ndarray[Any, np.dtype[np.float32]]:
        v = np.random.default_rng(seed).standard_normal(4).astype(np.float32)
        return v / np.linalg.norm(v)

    def test_put_missing_load(self, store: Store) -> None:
        corpus = _seeded(store)
        chunks = [c for _, cs in corpus for c in cs]
        hashes = [c.content_hash for c in chunks]
        assert store.missing_embeddings(self.MODEL, hashes) == hashes
        store.put_embeddings(self.MODEL, [(h, self._vec(i)) for i, h in enumerate(hashes[:3])])
        assert store.missing_embeddings(self.MODEL, hashes) == hashes[3:]
        assert store.missing_embeddings("other-model", hashes[:1]) == hashes[:1]
        ids, matrix = store.load_embeddings(self.MODEL)
        assert sorted(ids) == sorted(c.chunk_id for c in chunks[:3])
        assert matrix.dtype == np.float32 and matrix.shape == (3, 4)
        by_id = dict(zip(ids, matrix, strict=True))
        np.testing.assert_array_equal(by_id[chunks[1].chunk_id], self._vec(1))
        assert store.stats().embeddings == 3

    def test_load_returns_only_current_chunks(self, store: Store) -> None:
        corpus = _seeded(store)
        doc, chunks = corpus[0]
        store.put_embeddings(self.MODEL, [(c.content_hash, self._vec(0)) for c in chunks])
        changed = with_body(doc, "rewritten")
        store.apply_changes([(changed, [make_chunk(changed, 0, "rewritten")])], [])
        ids, matrix = store.load_embeddings(self.MODEL)
        assert ids == [] and matrix.shape[0] == 0
        store.apply_changes([(doc, chunks)], [])  # the old text is back: its vectors are reused
        assert store.missing_embeddings(self.MODEL, [c.content_hash for c in chunks]) == []
        assert len(store.load_embeddings(self.MODEL)[0]) == len(chunks)

    def test_get_embeddings_by_hash(self, store: Store) -> None:
        store.put_embeddings(self.MODEL, [("heading-a", self._vec(1)), ("heading-b", self._vec(2))])
        found = store.get_embeddings(self.MODEL, ["heading-a", "missing"])
        assert list(found) == ["heading-a"]
        np.testing.assert_array_equal(found["heading-a"], self._vec(1))
        assert store.get_embeddings("other-model", ["heading-a"]) == {}
        assert store.load_embeddings(self.MODEL)[0] == []  # no chunk has these hashes

    def test_put_overwrites(self, store: Store) -> None:
        corpus = _seeded(store)
        chunk = corpus[0][1][0]
        store.put_embeddings(self.MODEL, [(chunk.content_hash, self._vec(1))])
        store.put_embeddings(self.MODEL, [(chunk.content_hash, self._vec(2))])
        ids, matrix = store.load_embeddings(self.MODEL)
        assert ids == [chunk.chunk_id]
        np.testing.assert_array_equal(matrix[0], self._vec(2))


class StoreConformance(
    SchemaConformance,
    DocumentConformance,
    SectionConformance,
    LexicalConformance,
    EmbeddingConformance,
):
    """Everything a Store backend must do."""
