from __future__ import annotations

import pytest

from oncoguide.retrieve.fuse import best_per_group, rank_of, reciprocal_rank_fusion

pytestmark = pytest.mark.unit


def test_rrf_sums_reciprocal_ranks() -> None:
    fused = dict(reciprocal_rank_fusion({"a": ["x", "y"], "b": ["y", "z"]}, k=60))
    assert fused["y"] == pytest.approx(1 / 62 + 1 / 61)
    assert fused["x"] == pytest.approx(1 / 61)
    assert fused["z"] == pytest.approx(1 / 62)


def test_rrf_weights_down_weight_a_list() -> None:
    rankings = {"bm25": ["x", "y"], "dense": ["y", "x"]}
    assert reciprocal_rank_fusion(rankings)[0][0] == "x"  # tie broken by id
    assert reciprocal_rank_fusion(rankings, weights={"bm25": 0.5})[0][0] == "y"


def test_rrf_zero_weight_ignores_list_and_duplicates_count_once() -> None:
    fused = dict(reciprocal_rank_fusion({"a": ["x", "x"], "b": ["q"]}, weights={"b": 0.0}))
    assert fused == {"x": pytest.approx(1 / 61)}


def test_rrf_rejects_non_positive_k() -> None:
    with pytest.raises(ValueError):
        reciprocal_rank_fusion({"a": ["x"]}, k=0)


def test_best_per_group_keeps_best_item() -> None:
    rows = [("c1", "d1", 0.2), ("c2", "d2", 0.9), ("c3", "d1", 0.5)]
    assert best_per_group(rows) == [("c2", "d2", 0.9), ("c3", "d1", 0.5)]


def test_rank_of_first_occurrence() -> None:
    assert rank_of(["a", "b", "a"]) == {"a": 1, "b": 2}
