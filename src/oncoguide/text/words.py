"""Word-level text helpers shared by every stage: markup, words, stems, content terms.

`normalise` is the one definition of "the same text" that composing and verifying agree on:
markdown link/image/emphasis markup removed, quotes unified, case folded, whitespace collapsed.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "STOPWORDS",
    "content_terms",
    "normalise",
    "numbers_in",
    "stem",
    "strip_markup",
    "words",
]

_IMAGE = re.compile(r"!\[[^\]]*\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_ENLARGE = re.compile(r"\bEnlarge\b")
_QUOTES = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("\u00a0", " "))
_WS = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+(?:['\-][a-z0-9]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

# Function words and question scaffolding; they carry no topic, so they never count as overlap.
STOPWORDS = frozenset(
    (
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any",
        "are", "aren", "as", "at", "be", "because", "been", "before", "being", "below", "between",
        "both", "but", "by", "can", "cant", "could", "did", "do", "does", "doesn", "doing", "don",
        "dont", "down", "during", "each", "few", "for", "from", "further", "get", "got", "had",
        "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his",
        "how", "i", "id", "if", "im", "in", "into", "is", "isn", "it", "its", "itself", "ive",
        "just", "know", "many", "may", "me", "might", "more", "most", "much", "must", "my",
        "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
        "our", "ours", "out", "over", "own", "please", "s", "same", "shall", "she", "should", "so",
        "some", "such", "t", "tell", "than", "that", "the", "their", "theirs", "them", "themselves",
        "then", "there", "these", "they", "thing", "things", "this", "those", "through", "to",
        "too", "under", "until", "up", "very", "was", "way", "ways", "we", "were", "what", "whats",
        "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you",
        "your", "yours", "yourself", "yourselves",
    )
)  # fmt: skip


def strip_markup(text: str) -> str:
    """Remove markdown images, keep link text, drop emphasis markers, HTML tags and 'Enlarge'."""
    if "](" in text:  # cheap guards: most lines have no markup at all
        text = _LINK.sub(r"\1", _IMAGE.sub("", text))
    if "**" in text or "__" in text:
        text = _EMPHASIS.sub(r"\2", text)
    if "<" in text:
        text = _HTML_TAG.sub("", text)
    return _ENLARGE.sub("", text) if "Enlarge" in text else text


def _unify_quotes(text: str) -> str:
    for old, new in _QUOTES:
        if old in text:
            text = text.replace(old, new)
    return text


@lru_cache(maxsize=1024)
def normalise(text: str) -> str:
    """Canonical form for containment checks (markup, quotes, case and whitespace folded)."""
    text = _unify_quotes(strip_markup(text)).replace("*", "")
    return _WS.sub(" ", text).strip().lower()


def words(text: str) -> list[str]:
    """Lower-cased word tokens (hyphenated words and contractions stay whole)."""
    return _WORD.findall(_unify_quotes(text).lower())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A deliberately light suffix stripper: plural and -ing/-ed forms meet their base word."""
    w = word.removesuffix("'s")
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith("sses"):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed"):
        w = w[:-2]
    return w


def content_terms(text: str) -> frozenset[str]:
    """Stemmed content words of a text (stopwords and one-letter tokens dropped).

    A hyphenated word counts whole and by its parts, so "pins-and-needles" in the KB meets
    "pins and needles" in a question."""
    return frozenset(
        stem(t)
        for w in words(text)
        for t in ((w, *w.split("-")) if "-" in w else (w,))
        if t not in STOPWORDS and (len(t) > 1 or t.isdigit())
    )


def numbers_in(text: str) -> frozenset[str]:
    """Every number in the text, as written (dose-like and date-like strings included)."""
    return frozenset(_NUMBER.findall(text))
