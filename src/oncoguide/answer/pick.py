"""Pick the section that answers: rank the sections of the top pages against the question.

A section's score (higher is better):

    text_sim + HEADING_SIM * heading_sim + TEXT_WORDS * words(text) + HEADING_WORDS * words(heading)
    + type cue + list cue - RANK_STEP * page rank - PAGE_GAP * page gap (list questions)
    - INTRO (a page's introduction, for a question of a type other than "what is")
    - OTHER_CANCER (a page about other cancers than the one the question names)
    - OTHER_AGE (a page about children's cancer for a question with no child in it, or a page
      titled for adults for a question about a child)
    - OTHER_SEX (a section written for women for a question about a man, or the reverse)

`text_sim` is the best cosine of the question with the section's chunk embeddings and
`heading_sim` the cosine with its heading path (both 0 without an embedder). `words(x)` is the
idf-weighted share of the question's words found in x; the asked part of a question weighs 1,
its story (what comes before the asking clauses) less (`Question.story_weight`). The type cue
(qtypes.yaml): +TYPE_CUE when the section's heading or a list lead-in names the question's main
type, +TYPE_CUE/2 for its other types, -AVOID when it names only a type the main type avoids
("what helps" vs "Causes"). A section whose list is of questions loses QUESTIONS_LIST unless
questions are what is asked for. A question that asks for a list (the signs, the tests, the risk
factors: `Question.asks_list`) gives LIST_CUE to a candidate that holds one (a list or table of its
own, or subsections that answer together) when its heading or a list lead-in names the question's
main type. For such a question only, a page also loses PAGE_GAP
times how far its retrieval score falls short of the best page's (as a share of it), so a list on a
page far behind the one the question names does not replace it. (Applied to every question, the gap
cost the blind answer set coverage and cited-gold pages; issue 9.)

A heading whose subsections answer together ("Risk factors" > "Diet", "Tobacco use"; a page
title too: "Clear Liquids" > "Soups", "Drinks", "Sweets") is also a candidate: its text is its
own plus its subsections' headings, its similarity their best.
For a patient or caregiver, technical and research/news pages supply no candidate when a patient
page has one scoring at least MATCH_FLOOR.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from oncoguide.answer.qtypes import Question, is_never_answer, type_named
from oncoguide.kb.labels import (
    cancers_named_in,
    cancers_of_page,
    may_be_about_a_child,
    names_a_child,
    page_age_group,
    sex_named,
)
from oncoguide.text import content_terms
from oncoguide.types import Hit, ScoredSection, Section

__all__ = [
    "Candidate",
    "answer_pages",
    "candidates",
    "for_audience",
    "is_patient_page",
    "rank_sections",
]

MAX_PAGES = 3
HEADING_SIM = 0.25
TEXT_WORDS = 0.15
HEADING_WORDS = 0.15
TYPE_CUE = 0.08
AVOID = 0.3
RANK_STEP = 0.03
PAGE_GAP = 1.0  # list questions only
MATCH_FLOOR = 0.3
# A list of questions (questions to ask a doctor, a Q&A page's contents) answers only a question
# that asks for questions.
QUESTIONS_LIST = 0.3
LIST_CUE = 0.2
OTHER_TIME = 0.1  # a heading about another time ("before surgery" for "after surgery")
MIN_CHILDREN = 2
# A page's introduction (the text under its title, before any heading) says what the topic is; a
# question that asks something else about it (how to manage it, when, which tests) is answered by
# a section with a heading of its own, so the introduction steps back by this much for it.
INTRO = 0.15
# A question that names its cancer ("stage 4 pancreatic cancer, how long do people live") is not
# answered by a page about another one (the metastatic breast cancer page's survival section).
OTHER_CANCER = 0.2
# Likewise a page about children's cancer does not answer an adult's question ("what raises your
# chances of getting kidney cancer" is not "Kidney Cancer in Children"), nor an "Adult ..." page a
# question about a child.
OTHER_AGE = 0.2
# And a section written for women ("Women with breast implants should ...") does not answer a
# question about a man ("should my dad be getting mammograms?"), nor the reverse: its heading path
# and first block name people of the other sex only.
OTHER_SEX = 0.2


@dataclass(frozen=True)
class Candidate:
    """A section (or a heading with its subsections, `children`) of one retrieved page."""

    hit: Hit
    rank: int
    path: tuple[str, ...]
    section: Section | None  # the heading's own text (None: a heading with subsections only)
    children: tuple[Section, ...] = ()
    text_sim: float = 0.0
    heading_sim: float = 0.0
    terms: frozenset[str] = frozenset()
    heading_terms: frozenset[str] = frozenset()
    labels: tuple[str, ...] = field(default=())  # heading and list lead-ins, for type cues
    of_questions: bool = False  # its list is a list of questions ("What is laetrile?", ...)
    holds_list: bool = False  # a list or table of its own, or subsections that answer together

    @property
    def heading(self) -> str:
        return " › ".join(self.path)


def is_patient_page(hit: Hit) -> bool:
    """A page written for patients and caregivers (not health-professional, research or news)."""
    url = hit.url.lower()
    return hit.audience != "technical" and "/research" not in url and "/news" not in url


def answer_pages(
    hits: Sequence[Hit], audience: str | None = None, question: str = ""
) -> list[tuple[int, Hit]]:
    """The pages an answer is drawn from, with their retrieval ranks: the first MAX_PAGES hits,
    except that for a patient or caregiver the patient pages among the first 2 * MAX_PAGES come
    first, so three research-news pages at the top ("how often should I get a colonoscopy") do not
    keep the screening page fourth in line out of the answer; and, with the `question`, pages
    about another cancer than the one it names or about another age group (OTHER_CANCER,
    OTHER_AGE) come after those that are not. A page keeps its retrieval rank (and its RANK_STEP)
    wherever it is taken from."""
    ranked = list(enumerate(hits[: 2 * MAX_PAGES]))
    if audience != "technical":
        ranked.sort(key=lambda ih: not is_patient_page(ih[1]))  # stable: rank order kept within
    if question:
        named = cancers_named_in(question)
        ranked.sort(key=lambda ih: _mismatch(ih[1], question, named) > 0)
    return ranked[:MAX_PAGES]


_TERMS_CACHE: dict[tuple[str, str], frozenset[str]] = {}
_TERMS_CACHE_SIZE = 20000


def _section_terms(s: Section) -> frozenset[str]:
    """The words of a section's heading path and text (kept for sections with a content hash:
    a warm assistant reads the same pages again)."""
    key = (s.section_id, s.content_hash)
    found = _TERMS_CACHE.get(key) if s.content_hash else None
    if found is None:
        found = content_terms(" ".join([*s.heading_path, s.text]))
        if s.content_hash:
            if len(_TERMS_CACHE) >= _TERMS_CACHE_SIZE:
                _TERMS_CACHE.clear()
            _TERMS_CACHE[key] = found
    return found


def _inner(path: tuple[str, ...]) -> str:
    return " ".join(path[1:][-2:]) if len(path) > 1 else path[0]


def _text_sim(x: ScoredSection) -> float:
    """The section's text similarity; its heading's when its text has no vector (a chunk left
    unembedded), 0 without an embedder."""
    if x.text_sim is not None:
        return x.text_sim
    return x.heading_sim if x.heading_sim is not None else 0.0


def _of_questions(s: Section | None) -> bool:
    """The section's first list is a list of questions (a Q&A page's contents, questions to ask,
    after its lead paragraph: "Consider adding these questions to your list:")."""
    first = next((b for b in s.blocks if b.kind == "list"), None) if s is not None else None
    return _is_questions(first.items if first is not None else ())


def _is_questions(items: Sequence[str]) -> bool:
    return bool(items) and sum(i.rstrip().endswith("?") for i in items) * 2 > len(items)


def _has_list(s: Section | None) -> bool:
    """The section holds a list or table that is not a list of questions."""
    return s is not None and any(
        b.kind in ("list", "table") and b.items and not _is_questions(b.items) for b in s.blocks
    )


def _leads(s: Section) -> list[str]:
    return [b.lead_in for b in s.blocks if b.lead_in]


def candidates(
    hits: Sequence[Hit], audience: str | None = None, question: str = ""
) -> list[Candidate]:
    """Every answerable section of the answer's pages (`answer_pages`); a section (or a bare
    heading) with at least MIN_CHILDREN subsections carries them as `children`."""
    out: list[Candidate] = []
    for rank, hit in answer_pages(hits, audience, question):
        sims = {x.section.section_id: x for x in hit.sections}
        # Only sections that are still citable passages (a filter may have taken one out).
        citable = {p.chunk_id for p in hit.passages}
        sections = [
            x.section
            for x in hit.sections
            if not is_never_answer(x.section.heading)
            and (x.section.section_id in citable or not x.section.blocks)
        ]
        by_path = {s.heading_path: s for s in sections}
        kids_of: dict[tuple[str, ...], list[Section]] = {}
        for s in sections:
            if len(s.heading_path) > 1 and s.blocks:
                kids_of.setdefault(s.heading_path[:-1], []).append(s)
        paths = [s.heading_path for s in sections if s.blocks]
        paths += [p for p, k in kids_of.items() if p not in by_path and len(k) >= MIN_CHILDREN]
        for path in paths:
            own = by_path.get(path)
            kids = tuple(kids_of.get(path, ()))
            kids = kids if len(kids) >= MIN_CHILDREN else ()
            own_sims = sims[own.section_id] if own is not None else None
            kid_sims = [_text_sim(sims[k.section_id]) for k in kids]
            if own_sims is not None and (own_sims.text_sim, own_sims.heading_sim) != (None, None):
                text_sim = _text_sim(own_sims)
            else:
                text_sim = sum(kid_sims) / len(kid_sims) if kid_sims else 0.0
            terms = content_terms(" ".join([*path, *(k.heading_path[-1] for k in kids)]))
            labels = (path[-1], *(_leads(own) if own is not None else ()))
            out.append(
                Candidate(
                    hit, rank, path, own, kids, text_sim,
                    (own_sims.heading_sim or 0.0) if own_sims is not None else 0.0,
                    terms | (_section_terms(own) if own is not None else frozenset()),
                    content_terms(_inner(path)), labels, _of_questions(own),
                    bool(kids) or _has_list(own),
                )
            )  # fmt: skip
    return out


def _text(c: Candidate) -> str:
    """The candidate's own text, and its subsections' when it has no text of its own."""
    parts = [c.section] if c.section is not None else list(c.children)
    return " ".join(s.text for s in parts)


def _type_cue(c: Candidate, q: Question) -> float:
    if q.main is None:
        return 0.0
    named = [t for t in q.types if any(t.names(label) for label in c.labels)]
    if q.main in named:
        return TYPE_CUE
    if q.main.text and q.main.answered_in(_text(c)):  # joins the text only for types with cues
        return TYPE_CUE
    if named:
        return TYPE_CUE / 2
    avoided = any(type_named(a).names(c.path[-1]) for a in q.main.avoid)
    return -AVOID if avoided else 0.0


def _names_asked(c: Candidate, q: Question) -> bool:
    """The candidate's heading or list lead-ins (`labels`) name the question's main type (or it
    has none): a list earns the list cue only when it is a list of what is asked (a "causes"
    question is not answered by the list of staging tests beside it)."""
    return q.main is None or any(q.main.names(label) for label in c.labels)


_TIMES = ("before", "during", "after")


def _other_time(c: Candidate, q: Question) -> float:
    """ "after surgery" is not answered by "Chemotherapy before surgery": these words are
    stopwords for the overlap, but in a heading they say which part of the story it tells."""
    asked = {t for t in _TIMES if re.search(rf"\b{t}\b", q.asked, re.IGNORECASE)}
    named = {t for t in _TIMES if re.search(rf"\b{t}\b", c.path[-1], re.IGNORECASE)}
    return OTHER_TIME if asked and named and not asked & named else 0.0


def _about_other_cancer(hit: Hit, named: frozenset[str]) -> bool:
    """The page is about particular cancers (its url or title names them), none of them `named`."""
    own = cancers_of_page(hit.url, hit.title)
    return bool(own) and not own & named


def _other_age(hit: Hit, question: str) -> float:
    group = page_age_group(hit.url, hit.title)
    if group == "children" and not may_be_about_a_child(question):
        return OTHER_AGE
    return OTHER_AGE if group == "adults" and names_a_child(question) else 0.0


def _other_sex(c: Candidate, asked: str | None) -> float:
    """OTHER_SEX when the candidate is written for the other sex than `asked` (the question's)."""
    if asked is None:
        return 0.0
    first = c.section or (c.children[0] if c.children else None)
    lead = " ".join(first.blocks[0].lines()) if first is not None and first.blocks else ""
    written_for = sex_named(" ".join([*c.path, lead]))
    return OTHER_SEX if written_for is not None and written_for != asked else 0.0


def _mismatch(hit: Hit, question: str, named: frozenset[str]) -> float:
    """OTHER_CANCER and OTHER_AGE, as they apply to the page."""
    other = OTHER_CANCER if named and _about_other_cancer(hit, named) else 0.0
    return other + _other_age(hit, question)


def rank_sections(q: Question, cands: Sequence[Candidate]) -> list[tuple[float, Candidate]]:
    """Candidates best first, with their scores (see the module docstring)."""
    if not cands:
        return []
    weight = {t: 1.0 for t in q.asked_terms} | {t: q.story_weight for t in q.story_terms}
    df = Counter(t for c in cands for t in c.terms & weight.keys())
    idf = {t: math.log((len(cands) + 1) / (df[t] + 0.5)) for t in weight}
    total = sum(weight[t] * idf[t] for t in weight) or 1.0

    def words(terms: frozenset[str]) -> float:
        return sum(weight[t] * idf[t] for t in terms & weight.keys()) / total

    best = max(c.hit.score for c in cands)
    named = cancers_named_in(q.text)
    asked_sex = sex_named(q.asked or q.text)
    scored = []
    for c in cands:
        gap = (best - c.hit.score) / best if best > 0 and q.asks_list else 0.0
        s = c.text_sim - PAGE_GAP * gap + HEADING_SIM * c.heading_sim
        s += TEXT_WORDS * words(c.terms) + HEADING_WORDS * words(c.heading_terms)
        s += _type_cue(c, q) - RANK_STEP * c.rank - _other_time(c, q)
        s -= QUESTIONS_LIST if c.of_questions and not q.asks_for_questions else 0.0
        s -= INTRO if len(c.path) == 1 and q.main is not None and q.main.name != "what_is" else 0.0
        s += LIST_CUE if q.asks_list and c.holds_list and _names_asked(c, q) else 0.0
        s -= _mismatch(c.hit, q.text, named) + _other_sex(c, asked_sex)
        scored.append((s, c))
    scored.sort(key=lambda sc: (-sc[0], sc[1].rank, sc[1].path))
    return scored


def for_audience(
    ranked: list[tuple[float, Candidate]], audience: str | None
) -> list[tuple[float, Candidate]]:
    """Patient text for patients: other pages' sections go when a patient page matches."""
    if audience == "technical":
        return ranked
    patient = [(s, c) for s, c in ranked if is_patient_page(c.hit)]
    return patient if patient and patient[0][0] >= MATCH_FLOOR else ranked
