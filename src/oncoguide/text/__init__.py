"""Text helpers below every stage: words and stems (`words`), the one sentence splitter and the
sentence tests (`sentences`), the numpy encoder (`encoder`, imported on its own)."""

from __future__ import annotations

from oncoguide.text.sentences import (
    is_anaphoric,
    is_dangling,
    is_lead_in,
    split_message,
    split_sentences,
)
from oncoguide.text.words import (
    STOPWORDS,
    content_terms,
    normalise,
    numbers_in,
    stem,
    strip_markup,
    words,
)

__all__ = [
    "STOPWORDS",
    "content_terms",
    "is_anaphoric",
    "is_dangling",
    "is_lead_in",
    "normalise",
    "numbers_in",
    "split_message",
    "split_sentences",
    "stem",
    "strip_markup",
    "words",
]
