from __future__ import annotations

from datetime import date

import pytest

from oncoguide.answer.compose import abstain, compose_answer
from oncoguide.answer.sentences import is_dangling
from oncoguide.answer.verify import is_contained
from oncoguide.types import Hit, SafetyDecision

pytestmark = pytest.mark.unit

AS_OF = date(2025, 6, 1)


def _passage_text(hits: list[Hit], answer_citation_chunk: str) -> str:
    return next(p.text for h in hits for p in h.passages if p.chunk_id == answer_citation_chunk)


def test_list_question_gets_the_whole_list_with_its_lead_in(neuropathy_hits: list[Hit]) -> None:
    answer = compose_answer("What are the symptoms of neuropathy?", neuropathy_hits, as_of=AS_OF)
    items = [s.text for s in answer.sentences if s.list_item and s.section == "answer"]
    assert items == [
        "tingling or a pins-and-needles feeling in your toes and fingers",
        "numbness that makes it hard to feel heat or cold",
        "burning pain in the feet",
    ]
    texts = [s.text for s in answer.sentences]
    lead_in = "Harm to the nerves that sense touch and temperature can cause:"
    assert texts.index(lead_in) == texts.index(items[0]) - 1
    assert "- burning pain in the feet [1]" in answer.text
    assert "These include:" not in answer.text


def test_no_dangling_fragments_in_a_prose_answer(neuropathy_hits: list[Hit]) -> None:
    answer = compose_answer(
        "Does neuropathy get better after chemotherapy?", neuropathy_hits, as_of=AS_OF
    )
    prose = [s for s in answer.sentences if not s.list_item]
    assert prose, answer
    for s in prose:
        if s.text.endswith(":"):
            # a lead-in is only ever followed by its list items
            nxt = answer.sentences[answer.sentences.index(s) + 1]
            assert nxt.list_item
        else:
            assert not is_dangling(s.text)
    assert "Learn more" not in answer.text and "Enlarge" not in answer.text


def test_near_duplicates_are_removed(colon_hits: list[Hit]) -> None:
    answer = compose_answer("What is colon cancer?", colon_hits, as_of=AS_OF)
    starts = [s.text for s in answer.sentences if s.text.startswith("Colon cancer starts")]
    assert len(starts) == 1
    assert "Most colon cancers begin as a small growth called a polyp." in answer.text


def test_citations_are_numbered_by_first_use_and_match_their_passage(
    neuropathy_hits: list[Hit],
) -> None:
    answer = compose_answer("What are the symptoms of neuropathy?", neuropathy_hits, as_of=AS_OF)
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    first_use = []
    for s in answer.sentences:
        if s.citation not in first_use:
            first_use.append(s.citation)
    assert first_use == sorted(first_use)
    by_n = {c.n: c for c in answer.citations}
    for s in answer.sentences:
        cite = by_n[s.citation]
        assert is_contained(s.text, _passage_text(neuropathy_hits, cite.chunk_id)), s.text
        assert f"{s.text} [{s.citation}]" in answer.text


def test_citation_fields_and_review_overdue_flag(neuropathy_hits: list[Hit]) -> None:
    answer = compose_answer(
        "Does peripheral neuropathy from chemotherapy get better?", neuropathy_hits, as_of=AS_OF
    )
    by_doc = {c.doc_id: c for c in answer.citations}
    assert by_doc["neuropathy-pdq"].review_overdue is True
    assert by_doc["neuropathy-pdq"].heading == "Neuropathy › Managing it"
    assert by_doc["neuropathy-pdq"].url == "https://www.example.gov/neuropathy-pdq"
    assert by_doc["neuropathy-pdq"].last_reviewed == date(2024, 5, 1)
    if "nerve-problems" in by_doc:
        assert by_doc["nerve-problems"].review_overdue is False


def test_care_team_and_questions_sections_come_from_the_kb(neuropathy_hits: list[Hit]) -> None:
    answer = compose_answer("What are the symptoms of neuropathy?", neuropathy_hits, as_of=AS_OF)
    contact = [s.text for s in answer.sentences if s.section == "contact_care_team"]
    questions = [s.text for s in answer.sentences if s.section == "questions_to_ask"]
    assert contact == [
        "Call your doctor or nurse right away if you cannot feel the floor under your feet "
        "or you fall."
    ]
    assert questions[0] == "Some questions to ask your doctor:"
    assert "How long will the tingling last?" in questions
    assert "When to contact your care team" in answer.text
    assert answer.text.index("When to contact") < answer.text.index("Questions to ask your doctor")


def test_refusal_text_comes_first_and_dosing_drops_amounts(hit_maker) -> None:  # type: ignore[no-untyped-def]
    hits = [
        hit_maker(1, "drug", "Tamoxifen", [("Tamoxifen", (
            "Tamoxifen is a hormone therapy used for some breast cancers. "
            "The usual tamoxifen amount is 20 mg taken by mouth each day. "
            "Tamoxifen can cause hot flashes in some people."
        ))])
    ]  # fmt: skip
    safety = SafetyDecision(
        "dosing",
        "dose-1",
        "how much",
        ("refuse_personal_advice", "withhold_doses"),
        "t",
        "I can't advise on doses.",
    )
    answer = compose_answer("How much tamoxifen should I take?", hits, as_of=AS_OF, safety=safety)
    assert answer.text.startswith("I can't advise on doses.")
    assert "20 mg" not in answer.text
    assert any("hormone therapy" in s.text for s in answer.sentences)


def test_abstain_uses_the_template_and_region_line() -> None:
    answer = abstain("How do I bake bread?", "OFF_TOPIC", region_line="Call 1-800-4-CANCER.")
    assert answer.abstained and answer.abstain_reason == "OFF_TOPIC"
    assert answer.sentences == () and answer.citations == ()
    assert answer.text.endswith("Call 1-800-4-CANCER.")
    assert answer.reading_grade is not None
