"""Quote the KB as written: the chosen section's lead paragraph and its list whole.

From the chosen section: its first paragraph (up to LEAD_SENTENCES sentences), then its first
list or table whole with its lead-in (up to MAX_ITEMS items); a section without a list gives its
first sentences up to PROSE_SENTENCES / PROSE_WORDS instead. A heading answered by subsections
gives one labelled item per subsection (its heading, then its first sentence). A sentence that
opens on a connective or pronoun ("But", "However", "This", "These") is quoted only right after
the sentence before it. "What is" questions open on a defining sentence ("X is a ...").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from oncoguide.answer.pick import Candidate
from oncoguide.answer.qtypes import Question
from oncoguide.kb.sections import heading_sentence
from oncoguide.text import content_terms, is_anaphoric, is_dangling, normalise, split_sentences
from oncoguide.types import Block, Hit, Section

__all__ = ["Piece", "care_pieces", "definition", "lead_sentence", "quote", "quote_section"]

LEAD_SENTENCES = 3
LEAD_BRIEF = 2  # the lead's sentences before a later block that answers better
PROSE_SENTENCES = 5
PROSE_WORDS = 120
PROSE_PARAGRAPHS = 1
MAX_ITEMS = 15
MAX_SUBSECTIONS = 8
LONG_ITEM_WORDS = 100  # a list item this long is cut to its first sentence
AFTER_LIST_SENTENCES = 2  # sentences of the paragraph after a section's list, within PROSE_WORDS
MAX_CARE_ITEMS = 5
_TERMINAL = (".", "!", "?", '"', "”", ")", "'", "’")
_QUESTIONS_SECTION = re.compile(
    r"questions? (to ask|you (may|might) (want to )?ask|for your)|ask your (doctor|health care|"
    r"care team|nurse)",
    re.IGNORECASE,
)
_CONTACT_SECTION = re.compile(
    r"when to (call|contact|see|talk)|(call|contact) your (doctor|health care|care team|nurse)|"
    r"(call|tell) (the|your) (doctor|nurse|care team) (right away|if)",
    re.IGNORECASE,
)
_DEFINES = re.compile(
    r"\b(is|are|refers to|means|is called|are called)\b\s+(a|an|the|one|any|when|how|used|"
    r"cells?|made|part|type|kind|group|protein|test|procedure|treatment|drug|medicine)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Piece:
    """One answer sentence before citation numbers: its text and the section it quotes."""

    text: str
    hit: Hit
    section: Section
    list_item: bool = False
    label: str = ""
    part: str = "answer"  # answer | contact_care_team | questions_to_ask


def _sentences(text: str) -> list[str]:
    return [s for s in split_sentences(text) if s.strip()]


def _prose(
    hit: Hit, s: Section, blocks: Sequence[Block], max_sentences: int, max_words: int
) -> list[Piece]:
    """Consecutive standalone sentences from the paragraphs of `blocks`, in order."""
    out: list[Piece] = []
    words = paragraphs = 0
    for b in blocks:
        if b.kind != "para":
            continue
        prev_kept = False
        for sent in _sentences(b.text):
            # A line without closing punctuation is a title or caption, and a question in the
            # text ("Why was this study needed?") is a heading: neither is an answer sentence.
            end = sent.rstrip()
            ok = end.endswith(_TERMINAL) and not end.endswith("?") and not is_dangling(sent)
            ok = ok and (prev_kept or not is_anaphoric(sent))
            if ok and out and words + len(sent.split()) > max_words:
                return out
            if ok:
                out.append(Piece(sent, hit, s))
                words += len(sent.split())
                if len(out) >= max_sentences:
                    return out
            prev_kept = ok
        paragraphs += bool(out)
        if paragraphs >= PROSE_PARAGRAPHS:
            return out  # the lead paragraphs only, when they have something to say
    return out


def _headline(hit: Hit, s: Section) -> list[Piece]:
    """The section's heading when it is a sentence (its key point, `heading_sentence`), unless
    its text opens on the same sentence."""
    first = heading_sentence(s)
    opening = _prose(hit, s, s.blocks, 1, PROSE_WORDS)
    if not first or (opening and normalise(opening[0].text) == normalise(first)):
        return []
    return [Piece(first, hit, s)]


def lead_sentence(hit: Hit, s: Section) -> Piece | None:
    """The section's first standalone sentence (a supporting sentence), if it has one."""
    found = _prose(hit, s, s.blocks, 1, PROSE_WORDS)
    return found[0] if found else None


