"""Conversations (sessions, messages, feedback) in the same PostgreSQL database as the index.

The PostgreSQL twin of `sqlite_conversations`: own numbered migrations
(`pg_conversation_migrations/`, tracked in `conversation_migrations`), applied under an advisory
lock; one connection per store,
calls serialised. `append_message` locks the session row (`SELECT … FOR UPDATE`) before it reads
the turn count, so API processes writing to one database never compute the same ordinal.
User text (question, answer, state, feedback text) is stored as UTF-8 bytes: PostgreSQL text
cannot hold a NUL character, and what a user typed is kept verbatim. psycopg errors become
StoreError naming the server (never the password).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from importlib import resources
from typing import Any

import psycopg

from oncoguide.errors import StoreError
from oncoguide.index.conversations import (
    ConversationCounts,
    FeedbackRecord,
    MessageQuery,
    MessageRecord,
    SessionRecord,
)
from oncoguide.index.postgres import connect, one_line, redact_url

__all__ = ["PostgresConversationStore", "message_query_sql", "pg_conversation_migrations"]

# Serialises conversation migrations between processes (not the index's lock: they may overlap).
_MIGRATION_LOCK = 0x6F6E636F6776
_SESSION_COLUMNS = (
    "session_id, created_at, channel, locale, region, audience, cancer_type, consent, state"
)
_MESSAGE_COLUMNS = (
    "m.message_id, m.session_id, m.ordinal, m.created_at, m.question, m.answer_json, m.kind,"
    " m.safety_category, m.abstained, m.abstain_reason, m.latency_ms, f.rating"
)


def pg_conversation_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every packaged PostgreSQL conversation migration, in order."""
    found = []
    for entry in resources.files("oncoguide.index.pg_conversation_migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def _b(text: str | None) -> bytes | None:
    return None if text is None else text.encode("utf-8", "surrogatepass")


def _s(data: bytes | None) -> str | None:
    return None if data is None else bytes(data).decode("utf-8", "surrogatepass")


def _text(data: bytes) -> str:
    return bytes(data).decode("utf-8", "surrogatepass")


def _session(row: dict[str, Any]) -> SessionRecord:
    return SessionRecord(
        session_id=row["session_id"], created_at=row["created_at"], channel=row["channel"],
        locale=row["locale"], region=row["region"], audience=row["audience"],
        cancer_type=row["cancer_type"], consent=bool(row["consent"]), state=_text(row["state"]),
    )  # fmt: skip


def _message(row: dict[str, Any]) -> MessageRecord:
    return MessageRecord(
        message_id=row["message_id"], session_id=row["session_id"], ordinal=row["ordinal"],
        created_at=row["created_at"], question=_text(row["question"]),
        answer_json=_text(row["answer_json"]), kind=row["kind"],
        safety_category=row["safety_category"], abstained=bool(row["abstained"]),
        abstain_reason=row["abstain_reason"], latency_ms=float(row["latency_ms"]),
        rating=row["rating"],
    )  # fmt: skip


def message_query_sql(query: MessageQuery) -> tuple[str, dict[str, Any]]:
    """The SELECT for `find_messages` and its parameters (same filters as the SQLite store)."""
    where: list[str] = []
    params: dict[str, Any] = {"limit": query.limit, "offset": query.offset}
    if query.since is not None:
        where.append("m.created_at >= %(since)s")
        params["since"] = query.since
    if query.until is not None:
        where.append("m.created_at < %(until)s")
        params["until"] = query.until
    for column in ("session_id", "safety_category"):
        value = getattr(query, column)
        if value is not None:
            where.append(f"m.{column} = %({column})s")
            params[column] = value
    if query.abstained is not None:
        where.append("m.abstained = %(abstained)s")
        params["abstained"] = query.abstained
    if query.rated_down is not None:
        where.append("coalesce(f.rating, '') " + ("= 'down'" if query.rated_down else "<> 'down'"))
    sql = (
        f"SELECT {_MESSAGE_COLUMNS} FROM messages m"
        " LEFT JOIN feedback f ON f.message_id = m.message_id"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + ' ORDER BY m.created_at, m.session_id COLLATE "C", m.ordinal'
        " LIMIT %(limit)s OFFSET %(offset)s"
    )
    return sql, params


class PostgresConversationStore:
    """A `ConversationStore` in a PostgreSQL database (usually the index's own). Thread-safe."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = redact_url(url)
        self._lock = threading.RLock()
        self._conn = connect(url)

    def __repr__(self) -> str:
        return f"PostgresConversationStore({self.path!r})"

    @contextmanager
    def _guard(self, action: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        with self._lock:
            try:
                yield self._conn
            except psycopg.Error as exc:
                raise StoreError(f"database {self.path}: cannot {action}: {one_line(exc)}") from exc

    @contextmanager
    def _transaction(self, action: str) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        with self._guard(action) as conn, conn.transaction():
            yield conn

    # -- schema ---------------------------------------------------------------------------------

    def migrate(self) -> int:
        known = pg_conversation_migrations()
        latest = known[-1][0] if known else 0
        with self._transaction("migrate conversations") as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS conversation_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
        current = self._version()
        if current > latest:
            raise StoreError(
                f"database {self.path} has conversation schema version {current}, newer than"
                f" this oncoguide supports ({latest}); upgrade oncoguide"
            )
        for version, name, text in known:
            if version <= current:
                continue
            with self._transaction(f"apply migration {name}") as conn:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
                done = conn.execute(
                    "SELECT 1 FROM conversation_migrations WHERE version = %s", (version,)
                ).fetchone()
                if done is None:  # not applied by another process while we waited
                    conn.execute(text.encode("utf-8"))  # packaged, trusted SQL
                    conn.execute(
                        "INSERT INTO conversation_migrations (version, name) VALUES (%s, %s)",
                        (version, name),
                    )
        return self._version()

    def _version(self) -> int:
        with self._guard("read the conversation schema version") as conn:
            row = conn.execute(
                "SELECT coalesce(max(version), 0) AS v FROM conversation_migrations"
            ).fetchone()
        return int(row["v"]) if row else 0

    def ping(self) -> None:
        with self._guard("answer a health check") as conn:
            conn.execute("SELECT count(*) FROM sessions").fetchone()

    # -- sessions -------------------------------------------------------------------------------

    def create_session(self, session: SessionRecord) -> None:
        s = session
        with self._transaction("create a session") as conn:
            conn.execute(
                f"INSERT INTO sessions ({_SESSION_COLUMNS})"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (s.session_id, s.created_at, s.channel, s.locale, s.region, s.audience,
                 s.cancer_type, s.consent, _b(s.state)),
            )  # fmt: skip

    def get_session(self, session_id: str) -> SessionRecord | None:
        with self._guard("read a session") as conn:
            row = conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE session_id = %s", (session_id,)
            ).fetchone()
        return None if row is None else _session(row)

    def set_session_state(self, session_id: str, state: str) -> None:
        with self._transaction("update a session") as conn:
            conn.execute(
                "UPDATE sessions SET state = %s WHERE session_id = %s", (_b(state), session_id)
            )

    # -- messages and feedback ------------------------------------------------------------------

    def append_message(self, message: MessageRecord) -> MessageRecord:
        with self._transaction("store a message") as conn:
            # The session row lock orders concurrent writers (any process) on this session.
            found = conn.execute(
                "SELECT 1 FROM sessions WHERE session_id = %s FOR UPDATE", (message.session_id,)
            ).fetchone()
            if found is None:
                raise StoreError(
                    f"database {self.path}: cannot store a message: no session"
                    f" {message.session_id!r}"
                )
            row = conn.execute(
                "SELECT coalesce(max(ordinal), 0) + 1 AS n FROM messages WHERE session_id = %s",
                (message.session_id,),
            ).fetchone()
            m = replace(message, ordinal=int(row["n"]) if row else 1)
            conn.execute(
                "INSERT INTO messages (message_id, session_id, ordinal, created_at, question,"
                " answer_json, kind, safety_category, abstained, abstain_reason, latency_ms)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                (m.message_id, m.session_id, m.ordinal, m.created_at, _b(m.question),
                 _b(m.answer_json), m.kind, m.safety_category, m.abstained, m.abstain_reason,
                 m.latency_ms),
            )  # fmt: skip
        return m

    def get_message(self, message_id: str) -> MessageRecord | None:
        sql = (
            f"SELECT {_MESSAGE_COLUMNS} FROM messages m"
            " LEFT JOIN feedback f ON f.message_id = m.message_id WHERE m.message_id = %s"
        )
        with self._guard("read a message") as conn:
            row = conn.execute(sql, (message_id,)).fetchone()
        return None if row is None else _message(row)

    def count_messages(self, session_id: str) -> int:
        with self._guard("count messages") as conn:
            row = conn.execute(
                "SELECT count(*) AS n FROM messages WHERE session_id = %s", (session_id,)
            ).fetchone()
        return int(row["n"]) if row else 0

    def put_feedback(self, feedback: FeedbackRecord) -> None:
        f = feedback
        with self._transaction("store feedback") as conn:
            conn.execute(
                "INSERT INTO feedback (message_id, rating, reason, comment, created_at)"
                " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (message_id) DO UPDATE SET"
                " rating = EXCLUDED.rating, reason = EXCLUDED.reason,"
                " comment = EXCLUDED.comment, created_at = EXCLUDED.created_at",
                (f.message_id, f.rating, _b(f.reason), _b(f.comment), f.created_at),
            )

    def get_feedback(self, message_id: str) -> FeedbackRecord | None:
        with self._guard("read feedback") as conn:
            row = conn.execute(
                "SELECT message_id, rating, reason, comment, created_at FROM feedback"
                " WHERE message_id = %s",
                (message_id,),
            ).fetchone()
        if row is None:
            return None
        return FeedbackRecord(
            row["message_id"], row["rating"], _s(row["reason"]), _s(row["comment"]),
            row["created_at"],
        )  # fmt: skip

    def find_messages(self, query: MessageQuery) -> Sequence[MessageRecord]:
        sql, params = message_query_sql(query)
        with self._guard("search messages") as conn:
            return [_message(r) for r in conn.execute(sql, params).fetchall()]

    def counts(self) -> ConversationCounts:
        with self._guard("count conversations") as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM sessions) AS s, (SELECT count(*) FROM messages) AS m,"
                " (SELECT count(*) FROM feedback) AS f"
            ).fetchone()
        assert row is not None
        return ConversationCounts(
            sessions=int(row["s"]), messages=int(row["m"]), feedback=int(row["f"])
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> PostgresConversationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
