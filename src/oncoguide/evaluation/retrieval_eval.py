"""`oncoguide eval retrieval`: score a search function on a JSONL question set.

Rows are `{id, question, gold_urls, qtype?}`. The search function is injected so the same
evaluation scores any retriever configuration (the benchmark compares four of them).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oncoguide.errors import EvaluationError
from oncoguide.evaluation.jsonl import read_jsonl
from oncoguide.evaluation.metrics import (
    first_relevant_rank,
    ndcg_at_k,
    normalize_url,
    percentile,
    recall_at_k,
    reciprocal_rank,
)
from oncoguide.types import Hit

__all__ = ["EvalQuestion", "evaluate_retrieval", "format_report", "load_questions"]


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    gold_urls: tuple[str, ...]
    qtype: str = "unknown"


@dataclass(frozen=True)
class _Scored:
    q: EvalQuestion
    ranked: tuple[str, ...]
    latency_ms: float


def load_questions(path: Path) -> list[EvalQuestion]:
    """Parse and validate a JSONL question file; errors name the file and line."""
    rows = read_jsonl(path, what="questions", required=("question",))
    return [_question(path, n, row) for n, row in rows]


def _question(path: Path, n: int, row: dict[str, Any]) -> EvalQuestion:
    gold = row.get("gold_urls")
    if not isinstance(gold, list) or not gold or not all(isinstance(u, str) for u in gold):
        raise EvaluationError(f"{path}:{n}: 'gold_urls' must be a non-empty list of strings")
    qtype = row.get("qtype")
    return EvalQuestion(
        id=str(row.get("id", f"line-{n}")),
        question=row["question"],
        gold_urls=tuple(gold),
        qtype=qtype if isinstance(qtype, str) and qtype else "unknown",
    )


def evaluate_retrieval(
    search: Callable[[str], Sequence[Hit]], questions_path: Path, *, k: int = 10
) -> dict[str, Any]:
    """Recall@1/5/k, MRR@k, nDCG@k, patient-first@1 and latency, overall and per qtype."""
    if k < 1:
        raise EvaluationError(f"k must be at least 1, got {k}")
    scored: list[_Scored] = []
    for q in load_questions(questions_path):
        start = time.perf_counter()
        hits = search(q.question)
        elapsed = (time.perf_counter() - start) * 1000.0
        scored.append(_Scored(q, tuple(h.url for h in hits[:k]), elapsed))
    by_type: dict[str, list[_Scored]] = defaultdict(list)
    for s in scored:
        by_type[s.q.qtype].append(s)
    latencies = [s.latency_ms for s in scored]
    return {
        **_summary(scored, k),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p95": round(percentile(latencies, 95), 2),
        },
        "per_qtype": {t: _summary(rows, k) for t, rows in sorted(by_type.items())},
        "misses": [_miss(s, k) for s in scored if not _at_rank_one(s)],
    }


def _summary(rows: Sequence[_Scored], k: int) -> dict[str, Any]:
    n = len(rows)
    cutoffs = sorted({1, 5, k})

    def mean(values: list[float]) -> float:
        return round(sum(values) / n, 4) if n else 0.0

    out: dict[str, Any] = {"questions": n}
    for c in cutoffs:
        out[f"recall@{c}"] = mean([recall_at_k(s.ranked, s.q.gold_urls, c) for s in rows])
    out[f"mrr@{k}"] = mean([reciprocal_rank(s.ranked, s.q.gold_urls, k) for s in rows])
    out[f"ndcg@{k}"] = mean([ndcg_at_k(s.ranked, s.q.gold_urls, k) for s in rows])
    out["patient_first@1"] = mean([1.0 if _patient_first(s) else 0.0 for s in rows])
    return out


def _patient_first(s: _Scored) -> bool:
    """Rank 1 is the primary gold page and that page is a patient page."""
    primary = s.q.gold_urls[0]
    return (
        "/patient/" in primary
        and bool(s.ranked)
        and normalize_url(s.ranked[0]) == normalize_url(primary)
    )


def _at_rank_one(s: _Scored) -> bool:
    return first_relevant_rank(s.ranked, s.q.gold_urls, 1) == 1


def _miss(s: _Scored, k: int) -> dict[str, Any]:
    """A question whose rank-1 result is not gold; `gold_rank` is None when not in the top k."""
    return {
        "id": s.q.id,
        "question": s.q.question,
        "qtype": s.q.qtype,
        "gold": list(s.q.gold_urls),
        "top3": list(s.ranked[:3]),
        "gold_rank": first_relevant_rank(s.ranked, s.q.gold_urls, k),
    }


def format_report(result: dict[str, Any], *, max_misses: int = 10) -> str:
    """Plain-text summary of an `evaluate_retrieval` result (the CLI's non-JSON output)."""
    metric_keys = [
        key for key in result if key.startswith(("recall@", "mrr@", "ndcg@", "patient_first@"))
    ]
    lines = [f"questions: {result['questions']}"]
    lines += [f"{key:<16} {result[key]:.3f}" for key in metric_keys]
    lat = result["latency_ms"]
    lines.append(f"latency ms       p50 {lat['p50']:.1f}  p95 {lat['p95']:.1f}")
    lines.append("per qtype:        n  " + "  ".join(f"{k:>8}" for k in metric_keys[:3]))
    for qtype, row in result["per_qtype"].items():
        cells = "  ".join(f"{row[k]:>8.3f}" for k in metric_keys[:3])
        lines.append(f"  {qtype[:14]:<14} {row['questions']:>4}  {cells}")
    misses = result["misses"]
    lines.append(f"not first ({len(misses)}), first {min(max_misses, len(misses))}:")
    for miss in misses[:max_misses]:
        lines.append(f"  {miss['id']}: {miss['question']}  (gold rank {miss['gold_rank']})")
        lines.append(f"    top: {', '.join(miss['top3'])}")
    return "\n".join(lines)
