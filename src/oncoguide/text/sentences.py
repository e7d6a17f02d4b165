"""The project's one sentence splitter, for KB prose and for user messages.

Both modes cut after `.`, `!` or `?` (optionally closed by a quote or bracket) and a space, and
never after a common abbreviation ("e.g.", "Dr."). They differ in one thing only:

* `split_sentences` (prose: KB passages, answers) needs the next sentence to start with a capital,
  a digit or an opening quote/bracket, as edited text does;
* `split_message` (what people type) does not: "cant breathe. help" is two sentences. A line break
  and a bullet ("•") also end a sentence there, because chat and e-mail use them as full stops.

The chunker in `kb/chunk.py` keeps its own historical splitter on purpose: chunk boundaries are part
of every stored chunk's hash, and changing them would force every index to be rebuilt.
"""

from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "split_message", "split_sentences"]

ABBREVIATIONS = frozenset((
    "e.g.", "i.e.", "dr.", "mr.", "mrs.", "ms.", "vs.", "etc.", "no.", "st.", "u.s.", "fig.",
    "approx.", "jr.", "sr.", "inc.", "al.",
))  # fmt: skip
_WS = re.compile(r"\s+")
# The closing quote or bracket stays with its sentence (a look-behind, so the split never eats it).
_END = r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)\]]))\s+"
_PROSE_BOUNDARY = re.compile(_END + r"(?=[\"“(\[]?[A-Z0-9])")
_MESSAGE_BOUNDARY = re.compile(_END + r"(?=\S)")
_LINE_BREAK = re.compile(r"\s*(?:\n|•)[\s•]*")


def _merge_abbreviations(parts: list[str]) -> list[str]:
    merged: list[str] = []
    for part in parts:
        if merged and merged[-1].rsplit(" ", 1)[-1].lower() in ABBREVIATIONS:
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


def _split(text: str, boundary: re.Pattern[str]) -> list[str]:
    parts = [p.strip() for p in boundary.split(_WS.sub(" ", text).strip())]
    return _merge_abbreviations([p for p in parts if p])


def split_sentences(text: str) -> list[str]:
    """Sentences of one prose paragraph; abbreviations such as 'e.g.' do not end a sentence."""
    return _split(text, _PROSE_BOUNDARY)


def split_message(text: str) -> list[str]:
    """Sentences of a typed message, in order: lower-case starts, line breaks and bullets count."""
    out: list[str] = []
    for line in _LINE_BREAK.split(text):
        out.extend(_split(line, _MESSAGE_BOUNDARY))
    return out
