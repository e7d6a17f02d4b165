"""`ingest` on small markdown KB folders written by the test (the kb stage loads them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from oncoguide.index.ingest import ingest
from oncoguide.index.lexical import lexical_search
from oncoguide.index.sqlite import SqliteStore, open_store
from oncoguide.testing.builders import write_kb_doc

pytestmark = pytest.mark.unit

TAMOXIFEN = """Tamoxifen is a hormone therapy that blocks estrogen in breast tissue.

## Possible side effects

Hot flashes, tiredness and mood changes are the most common side effects of tamoxifen.
Talk with your health care team about any side effect that bothers you or does not go away.
"""
CHEMO = """Chemotherapy is a type of cancer treatment that uses drugs to kill cancer cells.

## How chemotherapy is given

Chemotherapy may be given by mouth, through a vein or as a shot. Where you get it depends on
which drugs you get: a hospital, a clinic, your doctor's office or at home.
"""


def _write(root: Path) -> None:
    write_kb_doc(root, "tamoxifen", title="Tamoxifen Citrate - NCI", body=TAMOXIFEN,
                 url="https://www.cancer.gov/about-cancer/treatment/drugs/tamoxifen",
                 cancer_types=["breast"])  # fmt: skip
    write_kb_doc(root, "chemo", title="Chemotherapy to Treat Cancer - NCI", body=CHEMO)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    with open_store(tmp_path / "kb.db") as store:
        yield store


def test_ingest_then_search_then_no_change(tmp_path: Path, store: SqliteStore) -> None:
    root = tmp_path / "kb"
    _write(root)
    first = ingest(root, store)
    assert (first.added, first.documents, first.errors) == (2, 2, ())
    assert first.chunks_written >= 2
    hits = lexical_search(store, "tamoxifen side effects", k=5)
    assert hits[0].url.endswith("/drugs/tamoxifen")
    again = ingest(root, store)
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 2)


def test_edit_and_delete_files(tmp_path: Path, store: SqliteStore) -> None:
    root = tmp_path / "kb"
    _write(root)
    ingest(root, store)
    write_kb_doc(root, "chemo", title="Chemotherapy to Treat Cancer - NCI",
                 body=CHEMO + "\nSome people get chemotherapy at home with a pump.\n")  # fmt: skip
    (root / "en" / "02_nci_core" / "tamoxifen.md").unlink()
    dry = ingest(root, store, dry_run=True)
    assert (dry.changed, dry.removed) == (1, 1)
    assert store.stats().documents == 2
    report = ingest(root, store)
    assert (report.changed, report.removed, store.stats().documents) == (1, 1, 1)
    assert lexical_search(store, "tamoxifen") == []
    assert lexical_search(store, "pump")[0].title.startswith("Chemotherapy")
