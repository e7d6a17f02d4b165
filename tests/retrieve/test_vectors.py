"""The per-process query-vector cache: bounded, least recently used out, read-only vectors; a
retriever embeds a repeated question once and ranks it exactly as the first time."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from oncoguide.index.ingest import embed_chunks
from oncoguide.index.sqlite import SqliteStore
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.retrieve.query import QueryVocabulary
from oncoguide.retrieve.vectors import QueryVectorCache
from oncoguide.testing.builders import make_chunks, make_document
from oncoguide.testing.fakes import BagOfWordsEmbedder

pytestmark = pytest.mark.unit


def _vec(x: float) -> npt.NDArray[np.float32]:
    return np.full(4, x, dtype=np.float32)


def test_cache_is_bounded_lru_and_read_only() -> None:
    cache = QueryVectorCache(maxsize=2)
    cache.put("a", _vec(1))
    cache.put("b", _vec(2))
    assert cache.get("a") is not None  # "a" is now the most recent: "b" goes first
    cache.put("c", _vec(3))
    assert len(cache) == 2 and cache.get("b") is None
    stored = cache.get("a")
    assert stored is not None and float(stored[0]) == 1.0
    with pytest.raises(ValueError):
        stored[0] = 5.0
    off = QueryVectorCache(maxsize=0)
    off.put("a", _vec(1))
    assert off.get("a") is None


class CountingEmbedder(BagOfWordsEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        self.texts += list(texts)
        return super().embed(texts)


def test_a_repeated_question_is_embedded_once_and_ranked_the_same(tmp_path: Path) -> None:
    docs = [
        make_document("mouth", title="Mouth Sores", body="Mouth sores during chemotherapy hurt."),
        make_document("hair", title="Hair Loss", body="Hair loss happens with some chemotherapy."),
    ]
    store = SqliteStore(tmp_path / "t.db")
    store.migrate()
    store.apply_changes([(d, make_chunks(d)) for d in docs], [])
    embed_chunks(store, docs, BagOfWordsEmbedder())
    embedder = CountingEmbedder()
    retriever = Retriever(store, embedder, vocab=QueryVocabulary())
    try:
        first = retriever.search("mouth sores from chemo", explain=True).hits
        again = retriever.search("mouth sores from chemo", explain=True).hits
        other = retriever.search("hair loss", explain=True).hits
    finally:
        retriever.close()
        store.close()
    assert first == again and first[0].doc_id == "mouth" and other[0].doc_id == "hair"
    assert len(embedder.texts) == 2  # one per distinct question
