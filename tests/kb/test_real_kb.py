"""The real NCI KB in ../shared/kb: the audit figures the issue names."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from oncoguide.kb.audit import audit_kb
from oncoguide.kb.chunk import chunk_document
from oncoguide.kb.load import load_kb

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def report(shared_kb: Path) -> dict[str, object]:
    return audit_kb(shared_kb, as_of=date(2026, 1, 15)).to_dict()


def test_documents_and_exclusions(report: dict) -> None:  # type: ignore[type-arg]
    assert 1_380 <= report["documents"] <= 1_480
    assert report["documents"] - report["indexed"] == len(report["excluded"])
    stubs = [e for e in report["excluded"] if "JavaScript" in e["reason"]]
    assert len(stubs) == 6 and all("/dictionaries/" in e["path"] for e in stubs)


def test_defect_counts(report: dict) -> None:  # type: ignore[type-arg]
    counts = report["counts"]
    assert 340 <= counts["placeholder_removed"] <= 380
    # 236 pages by url (/hp/, -hp-) plus 62 HP landing pages by their title.
    assert 230 <= counts["hp_labelled_patient"] <= 310
    assert counts["glossary_links"] > 10_000
    assert counts["relative_links_resolved"] > 5_000
    assert counts["crlf_files"] == 34


def test_every_kept_document_is_clean_and_chunks(shared_kb: Path) -> None:
    result = load_kb(shared_kb, as_of=date(2026, 1, 15))
    for doc in result.documents[::25]:
        assert "Placeholder slot" not in doc.body
        assert "](/" not in doc.body and "popDefinition" not in doc.body
        chunks = chunk_document(doc)
        assert chunks and all(len(c.text) <= 2000 for c in chunks)
    assert len({d.doc_id for d in result.documents}) == len(result.documents)
