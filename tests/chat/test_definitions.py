"""The KB glossary: defining sentences mined from a tiny store, offered for an answer's hard
words with a citation to where the KB says it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from oncoguide.answer.cite import CitationBook
from oncoguide.chat.definitions import KBDefinitions, defining_sentence, hard_words
from oncoguide.index.sqlite import SqliteStore
from oncoguide.testing.builders import make_chunk, make_document
from oncoguide.types import Answer, AnswerSentence, GlossaryTerm, Hit, Passage

pytestmark = pytest.mark.unit

NEUTRO = "Neutropenia is a condition in which there is a lower-than-normal number of neutrophils."
PAGES = {
    "neutropenia": (
        "Neutropenia",
        "patient",
        [
            (("Neutropenia", "What is neutropenia?"), f"{NEUTRO} It raises the risk of infection."),
        ],
    ),
    "infection": (
        "Infection and Neutropenia During Cancer Treatment",
        "patient",
        [
            (
                ("Infection", "Why infections happen"),
                "Neutropenia is common during chemotherapy. Chemotherapy can lower the number of "
                "white blood cells. Wash your hands often to prevent infection.",
            ),
        ],
    ),
    "neutropenia-hp": (
        "Neutropenia (Health Professional Version)",
        "technical",
        [
            (
                ("Neutropenia (Health Professional Version)", "Overview"),
                "Neutropenia is defined as an absolute neutrophil count below 1,500 cells per "
                "microliter, with grades by severity and attendant infectious complications.",
            ),
        ],
    ),
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    s = SqliteStore(tmp_path / "defs.db")
    s.migrate()
    changes = []
    for doc_id, (title, audience, sections) in PAGES.items():
        body = "\n\n".join(t for _, t in sections)
        doc = make_document(
            doc_id,
            title=title,
            body=body,
            audience=audience,
            glossary_terms=(GlossaryTerm("neutropenia", "1"),) if doc_id == "infection" else (),
        )
        changes.append((doc, [make_chunk(doc, i, t, h) for i, (h, t) in enumerate(sections)]))
    s.apply_changes(changes, [])
    yield s
    s.close()


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("neutropenia", f"Some intro. {NEUTRO}", NEUTRO),
        ("neutropenia", "Neutropenia is common during chemotherapy.", None),
        ("neutropenia", "Neutropenia is not the same as anemia.", None),
        (
            "port",
            "A port is a small disk placed under the skin.",
            "A port is a small disk placed under the skin.",
        ),
        ("tumor", "Cells can form a lump called a tumor.", "Cells can form a lump called a tumor."),
        ("port", "| Port | is a table cell |", None),
        (
            "lymphedema",
            "**Lymphedema** is the buildup of lymph fluid in the arm.",
            "Lymphedema is the buildup of lymph fluid in the arm.",
        ),
    ],
)
def test_defining_sentence(term: str, text: str, expected: str | None) -> None:
    assert defining_sentence(term, text) == expected


def test_hard_words_are_long_rare_terms_not_in_the_question() -> None:
    text = "Neutropenia can happen during chemotherapy; wash your hands and avoid crowds."
    share = {"chemotherapy": 0.4}.get
    words = hard_words(text, question="what is chemo", share=lambda w: share(w) or 0.0)
    assert words == ["neutropenia"]  # "chemotherapy" is an everyday word of this KB
    assert hard_words(text, question="what is neutropenia") == ["chemotherapy"]
    assert hard_words("Bone marrow makes blood.", linked=["bone marrow"]) == []  # short words


def test_definition_prefers_the_patient_page_about_the_term(store: SqliteStore) -> None:
    d = KBDefinitions(store).define("Neutropenia")
    assert d is not None
    assert d.definition == NEUTRO and d.doc_id == "neutropenia"
    assert d.url == "https://www.cancer.gov/test/neutropenia"
    assert d.heading == "Neutropenia › What is neutropenia?"
    assert KBDefinitions(store).define("photosynthesis") is None


def test_answer_gets_definitions_with_citations_and_cache(store: SqliteStore) -> None:
    doc = store.get_document("infection")
    assert doc is not None
    hit = Hit(
        1,
        "infection",
        doc.url,
        doc.title,
        "Infection",
        1.0,
        "patient",
        "s",
        "",
        passages=(Passage("infection#0", "infection", "Infection", doc.body, 1.0),),
    )
    book = CitationBook(date(2025, 1, 1))
    n = book.cite(hit, hit.passages[0])
    sentence = AnswerSentence("Neutropenia is common during chemotherapy.", n)
    answer = Answer(
        "how do I avoid infection", sentence.text, (sentence,), book.citations(), False, None, 5.0
    )
    defs = KBDefinitions(store)
    out = defs(answer, [hit])
    assert [(d.term, d.definition, d.doc_id) for d in out.definitions] == [
        ("neutropenia", NEUTRO, "neutropenia")
    ]
    assert defs._cache["neutropenia"] is not None  # mined once, kept
    abstained = Answer("q", "no", (), (), True, "LOW_RELEVANCE", None)
    assert defs(abstained, [hit]) is abstained
