"""The KB glossary: defining sentences mined from a tiny store, offered for an answer's hard
words with a citation to where the KB says it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from oncoguide.answer.cite import CitationBook
from oncoguide.chat.definitions import KBDefinitions, hard_words
from oncoguide.index.sqlite import SqliteStore
from oncoguide.retrieve.definitions import (
    DEFINITIONS_META_KEY,
    KBGlossary,
    load_definitions,
    mine_definitions,
)
from oncoguide.testing.builders import make_chunk, make_document
from oncoguide.types import Answer, AnswerSentence, GlossaryTerm, Hit, Passage

pytestmark = pytest.mark.unit

NEUTRO = "Neutropenia is a condition in which there is a lower-than-normal number of neutrophils."
PORT = "A port is a small, round disc that is placed under your skin during minor surgery."
PAGES = {
    "neutropenia": (
        "Neutropenia",
        "patient",
        [(("Neutropenia", "What is neutropenia?"), f"{NEUTRO} It raises the risk of infection.")],
    ),
    "infection": (
        "Infection and Neutropenia During Cancer Treatment",
        "patient",
        [
            (
                ("Infection", "Why infections happen"),
                "Neutropenia is common during chemotherapy. Chemotherapy can lower the number of "
                "white blood cells. Wash your hands often to prevent infection.\n\n"
                f"- **Port:** {PORT}\n- Cells can form a lump of tissue called a tumor.\n\n"
                "The tumor is 20 millimeters or smaller.",
            ),
        ],
    ),
    "neutropenia-hp": (
        "Neutropenia (Health Professional Version)",
        "technical",
        [
            (
                ("Neutropenia (Health Professional Version)", "Overview"),
                "Neutropenia is an absolute neutrophil count below 1,500 cells per microliter, "
                "with grades by severity and attendant infectious complications.",
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
            doc_id, title=title, body=body, audience=audience,
            glossary_terms=(GlossaryTerm("neutropenia", "1"),) if doc_id == "infection" else (),
        )  # fmt: skip
        changes.append((doc, [make_chunk(doc, i, t, h) for i, (h, t) in enumerate(sections)]))
    s.apply_changes(changes, [])
    yield s
    s.close()


def _mined(store: SqliteStore) -> dict[str, str]:
    pages = [(d, store.chunks_of(d.doc_id)) for d in store.iter_documents()]
    return {t: d.definition for t, d in mine_definitions(pages).items()}


def test_mining_keeps_defining_sentences_and_drops_remarks(store: SqliteStore) -> None:
    mined = _mined(store)
    assert mined["neutropenia"] == NEUTRO  # the patient page about it, not the HP page
    assert mined["port"] == PORT  # a labelled list item
    assert mined["tumor"] == "Cells can form a lump of tissue called a tumor."
    assert "chemotherapy" not in mined  # "Neutropenia is common ..." defines nothing


def test_glossary_is_persisted_and_refreshed_when_the_kb_changes(store: SqliteStore) -> None:
    glossary = KBGlossary(store)
    d = glossary.define("Neutropenia")
    assert d is not None and d.doc_id == "neutropenia" and d.definition == NEUTRO
    assert d.url == "https://www.cancer.gov/test/neutropenia"
    assert d.heading == "Neutropenia › What is neutropenia?"
    assert glossary.define("ports") is not None and glossary.define("photosynthesis") is None
    assert store.get_meta(DEFINITIONS_META_KEY) is not None
    assert load_definitions(store) is not None
    store.apply_changes([], ["neutropenia"])
    assert load_definitions(store) is None  # stale: mined again on first use
    assert KBGlossary(store).define("neutropenia") is None


def test_hard_words_are_long_rare_terms_not_in_the_question() -> None:
    text = "Neutropenia can happen during chemotherapy; wash your hands and avoid crowds."
    share = {"chemotherapy": 0.4}.get
    words = hard_words(text, question="what is chemo", share=lambda w: share(w) or 0.0)
    assert words == ["neutropenia"]  # "chemotherapy" is an everyday word of this KB
    assert hard_words(text, question="what is neutropenia") == ["chemotherapy"]
    assert hard_words("Bone marrow makes blood.", linked=["bone marrow"]) == []  # short words


def test_answer_gets_definitions_with_citations(store: SqliteStore) -> None:
    doc = store.get_document("infection")
    assert doc is not None
    passage = Passage("infection#0", "infection", "Infection", doc.body, 1.0)
    hit = Hit(1, "infection", doc.url, doc.title, "Infection", 1.0, "patient", "s", "",
              passages=(passage,))  # fmt: skip
    book = CitationBook(date(2025, 1, 1))
    n = book.cite(hit, hit.passages[0])
    sentence = AnswerSentence("Neutropenia is common during chemotherapy.", n)
    answer = Answer("how do I avoid infection", sentence.text, (sentence,), book.citations(),
                    False, None, 5.0)  # fmt: skip
    defs = KBDefinitions(store, KBGlossary(store).define)
    out = defs(answer, [hit])
    assert [(d.term, d.definition, d.doc_id) for d in out.definitions] == [
        ("neutropenia", NEUTRO, "neutropenia")
    ]
    abstained = Answer("q", "no", (), (), True, "LOW_RELEVANCE", None)
    assert defs(abstained, [hit]) is abstained


def test_a_persisted_copy_from_older_mining_rules_is_mined_again(store: SqliteStore) -> None:
    KBGlossary(store).define("port")
    payload = json.loads(store.get_meta(DEFINITIONS_META_KEY) or "{}")
    payload["version"] = -1
    store.set_meta(DEFINITIONS_META_KEY, json.dumps(payload))
    assert load_definitions(store) is None
