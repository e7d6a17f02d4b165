"""Incremental, atomic ingest of a KB folder into a Store.

Plan by content hash (unchanged documents are skipped), write every document/chunk change in one
transaction (a failure leaves the previous index serving), then embed only the chunks whose
content hash has no cached vector, batch by batch, so an interrupted embed resumes where it stopped.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from oncoguide.errors import EmbedderError, KBError
from oncoguide.index.embed import Embedder
from oncoguide.index.store import IngestPlan, Store

# ingest is the one place where the index stage uses the kb stage (see the report: the layers
# contract in pyproject.toml lists index and kb as independent siblings).
from oncoguide.kb.chunk import chunk_document
from oncoguide.kb.load import load_kb
from oncoguide.kb.questions import PageQuestion, question_hash
from oncoguide.kb.sections import parse_sections
from oncoguide.text.urls import normalize_url
from oncoguide.types import Chunk, Document, Section

__all__ = [
    "HP_CHUNKS_EMBEDDED",
    "SECTIONS_META_KEY",
    "IngestReport",
    "embed_chunks",
    "embed_headings",
    "embed_page_questions",
    "embedding_text",
    "heading_hash",
    "ingest",
    "ingest_documents",
    "plan_changes",
    "select_for_embedding",
]

Progress = Callable[[str, int, int], None]
Chunker = Callable[[Document], list[Chunk]]
Sectioner = Callable[[Document], list[Section]]

# Set once an ingest has written every document's section tree. An index built before sections
# existed (or without a sectioner) has every document re-written by the next sectioned ingest.
SECTIONS_META_KEY = "sections_version"
SECTIONS_VERSION = "1"

# Technical (health-professional) pages are long; the notes measured that embedding their first
# chunks keeps the ~9% of questions whose only gold pages are HP pages findable, at a fraction
# of the embedding time of all their chunks.
HP_CHUNKS_EMBEDDED = 3


@dataclass(frozen=True)
class IngestReport:
    files_read: int
    documents: int
    added: int
    changed: int
    removed: int
    unchanged: int
    chunks_written: int
    embedded: int
    embed_cached: int
    excluded: tuple[dict[str, str], ...] = ()
    errors: tuple[dict[str, str], ...] = ()
    seconds: float = 0.0
    dry_run: bool = False
    plan: IngestPlan = field(default_factory=lambda: IngestPlan((), (), (), ()))
    # page questions (kb/questions.py): embedded now, already cached, naming no indexed page
    page_questions: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON shape for `oncoguide ingest --json`: counts, plus the ids that change."""
        out: dict[str, Any] = {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "plan"
        }
        out["excluded"] = [dict(e) for e in self.excluded]
        out["errors"] = [dict(e) for e in self.errors]
        out["seconds"] = round(self.seconds, 3)
        out["page_questions"] = dict(self.page_questions)
        out["changes"] = {
            "added": list(self.plan.added),
            "changed": list(self.plan.changed),
            "removed": list(self.plan.removed),
        }
        return out


def plan_changes(documents: Sequence[Document], stored: dict[str, str]) -> IngestPlan:
    """Compare document content hashes with the stored ones."""
    current = {d.doc_id: d.content_hash for d in documents}
    added = tuple(i for i in current if i not in stored)
    changed = tuple(i for i, h in current.items() if i in stored and stored[i] != h)
    unchanged = tuple(i for i, h in current.items() if stored.get(i) == h)
    removed = tuple(sorted(i for i in stored if i not in current))
    return IngestPlan(added=added, changed=changed, removed=removed, unchanged=unchanged)


def select_for_embedding(doc: Document, chunks: Sequence[Chunk]) -> list[Chunk]:
    """Default policy: every chunk of non-technical pages, the first few of technical pages."""
    ordered = sorted(chunks, key=lambda c: c.ordinal)
    return ordered[:HP_CHUNKS_EMBEDDED] if doc.audience == "technical" else ordered


def embedding_text(chunk: Chunk) -> str:
    """What the embedder sees: the heading path gives a short chunk its topic."""
    return f"{chunk.heading}\n{chunk.text}"


def heading_hash(heading: str) -> str:
    """The embedding-cache key of a section's heading path (never equal to a chunk's hash)."""
    return hashlib.sha256(f"heading\n{heading}".encode()).hexdigest()


