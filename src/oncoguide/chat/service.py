"""The chat service: sessions, multi-turn chat, feedback. The HTTP API is a thin shell over it.

One `ChatService` is built per process from an `Assistant` (index, retriever, safety policy) and a
`ConversationStore`. `chat()` plans the turn from the session's state (a follow-up is resolved
against the last topic, an ambiguous question may get one clarifying question:
`oncoguide.chat.followup`), runs the ordinary turn (`oncoguide.chat.turn`), stores the turn with
its message text redacted, and returns the `ask --json` object plus `message_id`.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oncoguide import __version__
from oncoguide.answer import to_answer_json
from oncoguide.chat.assistant import Assistant
from oncoguide.chat.followup import ConversationState, TurnPlan, plan_turn, remember_turn
from oncoguide.chat.language import preload_identifier
from oncoguide.chat.redact import redact_contacts
from oncoguide.chat.turn import TurnOptions
from oncoguide.config import Settings
from oncoguide.errors import ConsentError, NotFoundError
from oncoguide.index.conversations import (
    ConversationStore,
    FeedbackRecord,
    MessageRecord,
    SessionRecord,
)
from oncoguide.types import SearchFilters

__all__ = [
    "ChatReply",
    "ChatService",
    "NewSession",
    "SessionView",
    "evaluation_service",
    "kb_fingerprint",
    "open_chat_service",
    "stream_events",
]

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class NewSession:
    channel: str
    locale: str
    region: str
    audience: str
    cancer_type: str | None
    consent: bool


@dataclass(frozen=True)
class SessionView:
    """What `GET /v1/sessions/{id}` shows: the session's settings and its turn count."""

    session: SessionRecord
    turns: int

    def to_dict(self) -> dict[str, Any]:
        s = self.session
        return {
            "session_id": s.session_id, "created_at": s.created_at.isoformat(),
            "channel": s.channel, "locale": s.locale, "region": s.region,
            "audience": s.audience, "cancer_type": s.cancer_type, "consent": s.consent,
            "turns": self.turns,
        }  # fmt: skip


@dataclass(frozen=True)
class ChatReply:
    """The stored turn's id and the answer object (`ask --json` keys plus `message_id`)."""

    message_id: str
    data: dict[str, Any]


