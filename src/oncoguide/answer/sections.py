"""Section lists: a KB answer told as subsections rather than one markdown list.

A page often answers "What are the risk factors for X?" with a "Risk factors" section whose
subsections ("Diet", "Tobacco use", ...) each hold a paragraph. The answer quotes the section's
first sentence, then one item per subsection: its heading as the item's label and the first
sentence under it (or its list lead-in with the list), each cited to that subsection's passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from oncoguide.answer.select import Unit, detect_intent, intents_of, item_text
from oncoguide.answer.sentences import is_dangling
from oncoguide.answer.text import content_terms, normalise
from oncoguide.questions import LIST_ASK

__all__ = ["MIN_SUBSECTIONS", "SectionItem", "is_label", "pick_section"]

MIN_SUBSECTIONS = 3
# A section below the page title whose heading names every type the question asks and no other,
# and the question's subject ("How X is diagnosed" for "What tests diagnose X?"), is the page's
# answer even in two subsections ("Colposcopy", "Biopsy"). "Radiation therapy" names one
# treatment, not the subject: its two subsections are not the treatments of X.
MIN_NAMED_SUBSECTIONS = 2
# Without a question type, only a question that asks for a set of things ("What counts as a
# clear liquid diet?", "What foods ...") is answered by a section named with its words; "What is
# X?" is answered by prose even on a page whose title is X.
MAX_SUB_ITEMS = 8  # items of a subsection's own list quoted under its label


@dataclass(frozen=True)
class SectionItem:
    """One quoted sentence: a labelled subsection item, a plain list item, or the intro."""

    unit: Unit
    text: str
    label: str = ""
    list_item: bool = True


def _path(u: Unit) -> tuple[str, ...]:
    return tuple(u.passage.heading.split(" › "))


def _names_section(heading: str, cues: tuple[str, ...], q_terms: frozenset[str]) -> bool:
    """The heading names the question's kind of content, or (no intent) is made only of the
    question's words ("Clear Liquids" for "What counts as a clear liquid diet?")."""
    if cues:
        return bool(re.search("|".join(rf"\b{re.escape(c)}" for c in cues), heading, re.I))
    terms = content_terms(heading.replace("-", " "))  # "Easy-to-Digest Foods": easy, digest
    return bool(terms) and terms <= q_terms


def is_label(heading: str) -> bool:
    """A subsection heading that names an item ("Diet"), not a question of an FAQ page ("Is pain
    a symptom?"): a page of questions answers each one in prose, and a list under one of them
    (not the page's questions) answers a list question."""
    return not heading.rstrip().endswith("?")


def _min_subsections(path: tuple[str, ...], asked: frozenset[str], q_terms: frozenset[str]) -> int:
    named = intents_of(path[-1])
    subject = {w for w in content_terms(path[-1]) & q_terms if not intents_of(w)}
    if len(path) > 1 and named and named == asked and subject:
        return MIN_NAMED_SUBSECTIONS
    return MIN_SUBSECTIONS


def _section(
    top: Sequence[Unit], cues: tuple[str, ...], q_terms: frozenset[str], question: str = ""
) -> tuple[tuple[str, ...], ...]:
    """The headings of the top page that name the question and have enough labelled subsections:
    one that names no other question type ("Tests to stage X" for a diagnosis question loses to
    "How is X diagnosed?"), then the deepest, then the one of most subsections, then the first
    on the page (a fixed order, whatever the set's); plus its sibling sections that answer the
    rest of a question of two kinds ("What raises or lowers the risk?": the risk factors, then
    the protective factors). None found: ()."""
    paths = {_path(u) for u in top}
    asked = intents_of(question)
    found: dict[tuple[str, ...], tuple[int, int, int, int]] = {}
    for path in {p[:n] for p in paths for n in range(1, len(p) + 1)}:
        if not _names_section(path[-1], cues, q_terms):
            continue
        below = {
            p for p in paths if len(p) > len(path) and p[: len(path)] == path and is_label(p[-1])
        }
        if len(below) >= _min_subsections(path, asked, q_terms):
            off_type = len(intents_of(path[-1]) - asked)
            first = _first_passage(top, path)
            found[path] = (-off_type, len(path), len(below), -first)
    if not found:
        return ()
    best = max(found, key=lambda p: found[p])
    if len(asked) < 2:
        return (best,)
    named = intents_of(best[-1])
    more = [
        p
        for p in found
        if p[:-1] == best[:-1] and intents_of(p[-1]) & asked and not intents_of(p[-1]) <= named
    ]
    # Page order: the raising factors, then the lowering ones, as the page tells them.
    return tuple(sorted((best, *more), key=lambda p: _first_passage(top, p)))


