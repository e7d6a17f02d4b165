"""The ConversationStore conformance suite, parametrised by backend, plus SQLite-only checks.

A PostgreSQL backend adds a parameter to `conversation_store` (skipped where no server runs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oncoguide.errors import StoreError
from oncoguide.index.conversations import ConversationStore, MessageQuery
from oncoguide.index.sqlite import open_store
from oncoguide.index.sqlite_conversations import SqliteConversationStore, conversation_migrations
from oncoguide.testing.conversation_conformance import (
    ConversationStoreConformance,
    make_message,
    make_session,
)

pytestmark = pytest.mark.unit


def _sqlite(tmp_path: Path) -> SqliteConversationStore:
    store = SqliteConversationStore(tmp_path / "chat.db")
    store.migrate()
    return store


BACKENDS = {"sqlite": _sqlite}


class TestConversationStore(ConversationStoreConformance):
    @pytest.fixture(params=sorted(BACKENDS))
    def conversation_store(
        self, request: pytest.FixtureRequest, tmp_path: Path
    ) -> Iterator[ConversationStore]:
        store = BACKENDS[request.param](tmp_path)
        yield store
        store.close()


def test_conversation_migrations_are_numbered_without_gaps() -> None:
    versions = [v for v, _, _ in conversation_migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_conversations_live_beside_the_index_and_survive_reopen(tmp_path: Path) -> None:
    db = tmp_path / "oncoguide.db"
    with open_store(db) as index:
        index_version = index.stats().schema_version
    with SqliteConversationStore(db) as chat:
        chat.migrate()
        chat.create_session(make_session("s1"))
        chat.append_message(make_message("m1"))
    with SqliteConversationStore(db) as chat:
        assert chat.migrate() == len(conversation_migrations())
        assert chat.count_messages("s1") == 1
    with open_store(db) as index:  # the index schema version is not moved by the chat tables
        assert index.stats().schema_version == index_version


def test_a_closed_store_raises_store_error(tmp_path: Path) -> None:
    store = _sqlite(tmp_path)
    store.close()
    with pytest.raises(StoreError, match=r"chat\.db"):
        store.ping()


def test_newer_conversation_schema_is_refused(tmp_path: Path) -> None:
    with _sqlite(tmp_path) as store:
        store._conn.execute("INSERT INTO conversation_migrations (version, name) VALUES (99, 'x')")
    with (
        pytest.raises(StoreError, match="newer"),
        SqliteConversationStore(tmp_path / "chat.db") as s,
    ):
        s.migrate()


def test_two_connections_appending_at_once_lose_no_turn(tmp_path: Path) -> None:
    """Two stores on one file (as two server processes would have) write the same session."""
    import threading

    first, second = _sqlite(tmp_path), SqliteConversationStore(tmp_path / "chat.db")
    first.create_session(make_session("s1"))

    def write(store: SqliteConversationStore, name: str) -> None:
        for i in range(25):
            store.append_message(make_message(f"{name}-{i}"))

    threads = [
        threading.Thread(target=write, args=(s, n)) for s, n in ((first, "a"), (second, "b"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert first.count_messages("s1") == 50
    assert {m.ordinal for m in first.find_messages(MessageQuery(session_id="s1"))} == set(
        range(1, 51)
    )
    first.close()
    second.close()
