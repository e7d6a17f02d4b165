"""The chat turn's aids on the sample KB: the verified LLM step with its visible fallback,
the English-only reply, respelling, refusal wording, and document notes never quoted."""

from __future__ import annotations

from datetime import date
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from oncoguide.chat.assistant import open_assistant
from oncoguide.chat.turn import TurnOptions
from oncoguide.config import Settings
from oncoguide.types import TurnResult

from .conftest import server_url

pytestmark = pytest.mark.unit

AS_OF = date(2026, 11, 26)


def _ask(db: Path, question: str, **settings: object) -> TurnResult:
    s = Settings(db=db, embedder="none", **settings)  # type: ignore[arg-type]
    with open_assistant(s) as assistant:
        return assistant.turner(TurnOptions(as_of=AS_OF))(question)


def _llm(server: ThreadingHTTPServer, model: str) -> dict[str, object]:
    return {"llm_enabled": True, "llm_base_url": server_url(server), "llm_model": model}


def test_llm_answer_is_built_from_the_chosen_passages_and_verified(
    sample_db: Path, llm_server: ThreadingHTTPServer
) -> None:
    quoted = _ask(sample_db, "what helps with mouth sores during chemo").answer
    result = _ask(sample_db, "what helps with mouth sores during chemo", **_llm(llm_server, "echo"))
    answer = result.answer
    assert answer.generator == "llm" and answer.llm is not None
    assert answer.llm.used and not answer.llm.fallback and answer.llm.reason is None
    sent = llm_server.requests[-1]["messages"][-1]["content"]  # type: ignore[attr-defined]
    # The model saw the passages the quoted answer cites, in citation order.
    assert sent.index(quoted.citations[0].heading.split(" › ")[-1]) < sent.index("Question:")
    assert answer.sentences and all(s.citation >= 1 for s in answer.sentences)
    assert "Note:" not in answer.text


@pytest.mark.parametrize(
    ("model", "why"),
    [("invent", "supported by the sources"), ("error", "failed"), ("declines", "no answer")],
)
def test_unusable_llm_falls_back_with_a_visible_note(
    sample_db: Path, llm_server: ThreadingHTTPServer, model: str, why: str
) -> None:
    question = "what helps with mouth sores during chemo"
    quoted = _ask(sample_db, question).answer
    answer = _ask(sample_db, question, **_llm(llm_server, model)).answer
    assert answer.generator == "extractive" and answer.llm is not None
    assert answer.llm.fallback and not answer.llm.used and why in (answer.llm.reason or "")
    assert answer.sentences == quoted.sentences
    assert answer.text.startswith(quoted.text)
    assert "could not be used" in answer.text.split("\n\n")[-1]
    assert "97 percent" not in answer.text


def test_unreachable_endpoint_is_not_silent(sample_db: Path) -> None:
    settings = {"llm_enabled": True, "llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "m"}
    answer = _ask(sample_db, "what helps with mouth sores during chemo", **settings).answer
    assert answer.llm is not None and answer.llm.fallback
    assert "could not be used" in answer.text


def test_llm_requested_but_not_configured_says_so(sample_db: Path) -> None:
    answer = _ask(sample_db, "what helps with mouth sores during chemo", llm_enabled=True).answer
    assert answer.llm is not None and answer.llm.fallback
    assert "ONCOGUIDE_LLM_BASE_URL" in (answer.llm.reason or "")


def test_without_llm_nothing_is_said_about_it(sample_db: Path) -> None:
    answer = _ask(sample_db, "what helps with mouth sores during chemo").answer
    assert answer.llm is None and "could not be used" not in answer.text


@pytest.mark.parametrize(
    "question",
    ["¿Qué es la quimioterapia?", "Was ist eine Chemotherapie?", "化疗的副作用是什么"],
)
def test_a_question_not_in_english_gets_the_english_only_reply(
    sample_db: Path, question: str
) -> None:
    result = _ask(sample_db, question)
    assert result.answer.text.startswith("I can answer in English only for now.")
    assert "only answer questions about cancer" not in result.answer.text
    assert result.answer.abstain_reason == "NOT_ENGLISH" and result.hits == ()


def test_a_misspelt_cancer_question_is_read_with_the_kb_words(sample_db: Path) -> None:
    answer = _ask(sample_db, "wat is kemoterapy").answer
    assert not answer.abstained
    assert answer.text.startswith("I read your question as:") and "chemotherapy" in answer.text
    assert answer.question == "wat is kemoterapy"
    assert any("chemotherapy" in s.text.lower() for s in answer.sentences)


def test_refusal_then_abstention_does_not_promise_general_information(sample_db: Path) -> None:
    result = _ask(sample_db, "do I have cancer, my car oil leaks")
    assert result.safety.is_refusal and result.answer.abstained
    assert "Here is general information" not in result.answer.text
    assert result.answer.text.startswith("I can't tell whether")


def test_refusal_with_an_answer_keeps_the_general_information_line(sample_db: Path) -> None:
    result = _ask(sample_db, "is my lump cancer")
    assert result.safety.is_refusal and not result.answer.abstained
    assert "Here is general information on this topic." in result.answer.text


@pytest.mark.parametrize(
    "question",
    ["how do I change the oil in my car", "do I have cancer, my car oil leaks", "what is cancer"],
)
def test_every_sentence_and_line_starts_with_a_capital(sample_db: Path, question: str) -> None:
    text = _ask(sample_db, question).answer.text
    for line in text.splitlines():
        body = line.lstrip("- ").strip()
        assert not body or not body[0].islower(), line
    assert ". call" not in text
    assert "You can also call the NCI" in text or "[1]" in text


@pytest.mark.parametrize(
    "question",
    [
        "what is cancer",
        "how can caregivers look after themselves",
        "what are clinical trials",
        "is this a medical source",
        "sample document written for the quick start",
    ],
)
def test_the_sample_kb_disclaimer_is_never_an_answer_sentence(
    sample_db: Path, question: str
) -> None:
    answer = _ask(sample_db, question).answer
    assert all("not a medical source" not in s.text for s in answer.sentences)
