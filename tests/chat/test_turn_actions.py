"""The turn reads the safety decision's actions and concern, never its category name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import oncoguide
from oncoguide.chat.aids import TurnAids
from oncoguide.chat.turn import TurnOptions, run_turn
from oncoguide.safety.policy import SafetyPolicy
from oncoguide.testing.fakes import KeywordScorer
from oncoguide.types import Hit

pytestmark = pytest.mark.unit
SRC = Path(oncoguide.__file__).parent


@dataclass
class _Found:
    hits: tuple[Hit, ...] = ()


class _Retriever:
    def __init__(self) -> None:
        self.calls = 0

    def search(self, question: str, **_: Any) -> _Found:
        self.calls += 1
        return _Found()

    def closest_chunk(self, question: str, hits: Any) -> float | None:
        return None


def _turn(policy: SafetyPolicy, question: str, retriever: _Retriever, region: str = "US") -> Any:
    return run_turn(
        question,
        policy=policy,
        retriever=retriever,  # type: ignore[arg-type]
        options=TurnOptions(region=region),
    )


def test_skip_retrieval_action_makes_the_message_the_whole_reply() -> None:
    retriever = _Retriever()
    result = _turn(SafetyPolicy.load(), "my dad suddenly can't move his arm", retriever)
    assert retriever.calls == 0
    assert "skip_retrieval" in result.safety.actions
    assert result.answer.text == result.safety.message


def test_a_concern_lets_the_answer_go_ahead_behind_one_kind_line() -> None:
    policy = SafetyPolicy.load(scorer=KeywordScorer({"fever": ("emergency", 0.6)}))
    retriever = _Retriever()
    result = _turn(
        policy, "When should I call the doctor about a fever during chemo?", retriever, "UK"
    )
    assert retriever.calls == 1
    assert result.safety.concern is not None
    first_line = result.answer.text.splitlines()[0]
    assert first_line == result.safety.concern.message and "999" in first_line


def test_a_stop_for_one_crisis_also_gives_the_other_crisis_line() -> None:
    policy = SafetyPolicy.load(
        scorer=KeywordScorer({"arm": ("emergency", 0.99), "goodbye": ("self_harm", 0.5)})
    )
    retriever = _Retriever()
    result = _turn(policy, "my dad suddenly can't move his arm and keeps saying goodbye", retriever)
    assert retriever.calls == 0
    assert result.safety.concern is not None and result.safety.concern.message
    message, concern = result.answer.text.split("\n\n")
    assert message == result.safety.message and concern == result.safety.concern.message
    assert "988" in concern


# A comparison with a category's name (stored categories counted for reports, e.g. `!= "none"` in
# the admin analytics, are not behaviour and are not matched).
_NAMES = (
    "emergency|self_harm|dosing|diagnosis|misinformation|treatment_choice|report_interpretation"
)
_CATEGORY_COMPARISON = re.compile(
    rf"""(?:(?:==|!=|\bin)\s*\(?["'](?:{_NAMES})["']|["'](?:{_NAMES})["']\s*(?:==|!=|in\b)"""
    rf"""|_STOP_CATEGORIES)"""
)


@pytest.mark.parametrize("where", ["chat", "answer", "cli.py", "console", "api"])
def test_no_stage_after_safety_compares_category_names(where: str) -> None:
    paths = [SRC / where] if where.endswith(".py") else sorted((SRC / where).rglob("*.py"))
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not _CATEGORY_COMPARISON.search(line), f"{path.name}:{n}: {line.strip()}"


def test_an_out_of_scope_question_is_neither_navigated_nor_read_again() -> None:
    called: list[str] = []

    def navigate(question: str, **_: Any) -> None:
        called.append("navigate")

    def respell(question: str) -> tuple[str, list[str]]:
        called.append("respell")
        return "my worse has a tumor on his leg", ["horse->worse"]

    def focus(question: str) -> str:
        called.append("focus")
        return "a tumor on his leg"

    retriever = _Retriever()
    result = run_turn(
        "my horse has a tumor on his leg",
        policy=SafetyPolicy.load(),
        retriever=retriever,  # type: ignore[arg-type]
        options=TurnOptions(region="US"),
        aids=TurnAids(navigate=navigate, respell=respell, focus=focus),  # type: ignore[arg-type]
    )
    assert called == [] and retriever.calls == 1
    assert result.answer.abstained
