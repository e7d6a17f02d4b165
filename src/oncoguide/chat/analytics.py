"""Operators' numbers over stored turns: one pure function from messages to a metrics dict.

Backend-neutral: it reads `MessageRecord`s (any `ConversationStore.find_messages` result), so the
SQLite and PostgreSQL deployments report the same way. Used by `GET /v1/admin/metrics` and
`oncoguide report`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from oncoguide.index.conversations import MessageRecord

__all__ = ["compute_metrics", "render_markdown"]


def _rate(n: int, total: int) -> float:
    return round(n / total, 4) if total else 0.0


def compute_metrics(messages: Sequence[MessageRecord], *, top: int = 10) -> dict[str, Any]:
    """turns per day, abstention rate by reason, safety events by category, feedback ratio,
    latency p50/p95 and the most frequent unanswered (abstained) questions."""
    total = len(messages)
    per_day = Counter(m.created_at.date().isoformat() for m in messages)
    abstained = [m for m in messages if m.abstained]
    reasons = Counter(m.abstain_reason or "UNKNOWN" for m in abstained)
    safety = Counter(m.safety_category for m in messages if m.safety_category != "none")
    ratings = Counter(m.rating for m in messages if m.rating)
    rated = ratings["up"] + ratings["down"]
    latencies = np.array([m.latency_ms for m in messages], dtype=float)
    unanswered = Counter(" ".join(m.question.lower().split()) for m in abstained)
    return {
        "turns": total,
        "sessions": len({m.session_id for m in messages}),
        "turns_per_day": dict(sorted(per_day.items())),
        "abstention": {
            "rate": _rate(len(abstained), total),
            "by_reason": {r: _rate(n, total) for r, n in sorted(reasons.items())},
            "count_by_reason": dict(sorted(reasons.items())),
        },
        "safety_events": dict(sorted(safety.items())),
        "clarifications": sum(1 for m in messages if m.kind == "clarify"),
        "feedback": {
            "up": ratings["up"],
            "down": ratings["down"],
            "up_ratio": _rate(ratings["up"], rated),
        },
        "latency_ms": {
            "p50": round(float(np.percentile(latencies, 50)), 1) if total else None,
            "p95": round(float(np.percentile(latencies, 95)), 1) if total else None,
        },
        "top_unanswered": [{"question": q, "count": n} for q, n in unanswered.most_common(top)],
    }


def render_markdown(metrics: dict[str, Any], *, title: str) -> str:
    """The metrics as a Markdown report (the operators' daily summary)."""
    lat = metrics["latency_ms"]
    fb = metrics["feedback"]
    lines = [
        f"# {title}", "",
        f"- turns: {metrics['turns']} in {metrics['sessions']} sessions",
        f"- abstention rate: {metrics['abstention']['rate']:.1%}",
        f"- clarifying questions: {metrics['clarifications']}",
        f"- feedback: {fb['up']} up, {fb['down']} down (up ratio {fb['up_ratio']:.0%})",
        f"- latency: p50 {lat['p50']} ms, p95 {lat['p95']} ms", "",
        "## Turns per day", "", "| day | turns |", "|---|---|",
        *[f"| {d} | {n} |" for d, n in metrics["turns_per_day"].items()], "",
        "## Abstentions by reason", "", "| reason | turns | share of all turns |", "|---|---|---|",
        *[f"| {r} | {n} | {metrics['abstention']['by_reason'][r]:.1%} |"
          for r, n in metrics["abstention"]["count_by_reason"].items()], "",
        "## Safety events by category", "", "| category | turns |", "|---|---|",
        *[f"| {c} | {n} |" for c, n in metrics["safety_events"].items()], "",
        "## Top unanswered questions", "", "| question | times |", "|---|---|",
        *[f"| {_cell(u['question'])} | {u['count']} |" for u in metrics["top_unanswered"]], "",
    ]  # fmt: skip
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
