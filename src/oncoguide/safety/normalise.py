"""Text normalisation for the safety policy.

The policy matches YAML phrase patterns against one canonical form of the message, so the
patterns never have to spell out case, curly quotes, full-width letters or apostrophes:

* Unicode NFKC (full-width letters, ligatures and compatibility forms become plain letters);
* casefold (stronger than lower(): "ß" -> "ss");
* control and format characters removed (zero-width joiners inside a word would otherwise hide it);
  line breaks are kept as "\\n" because they end a sentence;
* curly quotes straightened, and apostrophes dropped altogether, so "can't", "can’t" and the common
  misspelling "cant" are one form ("cant") and a pattern lists it once;
* runs of spaces and tabs collapsed to one space.

Every step is linear in the length of the text, and nothing is truncated: a 100 KB message is
normalised in full so an emergency buried at the end is still seen (see `policy.py` for how the
matching stays linear too).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise"]

# Curly double quotes -> '"'; every apostrophe-like mark -> "" (removed, see module docstring).
_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "'": None,
        "\u2018": None,
        "\u2019": None,
        "\u201b": None,
        "\u02bc": None,
        "`": None,
        "\u00b4": None,
    }
)
# C0/C1 controls except tab/newline/carriage return; they become a space so words do not fuse.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Format characters (zero-width space/joiners, BOM, bidi marks) are deleted so a word stays whole.
_FORMAT = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
# Lone surrogates (possible in str built from bad JSON) cannot be encoded later; drop them.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_NEWLINES = re.compile(r"\s*\n[\s\n]*")


def normalise(text: str) -> str:
    """Return the canonical, casefolded form of `text` that the rule patterns are written for."""
    if not text:
        return ""
    text = _SURROGATE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _FORMAT.sub("", text)
    text = _CONTROL.sub(" ", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.casefold().translate(_QUOTES)
    text = _SPACES.sub(" ", text)
    text = _NEWLINES.sub("\n", text)
    return text.strip()
