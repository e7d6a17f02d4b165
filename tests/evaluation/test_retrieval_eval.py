from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from oncoguide.errors import EvaluationError
from oncoguide.evaluation.metrics import (
    ndcg_at_k,
    normalize_url,
    percentile,
    recall_at_k,
    reciprocal_rank,
)
from oncoguide.evaluation.retrieval_eval import evaluate_retrieval, format_report, load_questions
from oncoguide.types import Hit

pytestmark = pytest.mark.unit

P = "https://www.cancer.gov/types/x/patient/x-treatment-pdq"
H = "https://www.cancer.gov/types/x/hp/x-treatment-pdq"
O1 = "https://www.cancer.gov/other-1"
O2 = "https://www.cancer.gov/other-2"


def test_normalize_url_ignores_scheme_www_fragment_and_slash() -> None:
    assert normalize_url("HTTPS://www.Cancer.gov/a/b/#top") == normalize_url(
        "http://cancer.gov/a/b"
    )


def test_recall_at_k_counts_any_gold_in_top_k() -> None:
    assert recall_at_k([O1, H, P], [P, H], 1) == 0.0
    assert recall_at_k([O1, H, P], [P, H], 2) == 1.0
    assert recall_at_k([O1, O2], [P], 10) == 0.0


def test_reciprocal_rank_uses_first_gold_within_k() -> None:
    assert reciprocal_rank([O1, O2, H], [P, H], 10) == pytest.approx(1 / 3)
    assert reciprocal_rank([O1, O2, H], [P, H], 2) == 0.0


def test_ndcg_grades_primary_gold_above_secondary() -> None:
    assert ndcg_at_k([P, H], [P, H], 10) == pytest.approx(1.0)
    swapped = ndcg_at_k([H, P], [P, H], 10)
    ideal = 3 + 1 / math.log2(3)
    assert swapped == pytest.approx((1 + 3 / math.log2(3)) / ideal)
    assert 0 < ndcg_at_k([O1, H], [P, H], 10) < swapped


def test_ndcg_counts_a_repeated_gold_once() -> None:
    assert ndcg_at_k([P, P], [P], 10) == pytest.approx(1.0)


def test_percentile_interpolates() -> None:
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert percentile([5.0], 95) == 5.0
    assert percentile([], 50) == 0.0


def _hit(url: str, rank: int) -> Hit:
    return Hit(
        rank=rank,
        doc_id=url,
        url=url,
        title="t",
        heading="",
        score=1.0,
        audience="patient",
        source_type="02_nci_core",
        snippet="",
    )


def _write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_evaluate_retrieval_reports_contract_keys_and_values(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"id": "a", "question": "qa", "gold_urls": [P, H], "qtype": "symptoms"},
        {"id": "b", "question": "qb", "gold_urls": [P, H], "qtype": "symptoms"},
        {"id": "c", "question": "qc", "gold_urls": [O2]},
    ]
    ranked = {"qa": [P, O1], "qb": [H, P], "qc": [O1] * 0 + [O1, P, H, O1, O1, O2]}
    result = evaluate_retrieval(
        lambda q: [_hit(u, i) for i, u in enumerate(ranked[q], 1)], _write(tmp_path, rows)
    )
    for key in (
        "questions",
        "recall@1",
        "recall@5",
        "recall@10",
        "mrr@10",
        "ndcg@10",
        "latency_ms",
        "per_qtype",
        "misses",
        "patient_first@1",
    ):
        assert key in result
    assert result["questions"] == 3
    assert result["recall@1"] == pytest.approx(round(2 / 3, 4))
    assert result["recall@5"] == pytest.approx(round(2 / 3, 4))
    assert result["recall@10"] == 1.0
    assert result["mrr@10"] == pytest.approx(round((1 + 1 + 1 / 6) / 3, 4))
    assert result["patient_first@1"] == pytest.approx(round(1 / 3, 4))
    assert set(result["latency_ms"]) == {"p50", "p95"}
    assert result["per_qtype"]["symptoms"]["questions"] == 2
    assert result["per_qtype"]["unknown"]["recall@1"] == 0.0
    assert [m["id"] for m in result["misses"]] == ["c"]
    assert result["misses"][0]["top3"] == [O1, P, H]
    assert result["misses"][0]["gold_rank"] == 6


@pytest.mark.parametrize(
    "line",
    [
        "not json",
        '["a list"]',
        '{"id": "x", "question": "", "gold_urls": ["u"]}',
        '{"id": "x", "question": "q", "gold_urls": []}',
    ],
)
def test_malformed_rows_raise_evaluation_error_naming_the_line(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "question": "q", "gold_urls": ["u"]}\n' + line + "\n")
    with pytest.raises(EvaluationError, match=r"bad\.jsonl:2"):
        load_questions(path)


def test_missing_file_raises_evaluation_error(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError, match="cannot read"):
        evaluate_retrieval(lambda q: [], tmp_path / "nope.jsonl")


def test_format_report_lists_metrics_and_misses(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"id": "a", "question": "qa", "gold_urls": [P], "qtype": "symptoms"},
        {"id": "b", "question": "qb", "gold_urls": [P]},
    ]
    result = evaluate_retrieval(
        lambda q: [_hit(O1, 1), _hit(P, 2)] if q == "qb" else [_hit(P, 1)], _write(tmp_path, rows)
    )
    text = format_report(result)
    assert "recall@1         0.500" in text
    assert "b: qb  (gold rank 2)" in text
    assert "symptoms" in text
