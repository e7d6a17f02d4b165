from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from oncoguide.answer.compose import compose_answer, render_text
from oncoguide.answer.sections import pick_section
from oncoguide.answer.select import detect_intent, units
from oncoguide.answer.verify import label_supported, verify_answer
from oncoguide.types import Hit, Passage

pytestmark = pytest.mark.unit

TITLE = "Causes of Gut Cancer"
RISK = f"{TITLE} › Risk factors for gut cancer"
# Our own wording, shaped like a cancer.gov page: a risk-factor section told in subsections.
SECTIONS: list[tuple[str, str]] = [
    (TITLE, "Gut cancer starts when cells in the gut lining grow out of control."),
    (RISK, "Several things can raise the risk of gut cancer."),
    (f"{RISK} › Germ infection", "A long-lasting germ infection of the gut lining raises risk."),
    (
        f"{RISK} › Other conditions",
        "The risk of gut cancer is higher in people who have:\n\n- long-term gut swelling\n"
        "- low iron in the blood",
    ),
    (f"{RISK} › Diet", "Eating a lot of salted food may raise the risk of gut cancer."),
    (f"{TITLE} › Getting help", "Ask your care team about your own risk."),
]
AS_OF = date(2025, 1, 1)


def _hit(sections: list[tuple[str, str]] = SECTIONS) -> Hit:
    passages = tuple(
        Passage(f"gut#{i}", "gut", heading, text, 1.0) for i, (heading, text) in enumerate(sections)
    )
    return Hit(
        0, "gut", "https://x/gut", TITLE, TITLE, 1.0, "patient", "nci", "", passages=passages
    )


def test_a_section_in_subsections_becomes_one_labelled_item_per_subsection() -> None:
    items = pick_section(units([_hit()], 3), "What are the risk factors for gut cancer?")
    assert items[0].text == "Several things can raise the risk of gut cancer."
    assert not items[0].label and not items[0].list_item
    labelled = [(i.label, i.text) for i in items if i.label]
    assert labelled == [
        ("Germ infection", "A long-lasting germ infection of the gut lining raises risk."),
        ("Other conditions", "The risk of gut cancer is higher in people who have:"),
        ("Diet", "Eating a lot of salted food may raise the risk of gut cancer."),
    ]
    # A subsection that opens on a list brings the list's items after its lead-in.
    assert [i.text for i in items if i.list_item and not i.label] == [
        "long-term gut swelling",
        "low iron in the blood",
    ]


def test_no_section_shape_with_too_few_subsections_or_another_question_type() -> None:
    one = [(h.removeprefix(f"{TITLE} › "), t) for h, t in SECTIONS[1:3]]
    assert pick_section(units([_hit(one)], 3), "What are the risk factors?") == []
    assert pick_section(units([_hit()], 3), "What are the stages of gut cancer?") == []
    # Two subsections are too few under a heading that also names another type ...
    two = [
        (h.removeprefix(f"{TITLE} › ").replace("Risk factors", "Risk factors and tests"), t)
        for h, t in SECTIONS[1:4]
    ]
    assert pick_section(units([_hit(two)], 3), "What are the risk factors?") == []
    # ... and under a heading named only by the question's words.
    words = [(h.replace(RISK, "Gut meals"), t) for h, t in SECTIONS[1:4]]
    assert pick_section(units([_hit(words)], 3), "What counts as gut meals?") == []


# Our own wording: a diagnosis section in two subsections, then a staging section in three.
FIND = "Finding Gut Cancer"
DIAGNOSIS: list[tuple[str, str]] = [
    (FIND, "Your doctor may do tests to find gut cancer."),
    (f"{FIND} › How gut cancer is diagnosed", "These tests are used to find gut cancer."),
    (f"{FIND} › How gut cancer is diagnosed › Gut scope", "A gut scope is a thin lit tube."),
    (f"{FIND} › How gut cancer is diagnosed › Biopsy", "A biopsy removes a bit of gut tissue."),
    (f"{FIND} › Tests to stage gut cancer", "These tests show how far the cancer has spread."),
    (f"{FIND} › Tests to stage gut cancer › Scans", "A scan takes pictures inside the body."),
    (f"{FIND} › Tests to stage gut cancer › Blood tests", "A blood test checks blood cells."),
    (f"{FIND} › Tests to stage gut cancer › Lymph nodes", "A node may be removed and checked."),
]


def test_two_subsections_suffice_under_a_heading_naming_only_the_asked_type() -> None:
    hit = replace(_hit(DIAGNOSIS), title=FIND)
    items = pick_section(units([hit], 3), "What tests are used to diagnose gut cancer?")
    # The staging section has more subsections but also names stages: it loses.
    assert [(i.label, i.text) for i in items if i.label] == [
        ("Gut scope", "A gut scope is a thin lit tube."),
        ("Biopsy", "A biopsy removes a bit of gut tissue."),
    ]
    staged = pick_section(units([hit], 3), "What tests are used to stage gut cancer?")
    assert [i.label for i in staged if i.label] == ["Scans", "Blood tests", "Lymph nodes"]


