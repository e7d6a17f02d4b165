"""The bundled sample KB loads cleanly and keeps to its brief."""

from __future__ import annotations

import pytest

from oncoguide.kb.audit import validate_kb
from oncoguide.kb.chunk import chunk_document
from oncoguide.kb.load import load_kb
from oncoguide.kb.sample import sample_kb_path

pytestmark = pytest.mark.unit
NOTE = "Sample document written for the oncoguide quick start; not a medical source."


def test_sample_kb_is_twelve_clean_documents() -> None:
    root = sample_kb_path()
    report = validate_kb(root)
    assert not report.has_errors and not report.warnings and not report.excluded
    result = load_kb(root)
    assert len(result.documents) == 12
    for doc in result.documents:
        assert doc.body.startswith(f"*{NOTE}*"), doc.path
        assert 150 <= len(doc.body.split()) <= 420, doc.path
        assert doc.url.startswith("https://example.org/oncoguide-sample/")
        assert doc.license == "CC0-1.0" and doc.source_type == "90_sample"


def test_sample_kb_exercises_the_answer_sections() -> None:
    docs = load_kb(sample_kb_path()).documents
    headings = [c.heading_path[-1] for d in docs for c in chunk_document(d)]
    assert headings.count("When to contact your care team") >= 3
    assert headings.count("Questions to ask your doctor") >= 3
