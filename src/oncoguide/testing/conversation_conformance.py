"""ConversationStore conformance tests: every backend runs these against a fresh, migrated store.

    class TestSqliteConversations(ConversationStoreConformance):
        @pytest.fixture
        def conversation_store(self, tmp_path): ...  # fresh and migrated; closed after the test

`tests/index/test_conversation_store.py` parametrises that fixture by backend; a PostgreSQL
backend adds its parameter there and gets every test below unchanged.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from oncoguide.errors import StoreError
from oncoguide.index.conversations import (
    ConversationStore,
    FeedbackRecord,
    MessageQuery,
    MessageRecord,
    SessionRecord,
)

__all__ = ["T0", "ConversationStoreConformance", "make_message", "make_session"]

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def make_session(session_id: str = "s1", **fields: object) -> SessionRecord:
    base: dict[str, object] = {
        "session_id": session_id, "created_at": T0, "channel": "web", "locale": "en-US",
        "region": "US", "audience": "patient", "cancer_type": None, "consent": True,
    }  # fmt: skip
    base.update(fields)
    return SessionRecord(**base)  # type: ignore[arg-type]


def make_message(
    message_id: str, session_id: str = "s1", ordinal: int = 1, **fields: object
) -> MessageRecord:
    base: dict[str, object] = {
        "message_id": message_id, "session_id": session_id, "ordinal": ordinal,
        "created_at": T0 + timedelta(minutes=ordinal), "question": f"question {message_id}",
        "answer_json": '{"answer": "x"}', "kind": "answer", "safety_category": "none",
        "abstained": False, "abstain_reason": None, "latency_ms": 12.5,
    }  # fmt: skip
    base.update(fields)
    return MessageRecord(**base)  # type: ignore[arg-type]


class ConversationStoreConformance:
    """Behaviour every ConversationStore backend must show."""

    def test_is_a_conversation_store_and_migrate_is_idempotent(
        self, conversation_store: ConversationStore
    ) -> None:
        assert isinstance(conversation_store, ConversationStore)
        version = conversation_store.migrate()
        assert version >= 1 and conversation_store.migrate() == version
        conversation_store.ping()

    def test_session_round_trip_and_unknown_is_none(
        self, conversation_store: ConversationStore
    ) -> None:
        session = make_session("s1", cancer_type="breast", audience="caregiver", locale="es")
        conversation_store.create_session(session)
        assert conversation_store.get_session("s1") == session
        assert conversation_store.get_session("nope") is None

    def test_duplicate_session_is_a_store_error(
        self, conversation_store: ConversationStore
    ) -> None:
        conversation_store.create_session(make_session("s1"))
        with pytest.raises(StoreError):
            conversation_store.create_session(make_session("s1"))

    def test_session_state_is_replaced(self, conversation_store: ConversationStore) -> None:
        conversation_store.create_session(make_session("s1"))
        conversation_store.set_session_state("s1", '{"topic": ["u1"]}')
        stored = conversation_store.get_session("s1")
        assert stored is not None and stored.state == '{"topic": ["u1"]}'

    def test_messages_round_trip_in_order_and_are_counted(
        self, conversation_store: ConversationStore
    ) -> None:
        conversation_store.create_session(make_session("s1"))
        conversation_store.create_session(make_session("s2"))
        first = conversation_store.append_message(make_message("m1", ordinal=0))
        second = conversation_store.append_message(
            make_message("m2", ordinal=0, abstained=True, abstain_reason="OFF_TOPIC")
        )
        other = conversation_store.append_message(make_message("m3", "s2", ordinal=0))
        assert (first.ordinal, second.ordinal, other.ordinal) == (1, 2, 1)
        assert conversation_store.get_message("m2") == second
        assert conversation_store.get_message("zzz") is None
        assert conversation_store.count_messages("s1") == 2
        found = conversation_store.find_messages(MessageQuery(session_id="s1"))
        assert [m.message_id for m in found] == ["m1", "m2"]

    def test_a_repeated_message_id_or_unknown_session_is_refused(
        self, conversation_store: ConversationStore
    ) -> None:
        conversation_store.create_session(make_session("s1"))
        conversation_store.append_message(make_message("m1"))
        with pytest.raises(StoreError):
            conversation_store.append_message(make_message("m1"))
        with pytest.raises(StoreError):
            conversation_store.append_message(make_message("m3", "no-such-session"))
        assert conversation_store.count_messages("s1") == 1

    def test_concurrent_appends_lose_no_turn(self, conversation_store: ConversationStore) -> None:
        conversation_store.create_session(make_session("s1"))
        errors: list[BaseException] = []

        def write(worker: int) -> None:
            try:
                for i in range(10):
                    conversation_store.append_message(make_message(f"w{worker}-{i}"))
            except BaseException as exc:  # collected and re-raised by the test
                errors.append(exc)

        threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        stored = conversation_store.find_messages(MessageQuery(session_id="s1"))
        assert sorted(m.ordinal for m in stored) == list(range(1, 61))

    def test_second_feedback_replaces_the_first(
        self, conversation_store: ConversationStore
    ) -> None:
        conversation_store.create_session(make_session("s1"))
        conversation_store.append_message(make_message("m1"))
        conversation_store.put_feedback(FeedbackRecord("m1", "up", None, None, T0))
        later = FeedbackRecord("m1", "down", "wrong", "not what I asked", T0 + timedelta(hours=1))
        conversation_store.put_feedback(later)
        assert conversation_store.get_feedback("m1") == later
        message = conversation_store.get_message("m1")
        assert message is not None and message.rating == "down"
        assert conversation_store.counts().feedback == 1

    def test_feedback_for_an_unknown_message_is_refused(
        self, conversation_store: ConversationStore
    ) -> None:
        with pytest.raises(StoreError):
            conversation_store.put_feedback(FeedbackRecord("ghost", "up", None, None, T0))
        assert conversation_store.get_feedback("ghost") is None

    def test_find_messages_filters(self, conversation_store: ConversationStore) -> None:
        conversation_store.create_session(make_session("s1"))
        rows = [
            make_message("a", ordinal=1, safety_category="emergency"),
            make_message("b", ordinal=2, abstained=True, abstain_reason="NO_RESULTS"),
            make_message("c", ordinal=3),
            make_message("d", ordinal=4, created_at=T0 + timedelta(days=2)),
        ]
        for row in rows:
            conversation_store.append_message(row)
        conversation_store.put_feedback(FeedbackRecord("c", "down", None, None, T0))
        conversation_store.put_feedback(FeedbackRecord("d", "up", None, None, T0))

        def ids(**kw: object) -> list[str]:
            query = MessageQuery(**kw)  # type: ignore[arg-type]
            return [m.message_id for m in conversation_store.find_messages(query)]

        assert ids() == ["a", "b", "c", "d"]
        assert ids(safety_category="emergency") == ["a"]
        assert ids(abstained=True) == ["b"]
        assert ids(abstained=False) == ["a", "c", "d"]
        assert ids(rated_down=True) == ["c"]
        assert ids(rated_down=False) == ["a", "b", "d"]
        assert ids(since=T0 + timedelta(days=1)) == ["d"]
        assert ids(until=T0 + timedelta(days=1)) == ["a", "b", "c"]
        assert ids(limit=2, offset=1) == ["b", "c"]
        counts = conversation_store.counts()
        assert (counts.sessions, counts.messages, counts.feedback) == (1, 4, 2)

    def test_hostile_text_is_stored_verbatim(self, conversation_store: ConversationStore) -> None:
        text = "'; DROP TABLE messages; -- \x00 化疗 🙂 " + "x" * 4000
        conversation_store.create_session(make_session("s1"))
        conversation_store.append_message(make_message("m1", question=text, answer_json=text))
        stored = conversation_store.get_message("m1")
        assert stored is not None and stored.question == text
