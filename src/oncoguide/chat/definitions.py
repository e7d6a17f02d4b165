"""A glossary from the KB itself: the hard words of an answer, each defined by the KB's own first
defining sentence ("Neutropenia is a condition in which ...") with a citation to where it stands.

Hard words: terms the cited pages link to their dictionary (NCI glossary links, recorded at
ingest) and long words of the answer (3+ syllables), that the question does not already use and
that are not everyday KB words (used by more than `max_share` of the documents, e.g. "cancer").
Definitions come from `oncoguide.retrieve.definitions` (mined from the whole KB at ingest, or on
first use, and cached): a definition already quoted in the answer is not offered again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import lru_cache

from oncoguide.answer.readability import syllables
from oncoguide.answer.text import STOPWORDS
from oncoguide.index.store import Store
from oncoguide.types import Answer, Definition, Hit

__all__ = ["KBDefinitions", "hard_words"]

MAX_TERMS = 3
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@lru_cache(maxsize=8192)
def _term_pattern(term: str) -> re.Pattern[str]:
    """`term` as a whole word, plural allowed. Compiled once per process: a cited page links
    hundreds of glossary terms, more than `re`'s own cache holds, so it recompiled them per turn."""
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:e?s)?(?![\w-])")


def hard_words(
    text: str,
    *,
    question: str = "",
    linked: Sequence[str] = (),
    share: Callable[[str], float] = lambda w: 0.0,
    max_share: float = 0.25,
    limit: int = 6,
) -> list[str]:
    """Candidate terms in `text` order: `linked` terms found in it, then long words."""
    low = text.lower()
    asked = {w.lower() for w in _WORD.findall(question)}
    found: list[tuple[int, str]] = []
    seen: set[str] = set()

    def consider(term: str, pos: int) -> None:
        key = term.lower()
        words = key.split()
        if key in seen or not words or any(w in asked for w in words):
            return
        if all(w in STOPWORDS for w in words) or max(syllables(w) for w in words) < 3:
            return
        if min(share(w) for w in words) > max_share:
            return  # an everyday word of this KB ("treatment")
        seen.add(key)
        found.append((pos, term))

    for term in sorted(set(linked), key=len, reverse=True):
        key = term.lower()
        m = _term_pattern(key).search(low) if key in low else None
        if m is not None:
            consider(key, m.start())
    for m in _WORD.finditer(text):
        word = m.group(0).strip("'-")
        if len(word) >= 8 and word.isalpha() and not any(word.lower() in s for s in seen):
            consider(word.lower(), m.start())
    found.sort()
    return [t for _, t in found[:limit]]


class KBDefinitions:
    """Fills `Answer.definitions` from the KB's mined definitions (`define`: term -> Definition
    or None, e.g. `oncoguide.retrieve.definitions.KBGlossary.define`) for the answer's hard words.
    """

    def __init__(
        self,
        store: Store,
        define: Callable[[str], Definition | None],
        *,
        share: Callable[[str], float] = lambda w: 0.0,
        max_terms: int = MAX_TERMS,
    ) -> None:
        self.store = store
        self.define = define
        self.share = share
        self.max_terms = max_terms
        self._linked: dict[str, tuple[str, ...]] = {}

    def _linked_terms(self, doc_ids: Sequence[str]) -> list[str]:
        missing = [d for d in doc_ids if d not in self._linked]
        if missing:
            for doc_id, doc in self.store.get_documents(missing).items():
                self._linked[doc_id] = tuple(g.term for g in doc.glossary_terms)
            for doc_id in missing:
                self._linked.setdefault(doc_id, ())
        return [t for d in doc_ids for t in self._linked[d]]

    def __call__(self, answer: Answer, hits: Sequence[Hit]) -> Answer:
        """The answer with up to `max_terms` KB definitions of its hard words (none for an
        abstention; a definition already quoted in the answer is not repeated)."""
        if answer.abstained or not answer.sentences:
            return answer
        body = " ".join(s.text for s in answer.sentences)
        linked = self._linked_terms(sorted({c.doc_id for c in answer.citations}))
        out: list[Definition] = []
        for term in hard_words(body, question=answer.question, linked=linked, share=self.share):
            d = self.define(term)
            seen = {x.definition for x in out}
            if d is not None and d.definition not in body and d.definition not in seen:
                out.append(d)
            if len(out) == self.max_terms:
                break
        return replace(answer, definitions=tuple(out)) if out else answer
