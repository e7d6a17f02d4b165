"""What a question asks: its asked part (after any story) and its types, from qtypes.yaml.

A question that tells its story first ("my husband was just diagnosed with stage 4 pancreatic
cancer, how long do people usually live") asks in its last clause; that clause weighs most when
sections are ranked, and its types come first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from oncoguide.errors import ConfigError
from oncoguide.text import content_terms

__all__ = [
    "Question",
    "QuestionType",
    "asks_for_list",
    "is_never_answer",
    "question_types",
    "read_question",
    "type_named",
]

# Clause breaks: sentence ends, semicolons, and a comma or "and"/"but"/"so" before a question word.
_QWORD = (
    r"(?:how|what|whats|what's|which|when|why|who|where|is|are|can|could|will|would|does|do|"
    r"did|should|am|may|any|anything)"
)
_CLAUSE = re.compile(
    rf"[.?!;]+\s+|,\s*(?=(?:and |but |so )?{_QWORD}\b)|\s+(?:and|but|so)\s+(?={_QWORD}\b)",
    re.IGNORECASE,
)
# A story word counts this much beside a word of the asked part; more when the asked part names
# no subject of its own ("what are the signs?", "how does that work?").
STORY_WEIGHT = 0.35
SUBJECT_STORY_WEIGHT = 0.8
_FRAME = content_terms("work works happen happens help helps mean means signs sign usually get")
# Words that say when or how long ("how long does it take"): the `when` type's heading cue reads
# them; as topic words they match every "How long it takes ..." heading of any page.
_TIME_FRAME = content_terms("long take takes taking took soon time times often")
_ASKS_QUESTIONS = re.compile(r"\bquestions?\b", re.IGNORECASE)
_QUESTIONISH = re.compile(rf"^\s*(?:and |but |so |please )?{_QWORD}\b|\?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionType:
    name: str
    ask: tuple[re.Pattern[str], ...]
    heading: tuple[re.Pattern[str], ...]
    avoid: tuple[str, ...]
    text: tuple[re.Pattern[str], ...] = ()  # what an answer's text says ("every 10 years")

    def asked_in(self, text: str) -> bool:
        return any(p.search(text) for p in self.ask)

    def names(self, heading: str) -> bool:
        return any(p.search(heading) for p in self.heading)

    def answered_in(self, text: str) -> bool:
        """The text says what this type asks for (its `text` cues; False without any)."""
        return any(p.search(text) for p in self.text)


@dataclass(frozen=True)
class Question:
    """A question read once: its asked part, story, types (main first) and weighted terms."""

    text: str
    asked: str
    story: str
    types: tuple[QuestionType, ...]
    asked_terms: frozenset[str]
    story_terms: frozenset[str]
    story_weight: float = 1.0  # how much a story word counts beside an asked word (1)
    asks_list: bool = False  # its asked part asks for a list (qtypes.yaml `lists`)

    @property
    def main(self) -> QuestionType | None:
        return self.types[0] if self.types else None

    def is_type(self, name: str) -> bool:
        return any(t.name == name for t in self.types)

    @property
    def asks_for_questions(self) -> bool:
        """ "What questions should I ask my doctor?": a list of questions is the answer."""
        return bool(_ASKS_QUESTIONS.search(self.text))

    @property
    def terms(self) -> frozenset[str]:
        return self.asked_terms | self.story_terms


@lru_cache(maxsize=1)
def _table() -> tuple[
    tuple[QuestionType, ...], tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]
]:
    raw = resources.files("oncoguide.answer").joinpath("qtypes.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(raw)
    try:
        types = tuple(
            QuestionType(
                name=str(t["name"]),
                ask=tuple(re.compile(p, re.IGNORECASE) for p in t["ask"]),
                heading=tuple(re.compile(p, re.IGNORECASE) for p in t["heading"]),
                avoid=tuple(str(a) for a in t.get("avoid") or ()),
                text=tuple(re.compile(p, re.IGNORECASE) for p in t.get("text") or ()),
            )
            for t in data["types"]
        )
        never = tuple(re.compile(p, re.IGNORECASE) for p in data["never"])
        lists = tuple(re.compile(p, re.IGNORECASE) for p in data["lists"])
    except (KeyError, TypeError, re.error) as exc:
        raise ConfigError(f"answer/qtypes.yaml is malformed: {exc}") from exc
    known = {t.name for t in types}
    for t in types:
        if not set(t.avoid) <= known:
            raise ConfigError(f"answer/qtypes.yaml: {t.name} avoids unknown types {t.avoid}")
    return types, never, lists


def question_types() -> tuple[QuestionType, ...]:
    return _table()[0]


def type_named(name: str) -> QuestionType:
    return next(t for t in question_types() if t.name == name)


def is_never_answer(heading: str) -> bool:
    """A section about the document itself (editorial boards, references, key points)."""
    return any(p.search(heading) for p in _table()[1])


def asks_for_list(asked: str) -> bool:
    """The asked part asks for a list ("what are the signs of ...", "which tests ...")."""
    return any(p.search(asked) for p in _table()[2])


def _split(question: str) -> tuple[str, str]:
    """(asked part, story): the question's last clauses that ask, and everything before them."""
    q = question.strip()
    parts = [p.strip() for p in _CLAUSE.split(q) if p and p.strip()]
    start = len(parts)
    while start > 0 and _QUESTIONISH.search(parts[start - 1]):
        start -= 1
    if start == len(parts) or start == 0:
        return q, ""
    return " ".join(parts[start:]), " ".join(parts[:start])


@lru_cache(maxsize=512)
def read_question(question: str) -> Question:
    """The question's asked part, story, types and terms (see the module docstring)."""
    asked, story = _split(question)
    found = [t for t in question_types() if t.asked_in(asked)]
    found += [t for t in question_types() if t not in found and t.asked_in(question)]
    asked_terms = content_terms(asked) - _TIME_FRAME
    # "how does that work?": the asked part names no subject of its own, the story does.
    story_weight = STORY_WEIGHT if asked_terms - _FRAME else SUBJECT_STORY_WEIGHT
    return Question(
        text=question,
        asked=asked,
        story=story,
        types=tuple(found),
        asked_terms=asked_terms,
        story_terms=content_terms(story) - asked_terms,
        story_weight=story_weight,
        asks_list=asks_for_list(asked),
    )
