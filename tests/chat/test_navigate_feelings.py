"""Navigation ("what should I do next?", "what questions should I ask?") and the kind opening
sentence, on tiny fixtures and on the sample KB."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from oncoguide.chat.aids import asked_part, sections_focus
from oncoguide.chat.assistant import open_assistant
from oncoguide.chat.feelings import Feelings, acknowledge, feeling_of
from oncoguide.chat.navigate import navigation_kind, pick_check_text, pick_questions, pick_tests
from oncoguide.chat.turn import TurnOptions
from oncoguide.config import Settings
from oncoguide.errors import ConfigError
from oncoguide.types import Hit, Passage, TurnResult

pytestmark = pytest.mark.unit

AS_OF = date(2026, 11, 26)


def _ask(db: Path, question: str, region: str = "US") -> TurnResult:
    with open_assistant(Settings(db=db, embedder="none", region=region)) as assistant:
        return assistant.turner(TurnOptions(region=region, as_of=AS_OF))(question)


def _hit(doc_id: str, title: str, sections: list[tuple[str, str]]) -> Hit:
    passages = tuple(
        Passage(f"{doc_id}#{i}", doc_id, f"{title} › {h}", t, 1.0)
        for i, (h, t) in enumerate(sections)
    )
    return Hit(1, doc_id, f"https://x/{doc_id}", title, title, 1.0, "patient", "s", "",
               passages=passages)  # fmt: skip


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("I have had a cough for three weeks, what should I do?", "next_steps"),
        ("my stool has blood in it, should I see a doctor?", "next_steps"),
        ("I found a lump in my neck what are my next steps", "next_steps"),
        ("What questions should I ask my doctor about lung cancer?", "questions"),
        ("questions to ask my oncologist at the first visit", "questions"),
        ("what is chemotherapy", None),
        ("what should patients do about mouth sores", None),
        ("my skin itches since treatment started, what can I do to stop the itching?", None),
        ("my daughter's white count is low, what can we do at home to avoid infection?", None),
        # a side effect named by its treatment is one to manage (the composer), not a symptom
        ("what can I do about chemo brain", None),
        ("what should I do about my radiation burns", None),
        ("what should i do about this lump in my neck", "next_steps"),
    ],
)
def test_navigation_kind(question: str, kind: str | None) -> None:
    assert navigation_kind(question) == kind


LUNG = _hit(
    "lung",
    "Lung Cancer",
    [
        ("Signs", "These and other signs may be caused by lung cancer or by other conditions. "
         "Check with your doctor if you have any of the following:\n\n- chest discomfort or pain"
         "\n- a cough that doesn't go away or gets worse over time\n- trouble breathing"),
        ("Tests are used to diagnose lung cancer",
         "Tests that examine the lungs are used to diagnose lung cancer.\n\n"
         "- **Chest x-ray**: An x-ray of the organs and bones inside the chest.\n"
         "- **CT scan**: A procedure that makes detailed pictures.\n"),
    ],
)  # fmt: skip
SKIN = _hit(
    "skin",
    "Skin Changes",
    [("When to call", "Call your doctor right away if your skin blisters or peels.")],
)


def test_check_text_keeps_the_askers_symptoms_and_needs_a_shared_word() -> None:
    pieces = pick_check_text([SKIN, LUNG], frozenset({"cough", "week"}))
    assert pieces[0].text.startswith("Check with your doctor if you have")
    assert [p.text for p in pieces[1:]] == ["a cough that doesn't go away or gets worse over time"]
    assert pick_check_text([SKIN], frozenset({"cough"})) == []


def test_tests_are_the_sections_lead_and_test_names() -> None:
    pieces = pick_tests([SKIN, LUNG], frozenset({"cough"}))
    assert [p.text for p in pieces] == [
        "Tests that examine the lungs are used to diagnose lung cancer.",
        "Chest x-ray",
        "CT scan",
    ]
    assert all(p.section == "tests" for p in pieces)


def test_question_lists_are_first_person_lists_for_the_doctor() -> None:
    research = _hit(
        "gaps",
        "Workshop",
        [
            (
                "Research gaps",
                "Open questions:\n\n"
                "- What mechanisms protect the breast?\n- Which markers predict risk?",
            )
        ],
    )
    ask = _hit("qs", "Breast Cancer", [("Questions to ask your doctor", "You may ask:\n\n"
               "- What type of breast cancer do I have?\n- What are my treatment choices?\n"
               "- Note this down.")])  # fmt: skip
    pieces = pick_questions([research, ask], frozenset({"breast"}), section="answer")
    assert [p.text for p in pieces] == [
        "You may ask:", "What type of breast cancer do I have?", "What are my treatment choices?"
    ]  # fmt: skip
    assert pick_questions([research], frozenset()) == []


def test_symptoms_get_the_kbs_check_with_your_doctor_text(sample_db: Path) -> None:
    answer = _ask(sample_db, "my feet are tingling since chemo, should I call my doctor?").answer
    assert not answer.abstained and answer.citations
    assert answer.sentences[0].text.startswith("Tell your care team as soon as you notice")
    assert any(s.section == "questions_to_ask" for s in answer.sentences)
    assert "Questions to ask your doctor" in answer.text


def test_symptoms_without_kb_advice_still_get_a_next_step(sample_db: Path) -> None:
    answer = _ask(sample_db, "I found a lump in my armpit, what should I do?").answer
    assert not answer.abstained
    assert answer.text.startswith("I can't tell what is causing this.")
    assert "doctor" in answer.text.split(".")[1]


def test_questions_to_ask_come_from_the_kbs_list(sample_db: Path) -> None:
    answer = _ask(sample_db, "what questions should I ask my doctor about mouth sores").answer
    assert not answer.abstained
    assert [c.url for c in answer.citations] == ["https://example.org/oncoguide-sample/mouth-sores"]
    assert all(s.text.endswith("?") for s in answer.sentences if s.list_item)
    assert len([s for s in answer.sentences if s.list_item]) >= 3


@pytest.mark.parametrize(
    ("message", "feeling"),
    [
        ("I just found out I have breast cancer, what happens next?", "new_diagnosis"),
        ("my husband was just diagnosed with stage 4 pancreatic cancer", "new_diagnosis"),
        ("I'm scared of chemo", "fear"),
        ("I am so worried about the scan", "fear"),
        ("my mum passed away last week, how do I cope", "grief"),
        ("what is fear of recurrence", None),
        ("how is breast cancer diagnosed", None),
        ("what are the side effects of chemotherapy", None),
    ],
)
def test_feeling_of(message: str, feeling: str | None) -> None:
    assert feeling_of(message) == feeling


def test_acknowledgement_is_audience_and_region_aware() -> None:
    me = acknowledge("I just found out I have cancer")
    them = acknowledge("my wife was just diagnosed")
    assert me and them and me != them and "family" in them
    uk = acknowledge("I just found out I have cancer", region="UK")
    assert uk and uk != me and "alright" in uk
    assert acknowledge("I just found out I have cancer", audience="caregiver") == them
    assert acknowledge("what is chemo") is None


def test_templates_must_be_single_sentences() -> None:
    good = {
        "cues": {"fear": ["scared"]},
        "caregiver_cue": "my wife",
        "templates": {"default": {"fear": {"patient": "Kind words.", "caregiver": "Kind."}}},
    }
    assert Feelings.from_mapping(good).sentence("so scared") == "Kind words."
    bad = {**good, "templates": {"default": {"fear": {"patient": "One. Two.", "caregiver": "K."}}}}
    with pytest.raises(ConfigError):
        Feelings.from_mapping(bad)
    with pytest.raises(ConfigError):
        Feelings.from_mapping({"cues": {}})  # fmt: skip


def test_answer_starts_with_the_kind_sentence_then_the_cited_answer(sample_db: Path) -> None:
    plain = _ask(sample_db, "how can caregivers look after themselves").answer
    kind = _ask(sample_db, "I'm scared. how can caregivers look after themselves").answer
    first, rest = kind.text.split("\n\n", 1)
    assert first == acknowledge("I'm scared")
    assert kind.sentences and rest.startswith(plain.text.split("\n\n")[0][:40])


def test_asked_part_drops_the_story() -> None:
    assert asked_part("I just found out I have cancer, what is chemotherapy") == (
        "what is chemotherapy"
    )
    assert asked_part("what is chemotherapy") is None
    # A part that points back into the story cannot stand alone.
    assert asked_part("what causes kidney stones and how do you pass them") is None


def test_navigation_hands_back_the_passages_it_quotes(sample_db: Path) -> None:
    result = _ask(sample_db, "my feet are tingling since chemo, should I call my doctor?")
    passages = {p.chunk_id: p.text for h in result.hits for p in h.passages}
    assert {c.doc_id for c in result.answer.citations} <= {h.doc_id for h in result.hits}
    for s in result.answer.sentences:
        chunk = result.answer.citations[s.citation - 1].chunk_id
        assert s.text in passages[chunk].replace("\n", " ") or s.text in passages[chunk]


@pytest.mark.parametrize(
    "question",
    [
        "how often should i get a mammagram",
        "friends keep offering to help, what should i ask them to do while i care for my dad",
        "should I worry about the side effects of my chemo",
    ],
)
def test_everyday_questions_are_not_taken_for_navigation(question: str) -> None:
    assert navigation_kind(question) is None


def test_sections_focus_is_the_asked_part_after_a_story_when_it_stands_alone() -> None:
    assert (
        sections_focus(
            "had lymph nodes removed for breast cancer. how would I know if I'm getting lymphedema?"
        )
        == "how would I know if I'm getting lymphedema?"
    )
    assert sections_focus("how long is recovery after a lumpectomy? do I need time off?") is None
    assert sections_focus("I get hot flashes. do these go away after treatment?") is None


def test_a_question_list_headed_by_the_topic_beats_one_on_a_page_titled_with_it() -> None:
    lymph = _hit(
        "lymph",
        "Lymphedema and Cancer - Side Effects",
        [("Talking with your doctor", "Ask these questions about lymphedema:\n\n"
          "- Does my treatment put me at risk of lymphedema?\n- What changes should I look for?")],
    )  # fmt: skip
    treat = _hit(
        "treat",
        "Questions to Ask about Cancer Treatment",
        [("Questions about Side Effects", "- What side effects can I expect?\n"
          "- How can I prevent or treat side effects?")],
    )  # fmt: skip
    terms = frozenset({"side", "effect", "treatment"})
    pieces = pick_questions([lymph, treat], terms)
    assert pieces[0].text == "What side effects can I expect?"
