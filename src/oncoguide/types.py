"""Typed values that flow between pipeline stages.

Every stage takes and returns these frozen dataclasses; nothing downstream receives a bare dict.
`to_dict()` gives the JSON shape that the CLI and API print (field names there are a contract).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Protocol

__all__ = [
    "AUDIENCES",
    "SAFETY_CATEGORIES",
    "AbstainReason",
    "Answer",
    "AnswerSentence",
    "Audience",
    "Block",
    "Chunk",
    "Citation",
    "Definition",
    "DocFields",
    "Document",
    "GlossaryTerm",
    "Hit",
    "LLMUse",
    "Passage",
    "SafetyCategory",
    "SafetyConcern",
    "SafetyDecision",
    "ScoredSection",
    "SearchFilters",
    "Section",
    "TurnResult",
    "to_jsonable",
]

Audience = Literal["patient", "caregiver", "technical"]
AUDIENCES: tuple[str, ...] = ("patient", "caregiver", "technical")

SafetyCategory = Literal[
    "emergency",
    "self_harm",
    "diagnosis",
    "report_interpretation",
    "treatment_choice",
    "dosing",
    "misinformation",
    "none",
]
SAFETY_CATEGORIES: tuple[str, ...] = (
    "emergency",
    "self_harm",
    "diagnosis",
    "report_interpretation",
    "treatment_choice",
    "dosing",
    "misinformation",
    "none",
)

AbstainReason = Literal["NO_RESULTS", "LOW_RELEVANCE", "OFF_TOPIC", "UNSUPPORTED"]


def to_jsonable(value: Any) -> Any:
    """Turn dataclasses, dates and tuples into JSON-ready values (dates as ISO strings)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class GlossaryTerm:
    """A term the source linked to its dictionary (NCI glossary pop-up links)."""

    term: str
    glossary_id: str


