from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from oncoguide.answer.compose import compose_answer
from oncoguide.answer.verify import support_score, verify_answer
from oncoguide.types import Hit

pytestmark = pytest.mark.unit

AS_OF = date(2025, 6, 1)
QUESTION = "What are the symptoms of neuropathy?"


def test_a_verified_composed_answer_keeps_every_sentence(neuropathy_hits: list[Hit]) -> None:
    answer = compose_answer(QUESTION, neuropathy_hits, as_of=AS_OF)
    assert verify_answer(answer, neuropathy_hits) == answer


def test_a_tampered_sentence_is_dropped_and_citations_renumbered(
    neuropathy_hits: list[Hit],
) -> None:
    answer = compose_answer(QUESTION, neuropathy_hits, as_of=AS_OF)
    tampered = replace(
        answer.sentences[1], text="numbness that always lasts for the rest of your life"
    )
    answer = replace(answer, sentences=(answer.sentences[0], tampered, *answer.sentences[2:]))
    checked = verify_answer(answer, neuropathy_hits)
    assert not checked.abstained
    assert len(checked.sentences) == len(answer.sentences) - 1
    assert "rest of your life" not in checked.text
    assert [c.n for c in checked.citations] == list(range(1, len(checked.citations) + 1))


def test_citation_to_a_document_that_was_not_retrieved_is_dropped(
    neuropathy_hits: list[Hit],
) -> None:
    answer = compose_answer(QUESTION, neuropathy_hits, as_of=AS_OF)
    last = answer.citations[-1]
    assert last.n > 1
    # Same text, but the citation now claims a document retrieval never handed over.
    foreign = replace(last, chunk_id="other-doc#0", doc_id="other-doc")
    moved = replace(answer, citations=(*answer.citations[:-1], foreign))
    checked = verify_answer(moved, neuropathy_hits)
    assert not checked.abstained
    assert all(c.doc_id != "other-doc" for c in checked.citations)
    dropped = sum(1 for s in answer.sentences if s.citation == last.n)
    assert len(checked.sentences) == len(answer.sentences) - dropped


def test_nothing_supported_means_abstention(neuropathy_hits: list[Hit]) -> None:
    answer = compose_answer(QUESTION, neuropathy_hits, as_of=AS_OF)
    invented = tuple(
        replace(s, text=f"Invented claim number {i}.") for i, s in enumerate(answer.sentences)
    )
    checked = verify_answer(
        replace(answer, sentences=invented), neuropathy_hits, region_line="Call 123."
    )
    assert checked.abstained and checked.abstain_reason == "UNSUPPORTED"
    assert checked.sentences == () and checked.citations == ()
    assert checked.text.endswith("Call 123.")


def test_less_than_half_supported_means_abstention(neuropathy_hits: list[Hit]) -> None:
    answer = compose_answer(QUESTION, neuropathy_hits, as_of=AS_OF)
    n = len(answer.sentences)
    bad = tuple(
        s if i < n // 2 - 1 else replace(s, text=f"Made up {i}.")
        for i, s in enumerate(answer.sentences)
    )
    assert verify_answer(replace(answer, sentences=bad), neuropathy_hits).abstained


def test_support_score_needs_numbers_and_negations_from_the_passage() -> None:
    passage = "A fever of 100.4 F or higher after chemotherapy needs a call to your doctor."
    assert (
        support_score("After chemotherapy, a fever of 100.4 F or higher needs a call.", passage)
        == 1.0
    )
    assert support_score("After chemotherapy, a fever of 101 F needs a call.", passage) == 0.0
    assert support_score("A fever after chemotherapy does not need a call.", passage) == 0.0
    assert support_score("Fever after chemotherapy means leukemia.", passage) < 0.8
