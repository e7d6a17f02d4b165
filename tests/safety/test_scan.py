"""Sentence-level scan units: the whole message, then each sentence with its neighbours."""

from __future__ import annotations

import pytest

from oncoguide.safety.policy import SafetyPolicy
from oncoguide.safety.scan import scan_units

pytestmark = pytest.mark.unit


def test_one_sentence_is_only_the_message_unit() -> None:
    units = scan_units("is chemo safe in pregnancy?")
    assert [u.kind for u in units] == ["message"]


def test_each_sentence_is_judged_with_one_neighbour_each_side() -> None:
    units = scan_units("One here. Two there. Three now. Four then.")
    assert units[0].kind == "message"
    windows = {u.sentence: u.text for u in units[1:]}
    assert windows["One here."] == "One here. Two there."
    assert windows["Two there."] == "One here. Two there. Three now."
    assert windows["Four then."] == "Three now. Four then."


def test_long_letters_are_grouped_under_the_limit_and_cover_every_sentence() -> None:
    sentences = [f"Sentence number {i} is here." for i in range(200)]
    units = scan_units(" ".join(sentences), limit=10)
    body = [u for u in units if u.kind == "sentence"]
    assert len(body) <= 10
    covered = " ".join(u.sentence for u in body)
    assert all(s in covered for s in sentences)


def test_a_dictated_message_without_full_stops_is_read_in_pieces() -> None:
    # voice typing: 300 words and not one full stop; the crisis is in the last words
    chatter = " ".join(f"word{i}" for i in range(290))
    text = f"{chatter} and i bought the hose and tape today and i am going tomorrow night"
    units = scan_units(text)
    pieces = [u for u in units if u.kind == "sentence"]
    assert len(pieces) >= 10
    # every window fits what the classifier reads (128 tokens: about 75 words at most)
    assert max(len(u.text.split()) for u in pieces) <= 80
    assert "tomorrow night" in pieces[-1].sentence
    assert " ".join(u.sentence for u in pieces) == " ".join(text.split())
    # an ordinary long sentence is left whole
    forty = " ".join(["word"] * 40) + "."
    assert [u.kind for u in scan_units(forty)] == ["message"]


def test_empty_text_has_no_units() -> None:
    assert scan_units("  \n ") == ()


def test_crisis_sentence_buried_in_a_long_cheerful_letter_decides(policy: SafetyPolicy) -> None:
    cheerful = "We had a lovely week at the seaside and the grandchildren visited twice. " * 30
    letter = cheerful + "Honestly I have been saving up my pills to end it. " + cheerful
    assert len(letter) > 4000
    assert policy.check(letter).category == "self_harm"
    unit = next(u for u in scan_units(letter) if "pills" in u.sentence)
    assert policy.check(unit.text).category == "self_harm"
