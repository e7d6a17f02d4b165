"""What the people who run the service look at: conversations, metrics, the KB's state.

Library functions over the stores; `GET /v1/admin/*` and `oncoguide report` are thin shells.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from oncoguide.chat.analytics import compute_metrics
from oncoguide.errors import NotFoundError
from oncoguide.index.conversations import ConversationStore, MessageQuery, MessageRecord
from oncoguide.index.store import Store

__all__ = [
    "CSV_COLUMNS",
    "conversation_detail",
    "conversations_csv",
    "kb_summary",
    "message_row",
    "metrics_between",
]

CSV_COLUMNS = (
    "created_at", "session_id", "message_id", "ordinal", "kind", "question",
    "safety_category", "abstained", "abstain_reason", "rating", "latency_ms",
)  # fmt: skip
_ALL = 1_000_000  # reports read every turn in their window


def message_row(m: MessageRecord) -> dict[str, Any]:
    """One stored turn as the admin list shows it (without the whole answer)."""
    return {
        "created_at": m.created_at.isoformat(), "session_id": m.session_id,
        "message_id": m.message_id, "ordinal": m.ordinal, "kind": m.kind, "question": m.question,
        "safety_category": m.safety_category, "abstained": m.abstained,
        "abstain_reason": m.abstain_reason, "rating": m.rating, "latency_ms": m.latency_ms,
    }  # fmt: skip


def conversation_detail(conversations: ConversationStore, session_id: str) -> dict[str, Any]:
    """A session with every turn and the whole answer each turn returned."""
    session = conversations.get_session(session_id)
    if session is None:
        raise NotFoundError(f"no session {session_id!r}")
    turns = conversations.find_messages(MessageQuery(session_id=session_id, limit=_ALL))
    return {
        "session_id": session.session_id, "created_at": session.created_at.isoformat(),
        "channel": session.channel, "locale": session.locale, "region": session.region,
        "audience": session.audience, "cancer_type": session.cancer_type,
        "consent": session.consent,
        "turns": [{**message_row(m), "answer": json.loads(m.answer_json)} for m in turns],
    }  # fmt: skip


def conversations_csv(messages: Sequence[MessageRecord]) -> str:
    """CSV export of stored turns (one row per turn, `CSV_COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for m in messages:
        writer.writerow(message_row(m))
    return buffer.getvalue()


def metrics_between(
    conversations: ConversationStore, since: datetime | None, until: datetime | None
) -> dict[str, Any]:
    messages = conversations.find_messages(MessageQuery(since=since, until=until, limit=_ALL))
    window = {"since": since.isoformat() if since else None,
              "until": until.isoformat() if until else None}  # fmt: skip
    return {"window": window, **compute_metrics(messages)}


def kb_summary(store: Store, as_of: date) -> dict[str, Any]:
    """What is indexed (by audience, source type, status), the last ingest, and overdue pages."""
    docs = store.iter_documents()
    overdue = sorted(
        (d for d in docs if d.review_overdue(as_of)),
        key=lambda d: (d.review_due or as_of, d.doc_id),
    )
    last = store.get_meta("last_ingest")
    stats = store.stats()
    return {
        "as_of": as_of.isoformat(),
        "documents": stats.documents, "chunks": stats.chunks, "embeddings": stats.embeddings,
        "by_audience": dict(sorted(Counter(d.audience for d in docs).items())),
        "by_source_type": dict(sorted(Counter(d.source_type for d in docs).items())),
        "by_status": dict(sorted(Counter(d.status for d in docs).items())),
        "last_ingest": json.loads(last) if last else None,
        "overdue_count": len(overdue),
        "overdue": [{"doc_id": d.doc_id, "title": d.title, "url": d.url,
                     "review_due": d.review_due.isoformat() if d.review_due else None}
                    for d in overdue],
    }  # fmt: skip
