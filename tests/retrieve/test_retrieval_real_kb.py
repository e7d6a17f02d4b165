"""Lexical retrieval (no embedder) on the real KB: a floor, not the benchmark's targets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oncoguide.evaluation.retrieval_eval import evaluate_retrieval
from oncoguide.index.ingest import ingest
from oncoguide.index.sqlite import SqliteStore
from oncoguide.retrieve.brands import load_brand_map, refresh_brand_map
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.retrieve.query import QueryVocabulary

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def store(shared_kb: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path_factory.mktemp("kb") / "kb.db")
    s.migrate()
    ingest(shared_kb, s, embedder=None)
    refresh_brand_map(s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def retriever(store: SqliteStore) -> Retriever:
    return Retriever(store, None, vocab=QueryVocabulary.load(store))


def test_brand_map_mined_from_kb(store: SqliteStore) -> None:
    brands = load_brand_map(store)
    assert brands is not None and len(brands) > 300
    assert brands["fareston"].lower().startswith("toremifene")


@pytest.mark.parametrize(
    ("question", "url_part"),
    [
        ("what is Fareston for", "/drugs/toremifene"),
        ("pins and needles in my feet after chemo", "/side-effects/nerve-problems"),
        ("chemo brain", "/side-effects/memory"),
    ],
)
def test_plain_language_questions_find_the_page(
    retriever: Retriever, question: str, url_part: str
) -> None:
    urls = [h.url for h in retriever.search(question, k=3).hits]
    assert any(url_part in u for u in urls), urls


def test_medquad_lexical_floor(retriever: Retriever, shared_eval: Path) -> None:
    result = evaluate_retrieval(lambda q: retriever.search(q).hits, shared_eval)
    assert result["questions"] == 674
    assert result["recall@5"] >= 0.95
    assert result["recall@1"] >= 0.7
