"""The extractive composer: an answer made only of KB sentences, each citing its passage.

The only words it writes itself are templates (abstention text, section labels) from templates.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from oncoguide.answer.cite import CitationBook
from oncoguide.answer.lists import MAX_LIST_ITEMS, pick_lists
from oncoguide.answer.readability import reading_grade
from oncoguide.answer.sections import SectionItem, pick_section
from oncoguide.answer.select import (
    Candidate,
    Unit,
    candidates,
    item_text,
    score,
    section_of,
    select_prose,
    units,
)
from oncoguide.answer.templates import abstain_message, section_label
from oncoguide.answer.text import content_terms
from oncoguide.types import Answer, AnswerSentence, Hit, SafetyDecision

__all__ = ["abstain", "compose_answer", "render_text", "split_preamble"]

MAX_DOCS = 3
MAX_INTRO_WITH_LIST = 2
MAX_SECTION_ITEMS = 5
# Under a dosing refusal, sentences with amounts are left out of the general information.
_DOSE = re.compile(r"\b\d+(?:[.,]\d+)?\s*(?:mg|milligrams?|mcg|micrograms?|g|ml|units?|iu)\b", re.I)

# One piece of the answer before citation numbers are assigned: (order key, sentence parts,
# label of a subsection item).
_Piece = tuple[tuple[int, int, int, int], str, Unit, str, bool, str]


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


def _list_pieces(u: Unit, section: str = "answer", limit: int | None = None) -> list[_Piece]:
    b = u.block
    key = (u.hit_rank, u.passage_idx, b.position, 0)
    pieces: list[_Piece] = []
    if b.lead_in:
        pieces.append((key, b.lead_in, u, section, False, ""))
    for i, item in enumerate(b.items[:limit]):
        pieces.append(((*key[:3], i + 1), item_text(item), u, section, True, ""))
    return pieces


def _prose_piece(c: Candidate, section: str = "answer") -> _Piece:
    return (c.order, c.text, c.unit, section, False, "")


def _answer_pieces(question: str, all_units: list[Unit], max_sentences: int) -> list[_Piece]:
    """Pieces in reading order: the best sentence first, then the rest in document order;
    for a list question, its introduction first and then the KB's list with its lead-in."""
    cands = candidates(all_units)
    items = pick_section(all_units, question)
    if items:
        return _section_pieces_of(items)
    choice = pick_lists(all_units, question)
    lists = choice.units
    if not lists:
        chosen = select_prose(score(cands, question), max_sentences)
        return [_prose_piece(c) for c in chosen[:1] + sorted(chosen[1:], key=lambda c: c.order)]
    pieces = sorted((p for u in lists for p in _list_pieces(u)), key=lambda p: p[0])
    # A very long KB list is cut at MAX_LIST_ITEMS items (a reader skims; the citation links on).
    n_items = [sum(p[4] for p in pieces[: i + 1]) for i in range(len(pieces))]
    pieces = [p for p, n in zip(pieces, n_items, strict=True) if not p[4] or n <= MAX_LIST_ITEMS]
    if choice.intro is not None:
        u, lead = choice.intro
        pieces.insert(
            0, ((u.hit_rank, u.passage_idx, u.block.position, 0), lead, u, "answer", False, "")
        )
    list_terms = [content_terms(p[1]) for p in pieces]
    # The list's own context sentences introduce it best; otherwise the most relevant prose.
    context = [c for c in cands if any(c.unit.block is u.block for u in lists)]
    intro_pool = context or cands
    intro = select_prose(score(intro_pool, question), MAX_INTRO_WITH_LIST, list_terms)
    return [_prose_piece(c) for c in sorted(intro, key=lambda c: c.order)] + pieces


def _section_pieces_of(items: Sequence[SectionItem]) -> list[_Piece]:
    """A section told in subsections, in the order `pick_section` gives (intro first)."""
    # The cap counts subsections (a labelled item with its few sub-items is one entry).
    n, kept = 0, []
    for i in items:
        n += bool(i.label)
        if n <= MAX_LIST_ITEMS:
            kept.append(i)
    return [
        ((0, 0, 0, k), i.text, i.unit, "answer", i.list_item, i.label) for k, i in enumerate(kept)
    ]


def _section_pieces(all_units: list[Unit], used_docs: set[str]) -> list[_Piece]:
    pieces: list[_Piece] = []
    for section in ("contact_care_team", "questions_to_ask"):
        found = [
            u for u in all_units if u.hit.doc_id in used_docs and section_of(u.block) == section
        ]
        # A KB list (with its lead-in) makes the clearest section; prose is the fallback.
        found.sort(key=lambda u: not (u.block.kind == "list" and u.block.lead_in))
        for u in found:
            if u.block.kind == "list" and u.block.lead_in:
                pieces += _list_pieces(u, section, MAX_SECTION_ITEMS)
            elif u.block.kind == "para":
                ok = [
                    ((u.hit_rank, u.passage_idx, u.block.position, i), s, u, section, False, "")
                    for i, s in enumerate(u.block.sentences)
                    if len(s.split()) >= 4 and not s.endswith(":")
                ]
                pieces += ok[:2]
            if pieces and pieces[-1][3] == section:
                break
    return pieces


def compose_answer(
    question: str,
    hits: Sequence[Hit],
    *,
    as_of: date,
    max_sentences: int = 8,
    safety: SafetyDecision | None = None,
) -> Answer:
    """Choose, cite and order KB sentences that answer `question` from the top hits.

    Under a refusal (`safety.is_refusal`), the refusal text comes first and the cited general
    information follows it. The caller runs `verify_answer` on the result.
    """
    all_units = units(hits, MAX_DOCS)
    pieces = _answer_pieces(question, all_units, max_sentences)
    if safety is not None and "withhold_doses" in safety.actions:
        pieces = [p for p in pieces if not _DOSE.search(p[1])]
    pieces += _section_pieces(all_units, {p[2].hit.doc_id for p in pieces})
    book = CitationBook(as_of)
    sentences = tuple(
        AnswerSentence(text, book.cite(u.hit, u.passage), section, is_item, label)
        for _, text, u, section, is_item, label in pieces
    )
    preamble = (safety.message or "") if safety is not None and safety.is_refusal else ""
    text = render_text(sentences, preamble=preamble)
    return Answer(
        question=question,
        text=text,
        sentences=sentences,
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
