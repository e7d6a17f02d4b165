"""Index a KB folder and refresh what query understanding mines from it.

`ingest` (index stage) writes documents, chunks and vectors; the brand→generic map, the KB term
vocabulary (for misspelling tolerance) and the KB's own definitions (the answer glossary) are
derived from the stored documents, so they are rebuilt here after every ingest that changed
something.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from oncoguide.index.embed import Embedder
from oncoguide.index.ingest import IngestReport, embed_page_questions, ingest
from oncoguide.index.store import Store
from oncoguide.kb.questions import PageQuestion
from oncoguide.retrieve.brands import BRAND_MAP_META_KEY, refresh_brand_map
from oncoguide.retrieve.definitions import refresh_definitions
from oncoguide.retrieve.vocab import refresh_term_vocabulary

__all__ = ["build_index"]


def build_index(
    root: Path,
    store: Store,
    *,
    embedder: Embedder | None = None,
    as_of: date | None = None,
    dry_run: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
    questions: Sequence[PageQuestion] = (),
) -> IngestReport:
    """Ingest `root` into `store`, embed the page questions of its pages (`questions`, see
    `oncoguide.kb.questions`), then refresh the mined query vocabularies."""
    report = ingest(root, store, embedder=embedder, as_of=as_of, dry_run=dry_run, progress=progress)
    if not dry_run and embedder is not None:
        if questions:
            embedded, cached, unmatched = embed_page_questions(
                store, questions, embedder, progress=progress
            )
            counts = {"embedded": embedded, "cached": cached, "unmatched": unmatched}
            report = dataclasses.replace(report, page_questions=counts)
        # After the bulk load: building an HNSW index once beats growing it row by row.
        if progress is not None:
            progress("vector index", 0, 1)
        store.build_vector_index(embedder.name)
        if progress is not None:
            progress("vector index", 1, 1)
    changed = report.added or report.changed or report.removed
    if not dry_run and (changed or store.get_meta(BRAND_MAP_META_KEY) is None):
        refresh_brand_map(store)
        refresh_term_vocabulary(store)
        refresh_definitions(store)
    return report
