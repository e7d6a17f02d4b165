"""The scout and the token budget: past the budget the classifier reads the riskiest units only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from oncoguide.errors import PolicyError
from oncoguide.safety.classifier import DEFAULT_MODEL_DIR, load_classifier
from oncoguide.safety.explain import explain
from oncoguide.safety.fusion import load_fusion
from oncoguide.safety.policy import SafetyPolicy
from oncoguide.safety.scan import scan_units
from oncoguide.safety.scout import load_scout, within_budget
from oncoguide.testing.fakes import KeywordScorer, KeywordScout

pytestmark = pytest.mark.unit

FILLER = [
    "The garden is full of roses this year.",
    "My sister came round with a cake on Sunday.",
    "We watched the football and the dog slept on my feet.",
    "The bus into town was late again.",
    "I finished the crossword before lunch.",
    "It rained all afternoon so we stayed in.",
]
CRISIS = "I have written my goodbye letters and put them in the drawer."


def _policy(budget: int | None) -> tuple[SafetyPolicy, KeywordScorer, KeywordScout]:
    scorer = KeywordScorer({"goodbye letters": ("self_harm", 0.995)})
    scout = KeywordScout({"goodbye": 0.9, "cake": 0.2})
    policy = SafetyPolicy.load(scorer=scorer, scout=scout)
    assert policy._fusion is not None
    policy._fusion = replace(policy._fusion, budget_tokens=budget)
    return policy, scorer, scout


def test_past_the_budget_the_classifier_reads_the_riskiest_units_first() -> None:
    text = " ".join([*FILLER[:3], CRISIS, *FILLER[3:]])
    policy, scorer, _scout = _policy(budget=40)
    decision = policy.check(text)
    assert decision.category == "self_harm"
    assert decision.span in (FILLER[2], CRISIS, FILLER[3])  # a sentence whose window shows it
    (read,) = scorer.calls
    assert sum(len(t.split()) for t in read) <= 40
    assert all("goodbye letters" in t for t in read[:1])  # the riskiest unit is among those read
    every = {u.text for u in scan_units(text)}
    assert set(read) < every  # some units were not read


def test_a_message_within_the_budget_is_read_whole() -> None:
    text = " ".join([*FILLER[:2], CRISIS])
    policy, scorer, _ = _policy(budget=10_000)
    policy.check(text)
    (read,) = scorer.calls
    assert set(read) == {u.text for u in scan_units(text)}


def test_without_a_budget_the_scout_is_not_asked() -> None:
    text = " ".join([*FILLER, CRISIS])
    policy, scorer, scout = _policy(budget=None)
    assert policy.check(text).category == "self_harm"
    assert scout.calls == [] and set(scorer.calls[0]) == {u.text for u in scan_units(text)}


def test_unread_units_do_not_count_as_benign_and_explain_marks_them() -> None:
    text = " ".join([*FILLER, CRISIS])
    policy, _, _ = _policy(budget=30)
    report = explain(policy, text)
    unread = [u for u in report["units"] if u["scores"] is None]
    read = [u for u in report["units"] if u["scores"] is not None]
    assert unread and read
    assert any("goodbye" in u["text"] for u in read)
    # "none" is the minimum over the units READ: unread ones cannot make a message look benign
    assert report["decision"]["scores"]["none"] == pytest.approx(
        min(u["scores"]["none"] for u in read), abs=1e-4
    )


def test_the_sentence_a_rule_fired_in_is_read_even_when_the_scout_ranks_it_low() -> None:
    """The veto (`confirm`) must judge the sentence the rule matched, not whatever the scout
    preferred: a buried emergency sign the scout ranks below filler stays a hard stop."""
    sign = "My husband started coughing up blood an hour ago, quite a lot of it, on chemo."
    text = " ".join([*FILLER[:3], sign, *FILLER[3:]])
    scorer = KeywordScorer({"coughing up blood": ("emergency", 0.9)})
    scout = KeywordScout({"cake": 0.9, "crossword": 0.8})  # ranks the filler above the sign
    policy = SafetyPolicy.load(scorer=scorer, scout=scout)
    assert policy._fusion is not None
    rules_alone = policy.rule_decision(text)
    assert rules_alone.category == "emergency" and rules_alone.rule_id is not None
    policy._fusion = replace(policy._fusion, budget_tokens=20)
    decision = policy.check(text)
    read = scorer.calls[0]  # the scout's choice plus the rule's unit (then its sentence alone)
    assert any("coughing up blood" in t for t in read)
    assert decision.category == "emergency" and decision.concern is None  # not vetoed
    report = explain(policy, text)
    assert any("coughing up blood" in u["sentence"] and u["scores"] for u in report["units"])


def test_within_budget_reads_the_must_units_on_top_of_the_scouts_choice() -> None:
    risk, tokens = [0.1, 0.9, 0.2, 0.05], [10, 10, 10, 10]
    assert within_budget(risk, tokens, 15, must=[3]) == [1, 3]
    # the must unit is read on top of the budget: it never displaces a unit the scout chose
    assert within_budget(risk, tokens, 25, must=[3]) == [1, 2, 3]
    assert within_budget(risk, tokens, 25) == [1, 2]
    assert within_budget(risk, tokens, 15) == [1]


def test_fusion_yaml_rejects_a_bad_budget(tmp_path: Path) -> None:
    bad = tmp_path / "fusion.yaml"
    bad.write_text("escalate: []\nbudget_tokens: -3\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="budget_tokens"):
        load_fusion(bad, categories=("emergency",))


@pytest.mark.slow
def test_shipped_scout_ranks_a_buried_crisis_into_the_budget() -> None:
    """The real scout and classifier: a crisis sentence in the middle of a long letter is read."""
    scout = load_scout(DEFAULT_MODEL_DIR)
    if load_classifier() is None or scout is None:
        pytest.fail("the classifier and its scout are part of the package (safety/model/)")
    letter = " ".join(
        FILLER * 4
        + ["I've been putting my tablets by for weeks and Saturday the house will be empty."]
        + FILLER * 4
    )
    policy = SafetyPolicy.load(classifier=True)
    budget = policy._fusion.budget_tokens if policy._fusion else None
    assert budget is not None, "fusion.yaml sets the classifier's token budget"
    _risk, tokens = scout.read([u.text for u in scan_units(letter)])
    assert sum(tokens) > budget  # the letter is over the budget, so the scout decides
    decision = policy.check(letter)
    assert decision.category == "self_harm" or (
        decision.concern is not None and decision.concern.category == "self_harm"
    )


class _ShortSightedScorer(KeywordScorer):
    """A KeywordScorer that, like the real classifier, reads only the first `chars` of a text."""

    def __init__(self, table: dict[str, tuple[str, float]], chars: int) -> None:
        super().__init__(table)
        self.chars = chars

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        return super().score([t[: self.chars] for t in texts])


def test_a_rule_sentence_past_what_the_classifier_reads_is_read_alone() -> None:
    """A long neighbour pushes the rule's sentence past the classifier's reach in its window:
    the sentence is then read alone, so the veto does not demote the emergency."""
    long_before = (
        "We went to the garden centre and " + "looked at the roses and " * 12 + "went home."
    )
    sign = "Right now he is coughing up blood on chemo."
    text = " ".join([FILLER[0], long_before, sign, FILLER[1]])
    scorer = _ShortSightedScorer({"coughing up blood": ("emergency", 0.9)}, chars=200)
    policy = SafetyPolicy.load(scorer=scorer)
    assert policy.rule_decision(text).category == "emergency"
    decision = policy.check(text)
    assert decision.category == "emergency" and decision.concern is None
    assert any(t == sign for t in scorer.calls[-1])  # the sentence, read alone


class _DilutedScorer(KeywordScorer):
    """A KeywordScorer whose keywords count only in a short text: cheerful neighbours in the
    window drown the sign, as the real classifier's did in safety_bench's 4k letter."""

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.calls.append(list(texts))
        short = [t if len(t) < 80 else "" for t in texts]
        scores = super().score(short)
        self.calls.pop()
        return scores


def test_a_rule_sentence_buried_by_its_neighbours_is_read_alone_so_the_veto_keeps_it() -> None:
    sign = "Right now she is coughing up blood."
    text = " ".join([FILLER[0], FILLER[2], sign, FILLER[3], FILLER[4]])
    scorer = _DilutedScorer({"coughing up blood": ("emergency", 0.9)})
    policy = SafetyPolicy.load(scorer=scorer)
    assert policy.rule_decision(text).category == "emergency"
    window = next(u.text for u in scan_units(text) if u.sentence == sign)
    assert scorer.score([window])[0]["emergency"] == 0.0  # the window alone would veto it
    decision = policy.check(text)
    assert decision.category == "emergency" and decision.concern is None
    assert any(sign in call for call in scorer.calls)  # the sentence, read alone


def test_a_rule_sentence_that_is_its_own_unit_is_not_read_twice() -> None:
    scorer = KeywordScorer({"coughing up blood": ("emergency", 0.9)})
    policy = SafetyPolicy.load(scorer=scorer)
    policy.check("Right now she is coughing up blood.")
    assert sum(len(c) for c in scorer.calls) == 1
