"""Flesch–Kincaid grade level of an answer, with offline syllable counts.

Syllables: pyphen's hyphenation points (offline en_US dictionary) undercount short and
Greek/Latin words ("chemotherapy" -> 3), so each word counts as the larger of pyphen's count and a
vowel-group count. textstat is not used: it downloads data at run time.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

from oncoguide.text.sentences import split_sentences

__all__ = ["reading_grade", "syllables"]

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_VOWEL_GROUP = re.compile(r"[aeiouy]+")
_MARKER = re.compile(r"\[\d+\]")


@lru_cache(maxsize=1)
def _dictionary() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="en_US")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    w = word.lower()
    groups = len(_VOWEL_GROUP.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee")) and groups > 1:
        groups -= 1  # silent final e ("cure", "stage")
    hyphen_points = len(_dictionary().positions(w)) + 1
    return max(1, groups, hyphen_points)


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for line in _MARKER.sub("", text).splitlines():
        line = line.strip().lstrip("-*• ").strip()
        if line:
            out.extend(split_sentences(line))  # each list item counts as a sentence
    return out


def reading_grade(text: str) -> float | None:
    """Flesch–Kincaid grade, rounded to 0.1; None when the text has no words."""
    sentences = _sentences(text)
    tokens = [w for s in sentences for w in _WORD.findall(s)]
    if not tokens:
        return None
    n_syllables = sum(syllables(w) for w in tokens)
    grade = 0.39 * len(tokens) / len(sentences) + 11.8 * n_syllables / len(tokens) - 15.59
    return round(grade, 1)
