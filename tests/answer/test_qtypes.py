"""The question-type table (qtypes.yaml) and the asked part of a question that tells a story."""

from __future__ import annotations

import pytest

from oncoguide.answer.qtypes import is_never_answer, question_types, read_question, type_named

pytestmark = pytest.mark.unit


def test_the_table_has_every_type_the_issue_names_and_manage_avoids_causes() -> None:
    names = {t.name for t in question_types()}
    assert names >= {
        "manage", "causes", "symptoms", "tests", "treatment", "side_effects", "risk",
        "prognosis", "what_is", "yes_no", "when", "practical",
    }  # fmt: skip
    assert "causes" in type_named("manage").avoid
    assert type_named("manage").names("Ways to manage mouth sores")
    assert type_named("causes").names("Causes of mouth sores")
    assert not type_named("manage").names("Causes of mouth sores")


def test_a_story_first_question_asks_in_its_last_clause() -> None:
    q = read_question(
        "my husband was just diagnosed with stage 4 pancreatic cancer, how long do people "
        "usually live"
    )
    assert q.asked == "how long do people usually live"
    assert "pancreat" in " ".join(q.story_terms)
    assert q.main is not None and q.main.name == "prognosis"


def test_a_plain_question_is_all_asked() -> None:
    q = read_question("What are the symptoms of ovarian cancer?")
    assert q.story == "" and q.asked_terms == q.terms
    assert q.main is not None and q.main.name == "symptoms"


def test_editorial_and_key_point_sections_are_never_answers() -> None:
    assert is_never_answer("Hodgkin Lymphoma › About This PDQ Summary › Reviewers and Updates")
    assert is_never_answer("Hodgkin Lymphoma › General Information › Key Points")
    assert not is_never_answer("Hodgkin Lymphoma › General Information")


@pytest.mark.parametrize(
    ("question", "asks_list"),
    [
        ("What are the signs and symptoms of breast cancer?", True),
        ("Which tests are used to find it?", True),
        ("What can cause diarrhea in people with cancer?", True),
        ("Who is at higher risk of delirium?", True),
        ("How is stomach cancer diagnosed?", True),
        ("What is a port?", False),
        ("Is hair loss permanent after chemotherapy?", False),
        ("how often should I get a colonoscopy", False),
    ],
)
def test_a_question_that_asks_for_a_list_is_told_by_its_asked_part(
    question: str, asks_list: bool
) -> None:
    assert read_question(question).asks_list is asks_list


def test_the_story_does_not_make_a_list_question() -> None:
    q = read_question("I read about the symptoms of lymphoma online, is it curable?")
    assert not q.asks_list


@pytest.mark.parametrize(
    ("question", "main", "absent"),
    [
        ("do these go away after treatment or can they keep going?", "yes_no", "treatment"),
        ("does acupuncture actually work for chemo nausea?", "yes_no", "practical"),
        ("anything simple i can do at home without more pills?", "manage", None),
        ("how should I take care of it?", "manage", None),
        ("how is bladder cancer treated", "treatment", None),
    ],
)
def test_time_words_and_verbs_do_not_make_a_type(
    question: str, main: str, absent: str | None
) -> None:
    q = read_question(question)
    assert q.main is not None and q.main.name == main
    assert absent is None or not q.is_type(absent)


def test_time_frame_words_are_not_topic_words() -> None:
    q = read_question("I am donating stem cells. How long does the collection take?")
    assert q.is_type("when")
    assert not q.asked_terms & {"long", "take"}


@pytest.mark.parametrize(
    ("question", "main"),
    [
        ("what is Fareston for", "use"),
        ("whats letrozole used for?", "use"),
        ("what does anastrozole treat", "use"),
        ("why is my mum on dexamethasone", "use"),
        ("what is a port and why do they put one in", "use"),
        ("what is the treatment for", "treatment"),
        # the pronoun points back to what the story named (a medicine, a test, a procedure)
        ("what is it for", "use"),
        ("my mum has been prescribed lonsurf tablets, what is that for?", "use"),
        ("my doctor mentioned orserdu. what kind of breast cancer is it for?", "use"),
        ("what is it", "what_is"),
        ("what is chemo brain", "what_is"),
    ],
)
def test_what_a_medicine_is_for_is_a_use_question(question: str, main: str) -> None:
    q = read_question(question)
    assert q.main is not None and q.main.name == main
    assert type_named("use").names("Use in Cancer")
    assert not type_named("use").names("More About Toremifene Citrate")


def test_a_heading_that_points_elsewhere_is_never_an_answer() -> None:
    assert is_never_answer("Ways to Add Calories › Eggs › Learn more tips to help manage eating.")
    assert is_never_answer("Nausea › See also")
    assert is_never_answer("Supportive & Palliative Care Editorial Board")
    assert not is_never_answer("Nausea › Learning to manage nausea")


def test_the_kinds_of_a_thing_are_asked_for_under_their_own_type() -> None:
    q = read_question(
        "pathology report says transitional cell. what are the different kinds of bladder cancer?"
    )
    assert q.main is not None and q.main.name == "kinds" and q.asks_list
    kinds = type_named("kinds")
    assert any(p.search("Types of bladder cancer") for p in kinds.heading)
    assert not any(p.search("The following types of treatment are used:") for p in kinds.heading)
    q = read_question("what types of treatment are there for bladder cancer?")
    assert q.main is not None and q.main.name == "treatment"
