"""Short definitions for dictionary terms that appear in an answer.

The caller passes `glossary` (term -> short definition taken from the KB's dictionary pages, for
the terms the cited documents link to their dictionary). Nothing here writes a definition.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from oncoguide.types import Answer

__all__ = ["offer_definitions", "with_glossary"]

MAX_TERMS = 3


def offer_definitions(
    text: str, glossary: Mapping[str, str], *, limit: int = MAX_TERMS
) -> tuple[tuple[str, str], ...]:
    """Up to `limit` (term, definition) pairs for terms that occur in `text`, in text order.

    Longer terms win over terms they contain ("bone marrow" before "bone").
    """
    found: list[tuple[int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for term in sorted(glossary, key=len, reverse=True):
        definition = glossary[term].strip()
        if not term.strip() or not definition:
            continue
        m = re.search(
            rf"(?<![\w-]){re.escape(term.strip())}(?:s|es)?(?![\w-])", text, re.IGNORECASE
        )
        if m is None or any(m.start() < end and start < m.end() for start, end in taken):
            continue
        taken.append((m.start(), m.end()))
        found.append((m.start(), term.strip(), definition))
    found.sort()
    return tuple((term, definition) for _, term, definition in found[:limit])


def with_glossary(answer: Answer, glossary: Mapping[str, str]) -> Answer:
    """The answer with its glossary offers filled in (none for abstentions)."""
    if answer.abstained:
        return answer
    body = " ".join(s.text for s in answer.sentences)
    return replace(answer, glossary=offer_definitions(body, glossary))
