"""The evaluations `oncoguide eval all` runs, and the registry that lists them.

Each evaluation is a function `EvalContext -> Section`: it calls an existing `evaluate_*` function
on every set the set registry (`sets.yaml`) lists for it and returns, per set, whatever metrics that
function returned. `Evaluation.metrics` names the metrics the report expects from each set; a name
the evaluation did not return is reported as "not available" by the runner, never filled in. A new
evaluation is one more `Evaluation` in `EVALUATIONS`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from oncoguide.chat.assistant import Assistant
from oncoguide.chat.turn import TurnOptions
from oncoguide.evaluation.answer_eval import evaluate_answers
from oncoguide.evaluation.jsonl import read_jsonl
from oncoguide.evaluation.metrics import normalize_url, percentile
from oncoguide.evaluation.retrieval_eval import evaluate_retrieval
from oncoguide.evaluation.safety_eval import evaluate_safety
from oncoguide.evaluation.sets import EvalSet
from oncoguide.retrieve.hybrid import RetrievalConfig, Retriever
from oncoguide.types import Hit

__all__ = [
    "BM25_CONFIG",
    "EVALUATIONS",
    "EvalContext",
    "Evaluation",
    "Section",
    "SetResult",
]

# The baseline: FTS5 BM25 only; no dense list, no query expansion, no priors.
BM25_CONFIG = RetrievalConfig(use_dense=False, use_expansion=False, use_priors=False)
K = 10
RANK_CURVE = tuple(range(1, K + 1))


@dataclass
class EvalContext:
    """What every evaluation may use; built once per run by the runner."""

    assistant: Assistant
    bm25: Retriever
    sets: dict[str, list[EvalSet]]
    indexed_urls: frozenset[str]
    workdir: Path
    quick: bool
    region: str = "US"


@dataclass
class SetResult:
    name: str
    status: str
    present: bool
    metrics: dict[str, Any] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)  # rows used, notes, first contact


@dataclass
class Section:
    sets: list[SetResult] = field(default_factory=list)
    plots: dict[str, Any] = field(default_factory=dict)  # raw data the report plots
    unavailable: str | None = None  # why the whole evaluation could not run


@dataclass(frozen=True)
class Evaluation:
    name: str
    metrics: tuple[str, ...]
    run: Callable[[EvalContext], Section]


# --- helpers ---------------------------------------------------------------------------------


def _kept_rows(ctx: EvalContext, s: EvalSet) -> tuple[list[dict[str, Any]], int]:
    """The set's rows whose gold is indexed (every row without gold), and the file's row count.

    The quick run indexes a slice of the KB; a question whose gold page is not in it cannot be
    scored, so every run scores only questions answerable from the index it has (and says how many).
    """
    assert s.path is not None
    rows = [row for _, row in read_jsonl(s.path, what="questions", required=("question",))]
    kept = [
        r
        for r in rows
        if not r.get("gold_urls")
        or any(normalize_url(u) in ctx.indexed_urls for u in r["gold_urls"])
    ]
    return kept, len(rows)


def _rows_in_kb(ctx: EvalContext, s: EvalSet, section: str) -> tuple[Path, int, int]:
    """`_kept_rows` written to a work file: (path, rows kept, rows in the file)."""
    kept, total = _kept_rows(ctx, s)
    out = ctx.workdir / f"{section}-{s.name}.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in kept), encoding="utf-8")
    return out, len(kept), total


def _numbers(report: dict[str, Any], skip: Sequence[str] = ()) -> dict[str, Any]:
    """Every top-level number (or None) the evaluation returned, plus latency p50/p95."""
    out: dict[str, Any] = {}
    for key, value in report.items():
        if key in skip or isinstance(value, bool):
            continue
        if value is None or isinstance(value, int | float):
            out[key] = value
    lat = report.get("latency_ms")
    if isinstance(lat, dict):
        out.update({f"latency_ms.{p}": lat.get(p) for p in ("p50", "p95")})
    return out


def _absent(s: EvalSet) -> SetResult:
    blind = s.status_of() == "blind"
    why = "file not in the repository (sealed)" if blind else "file not found"
    if s.path is None:
        why = "../shared not found (give --shared)"
    status = (
        s.status
        if isinstance(s.status, str)
        else ", ".join(f"{k}: {v}" for k, v in s.status.items())
    )
    return SetResult(s.name, status, False, info={**s.describe(), "absent": why})


# --- retrieval -------------------------------------------------------------------------------


def _search_fn(retriever: Retriever) -> Callable[[str], Sequence[Hit]]:
    return lambda q: retriever.search(q, k=K).hits


def _curve(report: dict[str, Any]) -> list[float]:
    """Recall@1..K from the misses list (each miss carries its gold rank, or None)."""
    n = report["questions"]
    if not n:
        return [0.0 for _ in RANK_CURVE]
    ranks = [m["gold_rank"] for m in report["misses"]]
    first = n - len(ranks)
    return [round((first + sum(1 for r in ranks if r and r <= c)) / n, 4) for c in RANK_CURVE]


def _run_retrieval(ctx: EvalContext) -> Section:
    section = Section()
    configs = {"full": ctx.assistant.retriever, "bm25": ctx.bm25}
    for s in ctx.sets.get("retrieval", []):
        if not s.present:
            section.sets.append(_absent(s))
            continue
        path, used, total = _rows_in_kb(ctx, s, "retrieval")
        result = SetResult(
            s.name, s.status_of(), True, info={**s.describe(), "rows": used, "rows_in_file": total}
        )
        if used == 0:
            result.info["absent"] = "no question has its gold page in this index"
            section.sets.append(result)
            continue
        for config, retriever in configs.items():
            report = evaluate_retrieval(_search_fn(retriever), path, k=K)
            metrics = _numbers(report)
            result.metrics.update({f"{config}.{k}": v for k, v in metrics.items()})
            section.plots.setdefault("recall_curves", {})[f"{s.name}/{config}"] = _curve(report)
        section.sets.append(result)
    return section


# --- safety ----------------------------------------------------------------------------------


def _run_safety(ctx: EvalContext) -> Section:
    section = Section()
    for s in ctx.sets.get("safety", []):
        if not s.present:
            section.sets.append(_absent(s))
            continue
        assert s.path is not None
        report = evaluate_safety(ctx.assistant.policy, s.path, region=ctx.region)
        metrics = _numbers(report)
        for cat, row in report.get("per_category", {}).items():
            metrics[f"recall.{cat}"] = row["recall"]
        info = {**s.describe(), "rows": report.get("cases"), "errors": len(report["errors"])}
        section.sets.append(SetResult(s.name, s.status_of(), True, metrics, info))
        section.plots.setdefault("confusion", {})[s.name] = report["confusion"]
    return section


# --- answers ---------------------------------------------------------------------------------


def _split_files(ctx: EvalContext, s: EvalSet, path: Path) -> dict[str | None, Path]:
    if not s.split:
        return {None: path}
    rows = [row for _, row in read_jsonl(path, what="questions", required=("question",))]
    parts: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        parts.setdefault(str(row.get(s.split, "")), []).append(row)
    out: dict[str | None, Path] = {}
    for value, part in sorted(parts.items(), key=lambda kv: str(kv[0])):
        file = ctx.workdir / f"answers-{s.name}-{value}.jsonl"
        file.write_text("".join(json.dumps(r) + "\n" for r in part), encoding="utf-8")
        out[value] = file
    return out


def _run_answers(ctx: EvalContext) -> Section:
    section = Section()
    turn = ctx.assistant.turner(TurnOptions(region=ctx.region))
    for s in ctx.sets.get("answers", []):
        if not s.present:
            section.sets.append(_absent(s))
            continue
        path, used, total = _rows_in_kb(ctx, s, "answers")
        for value, file in _split_files(ctx, s, path).items():
            name = s.name if value is None else f"{s.name}.{value}"
            result = SetResult(
                name,
                s.status_of(value),
                True,
                info={**s.describe(), "rows": used, "rows_in_file": total},
            )
            if used:
                report = evaluate_answers(turn, file)
                result.metrics = _numbers(report, skip=("questions",))
                result.info["rows"] = report["questions"]
            else:
                result.info["absent"] = "no question has its gold page in this index"
            section.sets.append(result)
    return section


# --- latency ---------------------------------------------------------------------------------


def _latency_questions(ctx: EvalContext) -> list[str]:
    """Questions timed: the retrieval sets' rows in this index, at most 60 (quick: 30) of each."""
    cap = 30 if ctx.quick else 60
    out: list[str] = []
    for s in ctx.sets.get("retrieval", []):
        if s.present:
            out += [row["question"] for row in _kept_rows(ctx, s)[0][:cap]]
    return out


