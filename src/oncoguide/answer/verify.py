"""Verification: every answer sentence must be supported by the passage its citation points to.

Extractive sentences must be contained in the cited passage (after `normalise`: markup, quotes,
case and whitespace folded). Generated sentences are scored: the fraction of their content words
found in the cited passage must reach SUPPORT_THRESHOLD and every number must appear there.
SUPPORT_THRESHOLD = 0.8 lets a model re-inflect or join words ("is used" for "are used") but not
add a claim: a new claim brings content words the passage does not have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from oncoguide.answer.cite import passage_index, renumber
from oncoguide.answer.compose import abstain, render_text, split_preamble
from oncoguide.answer.readability import reading_grade
from oncoguide.answer.text import content_terms, normalise, numbers_in, strip_markup, words
from oncoguide.types import Answer, AnswerSentence, Citation, Hit, Passage

__all__ = [
    "MIN_SUPPORTED_FRACTION",
    "SUPPORT_THRESHOLD",
    "is_contained",
    "label_supported",
    "support_score",
    "verify_answer",
]

SUPPORT_THRESHOLD = 0.8
# Stopwords carry no topic, but a negation the passage lacks flips the claim.
_NEGATIONS = frozenset(
    {"not", "no", "never", "without", "cannot", "none", "nor", "don't", "doesn't"}
)
MIN_SUPPORTED_FRACTION = 0.5


def is_contained(sentence: str, passage_text: str) -> bool:
    """Exact containment after normalisation (the extractive check)."""
    needle = normalise(sentence)
    return bool(needle) and needle in normalise(passage_text)


def support_score(sentence: str, passage_text: str) -> float:
    """Fraction of the sentence's content words found in the passage; 0 if any number, or any
    negation word, of the sentence is missing from the passage."""
    if not numbers_in(sentence) <= numbers_in(strip_markup(passage_text)):
        return 0.0
    if not (_NEGATIONS & set(words(sentence))) <= set(words(passage_text)):
        return 0.0
    terms = content_terms(sentence)
    if not terms:
        return 0.0
    return len(terms & content_terms(passage_text)) / len(terms)


def label_supported(label: str, passage: Passage) -> bool:
    """A subsection item's label must be one of the cited passage's headings (or in its text)."""
    headings = {normalise(h) for h in passage.heading.split(" › ")}
    return normalise(label) in headings or is_contained(label, passage.text)


def _supported(
    s: AnswerSentence, cite: Citation, passages: dict[str, Passage], generated: bool
) -> bool:
    passage = passages.get(cite.chunk_id)
    if passage is None:
        return False  # never keep a citation to something retrieval did not hand over
    passage_text = passage.text
    if s.label and not label_supported(s.label, passage):
        return False
    if is_contained(s.text, passage_text):
        return True
    return generated and support_score(s.text, passage_text) >= SUPPORT_THRESHOLD


def verify_answer(answer: Answer, hits: Sequence[Hit], *, region_line: str | None = None) -> Answer:
    """Drop unsupported sentences, renumber citations; abstain (UNSUPPORTED) if too little is left.

    Too little: no answer-section sentence left, or under half of the original sentences.
    `region_line` fills the abstention template's next-steps line.
    """
    if answer.abstained:
        return answer
    index = passage_index(hits)
    passages = {cid: p for cid, (_, p) in index.items()}
    by_n = {
        c.n: c
        for c in answer.citations
        if c.chunk_id in index and index[c.chunk_id][0].doc_id == c.doc_id
    }
    generated = answer.generator != "extractive"
    kept = [
        s
        for s in answer.sentences
        if s.citation in by_n and _supported(s, by_n[s.citation], passages, generated)
    ]
    enough = any(s.section == "answer" for s in kept) and (
        len(kept) >= MIN_SUPPORTED_FRACTION * len(answer.sentences)
    )
    if not enough:
        return abstain(answer.question, "UNSUPPORTED", region_line=region_line)
    sentences, citations = renumber(kept, list(by_n.values()))
    preamble = split_preamble(answer)
    return replace(
        answer,
        text=render_text(sentences, preamble=preamble),
        sentences=sentences,
        citations=citations,
        reading_grade=reading_grade(render_text(sentences)),
    )
