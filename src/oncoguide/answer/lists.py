"""List selection: which KB list answers a list question ("What are the symptoms of X?").

A page often holds several lists of the same kind (the symptoms of multiple myeloma, then the
signs of the hypercalcemia it can cause). The list that answers the question names the question's
kind of content (its intent cue: "symptom", "risk", "test") in its lead-in or heading AND its
subject (the question's focus words: "multiple myeloma") in its lead-in or the sentence before it.
A list split into short sub-lists ("Breast lump, such as:", "Nipple changes, such as:") is one
list: all its parts are quoted, with the sentence that introduces them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from oncoguide.answer.select import Unit, detect_intent, intents_of, section_of
from oncoguide.answer.text import content_terms
from oncoguide.questions import DEFINITION, LIST_ASK, TREATMENT_TIME

__all__ = ["ListChoice", "ListQuestion", "focus_terms", "list_score", "pick_lists"]

MAX_LIST_ITEMS = 15
MAX_LIST_RANK = 0  # only the top page's lists (another page's list answers a neighbouring question)
LEAD_IN_MATCH = 0.6  # share of the question's words a lead-in needs to answer a question alone
WIDE_MATCH = 0.5  # ... that a lead-in with its sentence before and its heading needs
ITEM_MATCH = 0.6  # ... that one list item needs when the question describes a sign in its own words
SIBLING_MARGIN = 0.15  # other lists of the page this close to the best one are part of the answer
SUB_LEAD_IN_WORDS = 8  # "Nipple changes or discharge, such as:" introduces a part of one list
# A list whose lead-in or heading names only another question type ("Risk factors that may cause
# depression include" for a symptoms question; "How is X diagnosed?" for a causes question)
# answers a neighbouring question: its score is scaled below any list of the asked type (>= 1).
OFF_TYPE_SCALE = 0.25
# Treatment words often name a list's subject rather than its kind ("Causes from cancer and
# cancer treatments"): they never make a list off-type.
_SUBJECT_TYPES = frozenset({"treatments"})
# Side effects are told as symptoms ("You may have flu-like symptoms, which include:").
_RELATED = {"side_effects": frozenset({"symptoms"})}
# A lead-in that names its kind and then its subject ("symptoms of major depression") says what
# the list is of; "Keeping pain and other symptoms under control" only mentions the kind.
KIND_OF_SUBJECT = 0.5
_KIND_OF = r"(?:\W+\w+){0,2}?\W+(?:of|for|in|from|with)(?:\W+\w+){0,2}?\W+"
# A list for children ("Symptoms of depression in children") answers a question about children.
CHILD_SCALE = 0.5
_CHILDREN = re.compile(r"\b(child(ren)?|kids?|teens?|adolescents?|infants?|pediatric)\b", re.I)
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


@dataclass(frozen=True)
class ListQuestion:
    """What a list question asks for: its intent's cue words, its subject (`focus`), every
    question type it names, and whether it is about children."""

    cues: tuple[str, ...]
    focus: frozenset[str]
    intent: str = ""
    asked: frozenset[str] = frozenset()
    children: bool = False

    @classmethod
    def of(cls, question: str) -> ListQuestion | None:
        """None for a question of no known list type."""
        intent = detect_intent(question)
        if intent is None:
            return None
        children = bool(_CHILDREN.search(question))
        return cls(intent[1], focus_terms(question), intent[0], intents_of(question), children)


def list_score(u: Unit, q: ListQuestion, intro: str = "") -> float:
    """0 when nothing about the list names the intent; else higher for a lead-in (or the sentence
    before it, or the sentence introducing a list in parts) that names the intent and the
    question's subject, and for a matching heading; lower for a list of another type or for
    children when the question is not."""
    b = u.block
    own = f"{intro} {b.lead_in or ''}".lower()
    lead = " ".join([*b.context[-1:], own]).lower()
    heading = b.heading.lower()
    # The lead-in introduces its list; the sentence before it is weaker evidence of its kind.
    in_lead = 0.5 if _has_cue(own, q.cues) else 0.25 * _has_cue(lead, q.cues)
    in_heading = _has_cue(_innermost(heading), q.cues)
    if not (in_lead or in_heading or _has_cue(heading, q.cues)):
        return 0.0
    s = 1.0 + in_lead + 0.3 * in_heading
    s += 1.0 * _share(q.focus, lead) + 0.4 * _share(q.focus, _innermost(heading))
    s += 0.2 * _share(q.focus, " ".join(b.items))
    s += KIND_OF_SUBJECT * _kind_of_subject((b.lead_in or "").lower(), q)
    label = f"{b.lead_in or ''} {_innermost(b.heading)}"
    s *= CHILD_SCALE if _CHILDREN.search(label) and not q.children else 1.0
    # The lead-in says what its list is of; only a list without a typed lead-in goes by heading.
    named = intents_of(b.lead_in or "") - _SUBJECT_TYPES
    named = named or intents_of(_innermost(b.heading)) - _SUBJECT_TYPES
    asked = q.asked | _RELATED.get(q.intent, frozenset())
    s *= OFF_TYPE_SCALE if asked and named and not named & asked else 1.0
    return s - 0.02 * u.passage_idx


def _has_cue(text: str, cues: tuple[str, ...]) -> bool:
    return any(cue in text for cue in cues)


def _kind_of_subject(lead: str, q: ListQuestion) -> bool:
    """The lead-in names a cue and then, a few words on, one of the question's subject words."""
    for cue in q.cues:
        for m in re.finditer(rf"\b{re.escape(cue)}\w*{_KIND_OF}(\w+(?:\W+\w+){{0,2}})", lead):
            if q.focus & content_terms(m.group(1)):
                return True
    return False


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
    ask = ListQuestion.of(question)
    if ask is None:
        return _lead_in_match(all_units, question)
    cues = ask.cues
    scored = [
        (list_score(u, ask, _group_intro(all_units, u)), u)
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
    # Siblings must name the intent in their own lead-in or innermost heading ("Other causes"),
    # not just share an outer heading with it.
    siblings = [
        u for s, u in scored if u is best or (s >= top - SIBLING_MARGIN and _names(u, cues))
    ]
    return ListChoice(tuple(_within_cap(siblings, best)))


def _names(u: Unit, cues: tuple[str, ...]) -> bool:
    """The list's lead-in (without one, its innermost heading) names the question's kind."""
    return _has_cue((u.block.lead_in or _innermost(u.block.heading)).lower(), cues)


def _lead_in_match(all_units: Sequence[Unit], question: str) -> ListChoice:
    """Without a known intent, the top page's list whose lead-in restates the question
    ("Chemotherapy may be given in these ways:" for "In what ways can chemotherapy be given?").
    A question that asks for a set of things ("In what ways ...", "What problems ...") may also
    be restated by the sentence before the lead-in and the list's own heading."""
    q_terms = content_terms(TREATMENT_TIME.sub(" ", question))
    wide = bool(LIST_ASK.search(question))
    best: tuple[float, float, Unit] | None = None
    for u in all_units:
        b = u.block
        if u.hit_rank > MAX_LIST_RANK or b.kind != "list" or not b.lead_in:
            continue
        label = " ".join([*b.context[-1:], b.lead_in, _innermost(b.heading)]) if wide else b.lead_in
        # The items' share only breaks ties between equally fitting lead-ins.
        key = (_share(q_terms, label), _share(q_terms, " ".join(b.items)))
        if key[0] >= (WIDE_MATCH if wide else LEAD_IN_MATCH) and (best is None or key > best[:2]):
            best = (*key, u)
    if best is None and not DEFINITION.match(question):
        return _item_match(all_units, q_terms)
    return ListChoice((best[2],) if best else ())


def _item_match(all_units: Sequence[Unit], q_terms: frozenset[str]) -> ListChoice:
    """A question that describes what the reader notices ("pins and needles in my feet") is
    answered by the top page's list whose own item says it, quoted whole with its lead-in."""
    best: tuple[float, Unit] | None = None
    for u in all_units:
        b = u.block
        if u.hit_rank > MAX_LIST_RANK or b.kind != "list" or not b.lead_in:
            continue
        for item in b.items:
            said = q_terms & content_terms(item)
            share = len(said) / len(q_terms) if q_terms else 0.0
            if len(said) >= 2 and share >= ITEM_MATCH and (best is None or share > best[0]):
                best = (share, u)
    return ListChoice((best[1],) if best else ())
