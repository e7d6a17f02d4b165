"""Which store a `--db` / ONCOGUIDE_DB value means: a `postgresql://` URL is PostgreSQL + pgvector,
anything else a SQLite file. The PostgreSQL driver is imported only when a URL is given, so the
embedded default needs none of it (`pip install 'oncoguide[postgres]'` adds it).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeAlias

from oncoguide.config import is_postgres_url
from oncoguide.errors import StoreError
from oncoguide.index import sqlite

if TYPE_CHECKING:
    from oncoguide.index.conversations import ConversationStore
    from oncoguide.index.postgres import PostgresStore

__all__ = [
    "IndexStore",
    "describe_db",
    "is_postgres_url",
    "open_conversations",
    "open_index",
    "open_store",
    "postgres",
]

IndexStore: TypeAlias = "sqlite.SqliteStore | PostgresStore"


def postgres() -> ModuleType:
    """The PostgreSQL backend module (a StoreError saying what to install if its driver is
    missing)."""
    try:
        from oncoguide.index import postgres as module
    except ImportError as exc:
        raise StoreError(
            f"a postgresql:// database needs the PostgreSQL driver ({exc.name} is missing):"
            " pip install 'oncoguide[postgres]'"
        ) from exc
    return module


def describe_db(db: Path | str) -> str:
    """How messages name the database: the file path, or the URL without its password."""
    if is_postgres_url(db):
        return str(postgres().redact_url(str(db)))
    return str(db)


def open_store(db: Path | str) -> IndexStore:
    """Open (creating tables or the file if needed) and migrate the index at `db`."""
    if is_postgres_url(db):
        store: IndexStore = postgres().open_pg_store(str(db))
        return store
    return sqlite.open_store(Path(db))


def open_index(db: Path | str) -> IndexStore:
    """Open an index built by `oncoguide ingest`; never creates one (see sqlite.open_index)."""
    if is_postgres_url(db):
        store: IndexStore = postgres().open_pg_index(str(db))
        return store
    return sqlite.open_index(Path(db))


def open_conversations(db: Path | str) -> ConversationStore:
    """The conversation tables beside the index at `db`, migrated (created if needed)."""
    store: ConversationStore
    if is_postgres_url(db):
        postgres()  # the driver check, with its install hint
        from oncoguide.index.postgres_conversations import PostgresConversationStore

        store = PostgresConversationStore(str(db))
    else:
        from oncoguide.index.sqlite_conversations import SqliteConversationStore

        store = SqliteConversationStore(Path(db))
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store
