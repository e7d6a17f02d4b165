from __future__ import annotations

from datetime import date

import pytest

from oncoguide.answer.compose import compose_answer
from oncoguide.answer.lists import focus_terms, pick_lists
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
