from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from oncoguide.errors import QueryError, StoreError
from oncoguide.index.ingest import embed_chunks
from oncoguide.index.sqlite import SqliteStore
from oncoguide.retrieve.brands import load_brand_map, refresh_brand_map
from oncoguide.retrieve.dense import DenseIndex
from oncoguide.retrieve.hybrid import RetrievalConfig, Retriever
from oncoguide.retrieve.query import QueryVocabulary, parse_lay_terms
from oncoguide.testing.builders import make_chunks, make_document
from oncoguide.testing.fakes import BagOfWordsEmbedder
from oncoguide.types import Document, SearchFilters

pytestmark = pytest.mark.unit


def _doc(doc_id: str, title: str, body: str, **kw: object) -> Document:
    kw.setdefault("url", f"https://x.test/{doc_id}")
    return make_document(doc_id, title=title, body=body, **kw)


DOCS = [
    _doc(
        "neuro",
        "Peripheral Neuropathy and Cancer Treatment - NCI",
        "Peripheral neuropathy causes numbness and tingling in the hands and feet.",
        url="https://x.test/side-effects/patient/neuropathy-pdq",
    ),
    _doc(
        "neuro-hp",
        "Peripheral Neuropathy—Health Professional Version - NCI",
        "Chemotherapy-induced peripheral neuropathy: incidence, grading and management.",
        audience="technical",
        url="https://x.test/side-effects/hp/neuropathy-pdq",  # its patient version is "neuro"
    ),
    _doc(
        "toremifene",
        "Toremifene Citrate - NCI",
        "# Toremifene Citrate\n\nA hormone therapy.\n\nUS Brand Name(s)\n\nAcapodene\nFareston"
        "\n\nFDA Approved\n\nYes",
    ),
    _doc("nausea", "Nausea and Vomiting - NCI", "Nausea and vomiting are side effects of chemo."),
    _doc(
        "retired",
        "Old Neuropathy Page - NCI",
        "Peripheral neuropathy numbness feet.",
        status="retired",
    ),
    _doc(
        "neuro-es",
        "Neuropatía periférica - NCI",
        "La neuropatía periférica causa hormigueo.",
        language="es",
    ),
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "t.db")
    s.migrate()
    s.apply_changes([(d, make_chunks(d)) for d in DOCS], [])
    embed_chunks(s, DOCS, BagOfWordsEmbedder())
    refresh_brand_map(s)
    yield s
    s.close()


@pytest.fixture
def vocab(store: SqliteStore) -> QueryVocabulary:
    lay = parse_lay_terms(
        {"terms": [{"lay": ["pins and needles"], "medical": ["peripheral neuropathy"]}]}
    )
    return QueryVocabulary(lay_terms=lay, brands=load_brand_map(store))


def _urls(retriever: Retriever, query: str, **kw: object) -> list[str]:
    return [h.doc_id for h in retriever.search(query, **kw).hits]  # type: ignore[arg-type]


def test_lay_wording_finds_patient_page_before_hp_page(
    store: SqliteStore, vocab: QueryVocabulary
) -> None:
    r = Retriever(store, BagOfWordsEmbedder(), vocab=vocab)
    ids = _urls(r, "pins and needles after chemo")
    assert ids[0] == "neuro"
    assert ids.index("neuro-hp") > 0


def test_technical_audience_removes_hp_penalty(store: SqliteStore, vocab: QueryVocabulary) -> None:
    r = Retriever(store, BagOfWordsEmbedder(), vocab=vocab)
    patient = {h.doc_id: h for h in r.search("peripheral neuropathy", explain=True).hits}
    technical = {
        h.doc_id: h
        for h in r.search("peripheral neuropathy", audience="technical", explain=True).hits
    }
    assert dict(patient["neuro-hp"].signals)["hp_penalty"] < 0
    assert dict(technical["neuro-hp"].signals)["hp_penalty"] == 0
    assert technical["neuro-hp"].score > patient["neuro-hp"].score