def _items(hit: Hit, s: Section, b: Block) -> list[Piece]:
    out = [Piece(b.lead_in, hit, s)] if b.lead_in else []
    for item in b.items[:MAX_ITEMS]:
        text = item
        if len(item.split()) > LONG_ITEM_WORDS:
            text = _sentences(item)[0]
        out.append(Piece(text, hit, s, list_item=True))
    return out


def _first_list(s: Section) -> Block | None:
    return next((b for b in s.blocks if b.kind in ("list", "table") and b.items), None)


def quote_section(hit: Hit, s: Section, wants_list: bool, q: Question | None = None) -> list[Piece]:
    """The section's key-point heading (`_headline`), then its lead paragraph and its first
    list whole, or its first sentences (and, with `q`, the block that answers it when that is
    not the lead: `_answering_block`)."""
    return _headline(hit, s) + _body(hit, s, wants_list, q)


def _match(q: Question, text: str) -> float:
    """How much of the question a block says: its asked words count 1, its story's less."""
    found = content_terms(text)
    story = q.story_weight * len(q.story_terms & found)
    return len(q.asked_terms & found) + story


def _answering_block(hit: Hit, s: Section, q: Question) -> list[Piece]:
    """A later block of a long section that says more of the question than its lead paragraph
    (the law on a "Your legal rights at work" section's second paragraph): the lead's first
    LEAD_BRIEF sentences, then that block (a paragraph's first sentences, or a list whole).
    Empty when the lead answers best."""
    blocks = [b for b in s.blocks if b.kind == "para" or (b.kind == "list" and b.items)]
    if len(blocks) < 2 or blocks[0].kind != "para":
        return []
    scores = [_match(q, " ".join(b.lines())) for b in blocks]
    best = max(range(len(blocks)), key=lambda i: (scores[i], -i))
    if best == 0 or scores[best] <= scores[0]:
        return []
    lead = _prose(hit, s, blocks[:1], LEAD_BRIEF, PROSE_WORDS)
    b = blocks[best]
    if b.kind == "list":
        return lead + _items(hit, s, b)
    return lead + _prose(hit, s, [b], PROSE_SENTENCES, PROSE_WORDS)


def _body(hit: Hit, s: Section, wants_list: bool, q: Question | None) -> list[Piece]:
    lst = _first_list(s)
    at = s.blocks.index(lst) if lst is not None else len(s.blocks)
    if lst is not None and (wants_list or at <= 2):
        lead = _prose(hit, s, s.blocks[:at], LEAD_SENTENCES, PROSE_WORDS)
        used = sum(len(p.text.split()) for p in lead)
        if wants_list:
            # A list asked for is quoted whole, in all its parts ("Breast lump, such as:",
            # "Nipple changes, such as:"), up to MAX_ITEMS items.
            return lead + _all_lists(hit, s, at)
        after = _prose(hit, s, s.blocks[at + 1 :], AFTER_LIST_SENTENCES, PROSE_WORDS - used)
        return lead + _items(hit, s, lst) + after
    found = _answering_block(hit, s, q) if q is not None else []
    return found or _prose(hit, s, s.blocks, PROSE_SENTENCES, PROSE_WORDS)


def _all_lists(hit: Hit, s: Section, start: int) -> list[Piece]:
    """The section's lists from block `start` on, each with its lead-in, within MAX_ITEMS."""
    out: list[Piece] = []
    n = 0
    for b in s.blocks[start:]:
        if b.kind not in ("list", "table") or not b.items or n >= MAX_ITEMS:
            continue
        part = _items(hit, s, Block(b.kind, lead_in=b.lead_in, items=b.items[: MAX_ITEMS - n]))
        n += len(b.items[: MAX_ITEMS - n])
        out += part
    return out


