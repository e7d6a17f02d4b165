"""Navigation answers: "I have X, what should I do?" and "What questions should I ask my doctor
about X?" get next steps quoted from the KB, never an abstention and never a diagnosis guess.

Next steps, each piece quoted and cited:
1. when to see a doctor: the KB's "Check with your doctor if ... / Call your doctor ..." text from
   the pages that match the symptoms (a lead-in keeps the list items that name the asker's
   symptoms; sentences saying how soon come first);
2. tests that may be done: the lead sentence and test names of a "tests / diagnosis" section of the
   best-matching page;
3. questions to ask: a KB list of questions for the doctor (first-person items ending in "?").
The same quoted, verified answer shape as the composer's (`verify_answer` checks every sentence).
When the KB offers nothing, a templated next step (see a doctor, the region's line) is given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from oncoguide.answer.cite import CitationBook
from oncoguide.answer.compose import render_text
from oncoguide.answer.readability import reading_grade
from oncoguide.answer.text import content_terms, strip_markup
from oncoguide.answer.verify import is_contained
from oncoguide.chat.aids import message
from oncoguide.index.store import Store
from oncoguide.kb.chunk import heading_sections
from oncoguide.kb.sections import parse_blocks as section_blocks
from oncoguide.text import split_sentences
from oncoguide.types import Answer, AnswerSentence, Hit, Passage

__all__ = [
    "Navigator",
    "Piece",
    "navigation_kind",
    "pick_check_text",
    "pick_questions",
    "pick_tests",
]

SearchFn = Callable[[str], Sequence[Hit]]

_ASKS_WHAT_TO_DO = re.compile(
    # "what can I do to stop the itching" / "... at home" asks how to manage something the asker
    # names, not what to do next about a symptom: a purpose after "do" leaves it to the composer.
    r"\b(?:what (?:should|do|can|must) (?:i|we) do(?! (?:to|at home|without)\b)|"
    r"what (?:are|is) (?:my|our|the) next steps?|"
    r"what (?:should|do) (?:i|we) do next|should (?:i|we) (?:see|go to|call|visit|be worried|"
    r"worry)(?! about (?:the|side|getting))|do (?:i|we) need to (?:see|go)|"
    r"who should (?:i|we) see|what now|is (?:this|it|that) (?:serious|something to worry)|"
    r"what kind of doctor|when should (?:i|we) (?:see|call|go to) (?:a|the|my) doctor)\b",
    re.IGNORECASE,
)
_TELLS_OWN_STORY = re.compile(r"\b(?:i|i'm|im|i've|ive|i have|my|me|we|we've|our)\b", re.IGNORECASE)
# A problem that comes from treatment ("since chemo", "after radiotherapy", "on hormone tablets")
# is a side effect to manage, which the KB's "ways to manage" sections answer (the composer), not a
# symptom to take to a doctor for a diagnosis.
_TREATMENT_CONTEXT = re.compile(
    r"\b(?:after|since|during|from|on|with|because of|due to|of|about)\s+"
    r"(?:(?:my|the|his|her|their|our|this|that|all the|every|each|a)\s+)?(?:\w+\s+)?"
    r"(?:chemo\w*|radiation|radiotherapy|radio|"
    r"immunotherapy|treatments?|surgery|operation|transplant|"
    r"hormone (?:therapy|tablets|pills|treatment)|targeted therapy|infusions?|tamoxifen|letrozole|"
    r"anastrozole)\b",
    re.IGNORECASE,
)
_CARE_TEAM = (
    r"(?:my |the |our |a |your )?"
    r"(?:doctors?|oncologists?|surgeons?|nurses?|care team|team|urologist|gp|provider)"
)
_ASKS_QUESTIONS = re.compile(
    r"\b(?:what questions|"
    r"questions (?:to|should (?:i|we)|can (?:i|we)|could (?:i|we)|do (?:i|we)) ask|"
    rf"what (?:should|do|can|could) (?:i|we) ask {_CARE_TEAM}|"
    rf"(?:things|what) to ask {_CARE_TEAM})\b",
    re.IGNORECASE,
)
_SEE_DOCTOR = re.compile(
    r"\b(?:check with|call|see|talk (?:with|to)|tell|contact|visit) (?:your|a|the) "
    r"(?:doctor|health care provider|health care team|care team|nurse|dentist|child's doctor)",
    re.IGNORECASE,
)
_HOW_SOON = re.compile(
    r"\b(?:right away|at once|as soon as|immediately|within|today|same day|\d+ (?:days?|weeks?))",
    re.IGNORECASE,
)
_ABOUT_SYMPTOMS = re.compile(
    r"\b(?:symptoms?|signs?|when to (?:call|contact|see)|check with|changes?)\b", re.I
)
# Text that takes a diagnosis for granted ("the type of breast cancer you have") is no next step
# for someone who only has symptoms.
_PRESUMES = re.compile(
    r"\b(?:your|the) (?:cancer|tumou?r|diagnosis|treatment)\b|\bcancer you have\b|"
    r"\b(?:my|your) (?:type|stage|cancer)\b|\btreatments?\b|\bside effects?\b|\bstag(?:e|ing)\b|"
    r"\bfollow-up\b|\bget better\b|\bcome back\b|\brecur\w*",
    re.IGNORECASE,
)
_TEST_LEAD = re.compile(
    r"\b(?:tests?|exams?|procedures?)\b.*\b(?:used|done|help|may)\b.*\b(?:diagnos\w*|detect\w*|"
    r"find|check|examine\w*|look)\b|^(?:the following|these) tests\b",
    re.IGNORECASE,
)
_CHILD = re.compile(
    r"\b(?:child|children|childhood|adolescents?|kids?|teens?|son|daughter|baby)\b", re.I
)
_TESTS_HEADING = re.compile(r"\b(?:tests?|diagnos\w*|detect\w*|exams?|screening)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:i|my|me|we|our|us|i'm|should i)\b", re.IGNORECASE)
_QUESTIONS_HEADING = re.compile(r"\b(?:questions?|ask|talk with your doctor)\b", re.I)
# A list item that names a test before describing it ("Chest x-ray: An x-ray of ...").
_NAMED_ITEM = re.compile(r"^\**([^:.*]{2,60}?)\**:\s")
_FRAME = content_terms(
    "what should do next steps see doctor call go worried worry serious kind need now "
    "questions ask oncologist nurse care team help please"
)
# Words every question list shares: they do not say which list is about the asker's topic.
_GENERIC = content_terms("cancer cancers treatment doctor questions")
MAX_ITEMS = 5


def navigation_kind(question: str) -> str | None:
    """ "questions" for "what questions should I ask…", "next_steps" for a first-person story
    asking what to do (not about a problem that comes from treatment: that is a side effect to
    manage, the composer's), else None."""
    if _ASKS_QUESTIONS.search(question):
        return "questions"
    if (
        _ASKS_WHAT_TO_DO.search(question)
        and _TELLS_OWN_STORY.search(question)
        and not _TREATMENT_CONTEXT.search(question)
    ):
        return "next_steps"
    return None


@dataclass(frozen=True)
class Piece:
    """One quoted sentence or list item, with the chunk (as a passage of its hit) it comes from."""

    text: str
    hit: Hit
    passage: Passage
    section: str = "answer"
    list_item: bool = False


@dataclass(frozen=True)
class _Block:
    """A paragraph (sentences) or a list (items, its lead-in, the paragraph sentences before)."""

    kind: str
    sentences: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    lead_in: str | None = None
    context: tuple[str, ...] = ()


def _parse_blocks(text: str, heading: str = "") -> list[_Block]:
    """A passage's paragraphs and lists, read by the section parser (`kb.sections`); tables are
    left out (their labelled rows are not in the chunk text a quote is verified against)."""
    out: list[_Block] = []
    for _, lines in heading_sections(heading, text):
        before: tuple[str, ...] = ()
        for b in section_blocks(lines):
            if b.kind == "para":
                before = tuple(split_sentences(b.text))
                out.append(_Block("para", sentences=before))
            elif b.kind == "list":
                out.append(_Block("list", items=b.items, lead_in=b.lead_in or None, context=before))
                before = ()
    return out


def _overlap(terms: frozenset[str], text: str) -> int:
    return len(terms & content_terms(text))


def pick_check_text(
    hits: Sequence[Hit], terms: frozenset[str], *, for_child: bool = False
) -> list[Piece]:
    """The KB's "check with your doctor" text best matching the asker's words (it must share
    at least one of them: another symptom's advice is no answer). Pages about children are
    used only `for_child`."""
    best: tuple[tuple[int, int, int], list[Piece]] | None = None
    for rank, hit in enumerate(hits):
        for p in hit.passages:
            for block in _parse_blocks(p.text, p.heading):
                pool = [block.lead_in] if block.kind == "list" and block.lead_in else []
                pool += list(block.sentences) + list(block.context)
                if _CHILD.search(hit.title + " " + p.heading) and not for_child:
                    continue
                for sentence in pool:
                    if not _SEE_DOCTOR.search(sentence) or _PRESUMES.search(sentence):
                        continue
                    pieces = [Piece(sentence, hit, p)]
                    if block.kind == "list" and sentence == block.lead_in:
                        named = [i for i in block.items if _overlap(terms, i)]
                        items = (named or list(block.items))[:MAX_ITEMS]
                        pieces += [Piece(i, hit, p, list_item=True) for i in items]
                    text = " ".join(x.text for x in pieces)
                    shared = _overlap(terms, text + " " + p.heading + " " + hit.title)
                    symptoms = bool(_ABOUT_SYMPTOMS.search(p.heading + " " + sentence))
                    key = (-(shared + 2 * symptoms), -bool(_HOW_SOON.search(sentence)), rank)
                    if shared and (best is None or key < best[0]):
                        best = (key, pieces)
    return best[1] if best else []


def pick_tests(
    hits: Sequence[Hit], terms: frozenset[str], *, for_child: bool = False
) -> list[Piece]:
    """A tests/diagnosis section of the best-matching page: its lead sentence and test names."""
    for hit in hits:
        if _CHILD.search(hit.title) and not for_child:
            continue
        for p in hit.passages:
            if not _TESTS_HEADING.search(p.heading.split(" › ")[-1]):
                continue
            blocks = _parse_blocks(p.text, p.heading)
            lead = next(
                (
                    s
                    for b in blocks
                    for s in (*b.sentences, b.lead_in or "")
                    if _TEST_LEAD.search(s) and not _PRESUMES.search(s)
                ),
                None,
            )
            names = [
                m.group(1).strip()
                for b in blocks
                if b.kind == "list"
                for item in b.items
                if (m := _NAMED_ITEM.match(item.strip())) and len(m.group(1).split()) <= 8
            ]
            if lead is None or (lead.endswith(":") and not names):
                continue
            pieces = [Piece(lead, hit, p, section="tests")]
            pieces += [Piece(n, hit, p, section="tests", list_item=True) for n in names[:MAX_ITEMS]]
            return pieces
    return []


def pick_questions(
    hits: Sequence[Hit],
    terms: frozenset[str],
    section: str = "questions_to_ask",
    *,
    no_diagnosis: bool = False,
    on_topic: bool = False,
) -> list[Piece]:
    """A KB list of questions for the doctor (first-person items ending in "?"), led by its
    lead-in when `section` is "answer". With `no_diagnosis` (someone with symptoms only),
    questions that take a cancer diagnosis for granted are left out; with `on_topic`, only a
    list that shares a word with `terms` is taken."""
    best: tuple[tuple[int, int, int], list[Piece]] | None = None
    for rank, hit in enumerate(hits):
        for p in hit.passages:
            for block in _parse_blocks(p.text, p.heading):
                asks = [
                    i
                    for i in block.items
                    if i.rstrip().endswith("?")
                    and _FIRST_PERSON.search(i)
                    and not (no_diagnosis and _PRESUMES.search(i))
                ]
                if len(asks) < 2:
                    continue
                about = p.heading + " " + (block.lead_in or "") + " " + hit.title
                if not _QUESTIONS_HEADING.search(about):
                    continue
                # The list's own heading and lead-in say what it is about more than the page
                # title ("Questions about side effects" vs a lymphedema page's list): double.
                own = p.heading.split(" › ")[-1] + " " + (block.lead_in or "")
                shared = _overlap(terms, own) + _overlap(terms, about + " " + " ".join(asks))
                if on_topic and not shared:
                    continue
                key = (-shared, rank, -len(asks))
                if best is None or key < best[0]:
                    items = [Piece(i, hit, p, section, True) for i in asks[:MAX_ITEMS]]
                    lead = block.lead_in if section == "answer" else None
                    opener = [Piece(lead, hit, p, section)] if lead else []
                    best = (key, opener + items)
    return best[1] if best else []


class Navigator:
    """Builds navigation answers from the store's chunks of the pages `search` finds."""

    def __init__(self, store: Store, search: SearchFn) -> None:
        self.store = store
        self.search = search

    def _whole_pages(self, hits: Sequence[Hit], n: int = 3) -> list[Hit]:
        out = []
        for hit in hits[:n]:
            chunks = self.store.chunks_of(hit.doc_id)
            passages = tuple(Passage(c.chunk_id, c.doc_id, c.heading, c.text, 0.0) for c in chunks)
            out.append(replace(hit, passages=passages))
        return out

    def __call__(
        self, question: str, *, as_of: date, region_line: str
    ) -> tuple[Answer, tuple[Hit, ...]] | None:
        """(the navigation answer, the hits it quotes with the passages it quotes), or None
        when `question` asks for no navigation."""
        kind = navigation_kind(question)
        if kind is None:
            return None
        terms = content_terms(question) - _FRAME
        topic = " ".join(sorted(terms)) or question
        pieces: list[Piece] = []
        if kind == "next_steps":
            found = list(self.search(question)[:3])
            seen = {h.doc_id for h in found}
            more = self.search(f"{topic} symptoms check with your doctor")
            found += [h for h in more[:3] if h.doc_id not in seen]
            pages = self._whole_pages(found, n=len(found))
            child = bool(_CHILD.search(question))
            check = pick_check_text(pages, terms, for_child=child)
            # Tests only from the page whose advice was quoted: another page's tests may be for
            # something the asker never mentioned.
            same = [h for h in pages if check and h.doc_id == check[0].hit.doc_id]
            pieces += check + pick_tests(same, terms, for_child=child)
        section = "answer" if kind == "questions" else "questions_to_ask"
        symptoms_only = kind == "next_steps"
        asks = self._whole_pages(self.search(f"questions to ask your doctor about {topic}"), n=6)
        found_q = pick_questions(
            asks, terms - _GENERIC, section, no_diagnosis=symptoms_only, on_topic=symptoms_only
        )
        if not found_q:
            general = self._whole_pages(self.search("questions to ask your doctor about cancer"))
            found_q = pick_questions(general, frozenset(), section, no_diagnosis=symptoms_only)
        if 0 < len(found_q) < 3 or (found_q and len(found_q) < 4 and not found_q[0].list_item):
            # A short topic list is topped up from the general list (each item cites its page).
            general = self._whole_pages(self.search("questions to ask your doctor about cancer"))
            extra = pick_questions(general, frozenset(), section, no_diagnosis=symptoms_only)
            have = {p.text for p in found_q}
            found_q += [p for p in extra if p.list_item and p.text not in have][
                : MAX_ITEMS - sum(p.list_item for p in found_q)
            ]
        pieces += found_q
        opener = ""
        if kind == "next_steps" and not any(p.section == "answer" for p in pieces):
            opener = message("see_a_doctor", region_line=region_line)
        return _answer(question, pieces, as_of=as_of, region_line=region_line, opener=opener)


def _answer(
    question: str, pieces: list[Piece], *, as_of: date, region_line: str, opener: str = ""
) -> tuple[Answer, tuple[Hit, ...]]:
    """The cited answer made of the `pieces` its passages contain (the extractive check), after
    the templated `opener` if any; the templated next step alone when nothing can be quoted."""
    kept = [p for p in pieces if is_contained(strip_markup(p.text).strip(), p.passage.text)]
    if not kept:
        opener = opener or message("see_a_doctor", region_line=region_line)
    book = CitationBook(as_of)
    sentences = tuple(
        AnswerSentence(
            strip_markup(p.text).strip(), book.cite(p.hit, p.passage), p.section, p.list_item
        )
        for p in kept
    )
    if sentences and not opener and sentences[0].section != "answer":
        # Without an opener, the first quoted piece opens the answer.
        sentences = (replace(sentences[0], section="answer", list_item=False), *sentences[1:])
    body = render_text(sentences)
    hits: dict[str, Hit] = {}
    for p in kept:
        hit = hits.get(p.hit.doc_id, replace(p.hit, passages=()))
        if all(q.chunk_id != p.passage.chunk_id for q in hit.passages):
            hit = replace(hit, passages=(*hit.passages, p.passage))
        hits[hit.doc_id] = hit
    answer = Answer(
        question=question,
        text=render_text(sentences, preamble=opener),
        sentences=sentences,
        citations=book.citations(),
        abstained=False,
        abstain_reason=None,
        reading_grade=reading_grade(body or opener),
    )
    return answer, tuple(hits.values())
