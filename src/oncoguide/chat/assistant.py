"""Build the long-lived pieces of the assistant from one `Settings` object.

The CLI (and later the HTTP API) call `open_assistant(settings)` once and reuse it for every turn,
so the store connection, the embedding matrix and the compiled safety rules stay warm.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from oncoguide.chat.turn import Turner, TurnOptions
from oncoguide.config import Settings
from oncoguide.index.backends import IndexStore, open_index
from oncoguide.index.embed import Embedder, load_embedder
from oncoguide.retrieve.context import expand_context
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.retrieve.query import QueryVocabulary
from oncoguide.safety.policy import SafetyPolicy

__all__ = ["Assistant", "open_assistant", "open_existing_store"]


def open_existing_store(path: Path | str) -> IndexStore:
    """Open an index built by `oncoguide ingest`; a missing or empty file is an error, not a new
    index (see `open_index`)."""
    return open_index(path)


@dataclass
class Assistant:
    settings: Settings
    store: IndexStore
    embedder: Embedder | None
    retriever: Retriever
    policy: SafetyPolicy

    def turner(self, options: TurnOptions) -> Turner:
        return Turner(self.policy, self.retriever, options, partial(expand_context, self.store))

    def close(self) -> None:
        self.retriever.close()  # stops its query-embedding worker before the store goes
        self.store.close()

    def __enter__(self) -> Assistant:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_assistant(settings: Settings) -> Assistant:
    """Open the index and load the embedder, vocabularies and safety rules (use as `with`)."""
    store = open_existing_store(settings.db)
    embedder = load_embedder(
        settings.embedder,
        max_tokens=settings.embed_max_tokens,
        batch_size=settings.embed_batch_size,
    )
    vocab = QueryVocabulary.load(store)
    retriever = Retriever(store, embedder, vocab=vocab)
    return Assistant(settings, store, embedder, retriever, SafetyPolicy.load())