def test_without_a_question_type_a_heading_made_of_the_question_words_is_used() -> None:
    sections = [
        ("Clear Drinks", "Your doctor may suggest clear drinks before a test."),
        ("Clear Drinks › Soups", "- clear broth"),
        ("Clear Drinks › Juices", "- apple juice\n- white grape juice"),
        ("Clear Drinks › Sweets", "- plain gelatin"),
    ]
    assert pick_section(units([_hit(sections)], 3), "What are clear drinks?") == []
    items = pick_section(units([_hit(sections)], 3), "What counts as clear drinks?")
    assert [(i.label, i.text) for i in items if i.list_item] == [
        ("Soups", "clear broth"),
        ("Juices", "apple juice"),
        ("", "white grape juice"),
        ("Sweets", "plain gelatin"),
    ]


def test_the_composed_section_answer_renders_labels_and_verifies_whole() -> None:
    hit = _hit()
    answer = compose_answer("What are the risk factors for gut cancer?", [hit], as_of=AS_OF)
    assert "- Diet: Eating a lot of salted food may raise the risk of gut cancer. [" in answer.text
    verified = verify_answer(answer, [hit])
    assert verified.sentences == answer.sentences
    assert "- Germ infection: " in render_text(verified.sentences)


def test_a_label_that_is_not_the_cited_passages_heading_is_dropped() -> None:
    hit = _hit()
    answer = compose_answer("What are the risk factors for gut cancer?", [hit], as_of=AS_OF)
    diet = next(s for s in answer.sentences if s.label == "Diet")
    forged = replace(diet, label="Getting help")  # the sentence is right; the label is not
    tampered = replace(
        answer, sentences=tuple(forged if s is diet else s for s in answer.sentences)
    )
    verified = verify_answer(tampered, [hit])
    assert all(s.label != "Getting help" for s in verified.sentences)
    assert len(verified.sentences) == len(answer.sentences) - 1


def test_label_supported_reads_the_heading_path_or_the_text() -> None:
    passage = Passage("p", "d", f"{RISK} › Diet", "Salted food. **Smoked food** too.", 1.0)
    assert label_supported("Diet", passage)
    assert label_supported("Risk factors for gut cancer", passage)
    assert label_supported("Smoked food", passage)
    assert not label_supported("Tobacco use", passage)
    assert not label_supported("Die", passage)  # a whole heading, not a piece of one


@pytest.mark.parametrize(
    "question",
    ["Who is at higher risk of delirium?", "What other problems can make fatigue worse?"],
)
def test_risk_questions_without_the_words_risk_factor_have_the_risk_intent(question: str) -> None:
    found = detect_intent(question)
    assert found is not None and found[0] == "risk_factors"
    assert detect_intent("What is delirium?") is None


def test_question_headings_of_an_faq_page_are_not_item_labels() -> None:
    faq = [
        ("Gut Signs", "A gut change can be a sign of gut cancer."),
        ("Gut Signs › What are the signs of gut cancer?", "Check with your doctor if you have:"),
        ("Gut Signs › Is pain a sign of gut cancer?", "Gut cancer does not often cause pain."),
        ("Gut Signs › What should I do about a sign?", "Most gut changes are not cancer."),
        ("Gut Signs › Screening", "Screening finds gut cancer early."),
    ]
    assert pick_section(units([_hit(faq)], 3), "What are the signs of gut cancer?") == []


def test_a_section_naming_another_question_type_loses_to_one_naming_only_the_asked_type() -> None:
    root, stage = "How Is Gut Cancer Diagnosed?", "How Is Gut Cancer Diagnosed? › Tests to stage"
    sections = [
        (root, "Your doctor may suggest tests to find out if you have gut cancer."),
        (f"{root} › Imaging tests", "- A gut scan makes pictures of the gut."),
        (f"{root} › Biopsy", "- A gut biopsy removes a little tissue."),
        (stage, "More tests find out how far the cancer has spread."),
        (f"{stage} › Node biopsy", "A node biopsy checks the lymph nodes."),
        (f"{stage} › Chest scan", "A chest scan looks for spread to the lungs."),
        (f"{stage} › Bone scan", "A bone scan looks for spread to the bones."),
    ]
    items = pick_section(units([_hit(sections)], 3), "What tests are used to diagnose gut cancer?")
    labels = [i.label for i in items if i.label]
    assert labels[:3] == ["Imaging tests", "Biopsy", "Tests to stage"]
    assert items[0].text == "Your doctor may suggest tests to find out if you have gut cancer."


