from __future__ import annotations

from datetime import date

import pytest

from oncoguide.answer import to_answer_json
from oncoguide.answer.compose import compose_answer
from oncoguide.answer.glossary import offer_definitions, with_glossary
from oncoguide.answer.readability import reading_grade, syllables
from oncoguide.types import Hit, SafetyDecision

pytestmark = pytest.mark.unit


def test_reading_grade_orders_simple_below_complex() -> None:
    simple = "The drug can make you sick. You may feel tired. Rest when you can."
    complex_ = (
        "Chemotherapy-induced peripheral neuropathy frequently manifests as progressive "
        "paresthesia, dysesthesia, and proprioceptive impairment, necessitating individualized "
        "pharmacological intervention and comprehensive multidisciplinary rehabilitation."
    )
    low, high = reading_grade(simple), reading_grade(complex_)
    assert low is not None and high is not None
    assert low < 4 < 14 < high
    assert reading_grade("") is None and reading_grade("[1] -") is None


def test_syllables_are_sane() -> None:
    assert syllables("the") == 1
    assert syllables("cancer") == 2
    assert syllables("chemotherapy") >= 4


def test_glossary_offers_at_most_three_terms_in_text_order() -> None:
    glossary = {
        "bone": "the hard tissue",
        "bone marrow": "the soft tissue inside bones",
        "platelet": "a blood cell fragment",
        "anemia": "too few red blood cells",
        "lymph node": "a small bean-shaped organ",
        "unused": "never shown",
    }
    text = "Anemia means the bone marrow makes too few cells; platelets and lymph nodes differ."
    offers = offer_definitions(text, glossary)
    # plurals match; "bone" loses to the longer "bone marrow"; the fourth term is left out
    assert [t for t, _ in offers] == ["anemia", "bone marrow", "platelet"]


def test_glossary_and_json_contract(neuropathy_hits: list[Hit]) -> None:
    answer = compose_answer(
        "What are the symptoms of neuropathy?", neuropathy_hits, as_of=date(2025, 6, 1)
    )
    answer = with_glossary(answer, {"numbness": "loss of feeling"})
    assert answer.glossary == (("numbness", "loss of feeling"),)
    safety = SafetyDecision("none", None, None, (), None, None)
    data = to_answer_json(answer, safety=safety, timings_ms={"answer": 1.234})
    assert list(data) == [
        "question", "answer", "sentences", "citations", "safety", "abstained",
        "abstain_reason", "reading_grade", "timings_ms", "llm", "glossary",
    ]  # fmt: skip
    assert data["llm"] is None and data["glossary"] == []
    assert {"text", "citation"} <= set(data["sentences"][0])
    assert set(data["citations"][0]) == {
        "n", "doc_id", "url", "title", "heading", "source", "last_reviewed", "review_overdue",
    }  # fmt: skip
    assert data["citations"][0]["last_reviewed"] == "2024-05-01"
    assert data["safety"]["category"] == "none" and data["timings_ms"] == {"answer": 1.23}
