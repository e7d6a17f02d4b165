"""`oncoguide ask` end to end: `--llm` against the scripted local server, the `llm` JSON field,
the English-only reply and a misspelt question."""

from __future__ import annotations

import json
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoguide.cli import app

from .conftest import server_url

pytestmark = pytest.mark.unit

runner = CliRunner()
QUESTION = "what helps with mouth sores during chemo"


def _ask(db: Path, *args: str, env: dict[str, str] | None = None) -> str:
    base = {"ONCOGUIDE_EMBEDDER": "none", "ONCOGUIDE_LLM_ENABLED": "false"}
    result = runner.invoke(app, ["ask", *args, "--db", str(db)], env={**base, **(env or {})})
    assert result.exit_code == 0, result.output
    return result.stdout


def _llm_env(server: ThreadingHTTPServer, model: str) -> dict[str, str]:
    return {"ONCOGUIDE_LLM_BASE_URL": server_url(server), "ONCOGUIDE_LLM_MODEL": model}


def test_ask_llm_json_says_the_model_was_used(
    sample_db: Path, llm_server: ThreadingHTTPServer
) -> None:
    env = _llm_env(llm_server, "echo")
    data = json.loads(_ask(sample_db, QUESTION, "--llm", "--json", env=env))
    assert data["llm"] == {"used": True, "fallback": False, "reason": None}
    assert data["sentences"] and data["citations"]


def test_ask_llm_settings_enable_it_without_the_flag(
    sample_db: Path, llm_server: ThreadingHTTPServer
) -> None:
    env = {**_llm_env(llm_server, "echo"), "ONCOGUIDE_LLM_ENABLED": "true"}
    assert json.loads(_ask(sample_db, QUESTION, "--json", env=env))["llm"]["used"] is True


def test_ask_llm_failure_prints_the_quoted_answer_with_a_note(
    sample_db: Path, llm_server: ThreadingHTTPServer
) -> None:
    env = _llm_env(llm_server, "invent")
    data = json.loads(_ask(sample_db, QUESTION, "--llm", "--json", env=env))
    assert data["llm"]["used"] is False and data["llm"]["fallback"] is True
    assert "supported" in data["llm"]["reason"]
    text = _ask(sample_db, QUESTION, "--llm", env=env)
    assert "could not be used" in text and "97 percent" not in text


def test_ask_llm_unreachable_endpoint_is_visible(sample_db: Path) -> None:
    env = {"ONCOGUIDE_LLM_BASE_URL": "http://127.0.0.1:9/v1", "ONCOGUIDE_LLM_MODEL": "m"}
    data = json.loads(_ask(sample_db, QUESTION, "--llm", "--json", env=env))
    assert data["llm"]["fallback"] is True and "failed" in data["llm"]["reason"]
    assert "could not be used" in data["answer"]


def test_ask_without_llm_has_a_null_llm_field(sample_db: Path) -> None:
    data = json.loads(_ask(sample_db, QUESTION, "--json"))
    assert data["llm"] is None and isinstance(data["glossary"], list)


def test_ask_in_spanish_gets_the_english_only_reply(sample_db: Path) -> None:
    data = json.loads(_ask(sample_db, "¿Cuáles son los efectos secundarios de la quimioterapia?",
                           "--json"))  # fmt: skip
    assert data["answer"].startswith("I can answer in English only for now.")
    assert data["abstain_reason"] == "NOT_ENGLISH"


def test_ask_misspelt_question_is_answered(sample_db: Path) -> None:
    text = _ask(sample_db, "wat is kemoterapy")
    assert "I read your question as" in text and "[1]" in text


def test_ask_offers_kb_definitions_of_hard_words(sample_db: Path) -> None:
    question = "what are the side effects of chemotherapy"
    data = json.loads(_ask(sample_db, question, "--json"))
    assert data["glossary"], data["answer"]
    for g in data["glossary"]:
        assert g["term"].lower() in data["answer"].lower()
        assert g["citation"]["url"].startswith("https://example.org/oncoguide-sample/")
        assert g["definition"].lower().startswith(g["term"].lower()) or "called" in g["definition"]
    text = _ask(sample_db, question)
    assert "Words in this answer" in text and data["glossary"][0]["definition"] in text
