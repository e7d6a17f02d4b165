"""List selection: which KB list answers a list question ("What are the symptoms of X?").

A page often holds several lists of the same kind (the symptoms of multiple myeloma, then the
signs of the hypercalcemia it can cause). The list that answers the question names the question's
kind of content (its intent cue: "symptom", "risk", "test") in its lead-in or heading AND its
subject (the question's focus words: "multiple myeloma") in its lead-in or the sentence before it.
A list split into short sub-lists ("Breast lump, such as:", "Nipple changes, such as:") is one
list: all its parts are quoted, with the sentence that introduces them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oncoguide.answer.select import Unit, detect_intent, section_of
from oncoguide.answer.text import content_terms

__all__ = ["ListChoice", "focus_terms", "list_score", "pick_lists"]

MAX_LIST_ITEMS = 15
MAX_LIST_RANK = 0  # only the top page's lists (another page's list answers a neighbouring question)
LEAD_IN_MATCH = 0.6  # share of the question's words a lead-in needs to answer a question alone
SIBLING_MARGIN = 0.15  # other lists of the page this close to the best one are part of the answer
SUB_LEAD_IN_WORDS = 8  # "Nipple changes or discharge, such as:" introduces a part of one list
# Question words that say which kind of list is wanted, not what it is about.
_GENERIC = frozenset(
    content_terms(
        "sign symptom warning risk factor increase raise lower test tests diagnose diagnosed done "
        "treatment treatments option types kinds main common side effects cause causes used "
        "stage stages prognosis outlook ways given"
    )
)


@dataclass(frozen=True)
class ListChoice:
    """The list(s) to quote, and the paragraph sentence that introduces them all (if any)."""

    units: tuple[Unit, ...]
    intro: tuple[Unit, str] | None = None


def focus_terms(question: str) -> frozenset[str]:
    """What the question is about ("multiple myeloma"), without its list-type words."""
    return content_terms(question) - _GENERIC


def _share(terms: frozenset[str], text: str) -> float:
    return len(terms & content_terms(text)) / len(terms) if terms else 0.0


def _innermost(heading: str) -> str:
    return heading.rsplit(" › ", 1)[-1]


def list_score(u: Unit, cues: tuple[str, ...], focus: frozenset[str], intro: str = "") -> float:
    """0 when nothing about the list names the intent; else higher for a lead-in (or the sentence
    before it, or the sentence introducing a list in parts) that names the intent and the
    question's subject, and for a matching heading."""
    b = u.block
    lead = " ".join([*b.context[-1:], intro, b.lead_in or ""]).lower()
    heading = b.heading.lower()
    in_lead = any(cue in lead for cue in cues)
    in_heading = any(cue in _innermost(heading) for cue in cues)
    if not (in_lead or in_heading or any(cue in heading for cue in cues)):
        return 0.0
    s = 1.0 + 0.5 * in_lead + 0.3 * in_heading
    s += 1.0 * _share(focus, lead) + 0.4 * _share(focus, _innermost(heading))
    s += 0.2 * _share(focus, " ".join(b.items))
    return s - 0.02 * u.passage_idx


def _is_sub_list(u: Unit) -> bool:
    lead = u.block.lead_in or ""
    return bool(lead) and lead.endswith(":") and len(lead.split()) <= SUB_LEAD_IN_WORDS


def _group(all_units: Sequence[Unit], best: Unit) -> list[Unit]:
    """`best` and the sub-lists next to it in the same passage (one list in several parts)."""
    same = [u for u in all_units if u.passage is best.passage and u.hit_rank == best.hit_rank]
    idx = next(i for i, u in enumerate(same) if u is best)
    start = idx
    while start > 0 and _is_sub_list(same[start]) and _joins(same[start - 1], same[start]):
        start -= 1
    end = idx
    while end + 1 < len(same) and _is_sub_list(same[end + 1]) and _joins(same[end], same[end + 1]):
        end += 1
    return same[start : end + 1] if end > start else [best]


def _joins(a: Unit, b: Unit) -> bool:
    # A list's lead-in paragraph is emptied when the lead-in moves into the list: positions then
    # differ by 2 with nothing between the two lists.
    return (
        a.block.kind == "list"
        and b.block.kind == "list"
        and b.block.position - a.block.position <= 2
    )


def _intro(all_units: Sequence[Unit], first: Unit) -> tuple[Unit, str] | None:
    """The paragraph sentence ending in ':' just before a list in parts ("..., including:")."""
    for u in all_units:
        if u.passage is first.passage and u.block.kind == "para" and u.block.sentences:
            gap = first.block.position - u.block.position
            if gap in (1, 2) and u.block.sentences[-1].endswith(":"):
                return u, u.block.sentences[-1]
    return None


def _group_intro(all_units: Sequence[Unit], u: Unit) -> str:
    if not _is_sub_list(u) or u.block.context:
        return ""
    found = _intro(all_units, _group(all_units, u)[0])
    return found[1] if found else ""


def _within_cap(units: Sequence[Unit], best: Unit) -> list[Unit]:
    chosen, n_items = [], 0
    for u in sorted(units, key=lambda x: (x.passage_idx, x.block.position)):
        if u is best or n_items + len(u.block.items) <= MAX_LIST_ITEMS:
            chosen.append(u)
            n_items += len(u.block.items)
    return chosen


def pick_lists(all_units: Sequence[Unit], question: str) -> ListChoice:
    """The KB list(s) that answer a list question: the best list whole (all its parts), plus
    other lists of the top page that fit the question as well, within MAX_LIST_ITEMS items."""
    intent = detect_intent(question)
    if intent is None:
        return _lead_in_match(all_units, content_terms(question))
    cues, focus = intent[1], focus_terms(question)
    scored = [
        (list_score(u, cues, focus, _group_intro(all_units, u)), u)
        for u in all_units
        if u.block.kind == "list"
        and section_of(u.block) == "answer"
        and u.hit_rank <= MAX_LIST_RANK
    ]
    scored = [(s, u) for s, u in scored if s > 0]
    if not scored:
        return ListChoice(())
    top, best = max(scored, key=lambda su: su[0])
    group = _group(all_units, best)
    if len(group) > 1:
        return ListChoice(tuple(_within_cap(group, best)), _intro(all_units, group[0]))
    # Siblings must name the intent in their own lead-in, not just share a heading with it.
    siblings = [
        u
        for s, u in scored
        if u is best
        or (s >= top - SIBLING_MARGIN and any(c in (u.block.lead_in or "").lower() for c in cues))
    ]
    return ListChoice(tuple(_within_cap(siblings, best)))


def _lead_in_match(all_units: Sequence[Unit], q_terms: frozenset[str]) -> ListChoice:
    """Without a known intent, the top page's list whose lead-in restates the question
    ("Chemotherapy may be given in these ways:" for "In what ways can chemotherapy be given?")."""
    best: tuple[float, Unit] | None = None
    for u in all_units:
        if u.hit_rank > MAX_LIST_RANK or u.block.kind != "list" or not u.block.lead_in:
            continue
        overlap = _share(q_terms, u.block.lead_in)
        if overlap >= LEAD_IN_MATCH and (best is None or overlap > best[0]):
            best = (overlap, u)
    return ListChoice((best[1],) if best else ())
