"""Hybrid retrieval: BM25 + dense candidates, weighted RRF, priors and a light rerank.

`Retriever.search` is the one verb. Everything heavy (the embedding matrix, document metadata,
the query vocabulary) is loaded lazily once per instance, so a warm search costs one query
embedding, one FTS5 query, one matrix-vector product and a few small reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from oncoguide.errors import QueryError
from oncoguide.index.embed import Embedder
from oncoguide.index.fts import query_terms
from oncoguide.index.lexical import snippet
from oncoguide.index.store import ChunkMatch, Store
from oncoguide.kb.questions import PageQuestion, question_hash
from oncoguide.retrieve.dense import DenseIndex
from oncoguide.retrieve.fuse import rank_of, reciprocal_rank_fusion
from oncoguide.retrieve.priors import (
    DocMeta,
    allowed,
    content_terms,
    patient_versions,
    title_core,
)
from oncoguide.retrieve.query import ExpandedQuery, QueryVocabulary
from oncoguide.retrieve.questions import QuestionIndex
from oncoguide.retrieve.rerank import Candidate, RerankWeights, Scored, rerank
from oncoguide.retrieve.vectors import QueryVectorCache
from oncoguide.text.urls import normalize_url
from oncoguide.types import Document, Hit, Passage, SearchFilters

__all__ = ["RetrievalConfig", "Retriever", "SearchResult"]

MAX_PASSAGES = 3


@dataclass(frozen=True)
class RetrievalConfig:
    """Switches and weights; the benchmark compares configurations of this one class."""

    use_lexical: bool = True
    use_dense: bool = True
    use_expansion: bool = True
    use_priors: bool = True
    rrf_k: float = 60.0
    lexical_weight: float = 0.5  # BM25 at full weight hurt lay wording in the prototype
    dense_weight: float = 1.0
    lexical_chunks: int = 200  # chunk matches fetched; several chunks per page are common
    # Query words in more than this share of documents ("cancer", "treatment") are dropped from
    # the BM25 query: their IDF is near zero but they make FTS5 score almost every chunk (~170 ms);
    # FTS5 time grows with the chunks matched: 0.45 (not 0.6) matches ~40% fewer on MedQuAD
    # (median 6.7k vs 10.7k) at equal recall on both eval sets.
    max_term_share: float = 0.45
    candidate_depth: int = 50  # documents per list entering fusion
    rerank_depth: int = 30  # fused documents the priors may reorder
    rerank: RerankWeights = field(default_factory=RerankWeights)


@dataclass(frozen=True)
class SearchResult:
    query: str
    expanded: ExpandedQuery
    hits: tuple[Hit, ...]


@dataclass
class _Lists:
    """Per-query candidate lists (chunk level and document level)."""

    lexical: list[ChunkMatch] = field(default_factory=list)
    lexical_docs: list[str] = field(default_factory=list)
    dense_docs: list[str] = field(default_factory=list)
    sims: npt.NDArray[np.float32] | None = None
    vector: npt.NDArray[np.float32] | None = None
    doc_best: npt.NDArray[np.float32] | None = None
    question_best: dict[str, float] = field(default_factory=dict)


class Retriever:
    """Document-level hybrid search over a Store; `embedder=None` means lexical + priors only."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder | None,
        *,
        vocab: QueryVocabulary | None = None,
        config: RetrievalConfig | None = None,
        questions: Sequence[PageQuestion] = (),
    ) -> None:
        self.store = store
        self._page_questions = tuple(questions)
        self._questions: QuestionIndex | None = None
        self.embedder = embedder
        self.config = config or RetrievalConfig()
        self._vocab = vocab
        self._dense: DenseIndex | None = None
        self._metas: dict[str, DocMeta] | None = None
        self._titles: dict[str, frozenset[str]] | None = None
        self._has_patient_version: frozenset[str] = frozenset()
        self._masks: dict[SearchFilters, npt.NDArray[np.bool_]] = {}
        self._pool: ThreadPoolExecutor | None = None
        self._last_vector: tuple[str, npt.NDArray[np.float32]] | None = None
        self._vectors = QueryVectorCache()

    # -- lazy state ---------------------------------------------------------------------------

    def warm(self) -> None:
        """Load everything a search needs now (servers call this at start-up)."""
        self._doc_metas()
        if self._dense_enabled():
            self._dense_index()
            self._question_index()
        if self.config.use_expansion:
            self._vocabulary()
        if self.config.use_priors:
            self._title_terms()

    def _vocabulary(self) -> QueryVocabulary:
        if self._vocab is None:
            self._vocab = QueryVocabulary.load(self.store)
        return self._vocab

    def _doc_metas(self) -> dict[str, DocMeta]:
        if self._metas is None:
            self._metas = {d.doc_id: _meta_of(d) for d in self.store.iter_documents()}
        return self._metas

    def _title_terms(self) -> dict[str, frozenset[str]]:
        """Per document: title words with abbreviations spelt out, for title matching."""
        if self._titles is None:
            metas = self._doc_metas()
            spell = self._vocabulary().spell_out if self.config.use_expansion else str
            self._titles = {
                d: frozenset(content_terms(spell(title_core(m.title)))) for d, m in metas.items()
            }
            self._has_patient_version = patient_versions(metas.values())
        return self._titles

    def _dense_enabled(self) -> bool:
        return self.config.use_dense and self.embedder is not None

    def _dense_index(self) -> DenseIndex:
        if self._dense is None:
            assert self.embedder is not None  # guarded by _dense_enabled
            self._dense = DenseIndex.load(self.store, self.embedder.name)
        return self._dense

    def _question_index(self) -> QuestionIndex:
        """The page questions of indexed documents that have a cached vector (kb/questions.py)."""
        if self._questions is None:
            assert self.embedder is not None  # guarded by _dense_enabled
            metas = self._doc_metas()
            doc_of_url = {normalize_url(m.url): d for d, m in metas.items()}
            wanted = [q for q in self._page_questions if normalize_url(q.url) in doc_of_url]
            vectors = self.store.get_embeddings(
                self.embedder.name, [question_hash(q.question) for q in wanted]
            )
            self._questions = QuestionIndex.build(wanted, doc_of_url, vectors)
        return self._questions

    def _mask(self, filters: SearchFilters) -> npt.NDArray[np.bool_]:
        if filters not in self._masks:
            metas = self._doc_metas()
            index = self._dense_index()
            self._masks[filters] = np.array(
                [d in metas and _passes(metas[d], filters) for d in index.doc_ids], dtype=bool
            )
        return self._masks[filters]

    # -- search -------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        filters: SearchFilters | None = None,
        audience: str | None = None,
        explain: bool = False,
    ) -> SearchResult:
        """The top `k` documents for `query`; `audience` is who asks (it steers priors only)."""
        if not query.strip():
            raise QueryError("empty question")
        filters = filters or SearchFilters()
        cfg = self.config
        expanded = (
            self._vocabulary().expand(query)
            if cfg.use_expansion
            else ExpandedQuery.unchanged(query)
        )
        lists = self._candidates(expanded, filters)
        if lists.vector is not None:
            self._last_vector = (query, lists.vector)
        fused = reciprocal_rank_fusion(
            {"lexical": lists.lexical_docs, "dense": lists.dense_docs},
            k=cfg.rrf_k,
            weights={"lexical": cfg.lexical_weight, "dense": cfg.dense_weight},
        )
        ranked = self._rank(fused, lists, expanded, audience)[: max(k, 0)]
        hits = self._hits(ranked, lists, expanded, explain)
        return SearchResult(query=query, expanded=expanded, hits=tuple(hits))

    def _candidates(self, expanded: ExpandedQuery, filters: SearchFilters) -> _Lists:
        cfg = self.config
        lists = _Lists()
        pending = self._start_embedding(expanded.dense_text)
        if cfg.use_lexical:
            lists.lexical = self.store.lexical_search(
                self._lexical_query(expanded.lexical_text), cfg.lexical_chunks, filters
            )
            lists.lexical_docs = list(dict.fromkeys(m.doc_id for m in lists.lexical))
            lists.lexical_docs = lists.lexical_docs[: cfg.candidate_depth]
        if pending is not None:
            index = self._dense_index()
            vector = pending.result()
            lists.vector = vector
            lists.sims = index.similarities(vector)
            lists.doc_best = index.doc_scores(lists.sims)
            lists.dense_docs = index.rank_docs(
                lists.doc_best, self._mask(filters), cfg.candidate_depth
            )
            self._question_candidates(lists, vector, filters)
        return lists

    def _question_candidates(
        self, lists: _Lists, vector: npt.NDArray[np.float32], filters: SearchFilters
    ) -> None:
        """Each allowed page's best page-question cosine (a rerank signal)."""
        questions = self._question_index()
        if not len(questions):
            return
        best = questions.best_per_doc(questions.similarities(vector))
        metas = self._doc_metas()
        lists.question_best = {
            d: float(b)
            for d, b in zip(questions.doc_ids, best, strict=True)
            if d in metas and _passes(metas[d], filters)
        }

    def _start_embedding(self, text: str) -> Future[npt.NDArray[np.float32]] | None:
        """Embed the query on the retriever's worker thread while FTS5 runs on this one: both
        release the GIL for most of their time, so a warm search pays max(), not the sum."""
        if not self._dense_enabled() or len(self._dense_index()) == 0:
            return None
        embedder = self.embedder
        assert embedder is not None  # guarded by _dense_enabled
        cached = self._vectors.get(text)
        if cached is not None:  # the same text embeds to the same vector: not again
            done: Future[npt.NDArray[np.float32]] = Future()
            done.set_result(cached)
            return done
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="og-embed")
        return self._pool.submit(lambda: self._vectors.put(text, embedder.embed([text])[0]))

    def question_vector(self, question: str) -> npt.NDArray[np.float32] | None:
        """The (normalised) query vector the last search of `question` used; embedded afresh for
        another question; None without dense retrieval."""
        last = self._last_vector
        if last is not None and last[0] == question:
            return last[1]
        if not question.strip():
            return None
        cfg = self.config
        expanded = (
            self._vocabulary().expand(question)
            if cfg.use_expansion
            else ExpandedQuery.unchanged(question)
        )
        pending = self._start_embedding(expanded.dense_text)
        return None if pending is None else pending.result()

    def closest_chunk(self, question: str, hits: Sequence[Hit], *, top_k: int = 3) -> float | None:
        """The cosine of `question` with the closest embedded chunk of its `top_k` first hits
        (the evidence gate's `semantic` signal); None without dense retrieval or hits."""
        index = self.dense_index()
        if index is None or not hits:
            return None
        vector = self.question_vector(question)
        if vector is None:
            return None
        sims = [v for h in hits[:top_k] for v in index.doc_chunk_sims(h.doc_id, vector).values()]
        return max(sims, default=None)

    def dense_index(self) -> DenseIndex | None:
        """The chunk-embedding matrix (None without dense retrieval)."""
        return self._dense_index() if self._dense_enabled() else None

    def close(self) -> None:
        """Stop the embedding worker thread (it is started by the first dense search)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def _lexical_query(self, text: str) -> str:
        """`text` without near-universal words; the rarest word survives if all are common."""
        terms_vocab = self._vocabulary().terms
        terms = query_terms(text)
        if terms_vocab is None or not terms:
            return text
        keep = [t for t in terms if terms_vocab.share(t) < self.config.max_term_share]
        return " ".join(keep or [min(terms, key=terms_vocab.share)])

    def _rank(
        self,
        fused: list[tuple[str, float]],
        lists: _Lists,
        expanded: ExpandedQuery,
        audience: str | None,
    ) -> list[Scored]:
        cfg = self.config
        if not cfg.use_priors:
            return [Scored(d, s, (("rrf", s),)) for d, s in fused]
        metas = self._doc_metas()
        head = [(d, s) for d, s in fused[: cfg.rerank_depth] if d in metas]
        rrf_max = (cfg.lexical_weight if lists.lexical_docs else 0.0) + (
            cfg.dense_weight if lists.dense_docs else 0.0
        )
        bm25 = _doc_bm25(lists.lexical)
        titles = self._title_terms()
        candidates = [
            Candidate(
                doc_id=d,
                title=metas[d].title,
                audience=metas[d].audience,
                rrf=s,
                url=metas[d].url,
                dense_score=self._dense_doc(lists, d),
                lexical_score=bm25.get(d),
                has_patient_version=d in self._has_patient_version,
                title_terms=titles.get(d),
                second_score=self._dense_second(lists, d),
                question_score=lists.question_best.get(d),
            )
            for d, s in head
        ]
        reranked = rerank(
            candidates,
            query=expanded.original,
            added_terms=expanded.added_terms,
            audience=audience,
            rrf_max=rrf_max / (cfg.rrf_k + 1),
            weights=cfg.rerank,
            variants=expanded.variants,
        )
        tail = [Scored(d, s, (("rrf", s),)) for d, s in fused[cfg.rerank_depth :]]
        return reranked + tail

    def _dense_doc(self, lists: _Lists, doc_id: str) -> float | None:
        if lists.doc_best is None or self._dense is None:
            return None
        pos = self._dense.doc_position.get(doc_id)
        return None if pos is None else float(lists.doc_best[pos])

    def _dense_second(self, lists: _Lists, doc_id: str) -> float | None:
        if lists.sims is None or self._dense is None:
            return None
        return self._dense.second_best(lists.sims, doc_id)

    # -- results ------------------------------------------------------------------------------

    def _hits(
        self, ranked: list[Scored], lists: _Lists, expanded: ExpandedQuery, explain: bool
    ) -> list[Hit]:
        doc_ids = [s.doc_id for s in ranked]
        docs = self._doc_metas()
        chosen = self._passage_ids(doc_ids, lists)
        chunks = self.store.get_chunks([c for ids in chosen.values() for c, _ in ids])
        terms = query_terms(expanded.lexical_text)
        lex_rank, dense_rank = rank_of(lists.lexical_docs), rank_of(lists.dense_docs)
        hits: list[Hit] = []
        for scored in ranked:
            doc = docs.get(scored.doc_id)
            passages = [
                Passage(c, scored.doc_id, chunks[c].heading, chunks[c].text, s)
                for c, s in chosen.get(scored.doc_id, [])
                if c in chunks
            ]
            if doc is None or not passages:
                continue  # removed by a concurrent ingest between reads
            signals: tuple[tuple[str, float], ...] = ()
            if explain:
                ranks = (
                    ("bm25_rank", lex_rank.get(doc.doc_id)),
                    ("dense_rank", dense_rank.get(doc.doc_id)),
                )
                signals = (
                    *((n, float(r)) for n, r in ranks if r is not None),
                    *scored.signals,
                    ("score", scored.score),
                )
            hit = _make_hit(len(hits) + 1, doc, scored.score, passages, terms, signals)
            hits.append(hit)
        return hits

    def _passage_ids(self, doc_ids: list[str], lists: _Lists) -> dict[str, list[tuple[str, float]]]:
        """Up to MAX_PASSAGES chunks per document: RRF of its lexical and dense chunk orders."""
        cfg = self.config
        lexical: dict[str, list[str]] = {}
        for m in lists.lexical:
            lexical.setdefault(m.doc_id, []).append(m.chunk_id)
        dense: dict[str, list[str]] = {}
        if lists.sims is not None and self._dense is not None:
            dense = self._dense.best_chunks(lists.sims, doc_ids, MAX_PASSAGES)
        out: dict[str, list[tuple[str, float]]] = {}
        for doc_id in doc_ids:
            fused = reciprocal_rank_fusion(
                {"lexical": lexical.get(doc_id, []), "dense": dense.get(doc_id, [])},
                k=cfg.rrf_k,
                weights={"lexical": cfg.lexical_weight, "dense": cfg.dense_weight},
            )
            if not fused:
                fused = [(c.chunk_id, 0.0) for c in self.store.chunks_of(doc_id)[:1]]
            out[doc_id] = fused[:MAX_PASSAGES]
        return out


def _make_hit(
    rank: int,
    doc: DocMeta,
    score: float,
    passages: list[Passage],
    terms: list[str],
    signals: tuple[tuple[str, float], ...],
) -> Hit:
    return Hit.for_document(
        doc,
        rank=rank,
        score=score,
        passages=tuple(passages),
        snippet=snippet(passages[0].text, terms),
        signals=signals,
    )


def _meta_of(d: Document) -> DocMeta:
    return DocMeta(
        doc_id=d.doc_id,
        title=d.title,
        url=d.url,
        audience=d.audience,
        language=d.language,
        source_type=d.source_type,
        status=d.status,
        cancer_types=d.cancer_types,
        source=d.source,
        last_reviewed=d.last_reviewed,
        review_due=d.review_due,
    )


def _doc_bm25(matches: list[ChunkMatch]) -> dict[str, float]:
    """Best chunk BM25 per document divided by the query's top BM25 (so 1.0 for the best)."""
    best: dict[str, float] = {}
    for m in matches:
        best[m.doc_id] = max(best.get(m.doc_id, m.score), m.score)
    top = max(best.values(), default=0.0)
    return {d: s / top for d, s in best.items()} if top > 0 else {}


def _passes(meta: DocMeta, filters: SearchFilters) -> bool:
    return allowed(
        meta,
        status=filters.status,
        audience=filters.audience,
        language=filters.language,
        source_type=filters.source_type,
        cancer_type=filters.cancer_type,
    )