def _first_passage(top: Sequence[Unit], path: tuple[str, ...]) -> int:
    return min(u.passage_idx for u in top if _path(u)[: len(path)] == path)


def _quotable(sentence: str, u: Unit) -> bool:
    return normalise(sentence) in normalise(u.passage.text)


def _first(units_of_passage: Sequence[Unit], label: str) -> list[SectionItem]:
    """The first sentence under the passage's own heading (or its first list, lead-in and items)."""
    for u in units_of_passage:
        if u.block.heading != u.passage.heading:
            break  # an in-text sub-heading: the passage's own text has ended
        if u.block.kind == "para":
            # Quoted only when it reads the same in the passage (not a torn link card's text).
            good = [s for s in u.block.sentences if not is_dangling(s) and _quotable(s, u)]
            if good:
                return [SectionItem(u, good[0], label), *_next_list(units_of_passage, u)]
        elif u.block.lead_in:
            items = [SectionItem(u, item_text(i)) for i in u.block.items[:MAX_SUB_ITEMS]]
            return [SectionItem(u, u.block.lead_in, label), *items]
        else:  # a bare list under the heading: the label goes on its first item
            texts = [item_text(i) for i in u.block.items[:MAX_SUB_ITEMS]]
            return [SectionItem(u, t, label if k == 0 else "") for k, t in enumerate(texts)]
    return []


def _next_list(units_of_passage: Sequence[Unit], para: Unit) -> list[SectionItem]:
    """The list that follows a subsection's opening paragraph under the same heading ("Some side
    effects can worsen fatigue." then the side effects): its lead-in and first items."""
    after = [u for u in units_of_passage if u.block.position > para.block.position]
    for u in after:
        if u.block.heading != para.block.heading:
            return []
        if u.block.kind == "list":
            lead = [SectionItem(u, u.block.lead_in)] if u.block.lead_in else []
            items = [SectionItem(u, item_text(i)) for i in u.block.items[:MAX_SUB_ITEMS]]
            return lead + items
    return []


def pick_section(all_units: Sequence[Unit], question: str) -> list[SectionItem]:
    """The intro sentence and subsection items of the top page's section(s) that answer the
    question (named by its intent's words, or by its own words), or [] when there is none."""
    top = [u for u in all_units if u.hit_rank == 0]
    intent = detect_intent(question)
    q_terms = content_terms(question)
    asked = question if intent else ""  # the question types a section may name (none: words)
    paths = _section(top, intent[1], q_terms, question) if intent else ()
    if not paths and LIST_ASK.search(question):
        asked, paths = "", _section(top, (), q_terms)
    out: list[SectionItem] = []
    for path in paths:
        out += _section_items(top, path)
    types = intents_of(asked)
    need = min((_min_subsections(p, types, q_terms) for p in paths), default=MIN_SUBSECTIONS)
    return out if sum(bool(i.label) for i in out) >= need else []


def _section_items(top: Sequence[Unit], path: tuple[str, ...]) -> list[SectionItem]:
    """One section's intro sentence, then one labelled item per subsection (passage order)."""
    out: list[SectionItem] = []
    seen: set[tuple[str, ...]] = set()
    for idx in dict.fromkeys(u.passage_idx for u in top):
        own = [u for u in top if u.passage_idx == idx]
        p = _path(own[0])
        if p[: len(path)] != path or p in seen or (p != path and not is_label(p[-1])):
            continue
        seen.add(p)
        if p == path:
            intro = [i for i in _first(own, "")[:1] if i.unit.block.kind == "para"]
            out[:0] = [SectionItem(i.unit, i.text, list_item=False) for i in intro]
        else:
            out += _first(own, p[-1])
    return out