def ingest(
    root: Path,
    store: Store,
    *,
    embedder: Embedder | None = None,
    as_of: date | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch_size: int = 32,
) -> IngestReport:
    """Load the KB at `root` and bring `store` up to date with it (see module docstring)."""
    started = time.perf_counter()
    load_progress = None if progress is None else lambda d, t: progress("load", d, t)
    loaded = load_kb(root, as_of=as_of, progress=load_progress)
    report = ingest_documents(
        loaded.documents,
        store,
        chunker=chunk_document,
        sectioner=parse_sections,
        embedder=embedder,
        dry_run=dry_run,
        progress=progress,
        batch_size=batch_size,
    )
    return dataclasses.replace(
        report,
        files_read=loaded.files_read,
        excluded=tuple({"path": e.path, "reason": e.reason} for e in loaded.excluded),
        errors=report.errors
        + tuple(
            {"path": p.path, "field": p.field, "reason": p.reason}
            for p in loaded.problems
            if p.severity == "error"
        ),
        seconds=time.perf_counter() - started,
    )


def ingest_documents(
    documents: Sequence[Document],
    store: Store,
    *,
    chunker: Chunker,
    sectioner: Sectioner | None = None,
    embedder: Embedder | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    batch_size: int = 32,
) -> IngestReport:
    """Ingest already-loaded documents: plan, one atomic write, then cached embedding.

    With a `sectioner`, each written document's section tree is stored beside its chunks (and,
    with an embedder, its heading paths are embedded); an index without section trees yet has
    all its documents re-written once (their chunk vectors are reused from the cache)."""
    started = time.perf_counter()
    files_read = len(documents)
    documents, errors = _unique(documents)
    stored = store.document_hashes()
    if sectioner is not None and store.get_meta(SECTIONS_META_KEY) != SECTIONS_VERSION:
        stored = dict.fromkeys(stored, "")  # no section trees yet: every document is changed
    plan = plan_changes(documents, stored)
    chunks_written = embedded = cached = 0
    if not dry_run:
        wanted = set(plan.added) | set(plan.changed)
        todo = [d for d in documents if d.doc_id in wanted]
        upserts = _chunk_all(todo, chunker, progress)
        sections = {d.doc_id: sectioner(d) for d in todo} if sectioner is not None else None
        if upserts or plan.removed:
            _notify(progress, "write", 0, 1)
            store.apply_changes(upserts, plan.removed, sections)
            _notify(progress, "write", 1, 1)
        if sectioner is not None:
            store.set_meta(SECTIONS_META_KEY, SECTIONS_VERSION)
        chunks_written = sum(len(chunks) for _, chunks in upserts)
        if embedder is not None:
            embedded, cached = embed_chunks(store, documents, embedder, batch_size, progress)
            if sectioner is not None:
                embed_headings(store, documents, embedder, batch_size, progress)
    report = IngestReport(
        files_read=files_read,
        documents=len(documents),
        added=len(plan.added),
        changed=len(plan.changed),
        removed=len(plan.removed),
        unchanged=len(plan.unchanged),
        chunks_written=chunks_written,
        embedded=embedded,
        embed_cached=cached,
        errors=tuple(errors),
        seconds=time.perf_counter() - started,
        dry_run=dry_run,
        plan=plan,
    )
    if not dry_run:
        summary = {k: v for k, v in report.to_dict().items() if k not in ("changes", "excluded")}
        store.set_meta("last_ingest", json.dumps(summary))
    return report


