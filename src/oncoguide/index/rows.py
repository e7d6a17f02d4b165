"""Row mapping shared by the SQLite and PostgreSQL stores (both keep the same columns).

Tuples are stored as JSON arrays and dates as ISO strings (None when unknown).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from oncoguide.types import Block, Chunk, Document, GlossaryTerm, Section

__all__ = [
    "CHUNK_COLUMNS",
    "DOC_COLUMNS",
    "SECTION_COLUMNS",
    "chunk_from_row",
    "doc_row",
    "document_from_row",
    "section_from_row",
    "section_row",
]

DOC_COLUMNS = (
    "doc_id, path, title, url, source, source_type, license, last_reviewed, review_frequency,"
    " review_due, audience, declared_audience, language, cancer_types, declared_cancer_types,"
    " tags, citation, status, version, body, content_hash, glossary_terms, extra"
)
CHUNK_COLUMNS = "chunk_id, doc_id, ordinal, heading_path, text, content_hash, section_id"
SECTION_COLUMNS = "section_id, doc_id, ordinal, heading_path, blocks, content_hash"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def doc_row(doc: Document) -> tuple[Any, ...]:
    return (
        doc.doc_id, doc.path, doc.title, doc.url, doc.source, doc.source_type, doc.license,
        _iso(doc.last_reviewed), doc.review_frequency, _iso(doc.review_due), doc.audience,
        doc.declared_audience, doc.language, json.dumps(list(doc.cancer_types)),
        json.dumps(list(doc.declared_cancer_types)), json.dumps(list(doc.tags)), doc.citation,
        doc.status, doc.version, doc.body, doc.content_hash,
        json.dumps([[g.term, g.glossary_id] for g in doc.glossary_terms]),
        json.dumps([list(pair) for pair in doc.extra]),
    )  # fmt: skip


def document_from_row(row: Mapping[str, Any]) -> Document:
    return Document(
        doc_id=row["doc_id"], path=row["path"], title=row["title"], url=row["url"],
        source=row["source"], source_type=row["source_type"], license=row["license"],
        last_reviewed=_date(row["last_reviewed"]), review_frequency=row["review_frequency"],
        review_due=_date(row["review_due"]), audience=row["audience"],
        declared_audience=row["declared_audience"], language=row["language"],
        cancer_types=tuple(json.loads(row["cancer_types"])),
        declared_cancer_types=tuple(json.loads(row["declared_cancer_types"])),
        tags=tuple(json.loads(row["tags"])), citation=row["citation"], status=row["status"],
        version=row["version"], body=row["body"], content_hash=row["content_hash"],
        glossary_terms=tuple(GlossaryTerm(t, g) for t, g in json.loads(row["glossary_terms"])),
        extra=tuple((k, v) for k, v in json.loads(row["extra"])),
    )  # fmt: skip


def chunk_from_row(row: Mapping[str, Any]) -> Chunk:
    return Chunk(
        chunk_id=row["chunk_id"],
        doc_id=row["doc_id"],
        ordinal=row["ordinal"],
        heading_path=tuple(json.loads(row["heading_path"])),
        text=row["text"],
        content_hash=row["content_hash"],
        section_id=row["section_id"],
    )


def section_row(s: Section) -> tuple[Any, ...]:
    blocks = [[b.kind, b.text, b.lead_in, list(b.items)] for b in s.blocks]
    return (
        s.section_id, s.doc_id, s.ordinal, json.dumps(list(s.heading_path), ensure_ascii=False),
        json.dumps(blocks, ensure_ascii=False), s.content_hash,
    )  # fmt: skip


def section_from_row(row: Mapping[str, Any]) -> Section:
    blocks = tuple(
        Block(kind, text=text, lead_in=lead_in, items=tuple(items))
        for kind, text, lead_in, items in json.loads(row["blocks"])
    )
    return Section(
        section_id=row["section_id"],
        doc_id=row["doc_id"],
        ordinal=row["ordinal"],
        heading_path=tuple(json.loads(row["heading_path"])),
        blocks=blocks,
        content_hash=row["content_hash"],
    )
