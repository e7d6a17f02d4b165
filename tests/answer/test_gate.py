from __future__ import annotations

import pytest

from oncoguide.answer.gate import GateThresholds, evidence_gate, gate_features
from oncoguide.answer.templates import care_vocabulary
from oncoguide.types import Hit

pytestmark = pytest.mark.unit


def test_no_hits_is_no_results() -> None:
    decision = evidence_gate("What is lymphoma?", [])
    assert (decision.passed, decision.reason) == (False, "NO_RESULTS")


@pytest.mark.parametrize(
    "question", ["How do I bake sourdough bread?", "What is the capital of France?"]
)
def test_questions_without_care_words_or_overlap_are_off_topic(
    question: str, neuropathy_hits: list[Hit]
) -> None:
    assert evidence_gate(question, neuropathy_hits).reason == "OFF_TOPIC"


def test_lay_wording_with_care_vocabulary_is_on_topic(neuropathy_hits: list[Hit]) -> None:
    decision = evidence_gate("pins and needles in my feet after chemo", neuropathy_hits)
    assert decision.passed, decision.detail


def test_a_drug_brand_name_is_on_topic_through_passage_overlap(hit_maker) -> None:  # type: ignore[no-untyped-def]
    hits = [hit_maker(1, "toremifene", "Toremifene", [("Toremifene", (
        "Toremifene is a hormone therapy for breast cancer that has spread. Brand name: Fareston."
    ))])]  # fmt: skip
    assert evidence_gate("what is Fareston for", hits).passed


def test_care_question_with_unrelated_passages_is_low_relevance(colon_hits: list[Hit]) -> None:
    decision = evidence_gate("Can radiation therapy cause hair loss on my scalp?", colon_hits)
    assert decision.reason == "LOW_RELEVANCE"


def test_features_are_exposed_and_thresholds_configurable(neuropathy_hits: list[Hit]) -> None:
    q = "Does chemotherapy cause tingling in the feet?"
    f = gate_features(q, neuropathy_hits)
    assert f["n_hits"] == 2 and f["care_vocab"] >= 2 and 0.5 < f["overlap_best"] <= 1.0
    assert evidence_gate(q, neuropathy_hits).passed
    strict = GateThresholds(min_overlap=1.01)
    assert evidence_gate(q, neuropathy_hits, thresholds=strict).reason == "LOW_RELEVANCE"
    assert evidence_gate(
        q, neuropathy_hits, thresholds=GateThresholds(min_top_score=5.0)
    ).reason == ("LOW_RELEVANCE")


@pytest.mark.parametrize(
    ("question", "count"),
    [
        ("What are the stages of childhood rhabdomyosarcoma?", 1),
        ("What are the side effects of radiation?", 2),
        ("Can I get a diploma online?", 0),
        ("How do I bake bread?", 0),
    ],
)
def test_care_vocabulary_words_phrases_and_tumour_suffixes(question: str, count: int) -> None:
    assert care_vocabulary().count(question) == count
