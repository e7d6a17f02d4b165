"""Opening an index for reading never creates or changes a file; every failure names the fix."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from oncoguide.errors import StoreError
from oncoguide.index.sqlite import open_index, open_store

pytestmark = pytest.mark.unit


def test_missing_file_is_not_created(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    with pytest.raises(StoreError, match=r"no index at .*none\.db .*oncoguide ingest PATH --db"):
        open_index(db)
    assert not db.exists()


def test_zero_byte_file_is_left_empty(tmp_path: Path) -> None:
    db = tmp_path / "zero.db"
    db.touch()
    with pytest.raises(StoreError, match="empty file"):
        open_index(db)
    assert db.stat().st_size == 0


def test_folder_is_named_with_a_file_to_use(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a folder, not a database file"):
        open_index(tmp_path)
    with pytest.raises(StoreError, match="is a folder"):
        open_store(tmp_path)


def test_other_sqlite_database_is_not_touched(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(StoreError, match="not an oncoguide index"):
        open_index(db)
    with sqlite3.connect(db) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert tables == {"t"}


def test_index_without_documents(tmp_path: Path) -> None:
    db = tmp_path / "blank.db"
    open_store(db).close()
    with pytest.raises(StoreError, match="holds no documents"):
        open_index(db)
