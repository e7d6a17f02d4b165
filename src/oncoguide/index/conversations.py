"""The conversation storage interface: sessions, messages, feedback, and the queries analytics need.

SQLite (`oncoguide.index.sqlite_conversations`) implements it; a PostgreSQL backend implements the
same protocol and runs the same conformance suite (`oncoguide.testing.conversation_conformance`).
Records are frozen dataclasses; times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

__all__ = [
    "ConversationCounts",
    "ConversationStore",
    "FeedbackRecord",
    "MessageQuery",
    "MessageRecord",
    "SessionRecord",
]


@dataclass(frozen=True)
class SessionRecord:
    """A chat session: who it is for, and the conversation state the chat service keeps (JSON)."""

    session_id: str
    created_at: datetime
    channel: str
    locale: str
    region: str
    audience: str
    cancer_type: str | None
    consent: bool
    state: str = "{}"


@dataclass(frozen=True)
class MessageRecord:
    """One turn: the (redacted) question and the whole answer object that was returned."""

    message_id: str
    session_id: str
    ordinal: int  # 1, 2, ... within the session; set by `append_message`
    created_at: datetime
    question: str
    answer_json: str
    kind: str  # answer | clarify
    safety_category: str
    abstained: bool
    abstain_reason: str | None
    latency_ms: float
    rating: str | None = None  # filled in by reads from the feedback table


@dataclass(frozen=True)
class FeedbackRecord:
    message_id: str
    rating: str  # up | down
    reason: str | None
    comment: str | None
    created_at: datetime


@dataclass(frozen=True)
class MessageQuery:
    """Filters for `find_messages`; every field left None does not filter."""

    since: datetime | None = None
    until: datetime | None = None  # exclusive
    session_id: str | None = None
    safety_category: str | None = None
    abstained: bool | None = None
    rated_down: bool | None = None
    limit: int = 1000
    offset: int = 0


@dataclass(frozen=True)
class ConversationCounts:
    sessions: int
    messages: int
    feedback: int


@runtime_checkable
class ConversationStore(Protocol):
    """Persistent sessions, messages and feedback. Every database error is a StoreError."""

    def migrate(self) -> int:
        """Apply pending numbered conversation migrations; return their schema version."""
        ...

    def ping(self) -> None:
        """Raise StoreError unless the database answers a trivial query."""
        ...

    def create_session(self, session: SessionRecord) -> None: ...

    def get_session(self, session_id: str) -> SessionRecord | None: ...

    def set_session_state(self, session_id: str, state: str) -> None:
        """Replace the session's conversation state (JSON text)."""
        ...

    def append_message(self, message: MessageRecord) -> MessageRecord:
        """Store one turn as the session's next: the store sets `ordinal` (1 + the turns already
        stored) atomically, so concurrent writers lose no turn, and returns the stored record.
        An unknown session or a repeated message_id is a StoreError."""
        ...

    def get_message(self, message_id: str) -> MessageRecord | None: ...

    def count_messages(self, session_id: str) -> int: ...

    def put_feedback(self, feedback: FeedbackRecord) -> None:
        """One rating per message: a second one for the same message replaces the first."""
        ...

    def get_feedback(self, message_id: str) -> FeedbackRecord | None: ...

    def find_messages(self, query: MessageQuery) -> Sequence[MessageRecord]:
        """Messages matching `query`, oldest first, with their rating."""
        ...

    def counts(self) -> ConversationCounts: ...

    def close(self) -> None: ...