def _first_of(hit: Hit, s: Section) -> list[Piece]:
    """A subsection's first standalone sentence, or its list's lead-in and items."""
    first = s.blocks[0] if s.blocks else None
    if first is not None and first.kind != "para":
        return _items(hit, s, first)
    return _prose(hit, s, s.blocks, 1, PROSE_WORDS)


def quote(c: Candidate, q: Question) -> list[Piece]:
    """The pieces that quote candidate `c` (see the module docstring)."""
    wants_list = q.asks_list or (
        q.main is not None and q.main.name not in ("what_is", "yes_no", "when")
    )
    own = c.section
    if own is not None and (
        not c.children or _first_list(own) is not None or (not wants_list and own.blocks)
    ):
        return quote_section(c.hit, own, wants_list, q)
    out = _prose(c.hit, c.section, c.section.blocks, 1, PROSE_WORDS) if c.section else []
    for kid in c.children[:MAX_SUBSECTIONS]:
        first = _first_of(c.hit, kid)
        if first:
            head, *rest = first
            label = kid.heading_path[-1]
            out.append(Piece(head.text, c.hit, kid, list_item=True, label=label))
            out += [Piece(p.text, c.hit, kid, list_item=True) for p in rest]
    return out


def _all_sentences(c: Candidate) -> Iterator[tuple[str, Section]]:
    for s in (c.section, *c.children):
        if s is None:
            continue
        if heading_sentence(s):
            yield heading_sentence(s), s
        for b in s.blocks:
            if b.kind == "para":
                for sent in _sentences(b.text):
                    yield sent, s


def definition(q: Question, ranked: Sequence[Candidate]) -> Piece | None:
    """A defining sentence ("HER2 is a protein that ...") of the asked subject, from the best
    candidates in order; None when none defines it."""
    subject = q.asked_terms - content_terms("mean means meaning define definition difference")
    if not subject:
        return None
    for c in ranked[:8]:
        for sent, s in _all_sentences(c):
            head = sent.split(",")[0][:160]
            m = _DEFINES.search(head)
            if m is None or is_anaphoric(sent) or is_dangling(sent):
                continue
            said = content_terms(head[: m.start()])
            # What it defines is mostly the subject's words ("The information that is known
            # about the cancer is ..." does not define "cancer of unknown primary"), or its
            # short form: "Gestational trophoblastic disease (GTD) is ..." defines "GTD".
            if (2 * len(said & subject) >= len(said) > 0 and len(said - subject) <= 2) or (
                _short_form(head[: m.start()]) & subject
            ):
                return Piece(sent, c.hit, s)
    return None


_SHORT_FORM = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,9})\)\s*$")


def _short_form(subject: str) -> frozenset[str]:
    """The abbreviation a defined subject ends on in brackets ("... disease (GTD)"), as a term."""
    m = _SHORT_FORM.search(subject.strip())
    return content_terms(m.group(1)) if m is not None and m.group(1)[1:].isupper() else frozenset()


def _care_part(s: Section) -> str:
    label = " ".join([s.heading_path[-1], *(b.lead_in for b in s.blocks if b.lead_in)])
    if _QUESTIONS_SECTION.search(label):
        return "questions_to_ask"
    if _CONTACT_SECTION.search(label):
        return "contact_care_team"
    return ""


def care_pieces(hit: Hit, used: frozenset[str]) -> list[Piece]:
    """From the answering page: when to contact the care team, then questions to ask, each
    quoted from the page's own section of that kind (not one the answer already quotes)."""
    out: list[Piece] = []
    for part in ("contact_care_team", "questions_to_ask"):
        for x in hit.sections:
            s = x.section
            if s.section_id in used or _care_part(s) != part:
                continue
            lst = _first_list(s)
            if lst is not None and (lst.lead_in or part == "questions_to_ask"):
                found = _items(
                    hit, s, Block(lst.kind, lead_in=lst.lead_in, items=lst.items[:MAX_CARE_ITEMS])
                )
            else:
                found = _prose(hit, s, s.blocks, 2, PROSE_WORDS)
            if found:
                out += [Piece(p.text, hit, s, p.list_item, p.label, part) for p in found]
                break
    return out
