"""Lines of a page that are no answer to anything: notes about the page itself and pronunciation
guides (quotable.py leaves them out of answers)."""

from __future__ import annotations

import re

__all__ = ["is_document_note"]

_NOTE = re.compile(
    r"\bnot (?:a|an|intended as(?: a)?) (?:medical|clinical) (?:source|advice)\b"
    r"|\b(?:sample|example|demo) (?:document|page|text) written for\b"
    # an image's credit line kept in the page text ("Credit: iStock"): about a picture
    r"|^\s*(?:image |photo )?credits?:\s*\S[^.]{0,80}\.?\s*$",
    re.IGNORECASE,
)

# A whole line in brackets of hyphenated syllables with the stressed ones in capitals.
_PRONUNCIATION = re.compile(
    r"^\s*\((?=[^)]*[A-Za-z]-[A-Za-z])(?=[^)]*[A-Z]{2})[A-Za-z\s\-…,.'’]+\)\s*$"
)


def is_document_note(sentence: str) -> bool:
    """True for a note about the page itself (a disclaimer) or a pronunciation guide, which are
    no answer to anything."""
    return bool(_NOTE.search(sentence) or _PRONUNCIATION.match(sentence))
