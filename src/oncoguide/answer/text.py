"""Word-level text helpers: re-exported from `oncoguide.text`, the one module every stage shares."""

from __future__ import annotations

from oncoguide.text import (
    STOPWORDS,
    content_terms,
    normalise,
    numbers_in,
    stem,
    strip_markup,
    words,
)

__all__ = ["STOPWORDS", "content_terms", "normalise", "numbers_in", "stem", "strip_markup", "words"]
