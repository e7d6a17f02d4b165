"""The plainer of two same-meaning answer sentences is kept."""

from __future__ import annotations

from datetime import date

import pytest

from oncoguide.answer.cite import CitationBook
from oncoguide.answer.compose import render_text
from oncoguide.answer.plain import prefer_plainer, same_meaning
from oncoguide.answer.readability import reading_grade
from oncoguide.types import Answer, AnswerSentence, Hit, Passage

pytestmark = pytest.mark.unit

HARD = (
    "Chemotherapy-induced alopecia constitutes a frequently encountered, predominantly "
    "reversible adverse consequence of cytotoxic pharmacotherapy."
)
PLAIN = "Hair loss from chemotherapy is common and usually reversible."
OTHER = "Hair usually grows back after treatment ends."


def test_same_meaning_needs_most_content_words_shared() -> None:
    assert same_meaning("Hair loss from chemo is common.", "Hair loss from chemo is very common.")
    assert not same_meaning(PLAIN, OTHER)
    assert not same_meaning("", PLAIN)


def _answer(texts: list[str]) -> Answer:
    book = CitationBook(date(2025, 1, 1))
    sentences = []
    for i, t in enumerate(texts):
        hit = Hit(i + 1, f"d{i}", f"https://x/{i}", "T", "T", 1.0, "patient", "s", "",
                  passages=(Passage(f"d{i}#0", f"d{i}", "T", t, 1.0),))  # fmt: skip
        sentences.append(AnswerSentence(t, book.cite(hit, hit.passages[0])))
    return Answer("q", "Preamble.\n\n" + render_text(sentences), tuple(sentences),
                  book.citations(), False, None, None)  # fmt: skip


def test_the_harder_twin_goes_and_citations_are_renumbered() -> None:
    same = "Hair loss from chemotherapy is common and usually completely reversible."
    assert same_meaning(same, PLAIN)
    assert (reading_grade(same) or 0) > (reading_grade(PLAIN) or 0)
    out = prefer_plainer(_answer([same, PLAIN, OTHER]))
    assert [s.text for s in out.sentences] == [PLAIN, OTHER]
    assert [s.citation for s in out.sentences] == [1, 2]
    assert [c.doc_id for c in out.citations] == ["d1", "d2"]
    assert out.text.startswith("Preamble.\n\n" + PLAIN)


def test_different_sentences_are_all_kept() -> None:
    answer = _answer([HARD, OTHER])
    assert prefer_plainer(answer) is answer


def test_a_lead_in_is_not_prose_and_a_sentence_leaned_on_stays() -> None:
    lead = (
        "There are many risk factors for renal cell cancer, but many do not directly cause cancer."
    )
    leans = "Instead, they increase the chance of DNA damage in cells that may lead to it."
    list_lead = "Risk factors for renal cell cancer include:"
    assert same_meaning(lead, list_lead)
    answer = _answer([lead, leans, list_lead])
    assert prefer_plainer(answer) is answer
    # Two prose twins: the harder one goes, unless the next sentence leans on it.
    plainer = "Many risk factors for renal cell cancer do not directly cause cancer."
    assert same_meaning(lead, plainer)
    assert (reading_grade(lead) or 0) > (reading_grade(plainer) or 0)
    assert prefer_plainer(_answer([lead, leans, plainer])).sentences[0].text == lead
    assert [s.text for s in prefer_plainer(_answer([plainer, lead])).sentences] == [plainer]
