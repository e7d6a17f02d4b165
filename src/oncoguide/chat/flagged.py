"""Flagged turns for the admin dashboard: rated down, abstained, or with a safety event."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from oncoguide.index.conversations import ConversationStore, MessageQuery, MessageRecord

__all__ = ["FLAG_KINDS", "flag_reasons", "flagged_turns"]

FLAG_KINDS = ("rated_down", "abstained", "safety")


def flag_reasons(m: MessageRecord) -> list[str]:
    """Why a turn is flagged (`FLAG_KINDS`, in that order); empty when it is not."""
    reasons = []
    if m.rating == "down":
        reasons.append("rated_down")
    if m.abstained:
        reasons.append("abstained")
    if m.safety_category != "none":
        reasons.append("safety")
    return reasons


def flagged_turns(
    conversations: ConversationStore,
    *,
    since: datetime | None,
    kind: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """The newest flagged turns since `since` (only those flagged as `kind`, if given), each with
    its reasons, answer and citations as the user saw them."""
    turns = conversations.find_messages(MessageQuery(since=since, limit=1_000_000))
    out: list[dict[str, Any]] = []
    for m in reversed(turns):
        reasons = flag_reasons(m)
        if not reasons or (kind is not None and kind not in reasons):
            continue
        answer = json.loads(m.answer_json)
        out.append({
            "created_at": m.created_at.isoformat(timespec="seconds"), "session_id": m.session_id,
            "message_id": m.message_id, "question": m.question, "reasons": reasons,
            "safety_category": m.safety_category, "abstain_reason": m.abstain_reason,
            "rating": m.rating, "answer": str(answer.get("answer", "")),
            "citations": list(answer.get("citations", [])),
        })  # fmt: skip
        if len(out) >= limit:
            break
    return out