class ChatService:
    """Sessions, turns and feedback over one assistant and one conversation store."""

    def __init__(
        self,
        assistant: Assistant,
        conversations: ConversationStore,
        settings: Settings,
        *,
        clock: Clock = _utcnow,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self.assistant = assistant
        self.conversations = conversations
        self.settings = settings
        self._clock = clock
        self._new_id = new_id
        self._kb_fingerprint: str | None = None

    # -- sessions -----------------------------------------------------------------------------

    def create_session(self, new: NewSession) -> SessionRecord:
        session = SessionRecord(
            session_id=self._new_id(), created_at=self._clock(), channel=new.channel,
            locale=new.locale, region=new.region.upper(), audience=new.audience,
            cancer_type=new.cancer_type, consent=new.consent,
        )  # fmt: skip
        self.conversations.create_session(session)
        return session

    def session(self, session_id: str) -> SessionView:
        found = self.conversations.get_session(session_id)
        if found is None:
            raise NotFoundError(f"no session {session_id!r}")
        return SessionView(found, self.conversations.count_messages(session_id))

    # -- chat ---------------------------------------------------------------------------------

    def chat(self, session_id: str, message: str) -> ChatReply:
        """One turn of the session's conversation, stored; NotFoundError / ConsentError first."""
        view = self.session(session_id)
        session = view.session
        if self.settings.consent_required and not session.consent:
            raise ConsentError(
                "this session has not given consent: create a session with consent=true"
            )
        start = time.perf_counter()
        # Everything planned, searched and stored (turn, answer, session state) uses the redacted
        # text; only the reply echoes the message as typed.
        text = self._redact(message)
        state = ConversationState.from_json(session.state)
        plan = plan_turn(text, state, cancer_type=session.cancer_type)
        if plan.clarify is not None and self._safety_flags(text, session.region):
            plan = replace(plan, clarify=None)  # never clarify before an emergency/crisis reply
        if plan.clarify is not None:
            data = plan.clarify.to_answer_dict(text)
            new_state = plan.state
        else:
            data, new_state = self._answer(text, plan, session, state)
        latency = round((time.perf_counter() - start) * 1000, 2)
        message_id = self._new_id()
        data = {**data, "message_id": message_id}
        self._store(session, message_id, text, data, latency)
        self.conversations.set_session_state(session.session_id, new_state.to_json())
        return ChatReply(message_id, {**data, "question": message})

    def _redact(self, message: str) -> str:
        if not self.settings.redact_contacts:
            return message
        return redact_contacts(message, self.settings.phone_region)

    def _safety_flags(self, message: str, region: str) -> bool:
        """Any action or concern from the safety stage (read from the decision, not its name)."""
        decision = self.assistant.policy.check(message, region=region)
        return bool(decision.actions) or decision.concern is not None

    def _answer(
        self, message: str, plan: TurnPlan, session: SessionRecord, state: ConversationState
    ) -> tuple[dict[str, Any], ConversationState]:
        # The session's cancer type completes questions that name no subject (plan_turn); it is
        # not a search filter, or a question about fatigue in a breast cancer session would lose
        # every general page.
        options = TurnOptions(
            region=session.region, audience=session.audience, as_of=self._clock().date()
        )
        result = self.assistant.turner(options)(plan.query)
        answer = replace(result.answer, question=message)
        data = to_answer_json(answer, safety=result.safety, timings_ms=dict(result.timings_ms))
        data["resolved_question"] = plan.query
        data["suggested_replies"] = []
        return data, remember_turn(plan, result, state)

    def _store(
        self,
        session: SessionRecord,
        message_id: str,
        message: str,
        data: dict[str, Any],
        latency_ms: float,
    ) -> None:
        self.conversations.append_message(
            MessageRecord(
                message_id=message_id, session_id=session.session_id, ordinal=0,
                created_at=self._clock(), question=message,
                answer_json=json.dumps(data, ensure_ascii=False),
                kind="clarify" if data.get("suggested_replies") else "answer",
                safety_category=str(data["safety"]["category"]),
                abstained=bool(data["abstained"]), abstain_reason=data["abstain_reason"],
                latency_ms=latency_ms,
            )
        )  # fmt: skip

    # -- search and health ----------------------------------------------------------------------

    def search(
        self, query: str, *, k: int, audience: str | None, cancer_type: str | None
    ) -> dict[str, Any]:
        """The `search --json` object for `query`."""
        result = self.assistant.retriever.search(
            query, k=k, filters=SearchFilters(cancer_type=cancer_type), audience=audience
        )
        return {"query": query, "results": [hit.to_result_dict() for hit in result.hits]}

    def cancer_types(self) -> dict[str, int]:
        return self.assistant.store.cancer_types()

    def health(self) -> dict[str, Any]:
        """Database reachable, what is indexed and stored, embedder, KB fingerprint, version.
        A database that cannot answer raises StoreError (the API turns it into 503)."""
        stats = self.assistant.store.stats()
        counts = self.conversations.counts()
        embedder = self.assistant.embedder
        return {
            "status": "ok", "database": "reachable", "documents": stats.documents,
            "chunks": stats.chunks, "embeddings": stats.embeddings,
            "schema_version": stats.schema_version, "sessions": counts.sessions,
            "messages": counts.messages, "feedback": counts.feedback,
            "embedder": embedder.name if embedder is not None else "none",
            "kb_fingerprint": self._fingerprint(), "version": __version__,
        }  # fmt: skip

    def _fingerprint(self) -> str:
        if self._kb_fingerprint is None:
            self._kb_fingerprint = kb_fingerprint(self.assistant.store.document_hashes())
        return self._kb_fingerprint

    def warm_up(self) -> None:
        """Load every lazy piece of a turn now, on one thread: the retriever's state (vocabulary,
        document metadata, dense matrix, embedding worker), the safety classifier, the composer's
        dictionaries and the language identifier. Their loaders are not locked: without this, the
        first burst of concurrent requests would each build them (measured: 2 GB peak and
        1 req/s), and the first requests would wait seconds."""
        self.assistant.retriever.search("cancer treatment side effects", k=1)
        self.assistant.turner(TurnOptions())("what are the side effects of chemotherapy?")
        preload_identifier()

    def close(self) -> None:
        self.conversations.close()
        self.assistant.close()

    # -- feedback -----------------------------------------------------------------------------

    def feedback(
        self, message_id: str, rating: str, reason: str | None, comment: str | None
    ) -> FeedbackRecord:
        """Rate a message; a second rating of the same message replaces the first."""
        if self.conversations.get_message(message_id) is None:
            raise NotFoundError(f"no message {message_id!r}")
        record = FeedbackRecord(message_id, rating, reason, comment, self._clock())
        self.conversations.put_feedback(record)
        return record


def kb_fingerprint(hashes: dict[str, str]) -> str:
    """A short hash of every indexed document's id and content hash: equal KBs, equal prints."""
    digest = hashlib.sha256()
    for doc_id in sorted(hashes):
        digest.update(f"{doc_id}\t{hashes[doc_id]}\n".encode())
    return digest.hexdigest()[:16]


def stream_events(reply: ChatReply) -> Iterator[tuple[str, dict[str, Any]]]:
    """The server-sent events of one reply: safety first, then the answer in pieces (one per
    paragraph), then the citations, then `final` with the whole object."""
    data = reply.data
    yield "safety", {"message_id": reply.message_id, **data["safety"]}
    for n, piece in enumerate(p for p in str(data["answer"]).split("\n\n") if p.strip()):
        yield "answer", {"index": n, "text": piece}
    yield "citations", {"citations": data["citations"]}
    yield "final", data


def open_chat_service(settings: Settings) -> ChatService:
    """Open the index, the assistant and the conversation tables (migrated) for one process."""
    from oncoguide.chat.assistant import open_assistant
    from oncoguide.index.backends import open_conversations

    assistant = open_assistant(settings)
    try:
        conversations = open_conversations(settings.db)
    except BaseException:
        assistant.close()
        raise
    service = ChatService(assistant, conversations, settings)
    try:
        service.warm_up()
    except BaseException:
        service.close()
        raise
    return service


@contextmanager
def evaluation_service(settings: Settings) -> Iterator[ChatService]:
    """A ChatService over the index whose conversations go to a temporary file (the index is only
    read), closed and deleted afterwards; for evaluations and benchmarks."""
    from oncoguide.chat.assistant import open_assistant
    from oncoguide.index.sqlite_conversations import SqliteConversationStore

    with tempfile.TemporaryDirectory(prefix="oncoguide-eval-") as tmp:
        conversations = SqliteConversationStore(Path(tmp) / "conversations.db")
        conversations.migrate()
        try:
            assistant = open_assistant(settings)
        except BaseException:
            conversations.close()
            raise
        service = ChatService(assistant, conversations, settings)
        try:
            yield service
        finally:
            service.close()
