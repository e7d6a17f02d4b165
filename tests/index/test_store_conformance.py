"""The Store conformance suite, unchanged, on every backend: SQLite and PostgreSQL + pgvector."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oncoguide.index.sqlite import open_store
from oncoguide.index.store import Store
from oncoguide.testing.conformance import StoreConformance

pytestmark = pytest.mark.unit


class TestStore(StoreConformance):
    @pytest.fixture(params=["sqlite", "postgres"])
    def store(self, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
        if request.param == "sqlite":
            with open_store(tmp_path / "oncoguide.db") as store:
                yield store
            return
        from oncoguide.index.postgres import open_pg_store

        url = request.getfixturevalue("pg_url")
        with open_pg_store(url) as pg_store:
            yield pg_store