def test_brand_name_finds_generic_drug_page(store: SqliteStore, vocab: QueryVocabulary) -> None:
    result = Retriever(store, BagOfWordsEmbedder(), vocab=vocab).search("what is Fareston for")
    assert result.expanded.added_terms == ("Toremifene Citrate",)
    assert result.hits[0].doc_id == "toremifene"


def test_inactive_and_filtered_documents_never_returned(
    store: SqliteStore, vocab: QueryVocabulary
) -> None:
    r = Retriever(store, BagOfWordsEmbedder(), vocab=vocab)
    assert "retired" not in _urls(r, "peripheral neuropathy numbness feet", k=20)
    assert _urls(r, "neuropatía periférica", filters=SearchFilters(language="es")) == ["neuro-es"]
    technical = _urls(r, "neuropathy", filters=SearchFilters(audience="technical"))
    assert technical == ["neuro-hp"]


@pytest.mark.parametrize(
    "query", ['"neuropathy', "feet AND (numbness", "neuro* NEAR(feet tingling)", "a OR b NOT c:"]
)
def test_fts_syntax_in_user_text_never_raises(store: SqliteStore, query: str) -> None:
    r = Retriever(store, BagOfWordsEmbedder(), vocab=QueryVocabulary())
    r.search(query)


def test_empty_query_raises_query_error(store: SqliteStore) -> None:
    with pytest.raises(QueryError):
        Retriever(store, None, vocab=QueryVocabulary()).search("   ")


def test_lexical_only_without_embedder(store: SqliteStore, vocab: QueryVocabulary) -> None:
    hits = Retriever(store, None, vocab=vocab).search("Fareston", explain=True).hits
    assert hits[0].doc_id == "toremifene"
    assert "dense_rank" not in dict(hits[0].signals)


def test_dense_only_config_finds_page_without_lexical_overlap(store: SqliteStore) -> None:
    config = RetrievalConfig(use_lexical=False, use_expansion=False, use_priors=False)
    r = Retriever(store, BagOfWordsEmbedder(), config=config)
    hits = r.search("tingling hands", explain=True).hits
    assert hits[0].doc_id == "neuro"
    assert "bm25_rank" not in dict(hits[0].signals)


def test_hits_carry_passages_snippet_and_explain_signals(
    store: SqliteStore, vocab: QueryVocabulary
) -> None:
    r = Retriever(store, BagOfWordsEmbedder(), vocab=vocab)
    hit = r.search("numbness in feet", explain=True).hits[0]
    assert hit.rank == 1 and hit.doc_id == "neuro"
    assert 1 <= len(hit.passages) <= 3
    assert hit.passages[0].text == DOCS[0].body
    assert "numbness" in hit.snippet
    signals = dict(hit.signals)
    assert {"bm25_rank", "dense_rank", "rrf_norm", "title_match", "score"} <= set(signals)
    assert r.search("numbness in feet").hits[0].signals == ()


def test_dense_index_ranks_allowed_docs_and_rejects_wrong_dimension(store: SqliteStore) -> None:
    index = DenseIndex.load(store, BagOfWordsEmbedder.name)
    assert len(index) == len(DOCS)
    sims = index.similarities(BagOfWordsEmbedder().embed(["nausea vomiting"])[0])
    best = index.doc_scores(sims)
    mask = np.array([d != "nausea" for d in index.doc_ids])
    assert index.rank_docs(best, ~mask, 5) == ["nausea"]
    assert "nausea" not in index.rank_docs(best, mask, 5)
    with pytest.raises(StoreError, match="dims"):
        index.similarities(np.ones(3, dtype=np.float32))
    assert DenseIndex.load(store, "no-such-model").doc_ids == ()


def test_close_stops_the_embedding_worker_and_search_restarts_it(store: SqliteStore) -> None:
    r = Retriever(store, BagOfWordsEmbedder(), vocab=QueryVocabulary())
    first = [h.doc_id for h in r.search("peripheral neuropathy").hits]
    r.close()
    r.close()  # idempotent
    assert [h.doc_id for h in r.search("peripheral neuropathy").hits] == first
    r.close()
