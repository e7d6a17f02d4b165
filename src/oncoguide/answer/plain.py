"""Prefer the plainer of two answer sentences that say the same thing.

KB pages often say one thing twice: in a summary and in the section body, or on a patient page and
its health-professional twin. When two prose sentences of an answer share most of their content
words (Jaccard >= `SAME`), only the one with the lower reading grade is kept. A list's lead-in
("Risk factors for X include:") is not prose and is never compared, and a sentence the next one
leans on ("Instead, they ...") is never the one left out.
"""

from __future__ import annotations

from dataclasses import replace

from oncoguide.answer.cite import renumber
from oncoguide.answer.compose import render_text, split_preamble
from oncoguide.answer.readability import reading_grade
from oncoguide.answer.text import content_terms
from oncoguide.text import is_anaphoric, is_lead_in
from oncoguide.types import Answer

__all__ = ["SAME", "prefer_plainer", "same_meaning"]

SAME = 0.6


def same_meaning(a: str, b: str, *, threshold: float = SAME) -> bool:
    """True when the two sentences share at least `threshold` of their content words."""
    ta, tb = content_terms(a), content_terms(b)
    if not ta or not tb:
        return False
    return len(ta & tb) / len(ta | tb) >= threshold


def prefer_plainer(answer: Answer) -> Answer:
    """The answer with the harder sentence of each same-meaning prose pair left out."""
    if answer.abstained or len(answer.sentences) < 2:
        return answer
    sentences = list(answer.sentences)
    grade = {i: reading_grade(s.text) or 0.0 for i, s in enumerate(sentences)}
    dropped: set[int] = set()

    def leaned_on(k: int) -> bool:  # the next sentence of its section opens on a connective
        after = sentences[k + 1] if k + 1 < len(sentences) else None
        return (
            after is not None and after.section == sentences[k].section and is_anaphoric(after.text)
        )

    prose = [not (s.list_item or is_lead_in(s.text)) for s in sentences]
    for i, a in enumerate(sentences):
        for j in range(i + 1, len(sentences)):
            b = sentences[j]
            if i in dropped or j in dropped or not (prose[i] and prose[j]):
                continue
            if a.section == b.section and same_meaning(a.text, b.text):
                loser = j if grade[j] >= grade[i] else i
                if not leaned_on(loser):
                    dropped.add(loser)
    if not dropped:
        return answer
    kept = [s for k, s in enumerate(sentences) if k not in dropped]
    new_sentences, citations = renumber(kept, answer.citations)
    return replace(
        answer,
        text=render_text(new_sentences, preamble=split_preamble(answer)),
        sentences=new_sentences,
        citations=citations,
        reading_grade=reading_grade(render_text(new_sentences)),
    )