@dataclass(frozen=True)
class Document:
    """One cleaned KB document with its validated metadata.

    `audience` is the effective audience after cleaning (health-professional pages are
    `technical` whatever the frontmatter said); `declared_audience` keeps the frontmatter value.
    `cancer_types` is recomputed from url and title; `declared_cancer_types` keeps the original.
    """

    doc_id: str
    path: str
    title: str
    url: str
    source: str
    source_type: str
    license: str
    last_reviewed: date | None
    review_frequency: str
    review_due: date | None
    audience: str
    declared_audience: str
    language: str
    cancer_types: tuple[str, ...]
    declared_cancer_types: tuple[str, ...]
    tags: tuple[str, ...]
    citation: str
    status: str
    version: str
    body: str
    content_hash: str
    glossary_terms: tuple[GlossaryTerm, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()

    def review_overdue(self, as_of: date) -> bool:
        return self.review_due is not None and self.review_due < as_of


@dataclass(frozen=True)
class Chunk:
    """A heading-aware piece of a document. `chunk_id` is stable across runs."""

    chunk_id: str
    doc_id: str
    ordinal: int
    heading_path: tuple[str, ...]
    text: str
    content_hash: str
    section_id: str = ""  # the `Section` this chunk was cut from ("" in an index built before)

    @property
    def heading(self) -> str:
        return " › ".join(self.heading_path)


@dataclass(frozen=True)
class Block:
    """One block of a section, as the KB wrote it (markup removed).

    `para`: `text` is the paragraph. `list`: `lead_in` (the sentence that introduces it, "" when
    none) and `items`. `table`: `items` are its rows as readable labelled items ("Luminal A —
    Defining features: grade 1 or 2; Treatment options: hormone therapy"), never pipes.
    """

    kind: str  # "para" | "list" | "table"
    text: str = ""
    lead_in: str = ""
    items: tuple[str, ...] = ()

    def lines(self) -> tuple[str, ...]:
        """The block's text as lines: the paragraph, or the lead-in and one line per item."""
        if self.kind == "para":
            return (self.text,)
        return ((self.lead_in,) if self.lead_in else ()) + tuple(f"- {i}" for i in self.items)


@dataclass(frozen=True)
class Section:
    """The text under one heading of a document (not its subsections), parsed into blocks.

    `section_id` is `<doc_id>::s<ordinal:04d>`, stable for the same body across runs; every chunk
    cut from this text carries it. `heading_path` starts with the document title.
    """

    section_id: str
    doc_id: str
    ordinal: int
    heading_path: tuple[str, ...]
    blocks: tuple[Block, ...]
    content_hash: str

    @property
    def heading(self) -> str:
        return " › ".join(self.heading_path)

    @property
    def text(self) -> str:
        """The section's blocks as text: what a quote from it is verified against."""
        return "\n".join(line for b in self.blocks for line in b.lines())


@dataclass(frozen=True)
class ScoredSection:
    """A section of a retrieved page with its similarity to the question (None: no embedder).

    `text_sim`: the best cosine of the question with the section's chunk embeddings (heading +
    text); `heading_sim`: the cosine with the section's heading-path embedding.
    """

    section: Section
    text_sim: float | None = None
    heading_sim: float | None = None


@dataclass(frozen=True)
class SearchFilters:
    cancer_type: str | None = None
    audience: str | None = None
    language: str | None = None
    source_type: str | None = None
    status: str = "active"


class DocFields(Protocol):
    """The document fields a search hit repeats (a `Document` or a searcher's lighter cache)."""

    @property
    def doc_id(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def audience(self) -> str: ...
    @property
    def source_type(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def last_reviewed(self) -> date | None: ...
    @property
    def review_due(self) -> date | None: ...
    @property
    def cancer_types(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Passage:
    """A chunk that matched a query, with its text, as handed to the answer stage."""

    chunk_id: str
    doc_id: str
    heading: str
    text: str
    score: float


@dataclass(frozen=True)
class Hit:
    """A document-level search result: the best chunk stands for the document."""

    rank: int
    doc_id: str
    url: str
    title: str
    heading: str
    score: float
    audience: str
    source_type: str
    snippet: str
    source: str = ""
    last_reviewed: date | None = None
    review_due: date | None = None
    cancer_types: tuple[str, ...] = ()
    passages: tuple[Passage, ...] = ()
    signals: tuple[tuple[str, float], ...] = ()
    # The page's sections, filled for the top hits by the answer-context step (each also added
    # to `passages` under its `section_id`, so a quote from it is verified like any passage).
    sections: tuple[ScoredSection, ...] = ()

    @classmethod
    def for_document(
        cls,
        doc: DocFields,
        *,
        rank: int,
        score: float,
        passages: tuple[Passage, ...],
        snippet: str,
        signals: tuple[tuple[str, float], ...] = (),
    ) -> Hit:
        """A hit for `doc` whose best chunk is `passages[0]`; every searcher builds hits here."""
        return cls(
            rank=rank,
            doc_id=doc.doc_id,
            url=doc.url,
            title=doc.title,
            heading=passages[0].heading if passages else "",
            score=score,
            audience=doc.audience,
            source_type=doc.source_type,
            snippet=snippet,
            source=doc.source,
            last_reviewed=doc.last_reviewed,
            review_due=doc.review_due,
            cancer_types=doc.cancer_types,
            passages=passages,
            signals=signals,
        )

    def to_result_dict(self) -> dict[str, Any]:
        """The `search --json` result shape (a contract other tools read)."""
        return {
            "rank": self.rank,
            "doc_id": self.doc_id,
            "url": self.url,
            "title": self.title,
            "heading": self.heading,
            "score": round(self.score, 6),
            "audience": self.audience,
            "source_type": self.source_type,
            "snippet": self.snippet,
        }


@dataclass(frozen=True)
class SafetyConcern:
    """A plausible but uncertain emergency or crisis: the answer goes ahead after `message`."""

    category: str
    score: float
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"category": self.category, "score": round(self.score, 4), "message": self.message}


@dataclass(frozen=True)
class SafetyDecision:
    """The safety verdict on one message. The turn reads `actions` (and `concern`), never
    `category`: the actions are the contract between the safety stage and the rest."""

    category: str
    rule_id: str | None
    span: str | None
    actions: tuple[str, ...]
    template_id: str | None
    message: str | None
    concern: SafetyConcern | None = None
    # The classifier's probability per category (max over the scanned units); {} without it.
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def is_refusal(self) -> bool:
        return "refuse_personal_advice" in self.actions

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "rule_id": self.rule_id,
            "span": self.span,
            "actions": list(self.actions),
            "template_id": self.template_id,
            "message": self.message,
            "concern": self.concern.to_dict() if self.concern else None,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
        }


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    chunk_id: str
    url: str
    title: str
    heading: str
    source: str
    last_reviewed: date | None
    review_overdue: bool


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    citation: int  # Citation.n
    section: str = "answer"  # answer | contact_care_team | questions_to_ask
    list_item: bool = False
    # A list item quoted from a subsection: its heading, shown before the sentence ("Diet: ...").
    # Verification checks it against the cited passage's heading path.
    label: str = ""


@dataclass(frozen=True)
class Definition:
    """A term of the answer defined by the KB's own sentence ("X is a ..."), with its source."""

    term: str
    definition: str
    doc_id: str
    chunk_id: str
    url: str
    title: str
    heading: str


@dataclass(frozen=True)
class LLMUse:
    """What the optional LLM step did: `used` (its verified answer is shown) or `fallback`
    (the extractive answer is shown), and why."""

    used: bool
    fallback: bool
    reason: str | None = None


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    abstained: bool
    abstain_reason: str | None
    reading_grade: float | None
    glossary: tuple[tuple[str, str], ...] = ()
    generator: str = "extractive"
    llm: LLMUse | None = None  # None: the LLM step was not asked for
    definitions: tuple[Definition, ...] = ()  # KB definitions of the answer's hard words


@dataclass(frozen=True)
class TurnResult:
    """Everything one question produced; every early exit is a value of this type."""

    question: str
    safety: SafetyDecision
    answer: Answer
    hits: tuple[Hit, ...] = ()
    timings_ms: tuple[tuple[str, float], ...] = field(default_factory=tuple)
