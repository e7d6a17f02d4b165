"""Small pieces of the chat aids on tiny fixtures: wording, language check, respelling."""

from __future__ import annotations

import pytest

from oncoguide.answer.quotable import is_document_note, without_document_notes
from oncoguide.chat.aids import capitalise, region_sentence, without_general_info
from oncoguide.chat.language import looks_english
from oncoguide.retrieve.respell import Respeller, sound_key
from oncoguide.retrieve.vocab import TermVocabulary
from oncoguide.types import Hit, Passage

pytestmark = pytest.mark.unit

VOCAB = TermVocabulary(
    {"what": 900, "watt": 2, "chemotherapy": 400, "effects": 300, "side": 500, "scar": 40,
     "scarred": 5, "cancer": 1000, "is": 1000, "mouth": 100, "sores": 80},
    n_texts=1000,
)  # fmt: skip


def test_capitalise_starts_every_sentence_and_line_with_a_capital() -> None:
    text = "call us. then wait!\n- ask again\nok? yes"
    assert capitalise(text) == "Call us. Then wait!\n- Ask again\nOk? Yes"


def test_region_line_becomes_a_sentence() -> None:
    assert region_sentence("call the line at 1-800") == "You can also call the line at 1-800."
    assert region_sentence("Call 111.") == "Call 111."
    assert region_sentence("  ") == ""


def test_general_information_line_is_removed_only() -> None:
    msg = "I can't tell.\nHere is general information on this topic.\nQuestions:\n- One?"
    assert without_general_info(msg) == "I can't tell.\nQuestions:\n- One?"


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("wat is kemoterapy", True),
        ("im scared", True),
        ("PSA", True),
        ("mastectomy", True),
        ("what does HER2 positive mean", True),
        ("¿Qué es la quimioterapia?", False),
        ("Wie lange dauert eine Chemotherapie", False),
        ("Qu'est-ce que la chimiothérapie ?", False),
        ("Что такое химиотерапия", False),
    ],
)
def test_looks_english(text: str, english: bool) -> None:
    assert looks_english(text, VOCAB.is_known) is english


def test_sound_key_joins_sound_alikes() -> None:
    assert sound_key("kemoterapy") == sound_key("chemotherapy")
    assert sound_key("efects") == sound_key("effects")
    assert sound_key("wat") == sound_key("what")
    assert sound_key("mouth") != sound_key("math")


def test_respeller_uses_only_kb_words_and_keeps_known_words() -> None:
    r = Respeller(VOCAB)
    fixed, changes = r.respell("wat is kemoterapy and its side efects")
    assert fixed == "what is chemotherapy and its side effects"
    assert changes == (("wat", "what"), ("kemoterapy", "chemotherapy"), ("efects", "effects"))
    # An inflection of a KB word is left alone ("scared" is not "scarred").
    assert r.respell("I'm scared of mouth sores") == ("I'm scared of mouth sores", ())
    assert r.respell("xyzzy") == ("xyzzy", ())


def test_document_notes_are_found_and_taken_out_of_passages() -> None:
    note = "*Sample document written for the oncoguide quick start; not a medical source.*"
    assert is_document_note(note)
    assert not is_document_note("Mouth sores are not a sign that the cancer is growing.")
    # an image credit kept in the page text is about the picture, not the topic
    assert is_document_note("Credit: iStock") and is_document_note("Photo Credit: Hugh Gloster, MD")
    assert not is_document_note("Ask about help with credit card bills: Many hospitals offer it.")
    hit = Hit(
        1, "d", "https://x", "T", "T", 1.0, "patient", "s", "",
        passages=(Passage("d#0", "d", "T", f"{note}\n\nRinse your mouth often.", 1.0),
                  Passage("d#1", "d", "T", note, 1.0)),
    )  # fmt: skip
    (clean,) = without_document_notes((hit,))
    assert [p.text for p in clean.passages] == ["Rinse your mouth often."]
    assert without_document_notes((hit.__class__(**{**hit.__dict__, "passages": ()}),)) == ()
