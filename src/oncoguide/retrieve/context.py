"""Answer context: widen the top hits' passages so a KB list reaches the composer whole.

Retrieval hands over the (up to 3) chunks of a page that best match the question. A list often
sits in another chunk of the same page (under a "Signs and Symptoms" heading) or runs over a chunk
boundary. `expand_context` re-reads the top pages' chunks, adds the ones whose heading or text fits
the question, and joins consecutive chunks of one section into one passage, so every sentence the
composer quotes is still contained in the passage its citation names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from oncoguide.index.fts import query_terms
from oncoguide.index.store import Store
from oncoguide.questions import DEFINITION, LIST_ASK, TREATMENT_TIME
from oncoguide.types import Chunk, Hit, Passage

__all__ = ["chunk_score", "expand_context", "kinds_of", "question_cues", "section_heads"]

# The chunks added beside the retriever's own; the rest of the page is left out of the answer.
MAX_NEW_SEEDS = 3
MIN_SHARE_OF_BEST = 0.6
DESCRIBED_SHARE = 0.75  # share of an untyped question's words one chunk must say to be added
DESCRIBED_MIN_TERMS = 3  # fewer words name a topic ("multiple myeloma"), they describe nothing
MAX_RUN = 5  # chunks joined into one passage at most (a long list, never a whole PDQ summary)
CUE_MATCH = 2.0
# A section answers a list question as its subsections ("Risk factors" > "Diet", "Tobacco use")
# when it has at least this many; each subsection's first chunk is added, up to MAX_SUBSECTIONS.
MIN_SUBSECTIONS = 3
MAX_SUBSECTIONS = 15
# ... or two, when (below the page title) its heading names the question's kinds and no other,
# and a subject word ("How X is diagnosed" for "What tests diagnose X?"; mirrors
# answer.sections.MIN_NAMED_SUBSECTIONS).
MIN_NAMED_SUBSECTIONS = 2
FOCUS_MATCH = 1.5

# Question-type words -> the words a section heading (or a list lead-in) uses for that content.
_CUES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(q, re.IGNORECASE), re.compile(h, re.IGNORECASE))
    for q, h in (
        (r"\bside[- ]effects?\b", r"\bside[- ]effects?\b|\bproblems?\b"),
        (r"\bsymptoms?\b|\bsigns?\b|\bwarning\b", r"\bsymptoms?\b|\bsigns?\b"),
        (r"\btests?\b|\bexams?\b|\bdiagnos\w*|\bdetect\w*", r"\btests?\b|\bdiagnos\w*|\bexams?\b"),
        (r"\bscreen\w*", r"\bscreen\w*"),
        (r"\btreat\w*|\btherap\w*|\boptions?\b", r"\btreat\w*|\btherap\w*"),
        (r"\brisks?\b|\bwho gets\b", r"\brisks?\b"),
        (r"\bcaus\w*|\bworse\b", r"\bcaus\w*|\brisks?\b"),
        (r"\bprevent\w*|\b(lower|reduce|decrease)\w* (my |the |your )?(risk|chance)",
         r"\bprevent\w*|\blower\w* (the |your )?risk\b|\breduc\w*"),
        (r"\bstages?\b|\bstaging\b", r"\bstages?\b|\bstaging\b"),
        (r"\bprognosis\b|\boutlook\b|\bsurvival\b|\bchance of recovery\b",
         r"\bprognosis\b|\boutlook\b|\bsurvival\b|\bchance of recovery\b"),
        (r"\btypes?\b|\bkinds?\b", r"\btypes?\b|\bkinds?\b"),
    )
)  # fmt: skip
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+")


def question_cues(question: str) -> tuple[re.Pattern[str], ...]:
    """Heading patterns for the kinds of content the question asks for (none: plain overlap)."""
    question = TREATMENT_TIME.sub(" ", question)
    return tuple(heading for trigger, heading in _CUES if trigger.search(question))


def kinds_of(text: str) -> frozenset[int]:
    """The kinds of content a text names, by their question words ("Tests to stage X": tests and
    stages), as positions in the cue table."""
    text = TREATMENT_TIME.sub(" ", text)
    return frozenset(k for k, (trigger, _) in enumerate(_CUES) if trigger.search(text))


def _terms(text: str) -> frozenset[str]:
    # Plurals meet their singular ("symptoms" / "symptom"); nothing heavier is needed here.
    return frozenset(t[:-1] if len(t) > 3 and t.endswith("s") else t for t in query_terms(text))


def _share(q_terms: frozenset[str], chunk: Chunk) -> float:
    return len(q_terms & _terms(chunk.text)) / len(q_terms) if q_terms else 0.0


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _lead_ins(text: str) -> list[str]:
    """Lines ending in ':', and any non-item line right before a list item ("Other symptoms of
    depression include", "..., such as": NCI lead-ins often have no colon)."""
    lines = _lines(text)
    return [
        line
        for line, nxt in zip(lines, [*lines[1:], ""], strict=True)
        if line.endswith(":") or (not _ITEM.match(line) and bool(_ITEM.match(nxt)))
    ]


def chunk_score(
    chunk: Chunk,
    q_terms: frozenset[str],
    cues: Sequence[re.Pattern[str]],
    focus: frozenset[str] = frozenset(),
) -> float:
    """How well a chunk fits the question: word overlap, plus a heading or list lead-in that names
    the question's kind of content ("Signs and symptoms") and its subject (`focus`: "constipation",
    not "fecal impaction"). The page title, shared by every chunk, does not count."""
    if not q_terms:
        return 0.0
    section = " ".join(chunk.heading_path[1:])
    score = len(q_terms & _terms(chunk.text)) / len(q_terms)
    score += len(q_terms & _terms(section)) / len(q_terms)
    labels = [section, *_lead_ins(chunk.text)]
    named = [label for label in labels if any(cue.search(label) for cue in cues)]
    if named:
        score += CUE_MATCH
        score += (
            FOCUS_MATCH * max(len(focus & _terms(label)) for label in named) / max(len(focus), 1)
        )
    return score


def _ends_open(chunk: Chunk) -> bool:
    """True when the chunk ends on a list lead-in or inside a list."""
    lines = _lines(chunk.text)
    return bool(lines) and (lines[-1].endswith(":") or bool(_ITEM.match(lines[-1])))


def _starts_with_item(chunk: Chunk) -> bool:
    lines = _lines(chunk.text)
    return bool(lines) and bool(_ITEM.match(lines[0]))


def _continues(prev: Chunk, nxt: Chunk) -> bool:
    """`nxt` carries on `prev`'s list (same section, and a lead-in or list item at the seam)."""
    if prev.heading_path != nxt.heading_path or not _ends_open(prev):
        return False
    return _lines(prev.text)[-1].endswith(":") or _starts_with_item(nxt)


def _with_neighbours(chunks: Sequence[Chunk], picked: set[int]) -> set[int]:
    """Add the chunks a picked chunk's list runs into, and the lead-in a list started in."""
    out = set(picked)
    for i in sorted(picked):
        j = i
        while j + 1 < len(chunks) and j - i < MAX_RUN - 1 and _continues(chunks[j], chunks[j + 1]):
            j += 1
            out.add(j)
        if i > 0 and _continues(chunks[i - 1], chunks[i]):
            out.add(i - 1)
    return out


def _runs(chunks: Sequence[Chunk], picked: set[int]) -> list[list[int]]:
    """Consecutive picked chunks of one section, each run as a list of positions."""
    runs: list[list[int]] = []
    for i in sorted(picked):
        prev = runs[-1][-1] if runs else None
        same = prev is not None and prev == i - 1 and len(runs[-1]) < MAX_RUN
        if same and chunks[i].heading_path == chunks[i - 1].heading_path:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _names(heading: str, cues: Sequence[re.Pattern[str]], q_terms: frozenset[str]) -> bool:
    if cues:
        return any(cue.search(heading) for cue in cues)
    terms = _terms(heading)  # no kind of content: a heading made only of the question's words
    return bool(terms) and terms <= q_terms


def section_heads(
    chunks: Sequence[Chunk],
    cues: Sequence[re.Pattern[str]],
    q_terms: frozenset[str] = frozenset(),
    asked: frozenset[int] = frozenset(),
    words: frozenset[str] = frozenset(),
) -> list[int]:
    """Positions of the first chunk of a section whose own heading names the question's kind of
    content (else, is made of the question's words), and of the first chunk of each of its
    subsections (document order). Among such sections with MIN_SUBSECTIONS subsections (or
    MIN_NAMED_SUBSECTIONS when the heading names exactly the `asked` kinds, see `kinds_of`, and
    one of the question's other `words`), one naming
    no other kind wins, then the deepest, then the one of most subsections, then the first on
    the page; none: []."""
    heads = _section_heads(chunks, cues, q_terms, (asked, words)) if cues else []
    none: tuple[frozenset[int], frozenset[str]] = (frozenset(), frozenset())
    return heads if heads or not q_terms else _section_heads(chunks, (), q_terms, none)


def _least(path: tuple[str, ...], asked: frozenset[int], words: frozenset[str]) -> int:
    named = kinds_of(path[-1])
    subject = {w for w in _terms(path[-1]) & words if not kinds_of(w)}
    if len(path) > 1 and named and named == asked and subject:
        return MIN_NAMED_SUBSECTIONS
    return MIN_SUBSECTIONS


def _section_heads(
    chunks: Sequence[Chunk],
    cues: Sequence[re.Pattern[str]],
    q_terms: frozenset[str],
    ask: tuple[frozenset[int], frozenset[str]],
) -> list[int]:
    firsts: dict[tuple[str, ...], int] = {}
    for i, c in enumerate(chunks):
        firsts.setdefault(c.heading_path, i)
    found: dict[tuple[str, ...], tuple[int, int, int, int]] = {}
    for path in {p[:n] for p in firsts for n in range(1, len(p) + 1)}:
        if not _names(path[-1], cues, q_terms):
            continue
        below = [p for p in firsts if len(p) > len(path) and p[: len(path)] == path]
        if len(below) >= _least(path, *ask):
            first = min(i for p, i in firsts.items() if p[: len(path)] == path)
            found[path] = (-len(kinds_of(path[-1]) - ask[0]), len(path), len(below), -first)
    if not found:
        return []
    path = max(found, key=lambda p: found[p])
    own = [firsts[path]] if path in firsts else []
    subs = sorted(firsts[p] for p in firsts if len(p) > len(path) and p[: len(path)] == path)
    return own + subs[:MAX_SUBSECTIONS]


def _passage(chunks: Sequence[Chunk], run: list[int], score: float) -> Passage:
    first = chunks[run[0]]
    text = "\n".join(chunks[i].text for i in run)
    return Passage(first.chunk_id, first.doc_id, first.heading, text, score)


def _expand_hit(store: Store, question: str, hit: Hit, max_passages: int, rank: int) -> Hit:
    chunks = sorted(store.chunks_of(hit.doc_id), key=lambda c: c.ordinal)
    if not chunks:
        return hit
    pos = {c.chunk_id: i for i, c in enumerate(chunks)}
    original = [pos[p.chunk_id] for p in hit.passages if p.chunk_id in pos]
    q_terms, cues = _terms(question), question_cues(question)
    focus = frozenset(t for t in q_terms if not any(cue.search(t) for cue in cues))
    scores = [chunk_score(c, q_terms, cues, focus) for c in chunks]
    best = max(scores)
    ranked = sorted(range(len(chunks)), key=lambda i: (-scores[i], i))
    # Without a question type ("What is X?") only lists cut at a chunk seam are completed: the
    # retriever's passages already answer it, and extra chunks would only lengthen the answer.
    seeds = [i for i in ranked if i not in original and scores[i] >= MIN_SHARE_OF_BEST * best]
    if not cues:
        # A question that describes something in its own words ("pins and needles in my feet")
        # gets the one chunk that says most of it; "What is X?" keeps the retriever's passages.
        said = [i for i in seeds if _share(q_terms, chunks[i]) >= DESCRIBED_SHARE]
        described = len(q_terms) >= DESCRIBED_MIN_TERMS and not DEFINITION.match(question)
        seeds = said[:1] if described else []
    # A section told in subsections: its heads come whole, beside (not instead of) the seeds.
    # Only a question that asks for a set of things falls back to a section named by its words
    # ("What is X?" gets no section on X's page), as the composer does.
    named_by = q_terms if LIST_ASK.search(question) else frozenset()
    asked = kinds_of(question)
    heads = section_heads(chunks, cues, named_by, asked, q_terms) if rank == 0 else []
    picked = _with_neighbours(chunks, set(original) | set(seeds[:MAX_NEW_SEEDS]))
    runs = _runs(chunks, picked | set(heads))
    # The retriever's passages keep their order (the composer favours the first); new runs follow
    # by how well they fit the question.
    run_of = {i: tuple(r) for r in runs for i in r}
    order = list(dict.fromkeys(run_of[i] for i in original))
    extra = sorted(
        {run_of[i] for i in picked} - set(order), key=lambda r: -max(scores[i] for i in r)
    )
    # The section's runs stay together in document order (its subsections are read in order).
    section = list(dict.fromkeys(run_of[i] for i in heads))
    kept = [r for r in [*order, *extra][: max(max_passages, len(order))] if r not in section]
    kept[len([r for r in order if r not in section]) : 0] = section
    by_chunk = {p.chunk_id: p.score for p in hit.passages}
    passages = [
        _passage(chunks, list(r), max(by_chunk.get(chunks[i].chunk_id, scores[i]) for i in r))
        for r in kept
    ]
    # A passage whose chunk is gone (a concurrent re-ingest) is still what retrieval returned.
    passages += [p for p in hit.passages if p.chunk_id not in pos]
    return replace(hit, passages=tuple(passages))


def expand_context(
    store: Store,
    question: str,
    hits: Sequence[Hit],
    *,
    top_docs: int = 2,
    max_passages: int = 6,
) -> tuple[Hit, ...]:
    """The hits with the top `top_docs` pages' passages widened for answering `question`.

    Each passage is one chunk or consecutive chunks of one section joined with newlines (its
    `chunk_id` is the first chunk's), so a list that crosses a chunk boundary arrives whole.
    On the top page, a section told in subsections also brings each subsection's first chunk.
    """
    return tuple(
        _expand_hit(store, question, hit, max_passages, i) if i < top_docs else hit
        for i, hit in enumerate(hits)
    )
