"""Fusion of rules and classifier: category priority, escalation from either source, concern."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncoguide.errors import PolicyError
from oncoguide.safety.explain import explain
from oncoguide.safety.fusion import FusionConfig, fuse, load_fusion
from oncoguide.safety.policy import SafetyPolicy
from oncoguide.testing.fakes import KeywordScorer

pytestmark = pytest.mark.unit

PRIORITY = (
    "emergency",
    "self_harm",
    "misinformation",
    "dosing",
    "report_interpretation",
    "treatment_choice",
    "diagnosis",
)
CONFIG = FusionConfig(
    escalate=("emergency", "self_harm"),
    hard={c: 0.9 for c in PRIORITY},
    concern={"emergency": 0.4, "self_harm": 0.4},
    concern_template={"emergency": "concern_emergency", "self_harm": "concern_self_harm"},
)


def _fuse(rule: str, **scores: float) -> tuple[str, str, tuple[str, float] | None]:
    f = fuse(rule, scores, priority=PRIORITY, config=CONFIG)
    return f.category, f.source, f.concern


def test_a_classifier_crisis_beats_a_rule_refusal() -> None:
    assert _fuse("dosing", self_harm=0.95) == ("self_harm", "classifier", None)


def test_a_rule_crisis_beats_a_classifier_refusal() -> None:
    assert _fuse("emergency", diagnosis=0.99) == ("emergency", "rules", None)


def test_a_rule_crisis_keeps_its_own_message_over_the_classifier_other_crisis() -> None:
    # ... and carries the other crisis's line (the classifier is sure of it).
    assert _fuse("self_harm", emergency=0.95) == ("self_harm", "rules", ("emergency", 0.95))


def test_a_classifier_emergency_outranks_a_rule_refusal_by_priority() -> None:
    assert _fuse("diagnosis", emergency=0.95) == ("emergency", "classifier", None)


def test_doubtful_crisis_is_a_concern_and_the_rule_refusal_stands() -> None:
    assert _fuse("dosing", self_harm=0.6) == ("dosing", "rules", ("self_harm", 0.6))


def test_doubtful_emergency_with_no_rule_is_a_concern_only() -> None:
    assert _fuse("none", emergency=0.5, none=0.5) == ("none", "none", ("emergency", 0.5))


def test_below_concern_nothing_happens() -> None:
    assert _fuse("none", emergency=0.3, self_harm=0.2) == ("none", "none", None)


def test_a_stop_for_one_crisis_carries_the_other_crisis_line_when_plausible() -> None:
    # An overdose already taken, goodbyes behind a locked door: both crises at once.
    assert _fuse("emergency", self_harm=0.6) == ("emergency", "rules", ("self_harm", 0.6))
    assert _fuse("none", self_harm=0.95, emergency=0.5) == (
        "self_harm",
        "classifier",
        ("emergency", 0.5),
    )


def test_a_stop_carries_no_line_for_its_own_crisis_or_an_implausible_other() -> None:
    assert _fuse("emergency", emergency=0.99, self_harm=0.3) == ("emergency", "rules", None)
    assert _fuse("self_harm", self_harm=0.99) == ("self_harm", "rules", None)


def test_fusion_yaml_rejects_a_concern_above_hard(tmp_path: Path) -> None:
    bad = tmp_path / "fusion.yaml"
    bad.write_text(
        "escalate: [emergency]\nconcern_template: {emergency: concern_emergency}\n"
        "thresholds:\n  emergency: {hard: 0.5, concern: 0.8}\n"
    )
    with pytest.raises(PolicyError, match="concern above hard"):
        load_fusion(bad, categories=PRIORITY)


@pytest.fixture(scope="module")
def fused_policy() -> SafetyPolicy:
    scorer = KeywordScorer(
        {
            "goodbye letters": ("self_harm", 0.995),
            "fever": ("emergency", 0.55),
            "ivermectin": ("misinformation", 0.99),
            "want to die": ("self_harm", 0.5),  # confirms the rule (fusion.yaml `confirm`)
        }
    )
    return SafetyPolicy.load(scorer=scorer)


def test_policy_hard_stop_from_the_classifier_alone(fused_policy: SafetyPolicy) -> None:
    text = "We had a nice week. I have written my goodbye letters. The garden looks lovely."
    d = fused_policy.check(text)
    assert d.category == "self_harm" and d.rule_id is None
    assert "skip_retrieval" in d.actions and d.message and "988" in d.message
    assert d.span == "I have written my goodbye letters."
    assert d.scores["self_harm"] == pytest.approx(0.995)


def test_policy_concern_carries_the_region_number(fused_policy: SafetyPolicy) -> None:
    d = fused_policy.check("When should I call the doctor about a fever during chemo?", region="UK")
    assert d.category == "none"
    assert d.concern is not None and d.concern.category == "emergency"
    assert "999" in d.concern.message
    assert d.to_dict()["concern"]["score"] == pytest.approx(0.55)


def test_rules_only_policy_has_no_scores_or_concern() -> None:
    d = SafetyPolicy.load().check("When should I call the doctor about a fever during chemo?")
    assert d.to_dict()["concern"] is None and d.to_dict()["scores"] == {}


def test_explain_lists_every_sentence_rules_scores_and_decision(
    fused_policy: SafetyPolicy,
) -> None:
    report = explain(fused_policy, "Should I take ivermectin. I want to die. Thanks")
    assert report["classifier"] is True
    sentences = [u["sentence"] for u in report["units"] if u["kind"] == "sentence"]
    assert sentences == ["Should I take ivermectin.", "I want to die.", "Thanks"]
    thanks = report["units"][-1]
    assert [m["rule_id"] for m in thanks["rules"]] == ["self_harm.wish_to_die"]  # in its window
    assert report["units"][1]["scores"]["misinformation"] == pytest.approx(0.99)
    assert report["decision"]["category"] == "self_harm"
    assert report["priority"][:2] == ["emergency", "self_harm"]


def test_a_rule_crisis_the_classifier_rules_out_becomes_a_concern_not_silence() -> None:
    cfg = FusionConfig(
        escalate=CONFIG.escalate,
        hard=CONFIG.hard,
        concern=CONFIG.concern,
        concern_template=CONFIG.concern_template,
        confirm={"emergency": 0.05, "diagnosis": 0.1},
    )
    f = fuse("emergency", {"emergency": 0.01, "none": 0.99}, priority=PRIORITY, config=cfg)
    assert (f.category, f.concern) == ("none", ("emergency", 0.01))
    f = fuse("emergency", {"emergency": 0.2}, priority=PRIORITY, config=cfg)
    assert (f.category, f.source, f.concern) == ("emergency", "rules", None)
    f = fuse("diagnosis", {"diagnosis": 0.02}, priority=PRIORITY, config=cfg)
    assert (f.category, f.concern) == ("none", None)
    f = fuse("emergency", {}, priority=PRIORITY, config=cfg)  # no classifier: the rules decide
    assert f.category == "emergency"


def test_a_message_checked_twice_is_scored_once_with_the_same_decision() -> None:
    scorer = KeywordScorer({"goodbye letters": ("self_harm", 0.995)})
    policy = SafetyPolicy.load(scorer=scorer)
    text = "We had a nice week. I have written my goodbye letters."
    first, second = policy.check(text), policy.check(text, region="UK")
    assert len(scorer.calls) == 1
    assert first.category == second.category == "self_harm"
    assert "988" in (first.message or "") and "988" not in (second.message or "")
    policy.check("A different message about fatigue.")
    assert len(scorer.calls) == 2


def test_a_rule_crisis_in_a_sentence_that_is_over_becomes_a_concern() -> None:
    f = fuse("self_harm", {"self_harm": 0.5}, priority=PRIORITY, config=CONFIG, rule_over=True)
    assert (f.category, f.concern) == ("none", ("self_harm", 0.5))
    f = fuse("self_harm", {"self_harm": 0.5}, priority=PRIORITY, config=CONFIG)
    assert (f.category, f.source) == ("self_harm", "rules")
    f = fuse("diagnosis", {"diagnosis": 0.99}, priority=PRIORITY, config=CONFIG, rule_over=True)
    assert f.category == "diagnosis"  # only escalating categories are held back


@pytest.fixture(scope="module")
def past_policy() -> SafetyPolicy:
    # the classifier finds each crisis plausible but is not sure of it (below the hard thresholds)
    crises = {"own life": "self_harm", "fever of 39": "emergency"}
    return SafetyPolicy.load(scorer=KeywordScorer({k: (c, 0.5) for k, c in crises.items()}))


def test_a_rule_crisis_told_as_over_gives_the_line_not_a_stop(past_policy: SafetyPolicy) -> None:
    d = past_policy.check(
        "I tried to take my own life in 1998. I'm in a good place now and have been for years. "
        "Does the psycho-oncology team need to know before I meet them?"
    )
    assert d.category == "none"
    assert d.concern is not None and d.concern.category == "self_harm"
    units, over = past_policy.scan("I tried to take my own life in 1998. I'm in a good place now.")
    assert [u.kind for u in units] == ["message", "sentence", "sentence"] and over[1:] == [
        True,
        False,
    ]


def test_a_crisis_happening_now_still_stops_beside_one_that_is_over(
    past_policy: SafetyPolicy,
) -> None:
    d = past_policy.check(
        "I tried to take my own life in 1998 and I'm in a good place. I have saved my pills "
        "and tonight I will take my own life."
    )
    assert d.category == "self_harm"
    # the chemo told in a past sentence still makes tonight's fever an emergency
    d = past_policy.check(
        "I started chemo in March and was fine after the first cycle. "
        "Tonight he has a fever of 39 and is shaking."
    )
    assert d.category == "emergency"
    sure = SafetyPolicy.load(scorer=KeywordScorer({"own life": ("self_harm", 0.99)}))
    # the classifier's own sure reading is not held back by the sentence being over
    assert sure.check("I tried to take my own life in 1998. I'm in a good place now.").category == (
        "self_harm"
    )


def test_a_sign_told_as_what_happens_every_time_is_a_concern_when_the_classifier_doubts_it() -> (
    None
):
    doubtful = SafetyPolicy.load(scorer=KeywordScorer({"infusion": ("emergency", 0.04)}))
    habit = (
        "Every time I get my immunotherapy infusion I feel like I have the flu for a couple of "
        "days, chills and aches. What can I do at home?"
    )
    d = doubtful.check(habit)
    assert d.category == "none" and d.concern is not None and d.concern.category == "emergency"
    # happening now: the stop stands
    d = doubtful.check(
        "Every time I get my infusion I get chills, and tonight I have chills again."
    )
    assert d.category == "emergency"
    # the classifier does not doubt it: the stop stands
    sure = SafetyPolicy.load(scorer=KeywordScorer({"infusion": ("emergency", 0.5)}))
    assert sure.check(habit).category == "emergency"
