"""Loads the answer stage's own wording (templates.yaml) and word lists (vocabulary.yaml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from rapidfuzz.distance import Levenshtein

from oncoguide.answer.text import stem, words
from oncoguide.errors import ConfigError

__all__ = [
    "CareVocabulary",
    "abstain_message",
    "care_vocabulary",
    "llm_system_prompt",
    "section_label",
]


def _load(name: str) -> dict[str, Any]:
    try:
        text = resources.files("oncoguide.answer").joinpath(name).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read oncoguide/answer/{name}: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"oncoguide/answer/{name} must hold a mapping")
    return data


@lru_cache(maxsize=1)
def _templates() -> dict[str, Any]:
    return _load("templates.yaml")


def abstain_message(reason: str, region_line: str | None) -> str:
    """The templated abstention text for a reason code, ending with the region's info line."""
    data = _templates()
    messages: dict[str, str] = data["abstain"]
    template = messages.get(reason, messages["LOW_RELEVANCE"])
    line = (region_line or "").strip() or str(data["default_region_line"])
    return template.format(region_line=line).strip()


def section_label(section: str) -> str:
    labels: dict[str, str] = _templates()["sections"]
    return labels.get(section, "")


@dataclass(frozen=True)
class CareVocabulary:
    """Cancer and cancer-care vocabulary (vocabulary.yaml), stemmed like question words."""

    words: frozenset[str]
    phrases: tuple[str, ...]
    suffixes: tuple[str, ...]
    suffix_exceptions: frozenset[str]
    out_of_scope: tuple[re.Pattern[str], ...] = ()

    def count(self, question: str) -> int:
        """How many care words and phrases the question uses (misspellings of long words count)."""
        tokens = [stem(t) for t in words(question)]
        joined = f" {' '.join(tokens)} "
        single = sum(1 for t in tokens if self._is_care_word(t))
        return single + sum(1 for p in self.phrases if f" {p} " in joined)

    def _is_care_word(self, token: str) -> bool:
        if token in self.words:
            return True
        if token.endswith(self.suffixes) and token not in self.suffix_exceptions:
            return True
        return _misspelt_care_word(token, self.words)

    def is_out_of_scope(self, question: str) -> bool:
        """True for questions about prices, opening hours, stock or named people (never in a KB)."""
        return any(p.search(question) for p in self.out_of_scope)


# Patients misspell long medical words ("chemotheraphy", "leukemea", "neutropinia"). One edit is
# tolerated from 7 letters and two from 10, with the first letter fixed: shorter words collide with
# everyday English ("breath" is one edit from "breast").
_FUZZY_MIN_LEN = 7
_FUZZY_TWO_EDITS_LEN = 10


@lru_cache(maxsize=4096)
def _misspelt_care_word(token: str, vocabulary: frozenset[str]) -> bool:
    if len(token) < _FUZZY_MIN_LEN:
        return False
    allowed = 2 if len(token) >= _FUZZY_TWO_EDITS_LEN else 1
    return any(
        v[:1] == token[:1]
        and abs(len(v) - len(token)) <= allowed
        and Levenshtein.distance(token, v, score_cutoff=allowed) <= allowed
        for v in vocabulary
    )


@lru_cache(maxsize=1)
def care_vocabulary() -> CareVocabulary:
    data = _load("vocabulary.yaml")

    def stems(key: str) -> list[str]:
        return [" ".join(stem(w) for w in words(str(v))) for v in data.get(key, [])]

    return CareVocabulary(
        words=frozenset(stems("words")),
        phrases=tuple(stems("phrases")),
        suffixes=tuple(str(v).lower() for v in data.get("suffixes", [])),
        suffix_exceptions=frozenset(stems("suffix_exceptions")),
        out_of_scope=tuple(re.compile(str(v), re.IGNORECASE) for v in data.get("out_of_scope", [])),
    )


def llm_system_prompt() -> str:
    return str(_templates()["llm_system_prompt"]).strip()