def test_a_subsection_opening_on_a_sentence_brings_the_list_that_follows_it() -> None:
    causes = "Tiredness › Causes of tiredness"
    sections = [
        (causes, "Many things can cause tiredness."),
        (f"{causes} › From the cancer", "The cancer itself can cause tiredness."),
        (
            f"{causes} › From side effects",
            "Some side effects can make tiredness worse.\n\n- **Anemia**. Low red cells.\n"
            "- **Sleep problems**. Poor sleep.",
        ),
        (f"{causes} › From feelings", "Worry can also tire you out."),
    ]
    items = pick_section(units([_hit(sections)], 3), "What problems can make tiredness worse?")
    texts = [(i.label, i.text) for i in items if i.list_item]
    assert ("From side effects", "Some side effects can make tiredness worse.") in texts
    items_after = [t for label, t in texts if not label]
    assert [t.split(".")[0] for t in items_after] == ["Anemia", "Sleep problems"]
    # The list stays under its subsection: before the next subsection's item.
    assert texts[2][1].startswith("Anemia") and texts[-1][0] == "From feelings"


def test_a_hyphenated_heading_is_named_by_the_question_words() -> None:
    sections = [
        ("Easy-to-Chew Foods", "These foods are soft."),
        ("Easy-to-Chew Foods › Soups", "- smooth soup"),
        ("Easy-to-Chew Foods › Meals", "- mashed potatoes"),
        ("Easy-to-Chew Foods › Sweets", "- pudding"),
    ]
    q = "What foods are easy to chew during cancer treatment?"
    items = pick_section(units([_hit(sections)], 3), q)
    assert [i.label for i in items if i.label] == ["Soups", "Meals", "Sweets"]


@pytest.mark.parametrize(
    "question",
    ["What foods are easy to digest during cancer treatment?", "What should I eat after chemo?"],
)
def test_a_time_of_treatment_does_not_make_a_treatment_question(question: str) -> None:
    assert detect_intent(question) is None
    found = detect_intent("What are the treatment options after surgery?")
    assert found is not None and found[0] == "treatments"


def test_a_question_of_both_directions_quotes_the_raising_and_the_lowering_sections() -> None:
    up = "Gut Cancer Prevention › These things increase the risk of gut cancer:"
    down = "Gut Cancer Prevention › These things decrease the risk of gut cancer:"
    unclear = "Gut Cancer Prevention › It is not known if these affect the risk of gut cancer:"
    sections = [
        (f"{up} › Age", "Gut cancer is more common in older people."),
        (f"{up} › Smoking", "Smoking is linked to a higher risk of gut cancer."),
        (f"{up} › Salted food", "Eating a lot of salted food raises the risk of gut cancer."),
        (f"{down} › Exercise", "Regular exercise lowers the risk of gut cancer."),
        (f"{down} › Fruit", "Eating fruit every day may lower the risk of gut cancer."),
        (f"{down} › Polyp removal", "Removing gut polyps lowers the risk of gut cancer."),
        (f"{unclear} › Coffee", "It is not known if coffee affects the risk of gut cancer."),
        (f"{unclear} › Tea", "It is not known if tea affects the risk of gut cancer."),
        (f"{unclear} › Milk", "It is not known if milk affects the risk of gut cancer."),
    ]
    all_units = units([_hit(sections)], 3)
    both = pick_section(all_units, "What raises or lowers the risk of gut cancer?")
    assert [i.label for i in both if i.label] == [
        "Age", "Smoking", "Salted food", "Exercise", "Fruit", "Polyp removal",
    ]  # fmt: skip
    # One direction asked: one section.
    up_only = pick_section(all_units, "What raises the risk of gut cancer?")
    assert [i.label for i in up_only if i.label] == ["Age", "Smoking", "Salted food"]


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("What can cause diarrhea in people with cancer?", "risk_factors"),
        ("What raises or lowers the risk of gut cancer?", "risk_factors"),
        ("What symptoms can gut cancer cause?", "symptoms"),
    ],
)
def test_what_can_cause_asks_for_causes(question: str, intent: str) -> None:
    found = detect_intent(question)
    assert found is not None and found[0] == intent


def test_two_subsections_naming_one_item_or_the_whole_page_are_too_few() -> None:
    title = "Gut Cancer Care"
    sections = [
        (title, "Several treatments are used for gut cancer."),
        (f"{title} › Radiation therapy", "Radiation kills cancer cells."),
        (f"{title} › Radiation therapy › Outside", "A machine aims rays at the tumor."),
        (f"{title} › Radiation therapy › Inside", "A seed is placed near the tumor."),
    ]
    hit = replace(_hit(sections), title=title)
    # "Radiation therapy" names a treatment, not the subject (gut cancer).
    assert pick_section(units([hit], 3), "What are the treatment options for gut cancer?") == []
    # The page title names the subject, but the whole page is no section of two subsections.
    page = [(h.replace(title, "Gut Cancer Treatment"), t) for h, t in sections[:2]]
    page += [("Gut Cancer Treatment › Surgery", "Surgery removes the tumor.")]
    assert pick_section(units([_hit(page)], 3), "How is gut cancer treated?") == []
