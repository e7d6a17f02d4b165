"""The answer stage: evidence gate, extractive composer, citations, verification, reading grade.

It receives hits (with their passages) and never queries the store or retrieval.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from oncoguide.types import Answer, SafetyDecision

__all__ = ["to_answer_json"]


def to_answer_json(
    answer: Answer, *, safety: SafetyDecision, timings_ms: Mapping[str, float]
) -> dict[str, Any]:
    """The `ask --json` / API answer shape (these key names are a contract)."""
    return {
        "question": answer.question,
        "answer": answer.text,
        "sentences": [
            {"text": s.text, "citation": s.citation, "section": s.section, "list_item": s.list_item}
            for s in answer.sentences
        ],
        "citations": [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "url": c.url,
                "title": c.title,
                "heading": c.heading,
                "source": c.source,
                "last_reviewed": c.last_reviewed.isoformat() if c.last_reviewed else None,
                "review_overdue": c.review_overdue,
            }
            for c in answer.citations
        ],
        "safety": safety.to_dict(),
        "abstained": answer.abstained,
        "abstain_reason": answer.abstain_reason,
        "reading_grade": answer.reading_grade,
        "timings_ms": {k: round(float(v), 2) for k, v in timings_ms.items()},
        "llm": None if answer.llm is None else dataclasses.asdict(answer.llm),
        "glossary": [
            {
                "term": d.term,
                "definition": d.definition,
                "citation": {
                    "doc_id": d.doc_id,
                    "chunk_id": d.chunk_id,
                    "url": d.url,
                    "title": d.title,
                    "heading": d.heading,
                },
            }
            for d in answer.definitions
        ],
    }
