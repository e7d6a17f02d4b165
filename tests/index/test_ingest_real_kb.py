"""Ingest the whole real KB (lexical only) and check counts, idempotence and one known ranking."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncoguide.index.ingest import ingest
from oncoguide.index.lexical import lexical_search
from oncoguide.index.sqlite import open_store

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_real_kb_ingest(shared_kb: Path, tmp_path: Path) -> None:
    with open_store(tmp_path / "real.db") as store:
        first = ingest(shared_kb, store)
        assert abs(first.documents - 1400) <= 50, first.to_dict()
        assert store.stats().documents == first.documents
        assert store.stats().chunks > first.documents
        second = ingest(shared_kb, store)
        assert (second.added, second.changed, second.removed) == (0, 0, 0)
        assert second.unchanged == first.documents
        hits = lexical_search(store, "toremifene", k=5)
        assert hits[0].url.endswith("/drugs/toremifene"), [h.url for h in hits]
