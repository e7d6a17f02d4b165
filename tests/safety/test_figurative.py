"""Figures of speech put plainly before the safety classifier reads them (safety/figurative.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncoguide.errors import PolicyError
from oncoguide.safety.figurative import load_figures
from oncoguide.safety.policy import SafetyPolicy
from oncoguide.testing.fakes import KeywordScorer

pytestmark = pytest.mark.unit


def test_every_shipped_figure_changes_its_own_example() -> None:
    figures = load_figures()
    assert len(figures.figures) >= 10
    for f in figures.figures:
        assert figures.plain(f.example) != f.example, f.example


@pytest.mark.parametrize(
    "text",
    [
        "I am going to kill myself tonight",
        "I could kill myself",
        "I want to die",
        "I'd rather die than do another round",
        "the cancer is killing me",
        "I'm dying, I know that",
        "I want to throw myself off the bridge",
        "I just want it all to be over",
    ],
)
def test_a_crisis_said_literally_is_left_as_written(text: str) -> None:
    assert load_figures().plain(text) == text


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("im dying to know if I can drink wine on immunotherapy", "dying"),
        ("This chemo brain is KILLING me", "killing"),
        ("chemo’s killing me slowly", "killing"),
        ("I could murder a cup of tea", "murder"),
        ("if one more person says stay positive I'll strangle them", "strangle"),
        ("I'm bored to death in this waiting room", "death"),
    ],
)
def test_everyday_hyperbole_is_put_plainly(text: str, gone: str) -> None:
    assert gone not in load_figures().plain(text).lower()


def test_the_classifier_reads_the_plain_words_but_the_rules_and_the_user_see_the_text() -> None:
    scorer = KeywordScorer({"murder": ("self_harm", 0.99), "kill myself": ("self_harm", 0.99)})
    policy = SafetyPolicy.load(scorer=scorer)
    d = policy.check("I could murder a bacon roll. Steroids are wild.")
    assert d.category == "none"
    assert all("murder" not in t for call in scorer.calls for t in call)
    # a crisis in plain words still reaches the classifier as written
    assert policy.check("I want to kill myself tonight").category == "self_harm"


def test_a_figure_whose_pattern_misses_its_example_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "figurative.yaml"
    bad.write_text(
        "figures:\n  - pattern: 'dying to'\n    plain: 'longing to'\n    example: 'no match'\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyError, match="does not match its example"):
        load_figures(bad)
    bad.write_text("figures: {}\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="figures"):
        load_figures(bad)
