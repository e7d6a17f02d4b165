"""Is a question written in English? (The KB, the safety rules and the templates are English.)

Decided in two steps so that everyday English never pays for language identification:
1. If at least half the question's words are English words the KB uses (or common question
   words), it is English — this also keeps typo-ridden English ("wat is kemoterapy") in.
2. Otherwise py3langid (a small n-gram language identifier, loaded on first use) must find
   English very unlikely (p < `max_en`) while another language is the clear best guess. Mostly
   non-Latin letters (Chinese, Arabic, Cyrillic, Devanagari...) mean not English outright.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any

__all__ = ["EnglishCheck", "looks_english", "preload_identifier"]

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_COMMON = frozenset(
    [
        "a",
        "about",
        "after",
        "am",
        "an",
        "and",
        "any",
        "are",
        "be",
        "been",
        "before",
        "can",
        "cant",
        "could",
        "did",
        "do",
        "does",
        "dont",
        "for",
        "from",
        "get",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "how",
        "i",
        "if",
        "im",
        "in",
        "is",
        "it",
        "its",
        "ive",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "she",
        "should",
        "so",
        "that",
        "the",
        "their",
        "them",
        "there",
        "they",
        "this",
        "to",
        "too",
        "was",
        "we",
        "were",
        "what",
        "whats",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)
# The languages the identifier chooses among: the commonest on the web and in patient leaflets.
_LANGUAGES = [
    "en",
    "es",
    "fr",
    "de",
    "pt",
    "it",
    "nl",
    "pl",
    "tr",
    "vi",
    "id",
    "ro",
    "sv",
    "tl",
    "zh",
    "ar",
    "hi",
    "ru",
    "ja",
    "ko",
    "uk",
    "fa",
    "ur",
    "bn",
]


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
    ident.set_languages(list(_LANGUAGES))
    return ident


def preload_identifier() -> None:
    """Load the language identifier now (about 1 s; servers call this at start-up)."""
    _identifier()


def _latin_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return latin / len(letters)


def looks_english(
    text: str,
    known: Callable[[str], bool] = lambda w: False,
    *,
    max_en: float = 0.1,
    min_top: float = 0.3,
) -> bool:
    """True unless the text is clearly in another language (see the module docstring)."""
    if _latin_share(text) < 0.5:
        return False
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return True
    english = sum(1 for w in words if w in _COMMON or (w.isascii() and known(w)))
    if english * 2 > len(words):
        return True
    ranked = dict(_identifier().rank(text))
    top_lang, top_p = max(ranked.items(), key=lambda kv: kv[1])
    return not (top_lang != "en" and top_p >= min_top and ranked.get("en", 0.0) < max_en)


class EnglishCheck:
    """`looks_english` bound to a word test (the KB's vocabulary)."""

    def __init__(self, known: Callable[[str], bool]) -> None:
        self.known = known

    def __call__(self, text: str) -> bool:
        return looks_english(text, self.known)
