from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from oncoguide.answer.compose import compose_answer
from oncoguide.answer.lists import ListQuestion, focus_terms, list_score, pick_lists
from oncoguide.answer.select import units
from oncoguide.answer.verify import verify_answer
from oncoguide.types import Hit, Passage

pytestmark = pytest.mark.unit

# Our own wording. The hypercalcemia list comes first and shares the heading: only the lead-in
# context says which list is about myeloma.
MYELOMA = """A tumor can harm the bone and raise the calcium in the blood. \
Hypercalcemia may cause the following signs and symptoms:

- Thirst.
- Muddled thinking.

Signs and symptoms may be caused by multiple myeloma or other conditions. \
Check with your doctor if you have any of the following:

- Aching bones in the back.
- Bones that snap easily.
- Feeling worn out."""

# One list in parts, each part with a short "such as:" lead-in, after an "including:" sentence.
BREAST = """Most breast changes are not cancer, but check with your doctor if you notice changes \
in your breast, including:

**Breast lump**, such as:

- a lump near the armpit
- a firm area in the breast

**Nipple changes**, such as:

- fluid that is not milk

**Skin changes**, such as:

- dimpled skin
- redness of the skin

Breast pain is rarely a sign of cancer. Other things, such as:

- cysts
- hormones"""


def _hit(text: str, heading: str, doc_id: str = "d1") -> Hit:
    passage = Passage(f"{doc_id}#0", doc_id, heading, text, 1.0)
    return Hit(
        1,
        doc_id,
        f"https://x/{doc_id}",
        "T",
        heading,
        1.0,
        "patient",
        "nci",
        "",
        passages=(passage,),
    )


def _items(question: str, hit: Hit) -> list[str]:
    choice = pick_lists(units([hit], 3), question)
    return [item for u in choice.units for item in u.block.items]


def test_the_list_whose_lead_in_names_the_subject_wins_over_another_conditions_list() -> None:
    hit = _hit(MYELOMA, "Myeloma › Multiple myeloma")
    items = _items("What are the symptoms of multiple myeloma?", hit)
    assert items == ["Aching bones in the back.", "Bones that snap easily.", "Feeling worn out."]
    # ... and the other list when the question is about the other condition.
    assert _items("What are the signs of hypercalcemia?", hit) == ["Thirst.", "Muddled thinking."]


def test_focus_terms_drop_the_list_type_words() -> None:
    assert focus_terms("What are the signs and symptoms of multiple myeloma?") == {
        "multiple",
        "myeloma",
    }


def test_a_list_in_parts_is_quoted_whole_with_its_introduction() -> None:
    hit = _hit(BREAST, "Signs and Symptoms of Breast Cancer")
    answer = compose_answer(
        "What are the symptoms of breast cancer?", [hit], as_of=date(2025, 1, 1)
    )
    texts = [s.text for s in answer.sentences]
    first_part = texts.index("Breast lump, such as:")
    assert texts[first_part - 1].endswith("including:")
    assert "Nipple changes, such as:" in texts and "redness of the skin" in texts
    assert "cysts" not in texts  # the next list is another subject, not a part of this one
    verified = verify_answer(answer, [hit])
    assert len(verified.sentences) == len(answer.sentences)


def test_a_long_list_is_cut_at_fifteen_items() -> None:
    items = "\n".join(f"- symptom number {i} of the disease" for i in range(30))
    hit = _hit(f"Signs of the disease include:\n\n{items}", "Disease")
    choice = pick_lists(units([hit], 3), "What are the signs of the disease?")
    assert len(choice.units) == 1 and len(choice.units[0].block.items) == 30
    answer = compose_answer("What are the signs of the disease?", [hit], as_of=date(2025, 1, 1))
    listed = [s.text for s in answer.sentences if s.list_item]
    assert listed == [f"symptom number {i} of the disease" for i in range(15)]


def test_no_list_for_a_question_without_a_list_type() -> None:
    hit = _hit(MYELOMA, "Myeloma")
    assert pick_lists(units([hit], 3), "Is myeloma common in young people?").units == ()


# Our own wording: a risk-factor list whose lead-in says "may cause", a list that only mentions
# symptoms, a list for children, then the adults' symptom list (the answer) last; one passage each.
LOW_MOOD = (
    "Some things raise the chance of low mood. Risk factors that may cause low mood include\n\n"
    "- pain that is not controlled\n- a past low mood",
    "People with cancer may feel a lot of pain. Keeping pain and other symptoms under control "
    "will help to\n\n- ease distress\n- feel calmer",
    "Symptoms of low mood in children may include\n\n- crying a lot\n- not wanting to play",
    "Low mood is more than sadness. Other symptoms of low mood include\n\n"
    "- loss of joy in hobbies\n- changes in sleep\n- feeling worthless",
)


