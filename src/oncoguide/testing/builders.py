"""Build Document/Chunk fixtures and tiny markdown KB folders for tests.

Defaults look like a real NCI patient page; pass keyword overrides for what a test cares about.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from oncoguide.types import Chunk, Document, Hit, Passage, ScoredSection

__all__ = [
    "make_chunk",
    "make_chunks",
    "make_document",
    "make_section_hit",
    "sha256",
    "with_body",
    "write_kb_doc",
]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_document(doc_id: str = "doc-1", **overrides: Any) -> Document:
    """A valid Document; `content_hash` follows title and body unless overridden."""
    slug = doc_id.replace("_", "-")
    values: dict[str, Any] = {
        "doc_id": doc_id,
        "path": f"en/02_nci_core/{slug}.md",
        "title": f"Title of {doc_id}",
        "url": f"https://www.cancer.gov/test/{slug}",
        "source": "NCI",
        "source_type": "02_nci_core",
        "license": "public_domain",
        "last_reviewed": date(2025, 1, 1),
        "review_frequency": "quarterly",
        "review_due": date(2025, 4, 1),
        "audience": "patient",
        "declared_audience": "patient",
        "language": "en",
        "cancer_types": ("general",),
        "declared_cancer_types": ("general",),
        "tags": ("treatment",),
        "citation": "NCI, 2025",
        "status": "active",
        "version": "v1",
        "body": f"Body text of {doc_id}.",
        "content_hash": "",
    }
    values.update(overrides)
    if not values["content_hash"]:
        values["content_hash"] = sha256(json.dumps([values["title"], values["body"]]))
    return Document(**values)


def make_chunk(doc: Document, ordinal: int, text: str, heading_path: Sequence[str] = ()) -> Chunk:
    """A chunk of `doc` with a stable id and a hash of its heading and text."""
    heading = tuple(heading_path) or (doc.title,)
    return Chunk(
        chunk_id=f"{doc.doc_id}#{ordinal}",
        doc_id=doc.doc_id,
        ordinal=ordinal,
        heading_path=heading,
        text=text,
        content_hash=sha256(json.dumps([list(heading), text])),
    )


def make_chunks(doc: Document, sections: Sequence[tuple[str, str]] | None = None) -> list[Chunk]:
    """One chunk per (heading, text) section; by default one chunk holding the whole body."""
    parts = sections if sections is not None else [(doc.title, doc.body)]
    return [make_chunk(doc, i, text, (doc.title, head)) for i, (head, text) in enumerate(parts)]


def with_body(doc: Document, body: str) -> Document:
    """The same document with a new body (and so a new content hash)."""
    return dataclasses.replace(doc, body=body, content_hash=sha256(json.dumps([doc.title, body])))


def write_kb_doc(
    root: Path,
    name: str,
    *,
    title: str,
    body: str,
    url: str | None = None,
    audience: str = "patient",
    cancer_types: Sequence[str] = ("general",),
    **frontmatter: Any,
) -> Path:
    """Write one markdown file with real-KB-style YAML frontmatter under root/en/02_nci_core/."""
    meta: dict[str, Any] = {
        "audienceLevel": audience,
        "cancerTypes": list(cancer_types),
        "citation": "NCI, 2025",
        "language": "en",
        "lastReviewed": "2025-12-01",
        "license": "public_domain",
        "reviewFrequency": "quarterly",
        "source": "NCI",
        "sourceType": "02_nci_core",
        "status": "active",
        "tags": ["treatment"],
        "title": title,
        "url": url or f"https://www.cancer.gov/test/{name}",
        "version": "v1",
        **frontmatter,
    }
    lines = ["---", *(f"{k}: {json.dumps(v)}" for k, v in meta.items()), "---", ""]
    path = root / "en" / "02_nci_core" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + f"# {title}\n\n{body}\n", encoding="utf-8")
    return path


def make_section_hit(
    rank: int,
    doc_id: str,
    title: str,
    body: str,
    *,
    audience: str = "patient",
    url: str | None = None,
    sims: dict[str, tuple[float, float]] | None = None,
) -> Hit:
    """A retrieved page as the answer stage sees it after `section_context`: its section tree
    (parsed from markdown `body`), each section also a passage; `sims` gives (text, heading)
    similarities by innermost heading (the page title for the first section)."""
    from oncoguide.kb.sections import parse_sections, passage_text  # the kb stage, fixtures only

    doc = make_document(doc_id, title=title, body=body, audience=audience)
    scored = []
    for sec in parse_sections(doc):
        text_sim, heading_sim = (sims or {}).get(sec.heading_path[-1], (None, None))
        scored.append(ScoredSection(sec, text_sim, heading_sim))
    passages = tuple(
        Passage(x.section.section_id, doc_id, x.section.heading, passage_text(x.section), 1.0)
        for x in scored
        if x.section.blocks
    )
    return Hit(
        rank=rank,
        doc_id=doc_id,
        url=url or f"https://www.example.gov/{doc_id}",
        title=title,
        heading=title,
        score=1.0,
        audience=audience,
        source_type="02_nci_core",
        snippet="",
        source="NCI",
        last_reviewed=date(2024, 5, 1),
        review_due=date(2030, 1, 1),
        passages=passages,
        sections=tuple(scored),
    )
