"""Doc-level lexical search: one hit per document, passages, snippets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oncoguide.errors import QueryError
from oncoguide.index.lexical import MAX_PASSAGES, SNIPPET_CHARS, lexical_search, snippet
from oncoguide.index.sqlite import SqliteStore, open_store
from oncoguide.testing.builders import make_chunks, make_document
from oncoguide.testing.conformance import HOSTILE_QUERIES, seed_corpus
from oncoguide.types import SearchFilters

pytestmark = pytest.mark.unit

_INTRO = (
    "Radiation therapy is a cancer treatment that uses high doses of radiation to kill cancer "
    "cells and shrink tumors. At low doses, radiation is used in x-rays to see inside you. "
)
_BRACHY = "Brachytherapy is internal radiation therapy placed inside the body near the tumor. "
_OUTRO = "Your doctor will explain the plan and the possible side effects before you start. "
LONG = _INTRO * 3 + _BRACHY + _OUTRO * 3


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    with open_store(tmp_path / "s.db") as store:
        store.apply_changes(seed_corpus(), [])
        many = make_document(
            "radiation", title="Radiation Therapy", body=LONG, source="NCI", cancer_types=("x",)
        )
        sections = [(f"Part {i}", f"Radiation section {i}. {LONG}") for i in range(5)]
        store.apply_changes([(many, make_chunks(many, sections))], [])
        yield store


def test_one_hit_per_document_with_ranks(store: SqliteStore) -> None:
    hits = lexical_search(store, "radiation cancer", k=10)
    ids = [h.doc_id for h in hits]
    assert ids[0] == "radiation"
    assert len(ids) == len(set(ids))
    assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_hit_carries_document_fields_and_passages(store: SqliteStore) -> None:
    hit = lexical_search(store, "radiation", k=1)[0]
    assert (hit.url, hit.title, hit.source, hit.cancer_types) == (
        "https://www.cancer.gov/test/radiation", "Radiation Therapy", "NCI", ("x",)
    )  # fmt: skip
    assert len(hit.passages) == MAX_PASSAGES
    assert hit.passages[0].score == hit.score
    assert hit.heading == hit.passages[0].heading
    assert hit.heading.startswith("Radiation Therapy › Part")
    assert hit.to_result_dict()["doc_id"] == "radiation"


def test_k_and_filters(store: SqliteStore) -> None:
    assert len(lexical_search(store, "cancer", k=2)) == 2
    hits = lexical_search(store, "cancer", k=10, filters=SearchFilters(cancer_type="breast"))
    assert {h.doc_id for h in hits} == {"tamoxifen", "es-mama"}
    assert lexical_search(store, "cancer", k=0) == []


@pytest.mark.parametrize("query", ["", "  ", "\n"])
def test_empty_question(store: SqliteStore, query: str) -> None:
    with pytest.raises(QueryError, match="empty question"):
        lexical_search(store, query)


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_questions(store: SqliteStore, query: str) -> None:
    assert isinstance(lexical_search(store, query, k=3), list)


def test_snippet_centres_on_first_term_at_word_boundaries() -> None:
    text = snippet(LONG, ["brachytherapy"])
    assert "Brachytherapy" in text
    assert text.startswith("…") and text.endswith("…")
    assert len(text) <= SNIPPET_CHARS + 2
    inner = text.strip("…")
    assert inner == inner.strip()
    for word in inner.split():
        assert word.strip(".,") in LONG  # no word is cut in half at either end
    assert LONG.split()[0] not in text.split()[0]


def test_snippet_stems_and_short_text() -> None:
    assert snippet("short  text\nhere", ["x"]) == "short text here"
    assert "tumors" in snippet(LONG + " tumors at the end", ["tumor"])[:120]


def test_snippet_without_match_starts_at_beginning() -> None:
    text = snippet(LONG, ["zzz"])
    assert text.startswith("Radiation therapy is") and text.endswith("…")