def test_off_type_children_and_mention_only_lists_lose_to_the_symptom_list() -> None:
    passages = tuple(
        _passage("Low Mood › Low mood and cancer", t, i) for i, t in enumerate(LOW_MOOD)
    )
    hit = replace(_hit("", "x"), passages=passages)
    items = _items("What are the symptoms of low mood in people with cancer?", hit)
    assert items == ["loss of joy in hobbies", "changes in sleep", "feeling worthless"]
    # The children's list when the question is about children.
    assert _items("What are the symptoms of low mood in children?", hit)[0] == "crying a lot"


def test_lists_named_by_their_own_headings_are_quoted_together() -> None:
    diagnosed = _passage("How is gut upset diagnosed?", "Your doctor may ask questions such as:\n\n"
                         "- How often do you go?\n- What do you eat?", 0)  # fmt: skip
    other = _passage("What causes gut upset? › Other causes", "- Stress.\n- Infections.", 1)
    treat = _passage(
        "What causes gut upset? › Causes from cancer treatments", "- Chemotherapy.\n- Surgery.", 2
    )
    hit = replace(_hit("", "x"), passages=(diagnosed, other, treat))
    items = _items("What can cause gut upset in people with cancer?", hit)
    assert items == ["Stress.", "Infections.", "Chemotherapy.", "Surgery."]


def test_a_set_question_without_a_type_matches_the_sentence_before_the_lead_in() -> None:
    text = (
        "Chemotherapy may be given in many ways. Some common ways include:\n\n"
        "- by mouth\n- into a vein\n\nWhen used with other treatments, chemotherapy can:\n\n"
        "- shrink a tumor\n- kill cells left after surgery"
    )
    hit = _hit(text, "Chemotherapy › How chemotherapy is given")
    assert _items("In what ways can chemotherapy be given?", hit) == ["by mouth", "into a vein"]
    # Another question still needs the lead-in itself to restate it.
    assert _items("How is chemotherapy given?", hit) == []


def test_a_set_question_matches_a_list_by_its_heading() -> None:
    tell = _passage(
        "What to tell your doctor at follow-up visits",
        "Other things you should tell your doctor:\n\n- tiredness\n- problems with sleep",
        0,
    )
    when = _passage(
        "Your follow-up schedule",
        "How often you return for follow-up visits is based on:\n\n- your cancer\n- your health",
        1,
    )
    hit = replace(_hit("", "x"), passages=(when, tell))
    question = "What problems should I mention at follow-up visits after treatment?"
    assert _items(question, hit) == ["tiredness", "problems with sleep"]


def _passage(heading: str, text: str, i: int) -> Passage:
    return Passage(f"d1#{i}", "d1", heading, text, 1.0)


def test_list_scores_rank_off_type_below_one_and_kind_of_subject_above_a_mention() -> None:
    passages = tuple(_passage("Low Mood › Low mood and cancer", t, 0) for t in LOW_MOOD)
    q = ListQuestion.of("What are the symptoms of low mood in people with cancer?")
    assert q is not None
    lists = [u for p in passages for u in units([replace(_hit("", "x"), passages=(p,))], 3)]
    risk, mention, _, answer = (list_score(u, q) for u in lists if u.block.kind == "list")
    assert risk < 1.0 < mention < answer


NERVES = """People with nerve problems should take care to avoid falls.

Damage to the nerves that sense touch can cause:

- a pins-and-needles feeling in your feet and hands
- trouble feeling heat or cold"""


def test_a_question_in_the_readers_words_gets_the_list_whose_item_says_it() -> None:
    hit = _hit(NERVES, "Nerve problems")
    answer = compose_answer(
        "pins and needles in my feet after chemo", [hit], as_of=date(2026, 1, 1)
    )
    texts = [s.text for s in answer.sentences]
    assert "Damage to the nerves that sense touch can cause:" in texts
    assert any("pins-and-needles" in t for t in texts) and any("heat or cold" in t for t in texts)
    assert verify_answer(answer, [hit]).sentences == answer.sentences


def test_a_definition_question_is_not_answered_by_a_list_that_names_it() -> None:
    answer = compose_answer(
        "what is a pins-and-needles feeling",
        [_hit(NERVES, "Nerve problems")],
        as_of=date(2026, 1, 1),
    )
    assert not any(s.list_item for s in answer.sentences)
