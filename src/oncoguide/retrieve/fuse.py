"""Rank fusion: pure functions over ranked id lists (no store, no model)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

__all__ = ["best_per_group", "rank_of", "reciprocal_rank_fusion"]


def reciprocal_rank_fusion(
    rankings: Mapping[str, Sequence[str]],
    *,
    k: float = 60.0,
    weights: Mapping[str, float] | None = None,
) -> list[tuple[str, float]]:
    """Weighted RRF: score(d) = sum over lists of weight / (k + rank), ranks 1-based.

    Returns (id, score) best first; ties break by id so results are deterministic.
    A list missing from `weights` has weight 1.0; duplicates inside one list count once
    (at their best rank).
    """
    if k <= 0:
        raise ValueError(f"rrf k must be positive, got {k}")
    scores: dict[str, float] = {}
    for name, ranked in rankings.items():
        weight = 1.0 if weights is None else weights.get(name, 1.0)
        if weight == 0.0:
            continue
        seen: set[str] = set()
        for rank, item in enumerate(ranked, 1):
            if item in seen:
                continue
            seen.add(item)
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def best_per_group(scored: Iterable[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    """Keep the best (item, group, score) per group, best first — chunk hits to doc hits.

    Ties keep the earliest item, so an input already in rank order keeps that order.
    """
    best: dict[str, tuple[str, str, float]] = {}
    for item, group, score in scored:
        if group not in best or score > best[group][2]:
            best[group] = (item, group, score)
    return sorted(best.values(), key=lambda t: -t[2])


def rank_of(ranked: Sequence[str]) -> dict[str, int]:
    """id -> 1-based rank (first occurrence) for --explain signals."""
    out: dict[str, int] = {}
    for i, item in enumerate(ranked, 1):
        out.setdefault(item, i)
    return out
