"""Index a KB folder and refresh what query understanding mines from it.

`ingest` (index stage) writes documents, chunks and vectors; the brand→generic map, the KB term
vocabulary (for misspelling tolerance) and the KB's own definitions (the answer glossary) are
derived from the stored documents, so they are rebuilt here after every ingest that changed
something.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from oncoguide.index.embed import Embedder
from oncoguide.index.ingest import IngestReport, ingest
from oncoguide.index.store import Store
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
) -> IngestReport:
    """Ingest `root` into `store`, then refresh the mined query vocabularies."""
    report = ingest(root, store, embedder=embedder, as_of=as_of, dry_run=dry_run, progress=progress)
    changed = report.added or report.changed or report.removed
    if not dry_run and (changed or store.get_meta(BRAND_MAP_META_KEY) is None):
        refresh_brand_map(store)
        refresh_term_vocabulary(store)
        refresh_definitions(store)
    return report
