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

__all__ = [
    "ABBREVIATIONS",
    "is_anaphoric",
    "is_dangling",
    "is_lead_in",
    "split_message",
    "split_sentences",
]

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


# Navigation and media boilerplate that is never an answer on its own.
_BOILERPLATE = re.compile(
    r"^(learn more|go to|see the|see our|for more information|for information (about|on)|credit:|"
    r"view this video|watch (this|the) video|read more|click|download|image|figure)\b"
    r"|\b(listed|shown|described) (below|above)\b|\bsee the [^.]{0,60} section\b",
    re.IGNORECASE,
)
_GENERIC_LEAD_IN = re.compile(
    r"^(these|they|this|it|some|others?)( may| can)? (include|are|is)( the following)?:$",
    re.IGNORECASE,
)
# A sentence that opens on one of these points back to the sentence before it ("It usually
# starts in the fingers...", "But such survivors..."); alone, the reader cannot tell what it means.
_ANAPHOR = re.compile(
    r"^(this|these|those|that|they|them|it|its|their|such|he|she|both|however|but|also|"
    r"in addition|because of this|for this reason|as a result|instead|so|then|yet|still|"
    r"otherwise|therefore|thus|likewise|similarly|furthermore|moreover|and|or)\b",
    re.IGNORECASE,
)
# "It is best not to skip a treatment.", "It's important to...": an "it" that points at nothing.
_EXPLETIVE_IT = re.compile(
    r"^it(?:'s| is| was| can be| may be| might be| will be| could be)\s+(?:\w+\s+){0,3}?"
    r"(?:to|that|for|if|when|normal|common|possible|important|best|okay|ok|safe)\b",
    re.IGNORECASE,
)
_TERMINAL = (".", "!", "?", '."', ".)", ".”", "?”")


def is_dangling(sentence: str) -> bool:
    """True for text that cannot stand alone: lead-ins, short fragments, navigation lines."""
    s = sentence.strip()
    if s.endswith((":", ",", ";")) or len(s.split()) < 4:
        return True
    return bool(_BOILERPLATE.match(s) or _GENERIC_LEAD_IN.match(s))


def is_anaphoric(sentence: str) -> bool:
    """True when the sentence needs the one before it to make sense (opens on a pronoun or a
    connective: "This", "These", "But", "However")."""
    s = sentence.strip()
    return bool(_ANAPHOR.match(s)) and not _EXPLETIVE_IT.match(s)


def is_lead_in(sentence: str) -> bool:
    """A paragraph's last sentence introduces the list after it when it ends with ':' or ','
    or has no closing punctuation at all ("Other common symptoms include")."""
    s = sentence.strip()
    return s.endswith((":", ",")) or not s.endswith(_TERMINAL)
