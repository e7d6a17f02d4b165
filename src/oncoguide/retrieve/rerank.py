"""A light, explainable reranking of the fused candidate documents.

score = rrf_weight * rrf / rrf_max         (fused lexical + dense rank, in [0, 1])
      + lexical_weight * bm25 / top bm25    (how strong the page's best BM25 chunk is)
      + title_weight * title match          (the query — or its expansion — names the page)
      + dense_weight * best chunk cosine    (how close the page's best passage is)
      + second_weight * second-best chunk cosine  (a page close to the question in several
                                             passages is about it throughout, not in one aside)
      + question_weight * max(0, best page-question cosine - best chunk cosine - margin)
                                            (a question written for the page in patients' words
                                             matches better than any of its passages;
                                             kb/questions.py)
      - hp_penalty   if a health-professional page is shown to a patient or caregiver and the
                     patient version of the same summary is in the KB (hp_orphan_penalty if not)
      - population_penalty  if the page is for children and the question is not (or reverse)
      - research_penalty    for research news pages
      - hub_penalty         for cancer-type landing pages (mostly links)
      + page_type_bonus     if the page's type is what the question asks ("tests" -> Diagnosis)

Each term is returned as a signal so `--explain` shows why a page ranked where it did.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from oncoguide.retrieve.priors import (
    content_terms,
    is_hub_page,
    is_research_news,
    is_technical_for,
    page_type_match,
    population_conflict,
    title_match,
)

__all__ = ["Candidate", "RerankWeights", "Scored", "rerank"]


@dataclass(frozen=True)
class RerankWeights:
    """Defaults chosen on MedQuAD and the lay set together (benchmarks/retrieval_bench.py)."""

    rrf: float = 1.0
    lexical: float = 0.6
    title: float = 0.5
    dense: float = 2.0
    hp_penalty: float = 0.2
    hp_orphan_penalty: float = 0.0  # no patient version: the HP summary is the KB's only one
    population_penalty: float = 0.3
    research_penalty: float = 0.2
    hub_penalty: float = 0.2
    page_type_bonus: float = 0.2
    second: float = 0.5
    question: float = 1.5
    question_margin: float = 0.05


@dataclass(frozen=True)
class Candidate:
    doc_id: str
    title: str
    audience: str
    rrf: float
    url: str = ""
    dense_score: float | None = None
    lexical_score: float | None = None  # best chunk BM25 / the query's top BM25
    has_patient_version: bool = True  # for technical pages: the patient version is in the KB
    title_terms: frozenset[str] | None = None  # title words, abbreviations spelt out
    second_score: float | None = None  # second-best chunk cosine
    question_score: float | None = None  # best page-question cosine (None: no question)


@dataclass(frozen=True)
class Scored:
    doc_id: str
    score: float
    signals: tuple[tuple[str, float], ...]


def rerank(
    candidates: Sequence[Candidate],
    *,
    query: str,
    added_terms: Sequence[str],
    audience: str | None,
    rrf_max: float,
    weights: RerankWeights,
    variants: Sequence[str] = (),
) -> list[Scored]:
    """Score candidates as in the module docstring; best first, ties keep the fused order.

    `variants` are rewordings of the query (abbreviations spelt out, lay words replaced) that
    may name a page's title better than the user's own words.
    """
    # The query's words, its rewordings, and each added term on its own: a brand's generic name
    # alone should fully match the drug page title.
    term_sets = [content_terms(t) for t in (query, *variants, *added_terms)]
    scored: list[Scored] = []
    for cand in candidates:
        t_terms = cand.title_terms if cand.title_terms is not None else content_terms(cand.title)
        title = max(title_match(q, t_terms) for q in term_sets)
        dense = cand.dense_score if cand.dense_score is not None else 0.0
        hp = _hp_penalty(cand, audience, weights)
        conflict = population_conflict(query, cand.title, cand.url)
        population = weights.population_penalty if conflict else 0.0
        research = weights.research_penalty if is_research_news(cand.url) else 0.0
        hub = weights.hub_penalty if is_hub_page(cand.title) else 0.0
        page_type = weights.page_type_bonus if page_type_match(query, cand.title, cand.url) else 0.0
        base = cand.rrf / rrf_max if rrf_max > 0 else 0.0
        lexical = cand.lexical_score if cand.lexical_score is not None else 0.0
        second = cand.second_score if cand.second_score is not None else 0.0
        question = 0.0
        if cand.question_score is not None:
            question = max(0.0, cand.question_score - dense - weights.question_margin)
        score = (
            weights.rrf * base
            + weights.lexical * lexical
            + weights.title * title
            + weights.dense * dense
            + weights.second * second
            + weights.question * question
            - hp
            - population
            - research
            - hub
            + page_type
        )
        signals = (
            ("rrf_norm", base),
            ("bm25_norm", lexical),
            ("title_match", title),
            ("dense_doc", dense),
            ("dense_second", second),
            ("question_match", question),
            ("hp_penalty", -hp),
            ("population_penalty", -population),
            ("research_penalty", -research),
            ("hub_penalty", -hub),
            ("page_type", page_type),
        )
        scored.append(Scored(cand.doc_id, score, signals))
    order = sorted(range(len(scored)), key=lambda i: (-scored[i].score, i))
    return [scored[i] for i in order]


def _hp_penalty(cand: Candidate, audience: str | None, weights: RerankWeights) -> float:
    if not is_technical_for(cand.audience, audience):
        return 0.0
    return weights.hp_penalty if cand.has_patient_version else weights.hp_orphan_penalty
