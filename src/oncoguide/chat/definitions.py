"""A glossary from the KB itself: the hard words of an answer, each defined by the KB's own first
defining sentence ("Neutropenia is a condition in which ...") with a citation to where it stands.

Hard words: terms the cited pages link to their dictionary (NCI glossary links, recorded at
ingest) and long words of the answer (3+ syllables), that the question does not already use and
that are not everyday KB words (used by more than `max_share` of the documents, e.g. "cancer").
Definitions are mined lazily, one term at a time, and cached for the life of the assistant: a
lexical search for the term, then the first sentence of the form "<term> is/are/means a/an/the/
when ..." in the matching chunks, preferring a page or section about the term (its title or
heading names it), patient pages, and shorter, plainer sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from oncoguide.answer.readability import reading_grade, syllables
from oncoguide.answer.sentences import split_sentences
from oncoguide.answer.text import STOPWORDS, strip_markup
from oncoguide.index.store import Store
from oncoguide.types import Answer, Definition, Hit

__all__ = ["KBDefinitions", "defining_sentence", "hard_words"]

MAX_TERMS = 3
MAX_WORDS = 40
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Words after "<term> is" that make a remark, not a definition ("X is not ...", "X is common").
_NOT_A_DEFINITION = (
    r"(?:not|also|important|common|rare|often|usually|sometimes|more|less|most|very|recommended|"
    r"likely|unlikely|possible|safe|available|approved|given|done|diagnosed|found|treated|caused|"
    r"still|only|being|now|then|there|this|that|it|usual|normal|different|needed|helpful|best|"
    r"better|worse|sometimes|rarely|generally|typically|about|in|on|at|for|by|to|of|with)\b"
)


def _pattern(term: str) -> re.Pattern[str]:
    words = r"[\s-]+".join(re.escape(w) for w in term.split())
    return re.compile(
        rf"^(?:(?:An?|The)\s+)?{words}(?:e?s)?(?:\s*\([^)]{{1,60}}\))?(?:,[^,]{{1,60}},)?\s+"
        rf"(?:(?:is|are|refers to|means)\s+(?!{_NOT_A_DEFINITION})|uses\s+)\w",
        re.IGNORECASE,
    )


def _called(term: str) -> re.Pattern[str]:
    words = r"[\s-]+".join(re.escape(w) for w in term.split())
    return re.compile(rf"\b(?:called|known as)\s+(?:an?\s+|the\s+)?{words}(?:e?s)?\b", re.I)


def defining_sentence(term: str, text: str) -> str | None:
    """The first sentence of `text` that defines `term` ("<term> is a ...", "<term> uses ...");
    failing that, the first that names it ("... a lump of tissue called a tumor"); or None."""
    pattern, called = _pattern(term), _called(term)
    naming: str | None = None
    for line in strip_markup(text).splitlines():
        line = line.strip().lstrip("-*• ").strip()
        if not line or line.startswith("#") or "|" in line:
            continue
        for sentence in split_sentences(line):
            if len(sentence.split()) > MAX_WORDS or sentence.endswith((":", "?")):
                continue
            if pattern.match(sentence):
                return sentence.rstrip()
            if naming is None and called.search(sentence):
                naming = sentence.rstrip()
    return naming


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
        m = re.search(rf"(?<![\w-]){re.escape(term.lower())}(?:e?s)?(?![\w-])", low)
        if m is not None:
            consider(term.lower(), m.start())
    for m in _WORD.finditer(text):
        word = m.group(0).strip("'-")
        if len(word) >= 8 and word.isalpha() and not any(word.lower() in s for s in seen):
            consider(word.lower(), m.start())
    found.sort()
    return [t for _, t in found[:limit]]


class KBDefinitions:
    """Term -> `Definition` mined from a store, cached; `__call__` fills `Answer.definitions`."""

    def __init__(
        self,
        store: Store,
        *,
        share: Callable[[str], float] = lambda w: 0.0,
        max_terms: int = MAX_TERMS,
    ) -> None:
        self.store = store
        self.share = share
        self.max_terms = max_terms
        self._cache: dict[str, Definition | None] = {}
        self._linked: dict[str, tuple[str, ...]] = {}

    def define(self, term: str) -> Definition | None:
        key = term.lower().strip()
        if key not in self._cache:
            self._cache[key] = self._mine(key)
        return self._cache[key]

    def _mine(self, term: str) -> Definition | None:
        matches = self.store.lexical_search(term, k=25)
        if not matches:
            return None
        chunks = self.store.get_chunks([m.chunk_id for m in matches])
        docs = self.store.get_documents(sorted({m.doc_id for m in matches}))
        best: tuple[tuple[int, int, float, int], Definition] | None = None
        for rank, m in enumerate(matches):
            chunk, doc = chunks.get(m.chunk_id), docs.get(m.doc_id)
            if chunk is None or doc is None:
                continue
            sentence = defining_sentence(term, chunk.text)
            if sentence is None:
                continue
            about = term in doc.title.lower() or any(term in h.lower() for h in chunk.heading_path)
            grade = reading_grade(sentence) or 0.0
            key = (0 if about else 1, 0 if doc.audience != "technical" else 1, grade, rank)
            if best is None or key < best[0]:
                definition = Definition(
                    term=term, definition=sentence, doc_id=doc.doc_id, chunk_id=chunk.chunk_id,
                    url=doc.url, title=doc.title, heading=chunk.heading,
                )  # fmt: skip
                best = (key, definition)
        return best[1] if best else None

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
            if d is not None and d.definition not in body:
                out.append(d)
            if len(out) == self.max_terms:
                break
        return replace(answer, definitions=tuple(out)) if out else answer
