"""The extractive composer: quote the section of the top pages that answers, each sentence cited.

`pick` ranks the sections of the top pages, `quote` takes the chosen one's lead paragraph and
list as the KB wrote them. The only words written here are templates (abstention text, section
labels) from templates.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from oncoguide.answer.cite import CitationBook
from oncoguide.answer.pick import Candidate, candidates, for_audience, rank_sections
from oncoguide.answer.qtypes import Question, read_question
from oncoguide.answer.quote import Piece, care_pieces, definition, lead_sentence, quote
from oncoguide.answer.readability import reading_grade
from oncoguide.answer.templates import abstain_message, section_label
from oncoguide.kb.chunk import heading_sections
from oncoguide.kb.sections import parse_blocks
from oncoguide.types import (
    Answer,
    AnswerSentence,
    Hit,
    SafetyDecision,
    ScoredSection,
    Section,
)

__all__ = ["abstain", "compose_answer", "render_text", "split_preamble"]

MAX_SUPPORT = 2  # supporting sentences from other sections or pages
SUPPORT_MARGIN = 0.1  # ... whose sections score at least this close to the chosen one
TIE_MARGIN = 0.03  # a section this close to the chosen one is quoted as fully as it
# Under a dosing refusal, sentences with amounts are left out of the general information.
_DOSE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:mg|milligrams?|mcg|micrograms?|g|ml|units?|iu)\b", re.I)


def abstain(question: str, reason: str, *, region_line: str | None) -> Answer:
    """A templated abstention with next steps (care team, the region's cancer information line)."""
    text = abstain_message(reason, region_line)
    return Answer(
        question=question,
        text=text,
        sentences=(),
        citations=(),
        abstained=True,
        abstain_reason=reason,
        reading_grade=reading_grade(text),
    )


def _passage_sections(hit: Hit) -> Hit:
    """Without a section tree (an index from before sections), each retrieved passage stands in
    for its sections: split at its in-text headings and parsed here, tables left out (they are
    quoted only from a section tree, as labelled items). Each cites its passage."""
    sections: list[ScoredSection] = []
    for p in hit.passages:
        base = tuple(p.heading.split(" › ")) if p.heading else (hit.title,)
        for path, lines in heading_sections("", p.text):
            blocks = tuple(b for b in parse_blocks(lines) if b.kind != "table")
            sec = Section(p.chunk_id, hit.doc_id, len(sections), (*base, *path), blocks, "")
            sections.append(ScoredSection(sec))
    return replace(hit, sections=tuple(sections))


def _overlaps(a: Candidate, b: Candidate) -> bool:
    """Same page and one heading inside the other (a section and its own subsection)."""
    n = min(len(a.path), len(b.path))
    return a.hit.doc_id == b.hit.doc_id and a.path[:n] == b.path[:n]


def _support(
    ranked: Sequence[tuple[float, Candidate]],
    chosen: Candidate,
    top: float,
    taken: set[str],
    q: Question,
) -> list[Piece]:
    """At most MAX_SUPPORT first sentences of the next candidates (other sections, scoring
    within SUPPORT_MARGIN of the chosen one), each from a different section. A candidate that
    ties with the chosen one (within TIE_MARGIN) is quoted as the chosen one is."""
    out: list[Piece] = []
    n = 0
    for score, c in ranked:
        if n >= MAX_SUPPORT or score < top - SUPPORT_MARGIN:
            break
        if c is chosen or _overlaps(c, chosen) or c.section is None:
            continue
        found = quote(c, q) if n == 0 and score >= top - TIE_MARGIN else []
        lead = lead_sentence(c.hit, c.section)
        found = found or ([lead] if lead is not None else [])
        found = [p for p in found if p.text not in taken]
        if found:
            out += found
            taken.update(p.text for p in found)
            n += 1
    return out


def _pieces(
    question: str, hits: Sequence[Hit], audience: str | None, care: bool = True
) -> list[Piece]:
    """The best-ranked candidate's quote (the next one's when it quotes nothing), a definition
    first for "what is" questions, then up to two supporting sentences and (with `care`) the
    page's when-to-call and questions-to-ask sections."""
    q = read_question(question)
    usable = hits if any(h.sections for h in hits[:3]) else [_passage_sections(h) for h in hits]
    ranked = for_audience(rank_sections(q, candidates(usable, audience, question)), audience)
    d = None
    if q.main is not None and q.main.name in ("what_is", "use"):
        d = definition(q, [x for _, x in ranked])
    # A "what is" question is answered from the section that defines its subject, when one does;
    # a "what is it for" question by its best section (the use), after the definition.
    asks_what = q.main is not None and q.main.name == "what_is"
    defining = d.section if d is not None and asks_what else None
    order = sorted(ranked, key=lambda sc: defining is None or sc[1].section is not defining)
    chosen: tuple[float, Candidate, list[Piece]] | None = None
    for score, cand in order:
        quoted = quote(cand, q)
        if quoted:
            chosen = (score, cand, quoted)
            break
    if chosen is None:
        return []
    top, c, pieces = chosen
    if d is not None:
        pieces = [d, *(p for p in pieces if p.text != d.text)]
        top = max(top, ranked[0][0])
    pieces += _support(ranked, c, top, {p.text for p in pieces}, q)
    if not care:
        return pieces
    return pieces + care_pieces(c.hit, frozenset(p.section.section_id for p in pieces))


def compose_answer(
    question: str,
    hits: Sequence[Hit],
    *,
    as_of: date,
    max_sentences: int = 8,
    safety: SafetyDecision | None = None,
    audience: str | None = None,
) -> Answer:
    """Quote the section of the top pages that answers `question`, each sentence cited (at most
    `max_sentences` sentences that are not list items).

    Under a refusal (`safety.is_refusal`), the refusal text comes first and the cited general
    information follows it. The caller runs `verify_answer` on the result.
    """
    # A refusal brings its own questions for the care team: the page's are not repeated.
    refusal = safety is not None and safety.is_refusal
    pieces = _pieces(question, hits, audience, care=not refusal)
    prose = [i for i, p in enumerate(pieces) if not p.list_item and p.part == "answer"]
    cut = set(prose[max(max_sentences, 1) :])
    pieces = [p for i, p in enumerate(pieces) if i not in cut]
    if safety is not None and "withhold_doses" in safety.actions:
        pieces = [p for p in pieces if not _DOSE.search(p.text)]
    book = CitationBook(as_of)
    passages = {(p.doc_id, p.chunk_id): p for h in hits for p in h.passages}
    sentences = []
    for p in pieces:
        passage = passages.get((p.hit.doc_id, p.section.section_id))
        if passage is None:
            continue  # never cite what retrieval did not hand over
        n = book.cite(p.hit, passage)
        sentences.append(AnswerSentence(p.text, n, p.part, p.list_item, p.label))
    preamble = (safety.message or "") if safety is not None and safety.is_refusal else ""
    text = render_text(sentences, preamble=preamble)
    return Answer(
        question=question,
        text=text,
        sentences=tuple(sentences),
        citations=book.citations(),
        abstained=False,
        abstain_reason=None,
        reading_grade=reading_grade(render_text(sentences)),
    )


def render_text(sentences: Sequence[AnswerSentence], *, preamble: str = "") -> str:
    """Markdown-ish text: paragraphs, '- ' list items, section labels, [n] after each sentence."""
    blocks: list[str] = [preamble.strip()] if preamble.strip() else []
    para: list[str] = []
    section = "answer"
    for s in sentences:
        if s.section != section:
            blocks.extend([" ".join(para)] if para else [])
            para, section = [], s.section
            blocks.extend([section_label(section)] if section_label(section) else [])
        line = f"{s.label}: {s.text} [{s.citation}]" if s.label else f"{s.text} [{s.citation}]"
        if s.list_item:
            blocks.extend([" ".join(para)] if para else [])
            para = []
            if blocks and blocks[-1].startswith("- "):
                blocks[-1] += f"\n- {line}"
            else:
                blocks.append(f"- {line}")
        else:
            para.append(line)
    blocks.extend([" ".join(para)] if para else [])
    return "\n\n".join(blocks)


def split_preamble(answer: Answer) -> str:
    """The text placed before the sentences (a refusal message), recovered from `answer.text`."""
    body = render_text(answer.sentences)
    if body and answer.text.endswith(body):
        return answer.text[: -len(body)].strip()
    return ""
