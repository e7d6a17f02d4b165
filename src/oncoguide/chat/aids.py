"""What the chat turn adds around the answer stage: language check, respelling, the optional
verified LLM step, and message tidying. Each aid is optional; `TurnAids()` changes nothing.

- `english`: a test for "written in English"; other questions get `english_only` (messages.yaml).
- `respell`: when the gate turns a question away, the question respelt with the KB's words is
  tried once more ("wat is kemoterapy"); the answer then says how the question was read.
- `llm` / `llm_requested`: the extractive answer's passages go to the model, its sentences are
  verified against them, and any failure keeps the extractive answer with a visible note.
- `define`: fills `Answer.definitions` from the KB (the chat layer binds it to a store).
- `navigate`: answers "what should I do next?" and "what questions should I ask?" questions
  (`oncoguide.chat.navigate`), before the normal answer path.
- `focus`: the asked part of a question that tells its story first (`asked_part`), tried when
  the whole question is turned away.
- `acknowledge`: one kind opening sentence for a message that carries fear, grief or a new
  diagnosis (`oncoguide.chat.feelings`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from oncoguide.answer.llm import LLMClient, chosen_passages
from oncoguide.answer.qtypes import STORY_WEIGHT, read_question
from oncoguide.answer.readability import reading_grade
from oncoguide.answer.text import content_terms
from oncoguide.errors import ConfigError
from oncoguide.types import Answer, Hit, LLMUse

__all__ = [
    "AcknowledgeFn",
    "DefineFn",
    "NavigateFn",
    "TurnAids",
    "asked_part",
    "capitalise",
    "english_only",
    "message",
    "read_as",
    "region_sentence",
    "sections_focus",
    "with_llm",
    "without_general_info",
]

DefineFn = Callable[[Answer, Sequence[Hit]], Answer]
# (question, as_of=, region_line=) -> (a navigation answer, the hits it quotes), or None when
# the question asks for no navigation.
NavigateFn = Callable[..., tuple[Answer, tuple[Hit, ...]] | None]
# (question, region, audience) -> one kind opening sentence, or None.
AcknowledgeFn = Callable[[str, str, str | None], str | None]
RespellFn = Callable[[str], tuple[str, tuple[tuple[str, str], ...]]]


@dataclass(frozen=True)
class TurnAids:
    english: Callable[[str], bool] | None = None
    respell: RespellFn | None = None
    llm: LLMClient | None = None
    llm_requested: bool = False
    define: DefineFn | None = None
    navigate: NavigateFn | None = None
    focus: Callable[[str], str | None] | None = None
    acknowledge: AcknowledgeFn | None = None


@lru_cache(maxsize=1)
def _messages() -> dict[str, Any]:
    try:
        text = resources.files("oncoguide.chat").joinpath("messages.yaml").read_text("utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read oncoguide/chat/messages.yaml: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError("oncoguide/chat/messages.yaml must hold a mapping")
    return data


def message(key: str, **values: str) -> str:
    """A message from messages.yaml (its sentences capitalised, see `capitalise`) with its
    placeholders filled."""
    return capitalise(str(_messages()[key]).strip()).format(**values)


_SENTENCE_START = re.compile(r"(^|[.!?]\s+|\n-?\s*)([a-z])")


def capitalise(text: str) -> str:
    """Template text with every sentence and line starting with a capital letter."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def region_sentence(line: str) -> str:
    """The region's information line as a full sentence ("You can also call ... .")."""
    line = line.strip().rstrip(".")
    if not line:
        return ""
    if line[0].isupper():
        return f"{line}."
    return message("region_line", line=line)


def english_only(question: str, region_line: str) -> Answer:
    text = message("english_only", region_line=region_line)
    return Answer(
        question=question,
        text=text,
        sentences=(),
        citations=(),
        abstained=True,
        abstain_reason="NOT_ENGLISH",
        reading_grade=reading_grade(text),
    )


_GENERAL_INFO = re.compile(r"^\s*Here is general information\b.*$\n?", re.MULTILINE)


def without_general_info(text: str) -> str:
    """A refusal message without its "Here is general information…" line (used when no
    general information follows)."""
    return _GENERAL_INFO.sub("", text).strip()


def read_as(answer: Answer, respelt: str) -> Answer:
    """The answer, opened by how the misspelt question was read."""
    return replace(answer, text=f"{message('read_as', question=respelt)}\n\n{answer.text}")


def with_llm(
    answer: Answer,
    hits: Sequence[Hit],
    *,
    client: LLMClient | None,
    requested: bool,
    as_of: date,
) -> Answer:
    """The verified LLM answer, or `answer` with a visible note saying why not.

    Nothing happens when the LLM was not requested; abstentions are never sent to the model.
    """
    if not requested or answer.abstained:
        return answer
    if client is None:
        reason = message("llm_not_configured")
    else:
        generated, reason_or_none = client.generate_checked(
            answer.question, hits, as_of=as_of, fallback=answer,
            sources=chosen_passages(answer, hits),
        )  # fmt: skip
        if reason_or_none is None:
            return replace(generated, llm=LLMUse(used=True, fallback=False))
        reason = reason_or_none
    note = message("llm_fallback", reason=reason.rstrip("."))
    return replace(
        answer,
        text=f"{answer.text}\n\n{note}",
        llm=LLMUse(used=False, fallback=True, reason=reason),
    )


_CLAUSE = re.compile(
    r"(?<=[,.;:!?—])\s+|\s+(?:but|and|so)\s+(?=(?:what|how|is|are|can|could|should|will|does|do|why|when|where|which|who)\b)",
    re.I,
)
_ASKS = re.compile(
    r"^(?:what|how|is|are|can|could|should|will|would|does|do|did|why|when|where|which|who|"
    r"any|tell me|please)\b",
    re.IGNORECASE,
)


_POINTS_BACK = re.compile(
    r"\b(?:it|its|them|they|this|that|these|those|he|she|him|her|his)\b", re.IGNORECASE
)


def asked_part(question: str) -> str | None:
    """The question's asked part when a story comes before it ("My mum just had surgery for
    breast cancer, what helps with the swelling?" -> "what helps with the swelling?"), else None."""
    clauses = [c.strip() for c in _CLAUSE.split(question.strip()) if c and c.strip()]
    for i, clause in enumerate(clauses):
        if i > 0 and _ASKS.match(clause):
            part = " ".join(clauses[i:])
            # Alone, the part must still say what it is about: a content word, and no
            # pronoun that points back into the story ("how do you pass them").
            if not content_terms(part) or _POINTS_BACK.search(part):
                return None
            return part
    return None


# A thing the story named ("do these go away?"); a person ("how do we support her?") is not.
_POINTS_TO_TOPIC = re.compile(r"\b(?:it|its|this|that|these|those)\b", re.IGNORECASE)


def sections_focus(question: str) -> str | None:
    """What a story-first question asks, for matching sections (`SectionContext`): every asking
    clause after the story ("how long is recovery? do I need time off work?" has no story), when
    it names its own subject and points back to no thing of the story; else None."""
    q = read_question(question)
    if not q.story or q.story_weight != STORY_WEIGHT or _POINTS_TO_TOPIC.search(q.asked):
        return None
    return q.asked
