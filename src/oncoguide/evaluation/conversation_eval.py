"""`oncoguide eval conversations`: multi-turn quality over a JSONL conversation file.

Rows: {id, kb, turns: [{message, gold_urls?, kind?}], note?}. `kind` is "clarify" when the turn must
get a clarifying question, "new_topic" when it starts a new subject; other turns after the first are
follow-ups. Every conversation runs in a fresh session of a real `ChatService` (its conversation
store is a temporary file, so the index is only read). A conversation whose gold pages are not all
in the index (e.g. the sample-KB rows against the NCI index) is skipped and counted.

Numbers:
- followup_gold_hit: turns after the first with gold urls whose answer cites a gold page;
- followup_first_cited_gold: the same, counting only the first citation;
- followup_alone_gold_hit: the same follow-up messages asked with no conversation (the baseline
  the session's memory is measured against);
- clarify_asked / clarify_expected, and clarify_unexpected (a clarifying question not due).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any

from oncoguide.chat.service import ChatService, NewSession
from oncoguide.errors import EvaluationError
from oncoguide.evaluation.jsonl import read_jsonl
from oncoguide.evaluation.metrics import normalize_url, percentile

__all__ = ["BUNDLED", "evaluate_conversations", "load_conversations"]

BUNDLED = Path(__file__).parent / "data" / "conversations.jsonl"


def load_conversations(path: Path) -> list[dict[str, Any]]:
    rows = [row for _, row in read_jsonl(path, what="conversations", required=("id",))]
    for row in rows:
        turns = row.get("turns")
        if not isinstance(turns, list) or len(turns) < 2:
            raise EvaluationError(f"{path}: conversation {row['id']} needs at least two turns")
    return rows


def _session(service: ChatService) -> str:
    new = NewSession("eval", "en", "US", "patient", None, True)
    return service.create_session(new).session_id


def _cited(data: dict[str, Any]) -> list[str]:
    return [normalize_url(c["url"]) for c in data.get("citations", [])]


def evaluate_conversations(
    service: ChatService,
    path: Path,
    *,
    known_urls: Collection[str],
    clock: Callable[[], float] | None = None,
) -> dict[str, Any]:
    """Run every conversation in `path` whose gold pages are in `known_urls`; return the report."""
    import time

    now = clock or time.perf_counter
    known = {normalize_url(u) for u in known_urls}
    counts = {"followup": 0, "hit": 0, "first": 0, "alone": 0, "abstained": 0,
              "clarify_expected": 0, "clarify_asked": 0, "clarify_unexpected": 0}  # fmt: skip
    details: list[dict[str, Any]] = []
    latencies: list[float] = []
    run = skipped = 0
    for conv in load_conversations(path):
        gold_all = {normalize_url(g) for t in conv["turns"] for g in t.get("gold_urls", [])}
        if not gold_all <= known:
            skipped += 1
            continue
        run += 1
        sid = _session(service)
        for n, turn in enumerate(conv["turns"]):
            start = now()
            data = service.chat(sid, turn["message"]).data
            latencies.append((now() - start) * 1000)
            clarified = bool(data.get("suggested_replies"))
            if turn.get("kind") == "clarify":
                counts["clarify_expected"] += 1
                counts["clarify_asked"] += clarified
            elif clarified:
                counts["clarify_unexpected"] += 1
            gold = {normalize_url(g) for g in turn.get("gold_urls", [])}
            if n == 0 or not gold:
                continue
            cited = _cited(data)
            alone = _cited(service.chat(_session(service), turn["message"]).data)
            hit = any(u in gold for u in cited)
            counts["followup"] += 1
            counts["hit"] += hit
            counts["first"] += bool(cited) and cited[0] in gold
            counts["alone"] += any(u in gold for u in alone)
            counts["abstained"] += bool(data.get("abstained"))
            details.append({"id": conv["id"], "turn": n, "message": turn["message"],
                            "resolved_question": data.get("resolved_question"), "hit": hit,
                            "cited": cited[:3]})  # fmt: skip
    f = max(counts["followup"], 1)
    return {
        "conversations": run,
        "skipped_not_in_index": skipped,
        "followup_turns": counts["followup"],
        "followup_gold_hit": round(counts["hit"] / f, 4),
        "followup_first_cited_gold": round(counts["first"] / f, 4),
        "followup_alone_gold_hit": round(counts["alone"] / f, 4),
        "followup_abstained": counts["abstained"],
        "clarify_expected": counts["clarify_expected"],
        "clarify_asked": counts["clarify_asked"],
        "clarify_unexpected": counts["clarify_unexpected"],
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 1),
            "p95": round(percentile(latencies, 95), 1),
        },
        "misses": [d for d in details if not d["hit"]],
    }
