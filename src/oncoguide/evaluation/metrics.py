"""Ranking metrics for retrieval evaluation (pure functions over ranked URL lists).

Relevance is graded: the primary gold document (`gold_urls[0]`) has grade 2, every other gold
document grade 1 — the MedQuAD README's scheme, so a health-professional page at rank 1 counts
as found but scores lower than the patient page in nDCG.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from oncoguide.text.urls import normalize_url

__all__ = [
    "first_relevant_rank",
    "gold_grades",
    "ndcg_at_k",
    "normalize_url",
    "percentile",
    "recall_at_k",
    "reciprocal_rank",
]


def gold_grades(gold_urls: Sequence[str]) -> dict[str, int]:
    """Normalised URL -> grade: 2 for the primary gold document, 1 for the others."""
    grades: dict[str, int] = {}
    for i, url in enumerate(gold_urls):
        grades.setdefault(normalize_url(url), 2 if i == 0 else 1)
    return grades


def first_relevant_rank(ranked: Sequence[str], gold: Sequence[str], k: int) -> int | None:
    """1-based rank of the first gold URL within the top k, or None."""
    wanted = {normalize_url(u) for u in gold}
    for i, url in enumerate(ranked[:k]):
        if normalize_url(url) in wanted:
            return i + 1
    return None


def recall_at_k(ranked: Sequence[str], gold: Sequence[str], k: int) -> float:
    """1.0 when any gold URL is in the top k (hit@k, as the eval README defines recall)."""
    return 0.0 if first_relevant_rank(ranked, gold, k) is None else 1.0


def reciprocal_rank(ranked: Sequence[str], gold: Sequence[str], k: int) -> float:
    """1/rank of the first gold URL within the top k, 0.0 when none is there."""
    rank = first_relevant_rank(ranked, gold, k)
    return 0.0 if rank is None else 1.0 / rank


def ndcg_at_k(ranked: Sequence[str], gold: Sequence[str], k: int) -> float:
    """nDCG@k with gains 2^grade - 1; a gold URL repeated in `ranked` only counts once."""
    grades = gold_grades(gold)
    if not grades or k <= 0:
        return 0.0
    seen: set[str] = set()
    dcg = 0.0
    for i, url in enumerate(ranked[:k]):
        norm = normalize_url(url)
        if norm in grades and norm not in seen:
            seen.add(norm)
            dcg += (2.0 ** grades[norm] - 1.0) / math.log2(i + 2)
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2.0**g - 1.0) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (numpy's default method); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * pct / 100.0
    lo = math.floor(pos)
    hi = math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