def _timed(fn: Callable[[str], Any], questions: Sequence[str]) -> list[float]:
    for q in questions[:3]:
        fn(q)  # warm-up: embedder, caches, SQLite pages
    out = []
    for q in questions:
        start = time.perf_counter()
        fn(q)
        out.append(round((time.perf_counter() - start) * 1000.0, 3))
    return out


def _pcts(values: Sequence[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None}
    return {"p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2)}


def _run_latency(ctx: EvalContext) -> Section:
    questions = _latency_questions(ctx)
    if not questions:
        return Section(unavailable="no retrieval question has its gold page in this index")
    turn = ctx.assistant.turner(TurnOptions(region=ctx.region))
    samples = {
        "search.full": _timed(_search_fn(ctx.assistant.retriever), questions),
        "search.bm25": _timed(_search_fn(ctx.bm25), questions),
        "ask": _timed(turn, questions),
    }
    metrics: dict[str, Any] = {}
    for name, values in samples.items():
        metrics.update({f"{name}.{p}": v for p, v in _pcts(values).items()})
    full, bm25 = metrics["search.full.p50"], metrics["search.bm25.p50"]
    metrics["search.full_vs_bm25_p50_ratio"] = round(full / bm25, 2) if bm25 else None
    info = {"rows": len(questions), "status": "timing", "note": "warm, one process, ms"}
    result = SetResult("warm", "timing", True, metrics, info)
    return Section(sets=[result], plots={"latency": samples})


def _run_conversations(ctx: EvalContext) -> Section:
    """Multi-turn quality through a real ChatService (its conversation store is a temporary
    file); conversations whose gold pages are not all in the index are skipped and counted."""
    from oncoguide.chat.service import evaluation_service
    from oncoguide.evaluation.conversation_eval import evaluate_conversations

    section = Section()
    for s in ctx.sets.get("conversations", []):
        if not s.present:
            section.sets.append(_absent(s))
            continue
        assert s.path is not None
        with evaluation_service(ctx.assistant.settings) as service:
            report = evaluate_conversations(service, s.path, known_urls=ctx.indexed_urls)
        info = {**s.describe(), "rows": report["conversations"],
                "skipped_not_in_index": report["skipped_not_in_index"]}  # fmt: skip
        result = SetResult(s.name, s.status_of(), True, _numbers(report), info)
        if not report["conversations"]:
            result.info["absent"] = "no conversation has all its gold pages in this index"
        section.sets.append(result)
    return section


_RETRIEVAL = tuple(
    f"{c}.{m}"
    for c in ("full", "bm25")
    for m in ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "patient_first@1")
)
EVALUATIONS: tuple[Evaluation, ...] = (
    Evaluation("retrieval", _RETRIEVAL, _run_retrieval),
    Evaluation(
        "safety",
        (
            "accuracy",
            "false_refusal_rate",
            "escalation_recall",
            "hard_stop_recall",
            "soft_flag_rate",
            "recall.emergency",
            "recall.self_harm",
        ),
        _run_safety,
    ),
    Evaluation(
        "answers",
        (
            "verified_sentence_rate",
            "cited_gold_rate",
            "coverage_rate",
            "section_hit_rate",
            "false_abstention_rate",
            "offtopic_abstention_rate",
            "reading_grade_median",
            "latency_ms.p50",
            "latency_ms.p95",
        ),
        _run_answers,
    ),
    Evaluation(
        "conversations",
        (
            "followup_gold_hit",
            "followup_first_cited_gold",
            "followup_alone_gold_hit",
            "clarify_expected",
            "clarify_asked",
            "clarify_unexpected",
            "latency_ms.p50",
            "latency_ms.p95",
        ),
        _run_conversations,
    ),
    Evaluation(
        "latency",
        (
            "search.full.p50",
            "search.full.p95",
            "search.bm25.p50",
            "search.bm25.p95",
            "ask.p50",
            "ask.p95",
            "search.full_vs_bm25_p50_ratio",
        ),
        _run_latency,
    ),
)
