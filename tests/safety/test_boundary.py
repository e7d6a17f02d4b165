"""The leading-boundary speed-up must never change what a pattern matches."""

from __future__ import annotations

import re

import pytest

from oncoguide.safety.boundary import leading_boundary, starts_with_word
from oncoguide.safety.policy import SafetyPolicy

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "regex",
    [
        "fever",
        "(?:chest|heart) pain",
        r"\d+ ?mg",
        r"(?<!what )(?:should|must) i",
        r"(?:a |the )?(?:lump|mass)",  # optional group, then a word: still a word start
        r"[a-z]+s",
    ],
)
def test_word_starts_are_proved(regex: str) -> None:
    assert starts_with_word(regex)
    assert leading_boundary(regex) == r"(?<!\w)"


@pytest.mark.parametrize(
    "regex",
    [
        '"quoted',
        '(?:fever|"x)',
        r"(?:a )?",  # can match the empty string
        r".fever",
        r"[^a-z]x",
        r"(?:^|, )ok",
        "(unclosed",  # unparsable: falls back to the plain boundary
    ],
)
def test_other_starts_keep_the_plain_boundary(regex: str) -> None:
    assert not starts_with_word(regex)
    assert leading_boundary(regex) == r"\b"


_TEXTS = [
    "no fever, but I had chemo yesterday and my temp is 38.6",
    "my dads psa is 8.1, is that bad?",
    "I keep thinking about steering into a tree",
    '"chest pain" she said, then: chest pain again!',
    "x-ray-fever_fever feverish fever",
]


def test_shipped_rules_match_the_same_spans_as_with_a_plain_boundary(
    policy: SafetyPolicy,
) -> None:
    for rule in policy.rules:
        plain = re.compile(r"\b" + rule.pattern.pattern[len(r"(?<!\w)") :])
        if not rule.pattern.pattern.startswith(r"(?<!\w)"):
            continue
        for text in _TEXTS + list(rule.examples) + list(rule.counter_examples):
            norm = text.casefold().replace("'", "")
            fast = [m.span() for m in rule.pattern.finditer(norm)]
            assert fast == [m.span() for m in plain.finditer(norm)], (rule.id, text)
