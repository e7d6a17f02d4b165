"""Build the long-lived pieces of the assistant from one `Settings` object.

The CLI (and later the HTTP API) call `open_assistant(settings)` once and reuse it for every turn,
so the store connection, the embedding matrix and the compiled safety rules stay warm.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from oncoguide.answer.llm import LLMClient
from oncoguide.chat.aids import TurnAids, asked_part, sections_focus
from oncoguide.chat.definitions import KBDefinitions
from oncoguide.chat.feelings import acknowledge
from oncoguide.chat.language import EnglishCheck
from oncoguide.chat.navigate import Navigator
from oncoguide.chat.turn import Turner, TurnOptions
from oncoguide.config import Settings
from oncoguide.index.backends import IndexStore, open_index
from oncoguide.index.embed import Embedder, load_embedder
from oncoguide.kb.questions import page_questions_for
from oncoguide.retrieve.definitions import KBGlossary
from oncoguide.retrieve.hybrid import Retriever
from oncoguide.retrieve.query import QueryVocabulary
from oncoguide.retrieve.respell import Respeller
from oncoguide.retrieve.sections import SectionContext
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
    aids: TurnAids = field(default_factory=TurnAids)
    _context: SectionContext | None = None

    def turner(self, options: TurnOptions) -> Turner:
        if self._context is None:
            self._context = SectionContext(self.store, self.retriever, sections_focus)
        return Turner(self.policy, self.retriever, options, self._context, self.aids)

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
    questions = page_questions_for(settings.page_questions)
    retriever = Retriever(store, embedder, vocab=vocab, questions=questions)
    aids = _aids(settings, vocab, store, retriever)
    policy = SafetyPolicy.load(classifier=settings.safety_classifier)
    return Assistant(settings, store, embedder, retriever, policy, aids)


def _aids(
    settings: Settings, vocab: QueryVocabulary, store: IndexStore, retriever: Retriever
) -> TurnAids:
    """The turn's aids: language check and respelling from the KB vocabulary, the KB glossary,
    the LLM step when `settings.llm_enabled` (`ask --llm` or ONCOGUIDE_LLM_ENABLED)."""
    terms = vocab.terms
    share = terms.share if terms is not None else lambda w: 0.0
    return TurnAids(
        english=EnglishCheck(terms.is_known if terms is not None else lambda w: False),
        respell=Respeller(terms).respell if terms is not None else None,
        llm=LLMClient.from_settings(settings),
        llm_requested=settings.llm_enabled,
        define=KBDefinitions(store, KBGlossary(store).define, share=share),
        navigate=Navigator(store, lambda q: retriever.search(q, k=5).hits),
        acknowledge=acknowledge,
        focus=asked_part,
    )
