"""Conversations (sessions, messages, feedback) in the same SQLite file as the index.

The conversation tables have their own numbered migrations (`conversation_migrations/`, tracked in
the `conversation_migrations` table), so the index's schema version, which other tools check, does
not move when the chat service is deployed. A separate connection keeps chat writes from waiting on
the index store's lock; WAL mode lets both work on one file. sqlite3 errors become StoreError.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from oncoguide.errors import StoreError
from oncoguide.index.conversations import (
    ConversationCounts,
    FeedbackRecord,
    MessageQuery,
    MessageRecord,
    SessionRecord,
)

__all__ = ["SqliteConversationStore", "conversation_migrations", "message_query_sql"]

_SESSION_COLUMNS = (
    "session_id, created_at, channel, locale, region, audience, cancer_type, consent, state"
)
_MESSAGE_COLUMNS = (
    "m.message_id, m.session_id, m.ordinal, m.created_at, m.question, m.answer_json, m.kind,"
    " m.safety_category, m.abstained, m.abstain_reason, m.latency_ms, f.rating"
)


def conversation_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every packaged conversation migration, in order."""
    found = []
    for entry in resources.files("oncoguide.index.conversation_migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


def message_query_sql(query: MessageQuery) -> tuple[str, list[Any]]:
    """The SELECT for `find_messages` and its parameters (built apart from running it)."""
    where: list[str] = []
    params: list[Any] = []
    if query.since is not None:
        where.append("m.created_at >= ?")
        params.append(query.since.isoformat())
    if query.until is not None:
        where.append("m.created_at < ?")
        params.append(query.until.isoformat())
    for column in ("session_id", "safety_category"):
        value = getattr(query, column)
        if value is not None:
            where.append(f"m.{column} = ?")
            params.append(value)
    if query.abstained is not None:
        where.append("m.abstained = ?")
        params.append(int(query.abstained))
    if query.rated_down is not None:
        where.append("coalesce(f.rating, '') " + ("= 'down'" if query.rated_down else "<> 'down'"))
    sql = (
        f"SELECT {_MESSAGE_COLUMNS} FROM messages m"
        " LEFT JOIN feedback f ON f.message_id = m.message_id"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + " ORDER BY m.created_at, m.session_id, m.ordinal LIMIT ? OFFSET ?"
    )
    return sql, [*params, query.limit, query.offset]


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _row_session(row: sqlite3.Row) -> SessionRecord:
    return SessionRecord(
        session_id=row["session_id"], created_at=_when(row["created_at"]),
        channel=row["channel"], locale=row["locale"], region=row["region"],
        audience=row["audience"], cancer_type=row["cancer_type"], consent=bool(row["consent"]),
        state=row["state"],
    )  # fmt: skip


def _row_message(row: sqlite3.Row) -> MessageRecord:
    return MessageRecord(
        message_id=row["message_id"], session_id=row["session_id"], ordinal=row["ordinal"],
        created_at=_when(row["created_at"]), question=row["question"],
        answer_json=row["answer_json"], kind=row["kind"], safety_category=row["safety_category"],
        abstained=bool(row["abstained"]), abstain_reason=row["abstain_reason"],
        latency_ms=float(row["latency_ms"]), rating=row["rating"],
    )  # fmt: skip


class SqliteConversationStore:
    """A `ConversationStore` in an SQLite file (usually the index's own). Thread-safe."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        if self.path.is_dir() or not self.path.parent.is_dir():
            raise StoreError(f"cannot open database {self.path}: not a file path in a folder")
        try:
            self._conn = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open database {self.path}: {exc}") from exc
        self._conn.row_factory = sqlite3.Row
        try:
            with self._guard("open"):
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("PRAGMA synchronous=NORMAL")
                self._conn.execute("PRAGMA foreign_keys=ON")
        except StoreError:
            self._conn.close()
            raise

    def __repr__(self) -> str:
        return f"SqliteConversationStore({str(self.path)!r})"

    @contextmanager
    def _guard(self, action: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise StoreError(f"database {self.path}: cannot {action}: {exc}") from exc

    @contextmanager
    def _transaction(self, action: str) -> Iterator[sqlite3.Connection]:
        with self._guard(action) as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- schema ---------------------------------------------------------------------------------

    def migrate(self) -> int:
        known = conversation_migrations()
        latest = known[-1][0] if known else 0
        with self._guard("migrate conversations") as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS conversation_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)"
            )
        current = self._version()
        if current > latest:
            raise StoreError(
                f"database {self.path} has conversation schema version {current}, newer than"
                f" this oncoguide supports ({latest}); upgrade oncoguide"
            )
        for version, name, sql in known:
            if version > current:
                with self._guard(f"apply migration {name}") as conn:
                    try:
                        conn.executescript(
                            f"BEGIN IMMEDIATE;\n{sql}\n;INSERT INTO conversation_migrations"
                            f" (version, name) VALUES ({version}, '{name}');COMMIT;"
                        )
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
        return self._version()

    def _version(self) -> int:
        with self._guard("read the conversation schema version") as conn:
            row = conn.execute(
                "SELECT coalesce(max(version), 0) FROM conversation_migrations"
            ).fetchone()
        return int(row[0])

    def ping(self) -> None:
        with self._guard("answer a health check") as conn:
            conn.execute("SELECT count(*) FROM sessions").fetchone()

    # -- sessions -------------------------------------------------------------------------------

    def create_session(self, session: SessionRecord) -> None:
        s = session
        with self._transaction("create a session") as conn:
            conn.execute(
                f"INSERT INTO sessions ({_SESSION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (s.session_id, s.created_at.isoformat(), s.channel, s.locale, s.region,
                 s.audience, s.cancer_type, int(s.consent), s.state),
            )  # fmt: skip

    def get_session(self, session_id: str) -> SessionRecord | None:
        with self._guard("read a session") as conn:
            row = conn.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE session_id = ?", (session_id,)
            ).fetchone()
        return None if row is None else _row_session(row)

    def set_session_state(self, session_id: str, state: str) -> None:
        with self._transaction("update a session") as conn:
            conn.execute("UPDATE sessions SET state = ? WHERE session_id = ?", (state, session_id))

    # -- messages and feedback ------------------------------------------------------------------

    def append_message(self, message: MessageRecord) -> MessageRecord:
        # BEGIN IMMEDIATE takes the write lock before the count is read, so two writers (threads
        # or processes) can never read the same count.
        with self._transaction("store a message") as conn:
            row = conn.execute(
                "SELECT coalesce(max(ordinal), 0) + 1 FROM messages WHERE session_id = ?",
                (message.session_id,),
            ).fetchone()
            m = replace(message, ordinal=int(row[0]))
            conn.execute(
                "INSERT INTO messages (message_id, session_id, ordinal, created_at, question,"
                " answer_json, kind, safety_category, abstained, abstain_reason, latency_ms)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (m.message_id, m.session_id, m.ordinal, m.created_at.isoformat(), m.question,
                 m.answer_json, m.kind, m.safety_category, int(m.abstained), m.abstain_reason,
                 m.latency_ms),
            )  # fmt: skip
        return m

    def get_message(self, message_id: str) -> MessageRecord | None:
        sql = (
            f"SELECT {_MESSAGE_COLUMNS} FROM messages m"
            " LEFT JOIN feedback f ON f.message_id = m.message_id WHERE m.message_id = ?"
        )
        with self._guard("read a message") as conn:
            row = conn.execute(sql, (message_id,)).fetchone()
        return None if row is None else _row_message(row)

    def count_messages(self, session_id: str) -> int:
        with self._guard("count messages") as conn:
            row = conn.execute(
                "SELECT count(*) FROM messages WHERE session_id = ?", (session_id,)
            ).fetchone()
        return int(row[0])

    def put_feedback(self, feedback: FeedbackRecord) -> None:
        f = feedback
        with self._transaction("store feedback") as conn:
            conn.execute(
                "INSERT INTO feedback (message_id, rating, reason, comment, created_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO UPDATE SET"
                " rating = excluded.rating, reason = excluded.reason,"
                " comment = excluded.comment, created_at = excluded.created_at",
                (f.message_id, f.rating, f.reason, f.comment, f.created_at.isoformat()),
            )

    def get_feedback(self, message_id: str) -> FeedbackRecord | None:
        with self._guard("read feedback") as conn:
            row = conn.execute(
                "SELECT message_id, rating, reason, comment, created_at FROM feedback"
                " WHERE message_id = ?",
                (message_id,),
            ).fetchone()
        if row is None:
            return None
        return FeedbackRecord(
            row["message_id"], row["rating"], row["reason"], row["comment"],
            _when(row["created_at"]),
        )  # fmt: skip

    def find_messages(self, query: MessageQuery) -> Sequence[MessageRecord]:
        sql, params = message_query_sql(query)
        with self._guard("search messages") as conn:
            return [_row_message(r) for r in conn.execute(sql, params).fetchall()]

    def counts(self) -> ConversationCounts:
        with self._guard("count conversations") as conn:
            n = [
                int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                for t in ("sessions", "messages", "feedback")
            ]
        return ConversationCounts(sessions=n[0], messages=n[1], feedback=n[2])

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SqliteConversationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
