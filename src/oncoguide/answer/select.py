"""Sentence and list selection for the extractive composer (pure functions over parsed passages).

Relevance: idf-weighted overlap of stemmed content words between question and sentence (idf over
the candidate sentences, so words every passage shares, like the cancer's name, count less), plus
small bonuses for a matching heading, the best passage and the first sentence of a passage.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from oncoguide.answer.sentences import (
    Block,
    is_anaphoric,
    is_dangling,
    parse_blocks,
)
from oncoguide.answer.text import content_terms
from oncoguide.questions import TREATMENT_TIME
from oncoguide.text.sentences import split_sentences
from oncoguide.types import Hit, Passage

__all__ = [
    "Candidate",
    "Unit",
    "candidates",
    "detect_intent",
    "intents_of",
    "item_text",
    "jaccard",
    "score",
    "section_of",
    "select_prose",
    "units",
]

MIN_RELEVANCE = 0.2
DUPLICATE_JACCARD = 0.6
# Other documents' sentences must beat the top hit's by this much per rank: an answer reads best
# from one page, and the top hit is the best page far more often than not.
RANK_PENALTY = 0.15
# PDQ "Key Points" bullets repeat the section headings of the body in one line each; the body's
# own sentences say the same with context, so the summary bullets rank lower.
KEY_POINTS_PENALTY = 0.25
_KEY_POINTS = re.compile(r"(^|› )key points( for this section)?$", re.IGNORECASE)
# Sections about the document itself (editorial boards, permissions), never an answer.
_ABOUT_SECTION = re.compile(
    r"about this pdq summary|reviewers and updates|permission to use|how to cite|"
    r"purpose of this summary|disclaimer|contact us|get more information from nci|"
    r"related (resources|pages)|to learn more",
    re.IGNORECASE,
)

# Question intents that want the KB's list, with the words a matching lead-in or heading uses.
# Order matters: the first intent whose trigger appears in the question wins ("what symptoms
# can X cause" is a symptoms question, so symptoms come before the causes of risk_factors).
_INTENTS: tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...] = tuple(
    (name, re.compile(trigger, re.IGNORECASE), cues)
    for name, trigger, cues in (
        ("side_effects", r"\bside[- ]effects?\b|"
         r"\b(treatment|therapy|chemo\w*|radiation) (can |may )?cause\b",
         ("side effect", "cause", "effect", "problem")),
        ("symptoms", r"\bsymptoms?\b|\bsigns?\b|\bwarning\b",
         ("symptom", "sign", "check with your doctor if", "can cause", "may cause")),
        ("risk_factors", r"\brisk factors?\b|\bat (higher |high |increased |greater )?risk\b|"
         r"\bwhat causes\b|\bcauses of\b|\bwho gets\b|"
         r"\b(raises?|increases?)( or (lowers?|reduces?|decreases?))? (the |my |your )?risk\b|"
         r"\bwhat (can|may|might|could) cause\b|\bmakes? .{1,40} worse\b",
         ("risk factor", "risk", "cause")),
        ("prevention", r"\bprevent|\b(lower|reduce|decrease|cut)\w* (my |the |your )?(risk|chance)",
         ("prevent", "lower", "reduce", "decrease", "protect", "avoid")),
        ("tests", r"\btests?\b|\bexams?\b|\bdiagnos|\bscreen|\bdetect",
         ("test", "exam", "diagnos", "procedure", "screen", "detect")),
        ("stages", r"\bstages?\b|\bstaging\b", ("stage",)),
        ("prognosis", r"\bprognosis\b|\boutlook\b|\bchance of recovery\b|\bsurvival\b",
         ("prognosis", "depend", "recovery")),
        ("treatments", r"\btreatments?\b|\btreated\b|\btreat\b|\btherap(y|ies)\b|\boptions?\b",
         ("treatment", "treat", "therap", "option")),
        ("types", r"\btypes?\b|\bkinds?\b", ("type", "kind")),
    )
)  # fmt: skip

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


@dataclass(frozen=True)
class Unit:
    """One parsed block of one passage of one hit."""

    hit_rank: int
    passage_idx: int
    hit: Hit
    passage: Passage
    block: Block


@dataclass(frozen=True)
class Candidate:
    text: str
    unit: Unit
    sent_pos: int
    terms: frozenset[str]

    @property
    def order(self) -> tuple[int, int, int, int]:
        u = self.unit
        return (u.hit_rank, u.passage_idx, u.block.position, self.sent_pos)


def units(hits: Sequence[Hit], max_docs: int) -> list[Unit]:
    out: list[Unit] = []
    for rank, hit in enumerate(hits[:max_docs]):
        for idx, passage in enumerate(hit.passages):
            for block in parse_blocks(passage.text, passage.heading):
                out.append(Unit(rank, idx, hit, passage, block))
    return out


def section_of(block: Block) -> str:
    """Which optional section a block belongs to ('answer' when none)."""
    label = " ".join([block.heading, block.lead_in or "", *block.context[-1:]])
    if _QUESTIONS_SECTION.search(label):
        return "questions_to_ask"
    if _CONTACT_SECTION.search(label):
        return "contact_care_team"
    return "answer"


def _looks_like_sentence(text: str) -> bool:
    return text[:1].isupper() and text.endswith(".") and len(text.split()) >= 6


def candidates(all_units: Iterable[Unit]) -> list[Candidate]:
    """Prose sentences that can stand alone (list items only when they are whole sentences)."""
    out: list[Candidate] = []
    for u in all_units:
        if section_of(u.block) != "answer" or _ABOUT_SECTION.search(u.block.heading):
            continue
        texts = u.block.sentences if u.block.kind == "para" else ()
        if u.block.kind == "list" and u.block.lead_in is None:
            texts = tuple(t for t in u.block.items if _looks_like_sentence(t))
        for pos, text in enumerate(texts):
            if not is_dangling(text):
                out.append(Candidate(text, u, pos, content_terms(text)))
    return out


def score(cands: Sequence[Candidate], question: str) -> list[tuple[float, Candidate]]:
    q_terms = content_terms(question)
    if not q_terms:
        return [(0.0, c) for c in cands]
    df = Counter(t for c in cands for t in c.terms & q_terms)
    weight = {t: math.log((len(cands) + 1) / (df[t] + 0.5)) for t in q_terms}
    total = sum(weight.values())
    scored = []
    for c in cands:
        u = c.unit
        s = sum(weight[t] for t in c.terms & q_terms) / total
        s += 0.2 * len(q_terms & content_terms(u.block.heading)) / len(q_terms)
        s += 0.1 if (u.hit_rank, u.passage_idx) == (0, 0) else 0.0
        s += 0.05 if (u.block.position, c.sent_pos) == (0, 0) else 0.0
        s -= KEY_POINTS_PENALTY if _KEY_POINTS.search(u.block.heading) else 0.0
        s -= RANK_PENALTY * u.hit_rank + (0.1 if len(c.text.split()) > 60 else 0.0)
        scored.append((s, c))
    return scored


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def select_prose(
    scored: Sequence[tuple[float, Candidate]], n: int, taken: Sequence[frozenset[str]] = ()
) -> list[Candidate]:
    """The best `n` non-duplicate candidates above the relevance floor (at least one)."""
    ranked = sorted(scored, key=lambda sc: (-sc[0], sc[1].order))
    if not ranked or n <= 0:
        return []
    floor = max(MIN_RELEVANCE, 0.5 * ranked[0][0])
    chosen: list[Candidate] = []
    seen = list(taken)
    for s, c in ranked:
        if len(chosen) >= n or (chosen and s < floor):
            break
        if any(jaccard(c.terms, t) >= DUPLICATE_JACCARD for t in seen):
            continue
        if is_anaphoric(c.text) and not any(_follows(c, prev) for prev in chosen):
            continue  # "It usually starts in..." only right after the sentence it points to
        chosen.append(c)
        seen.append(c.terms)
    return chosen


def _follows(c: Candidate, prev: Candidate) -> bool:
    return prev.unit is c.unit and prev.sent_pos == c.sent_pos - 1


# "during cancer treatment", "after treatment": when the question is asked, not what it asks for
# ("What foods are easy to digest during cancer treatment?" is not a treatment question).


def detect_intent(question: str) -> tuple[str, tuple[str, ...]] | None:
    question = TREATMENT_TIME.sub(" ", question)
    for name, trigger, cues in _INTENTS:
        if trigger.search(question):
            return name, cues
    return None


def intents_of(text: str) -> frozenset[str]:
    """Every question type a text names ("Tests to stage X" names tests and stages)."""
    return frozenset(name for name, trigger, _ in _INTENTS if trigger.search(text))


def item_text(item: str) -> str:
    """A list item's first sentence (two when the first is a short bold title like 'Rest.')."""
    parts = split_sentences(item)
    if not parts:
        return item
    if len(parts) > 1 and len(parts[0].split()) < 4 and not is_dangling(parts[1]):
        return f"{parts[0]} {parts[1]}"
    return parts[0]
