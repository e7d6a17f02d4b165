"""The shared sentence splitter: prose and typed-message modes, with property tests."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from oncoguide.text.sentences import split_message, split_sentences

pytestmark = pytest.mark.unit


def test_prose_needs_a_capital_and_keeps_abbreviations() -> None:
    text = "Ask Dr. Lee, e.g. on Monday. then rest. Fine! OK?"
    assert split_sentences(text) == ["Ask Dr. Lee, e.g. on Monday. then rest.", "Fine!", "OK?"]


def test_message_splits_lower_case_lines_and_bullets() -> None:
    text = "had chemo tuesday. now 39.2 fever!! what do i do\nalso • tired"
    assert split_message(text) == [
        "had chemo tuesday.",
        "now 39.2 fever!!",
        "what do i do",
        "also",
        "tired",
    ]


def test_message_keeps_decimals_and_abbreviations() -> None:
    assert split_message("my temp is 38.5 and dr. patel is away. help") == [
        "my temp is 38.5 and dr. patel is away.",
        "help",
    ]


_TEXT = st.text(alphabet=st.sampled_from(list("abcAB .!?\n•'\"()")), max_size=80)


@given(_TEXT)
def test_message_pieces_are_non_empty_and_keep_every_word(text: str) -> None:
    pieces = split_message(text)
    assert all(p and p == p.strip() for p in pieces)
    words = [w for w in text.replace("•", " ").split() if w]
    assert " ".join(pieces).split() == words


@given(_TEXT)
def test_prose_pieces_keep_every_word_in_order(text: str) -> None:
    assert " ".join(split_sentences(text)).split() == text.split()
