"""Composer fixes found by reading answers on the real KB, each on a small hand-written fixture.

The texts are paraphrases in our own words that reproduce the KB's shapes: lead-ins without a
colon, pronoun-led sentences, PDQ "Key Points" bullets, editorial sections, lists on other pages.
"""

from __future__ import annotations

from datetime import date

import pytest

from oncoguide.answer.compose import compose_answer
from oncoguide.answer.qtypes import read_question
from oncoguide.kb.sections import parse_blocks
from oncoguide.text import is_anaphoric, is_lead_in
from oncoguide.types import Hit

from .conftest import make_hit

pytestmark = pytest.mark.unit

AS_OF = date(2025, 6, 1)

KIDNEY_SIGNS = """Signs of kidney cancer differ from person to person. Blood in the urine is the \
sign seen most often.

Other common signs of kidney cancer include

- a lump in the side or lower back
- pain in the side that does not go away
- tiredness that lasts"""

NERVE = """Peripheral neuropathy is damage to the nerves outside the brain and spinal cord. \
It usually starts in the fingers and toes and moves up the arms and legs."""

PDQ_KEY_POINTS = """- Hodgkin lymphoma is a cancer that forms in the lymph system.
- Signs of Hodgkin lymphoma include swollen lymph nodes and fever."""

PDQ_BODY = """Hodgkin lymphoma is a type of cancer that starts in white blood cells called \
lymphocytes, which are part of the body's immune system."""

PDQ_ABOUT = """The information in this patient summary was taken from the health professional \
version, which is reviewed regularly by the editorial board."""


def test_a_paragraph_without_closing_punctuation_leads_into_its_list() -> None:
    blocks = parse_blocks(KIDNEY_SIGNS.splitlines())
    lists = [b for b in blocks if b.kind == "list"]
    assert lists[0].lead_in == "Other common signs of kidney cancer include"
    assert is_lead_in("Symptoms may include") and is_lead_in("Causes include:")
    assert not is_lead_in("Blood in the urine is the sign seen most often.")


def test_list_without_colon_lead_in_is_quoted_whole() -> None:
    hits = [make_hit(1, "kidney", "Kidney Cancer Signs", [("Kidney Cancer Signs", KIDNEY_SIGNS)])]
    answer = compose_answer("What are the signs of kidney cancer?", hits, as_of=AS_OF)
    items = [s.text for s in answer.sentences if s.list_item]
    assert items == [
        "a lump in the side or lower back",
        "pain in the side that does not go away",
        "tiredness that lasts",
    ]
    texts = [s.text for s in answer.sentences]
    assert texts.index("Other common signs of kidney cancer include") == texts.index(items[0]) - 1


def test_a_pronoun_led_sentence_never_stands_without_its_antecedent() -> None:
    assert is_anaphoric("It usually starts in the fingers and toes.")
    assert is_anaphoric("These and other signs may be caused by other conditions.")
    assert not is_anaphoric("Itching is a common side effect.")
    hits = [make_hit(1, "nerve", "Nerve Problems", [("Nerve Problems", NERVE)])]
    answer = compose_answer("where does neuropathy usually start", hits, as_of=AS_OF)
    texts = [s.text for s in answer.sentences]
    it = "It usually starts in the fingers and toes and moves up the arms and legs."
    if it in texts:  # only ever right after the sentence that names what "it" is
        assert texts[texts.index(it) - 1].startswith("Peripheral neuropathy is damage")
    assert texts[0].startswith("Peripheral neuropathy is damage")


def test_body_text_beats_key_points_and_editorial_sections_are_never_quoted() -> None:
    hits = [
        make_hit(1, "hodgkin", "Hodgkin Lymphoma Treatment", [
            ("Hodgkin Lymphoma › General Information › Key Points", PDQ_KEY_POINTS),
            ("Hodgkin Lymphoma › General Information › What is Hodgkin lymphoma?", PDQ_BODY),
            ("Hodgkin Lymphoma › About This PDQ Summary › Reviewers and Updates", PDQ_ABOUT),
        ]),
    ]  # fmt: skip
    answer = compose_answer("What is Hodgkin lymphoma?", hits, as_of=AS_OF)
    assert answer.sentences[0].text == PDQ_BODY
    assert "editorial board" not in answer.text


def _two_pages() -> list[Hit]:
    # The page the question names leads retrieval; the other page is well behind it.
    top = make_hit(1, "adult-aml", "Adult AML Treatment", [(
        "Adult AML › Treatment", "Adult AML is treated with chemotherapy in two phases. "
        "The first phase aims to kill the leukemia cells in the blood and bone marrow.",
    )], score=1.0)  # fmt: skip
    other = make_hit(2, "child-aml", "Childhood AML Treatment", [(
        "Childhood AML › Supportive care",
        "Supportive care treatments for children include:\n\n- antibiotics\n- transfusions",
    )], score=0.75)  # fmt: skip
    return [top, other]


def test_a_list_from_a_lower_ranked_page_does_not_replace_the_top_page() -> None:
    answer = compose_answer("What are the treatments for adult AML?", _two_pages(), as_of=AS_OF)
    assert {c.doc_id for c in answer.citations} >= {"adult-aml"}
    assert not any(s.list_item for s in answer.sentences)
    assert answer.citations[0].doc_id == "adult-aml"


def test_the_page_gap_is_for_list_questions_only() -> None:
    # A question that does not ask for a list keeps the plain rank prior: the section that
    # answers it wins on the page the retriever put behind.
    answer = compose_answer(
        "Is supportive care given to children with AML?", _two_pages(), as_of=AS_OF
    )
    assert answer.citations[0].doc_id == "child-aml"


@pytest.mark.parametrize(
    ("question", "main"),
    [
        ("What symptoms can bladder cancer cause?", "symptoms"),
        ("What causes bladder cancer?", "causes"),
        ("What increases the risk of bladder cancer?", "risk"),
        ("What urinary problems can cancer treatment cause?", "side_effects"),
        ("my dad has mouth sores after radiation what helps", "manage"),
        ("how often should I get a colonoscopy", "when"),
        ("what does HER2 positive mean", "what_is"),
        ("is hair loss permanent after chemotherapy", "yes_no"),
    ],
)
def test_question_types(question: str, main: str) -> None:
    q = read_question(question)
    assert q.main is not None and q.main.name == main
