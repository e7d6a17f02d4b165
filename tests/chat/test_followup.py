"""Follow-up planning: which messages lean on the last topic, which start fresh, when to clarify."""

from __future__ import annotations

import pytest

from oncoguide.chat.followup import ConversationState, Topic, message_subject, plan_turn

pytestmark = pytest.mark.unit

MYELOMA = ConversationState(Topic("multiple myeloma", "what is multiple myeloma?", ("u1",), ()))


def test_subject_drops_function_aspect_and_pronoun_words() -> None:
    assert message_subject("What are the side effects of tamoxifen?") == ["tamoxifen"]
    assert message_subject("and how is it treated?") == []
    assert message_subject("How is bladder cancer diagnosed?") == ["bladder", "cancer"]


@pytest.mark.parametrize(
    "message",
    ["and how is it treated?", "what about side effects?", "what are the symptoms?",
     "is it used for men too?", "does it come back?", "what about in children?"],
)  # fmt: skip
def test_follow_ups_are_resolved_against_the_topic(message: str) -> None:
    plan = plan_turn(message, MYELOMA, cancer_type=None)
    assert plan.followup and plan.clarify is None
    assert plan.query.startswith("multiple myeloma ") and message in plan.query


@pytest.mark.parametrize(
    "message", ["what does that mean?", "can you explain that in plain words?"]
)
def test_what_does_that_mean_repeats_the_last_question(message: str) -> None:
    plan = plan_turn(message, MYELOMA, cancer_type=None)
    assert plan.followup and plan.query == "what is multiple myeloma?"


@pytest.mark.parametrize(
    "message", ["what is tamoxifen used for?", "How is cervical cancer diagnosed?",
                "tell me about radiation therapy for prostate cancer"],
)  # fmt: skip
def test_a_new_subject_starts_fresh(message: str) -> None:
    plan = plan_turn(message, MYELOMA, cancer_type=None)
    assert not plan.followup and plan.query == message


def test_what_about_another_cancer_keeps_the_aspect() -> None:
    state = ConversationState(Topic("breast cancer", "how is breast cancer treated?"))
    plan = plan_turn("what about lung cancer?", state, cancer_type=None)
    assert not plan.followup and "lung cancer" in plan.query and "treated" in plan.query
    assert plan.subject == "lung cancer"


def test_ambiguous_question_without_a_topic_is_clarified_once() -> None:
    first = plan_turn("what's the treatment?", ConversationState(), cancer_type=None)
    assert first.clarify is not None and len(first.clarify.suggested_replies) >= 2
    assert first.state.clarified and first.state.pending_aspect == "what's the treatment?"
    reply = plan_turn("breast cancer", first.state, cancer_type=None)
    assert reply.clarify is None and reply.query == "what's the treatment? breast cancer"
    again = plan_turn("what's the treatment?", first.state, cancer_type=None)
    assert again.clarify is None  # at most once per topic


def test_no_clarification_when_the_session_has_a_cancer_type() -> None:
    plan = plan_turn("what's the treatment?", ConversationState(), cancer_type="breast")
    assert plan.clarify is None and plan.query == "breast what's the treatment?"


def test_generic_subject_keeps_its_topic_words() -> None:
    plan = plan_turn("what is cancer screening?", ConversationState(), cancer_type=None)
    assert plan.subject == "cancer screening"


def test_state_round_trips_through_json() -> None:
    state = ConversationState(Topic("x y", "q?", ("u1", "u2"), ("h",)), True, "what?")
    assert ConversationState.from_json(state.to_json()) == state
    assert ConversationState.from_json("{}") == ConversationState()
