from __future__ import annotations

import pytest

from oncoguide.answer.sentences import is_dangling, parse_blocks, split_sentences
from oncoguide.answer.text import content_terms, normalise, stem, strip_markup

pytestmark = pytest.mark.unit


def test_split_sentences_keeps_abbreviations_together() -> None:
    text = "Some foods, e.g. raw fish, carry germs. Dr. Lee sees patients on Monday. Ask why!"
    assert split_sentences(text) == [
        "Some foods, e.g. raw fish, carry germs.",
        "Dr. Lee sees patients on Monday.",
        "Ask why!",
    ]


def test_list_takes_its_lead_in_and_leaves_the_context_paragraph() -> None:
    text = (
        "Lymphedema is swelling. Signs may include:\n\n- a tight feeling\n- heavy arms\n\n"
        "Done here now."
    )
    blocks = parse_blocks(text, "Lymphedema")
    lst = next(b for b in blocks if b.kind == "list")
    assert lst.lead_in == "Signs may include:"
    assert lst.context == ("Lymphedema is swelling.",)
    assert lst.items == ("a tight feeling", "heavy arms")
    paras = [s for b in blocks if b.kind == "para" for s in b.sentences]
    assert "Signs may include:" not in paras


def test_caption_between_items_is_skipped_and_link_only_lines_dropped() -> None:
    text = (
        "Tests include:\n- **Biopsy** takes a sample.\nA picture of a needle.\n- Blood tests.\n"
        "[Go to page](/x)"
    )
    blocks = parse_blocks(text)
    assert [b.kind for b in blocks] == ["list"]
    assert blocks[0].items == ("Biopsy takes a sample.", "Blood tests.")


def test_in_text_headings_extend_the_passage_heading() -> None:
    blocks = parse_blocks(
        "### When to call\n\nCall if you have a fever of 100.4 or higher.", "Infection"
    )
    assert blocks[0].heading == "Infection › When to call"


@pytest.mark.parametrize(
    ("text", "dangling"),
    [
        ("These include:", True),
        ("Credit: iStock", True),
        ("Learn more about how chemotherapy works.", True),
        ("Too short.", True),
        ("Nausea often starts a few hours after treatment.", False),
    ],
)
def test_is_dangling(text: str, dangling: bool) -> None:
    assert is_dangling(text) is dangling


def test_markup_and_normalise() -> None:
    raw = 'See **[white blood cells](https://x.org/def "t")** here![img](a.png) — “quoted”'
    assert strip_markup(raw) == "See white blood cells here — “quoted”"
    assert normalise("It’s  **Bold**\n text") == "it's bold text"
    assert stem("symptoms") == "symptom" and stem("tests") == "test" and stem("bus") == "bus"
    assert content_terms("What are the symptoms?") == frozenset({"symptom"})
