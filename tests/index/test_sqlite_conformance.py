"""The Store conformance suite on SqliteStore, plus SQLite-only behaviour (files, WAL)."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from oncoguide.errors import StoreError
from oncoguide.index.sqlite import SqliteStore, migrations, open_store
from oncoguide.testing.builders import make_chunks, make_document
from oncoguide.testing.conformance import StoreConformance, seed_corpus

pytestmark = pytest.mark.unit


class TestSqliteStore(StoreConformance):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[SqliteStore]:
        with open_store(tmp_path / "oncoguide.db") as store:
            yield store


def test_migrations_are_numbered_without_gaps() -> None:
    versions = [v for v, _, _ in migrations()]
    assert versions == list(range(1, len(versions) + 1))


def test_data_persists_across_reopen_and_wal_is_on(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    with open_store(db) as store:
        store.apply_changes(seed_corpus(), [])
    with open_store(db) as store:
        assert store.stats().documents == 4
        assert store.lexical_search("tamoxifen", 1)[0].doc_id == "tamoxifen"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


@pytest.mark.parametrize("garbage", [b"not a database at all " * 200, b"\x00" * 4096])
def test_corrupt_file_is_a_store_error_naming_it(tmp_path: Path, garbage: bytes) -> None:
    db = tmp_path / "broken.db"
    db.write_bytes(garbage)
    with pytest.raises(StoreError, match=r"broken\.db"):
        open_store(db)
    assert db.read_bytes() == garbage  # nothing was overwritten


def test_unopenable_path_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="missing-dir"):
        open_store(tmp_path / "missing-dir" / "x.db")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    with open_store(db) as store:
        store._conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'x')")
    with pytest.raises(StoreError, match="newer"):
        open_store(db)


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import oncoguide.index.sqlite as sqlite_mod

    good = migrations()
    bad = (len(good) + 1, f"{len(good) + 1:04d}_bad.sql", "CREATE TABLE t (x); SELECT nope();")
    monkeypatch.setattr(sqlite_mod, "migrations", lambda: [*good, bad])
    store = SqliteStore(tmp_path / "m.db")
    with pytest.raises(StoreError, match=f"{len(good) + 1:04d}_bad"):
        store.migrate()
    assert store.stats().schema_version == len(good)
    assert store._conn.execute("SELECT name FROM sqlite_master WHERE name = 't'").fetchone() is None
    store.close()


def test_reader_keeps_serving_during_a_write(tmp_path: Path) -> None:
    """A second connection reads the committed index while a write transaction is open."""
    db = tmp_path / "wal.db"
    writer, reader = open_store(db), open_store(db)
    writer.apply_changes(seed_corpus(), [])
    doc = make_document("late", body="Brachytherapy places radiation inside the body.")
    writer._conn.execute("BEGIN IMMEDIATE")
    writer._conn.execute("DELETE FROM chunks")
    result: list[int] = []
    thread = threading.Thread(target=lambda: result.append(reader.stats().chunks))
    thread.start()
    thread.join(timeout=10)
    writer._conn.execute("ROLLBACK")
    assert result == [6]
    writer.apply_changes([(doc, make_chunks(doc))], [])
    assert reader.lexical_search("brachytherapy", 3)[0].doc_id == "late"
    writer.close()
    reader.close()


def test_fts_index_matches_its_content_after_replace_and_delete(tmp_path: Path) -> None:
    """The external-content FTS index must agree with the chunks after every kind of write."""
    corpus = seed_corpus()
    with open_store(tmp_path / "fts.db") as store:
        store.apply_changes(corpus, [])
        renamed = dataclasses.replace(corpus[0][0], title="A New Title", content_hash="new")
        store.apply_changes([(renamed, corpus[0][1])], ["chemo"])
        # rank=1 compares the index with the content view; it raises on any drift.
        store._conn.execute(
            "INSERT INTO chunks_fts (chunks_fts, rank) VALUES ('integrity-check', 1)"
        )
        assert store.lexical_search("new title", 5)[0].doc_id == "tamoxifen"
        old_title = "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH 'title:citrate'"
        assert store._conn.execute(old_title).fetchall() == []
        with pytest.raises(sqlite3.IntegrityError):
            store._conn.execute("UPDATE chunks SET text = 'x'")
