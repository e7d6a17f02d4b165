"""Sentences that are about the document, not about the question, are never quoted as answers.

A KB page may carry a note about itself ("Sample document written for the oncoguide quick start;
not a medical source."). That is true of the page, but as an answer sentence it reads as if the
answer were saying it, so such notes are left out of every answer, and so are image credit lines
("Credit: iStock") that the page text kept from its pictures, and the pronunciation guides under
a drug page's title ("(try-FLOOR-ih-deen … ty-PEER-uh-sil)"), which say how to say a word, not
what it is.
"""

from __future__ import annotations

import re
from dataclasses import replace

from oncoguide.answer.cite import renumber
from oncoguide.answer.compose import render_text, split_preamble
from oncoguide.answer.readability import reading_grade
from oncoguide.types import Answer, AnswerSentence, Hit

__all__ = ["drop_document_notes", "is_document_note", "without_document_notes"]

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


def without_document_notes(hits: tuple[Hit, ...]) -> tuple[Hit, ...]:
    """The hits with document-note lines taken out of their passages, so the composer never
    chooses them (passages left empty go; a hit left without passages goes)."""
    out: list[Hit] = []
    for hit in hits:
        passages = []
        for p in hit.passages:
            lines = p.text.splitlines()
            kept = [line for line in lines if not is_document_note(line)]
            if len(kept) == len(lines):
                passages.append(p)
            elif "".join(kept).strip():
                passages.append(replace(p, text="\n".join(kept).strip()))
        if passages:
            out.append(replace(hit, passages=tuple(passages)))
    return tuple(out)


def drop_document_notes(answer: Answer) -> Answer:
    """The answer without document notes (unchanged when it has none)."""
    kept = [s for s in answer.sentences if not is_document_note(s.text)]
    if len(kept) == len(answer.sentences):
        return answer
    preamble = split_preamble(answer)
    sentences: tuple[AnswerSentence, ...]
    sentences, citations = renumber(kept, answer.citations)
    return replace(
        answer,
        text=render_text(sentences, preamble=preamble),
        sentences=sentences,
        citations=citations,
        reading_grade=reading_grade(render_text(sentences)) if sentences else None,
    )