def embed_chunks(
    store: Store,
    documents: Iterable[Document],
    embedder: Embedder,
    batch_size: int = 32,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Embed the selected stored chunks with no cached vector; return (embedded, reused)."""
    selected: dict[str, Chunk] = {}
    for doc in documents:
        for chunk in select_for_embedding(doc, store.chunks_of(doc.doc_id)):
            selected.setdefault(chunk.content_hash, chunk)
    missing = store.missing_embeddings(embedder.name, list(selected))
    # Similar lengths in a batch waste less padding in the transformer.
    todo = sorted((selected[h] for h in missing), key=lambda c: len(embedding_text(c)))
    for start in range(0, len(todo), max(1, batch_size)):
        _notify(progress, "embed", start, len(todo))
        batch = todo[start : start + batch_size]
        vectors = np.asarray(embedder.embed([embedding_text(c) for c in batch]), dtype=np.float32)
        if vectors.shape != (len(batch), embedder.dim):
            raise EmbedderError(
                f"embedder {embedder.name} returned shape {vectors.shape},"
                f" expected ({len(batch)}, {embedder.dim})"
            )
        items = [(c.content_hash, v) for c, v in zip(batch, vectors, strict=True)]
        store.put_embeddings(embedder.name, items)
    _notify(progress, "embed", len(todo), len(todo))
    return len(todo), len(selected) - len(todo)


def embed_headings(
    store: Store,
    documents: Iterable[Document],
    embedder: Embedder,
    batch_size: int = 32,
    progress: Progress | None = None,
) -> tuple[int, int]:
    """Embed the heading path of every stored section of non-technical pages with no cached
    vector (the answer stage matches a question to the section headings of its pages; technical
    pages, like their chunks, are mostly left out: they answer only when no patient page does);
    return (embedded, reused)."""
    headings: dict[str, str] = {}
    for doc in documents:
        if doc.audience == "technical":
            continue
        for section in store.sections_of(doc.doc_id):
            headings.setdefault(heading_hash(section.heading), section.heading)
    return _embed_texts(store, headings, embedder, "embed headings", batch_size, progress)


def embed_page_questions(
    store: Store,
    questions: Sequence[PageQuestion],
    embedder: Embedder,
    batch_size: int = 32,
    progress: Progress | None = None,
) -> tuple[int, int, int]:
    """Embed the page questions (`oncoguide.kb.questions`) of the stored documents that have no
    cached vector; questions of pages not in the index are skipped. Return (embedded, reused,
    unmatched): the last counts the questions whose url names no indexed page."""
    urls = {normalize_url(d.url) for d in store.iter_documents()}
    matched = [q for q in questions if normalize_url(q.url) in urls]
    texts = {question_hash(q.question): q.question for q in matched}
    embedded, reused = _embed_texts(store, texts, embedder, "embed questions", batch_size, progress)
    return embedded, reused, len(questions) - len(matched)


def _embed_texts(
    store: Store,
    texts: dict[str, str],
    embedder: Embedder,
    stage: str,
    batch_size: int,
    progress: Progress | None,
) -> tuple[int, int]:
    """Embed the texts (cache key -> text) with no cached vector, shortest first (batches nearly
    pad-free); return (embedded, reused)."""
    missing = store.missing_embeddings(embedder.name, list(texts))
    todo = sorted(missing, key=lambda h: len(texts[h]))
    for start in range(0, len(todo), max(1, batch_size)):
        _notify(progress, stage, start, len(todo))
        batch = todo[start : start + batch_size]
        vectors = np.asarray(embedder.embed([texts[h] for h in batch]), dtype=np.float32)
        if vectors.shape != (len(batch), embedder.dim):
            raise EmbedderError(
                f"embedder {embedder.name} returned shape {vectors.shape},"
                f" expected ({len(batch)}, {embedder.dim})"
            )
        store.put_embeddings(embedder.name, list(zip(batch, vectors, strict=True)))
    _notify(progress, stage, len(todo), len(todo))
    return len(todo), len(texts) - len(todo)


def _chunk_all(
    docs: Sequence[Document], chunker: Chunker, progress: Progress | None
) -> list[tuple[Document, list[Chunk]]]:
    """Chunk every document before anything is written, so a failure writes nothing."""
    out = []
    for i, doc in enumerate(docs):
        _notify(progress, "chunk", i, len(docs))
        try:
            out.append((doc, chunker(doc)))
        except Exception as exc:
            raise KBError(f"cannot chunk {doc.path} ({doc.doc_id}): {exc}") from exc
    _notify(progress, "chunk", len(docs), len(docs))
    return out


def _unique(documents: Sequence[Document]) -> tuple[list[Document], list[dict[str, str]]]:
    """Keep the first document of each id; a later duplicate is reported, not silently merged."""
    seen: dict[str, Document] = {}
    errors = []
    for doc in documents:
        if doc.doc_id in seen:
            errors.append(
                {
                    "path": doc.path,
                    "field": "doc_id",
                    "reason": f"duplicate doc_id {doc.doc_id} (kept {seen[doc.doc_id].path})",
                }
            )
        else:
            seen[doc.doc_id] = doc
    return list(seen.values()), errors


def _notify(progress: Progress | None, stage: str, done: int, total: int) -> None:
    if progress is not None:
        progress(stage, done, total)
