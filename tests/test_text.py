from __future__ import annotations

import pytest

from oncoguide.kb.sections import parse_blocks
from oncoguide.text import (
    content_terms,
    is_anaphoric,
    is_dangling,
    normalise,
    split_sentences,
    stem,
    strip_markup,
)
from oncoguide.types import Block

pytestmark = pytest.mark.unit


def test_split_sentences_keeps_abbreviations_together() -> None:
    text = "Some foods, e.g. raw fish, carry germs. Dr. Lee sees patients on Monday. Ask why!"
    assert split_sentences(text) == [
        "Some foods, e.g. raw fish, carry germs.",
        "Dr. Lee sees patients on Monday.",
        "Ask why!",
    ]


def test_list_takes_its_lead_in_and_leaves_the_context_paragraph() -> None:
    text = "Lymphedema is swelling. Signs may include:\n\n- a tight feeling\n- heavy arms\n\nDone."
    blocks = parse_blocks(text.splitlines())
    assert blocks == [
        Block("para", text="Lymphedema is swelling."),
        Block("list", lead_in="Signs may include:", items=("a tight feeling", "heavy arms")),
        Block("para", text="Done."),
    ]


def test_link_only_lines_are_dropped_and_emphasis_removed() -> None:
    text = "Tests include:\n- **Biopsy** takes a sample.\n- Blood tests.\n[Go to page](/x)"
    blocks = parse_blocks(text.splitlines())
    assert [b.kind for b in blocks] == ["list"]
    assert blocks[0].items == ("Biopsy takes a sample.", "Blood tests.")


@pytest.mark.parametrize(
    "text",
    ["But such survivors are few.", "However, most people recover.", "This is called X.",
     "These include fever.", "It usually starts in the toes."],
)  # fmt: skip
def test_connectives_and_pronouns_need_the_sentence_before(text: str) -> None:
    assert is_anaphoric(text)
    assert not is_anaphoric("Butter is fine to eat.") and not is_anaphoric("Itching is common.")
    # An "it" that points at nothing opens a sentence that stands alone.
    assert not is_anaphoric("It is best not to skip a chemotherapy treatment.")
    assert not is_anaphoric("It's important to drink plenty of fluids.")


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
