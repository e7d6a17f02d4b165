"""Normalisation: one canonical form for case, quotes, apostrophes, hidden characters."""

from __future__ import annotations

import pytest

from oncoguide.safety.normalise import normalise

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I CAN’T Breathe", "i cant breathe"),
        ("don't  \t stop", "dont stop"),
        ("ＦＥＶＥＲ", "fever"),
        ("fe\u200bver", "fever"),
        ("chest\x00pain", "chest pain"),
        ("“quoted”", '"quoted"'),
        ("line one\r\n\r\nline two", "line one\nline two"),
        ("Straße", "strasse"),
        ("", ""),
        ("\ud800x", "x"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_normalise_keeps_everything_of_a_long_text() -> None:
    text = "word " * 30_000 + "END"
    assert normalise(text).endswith("end")
