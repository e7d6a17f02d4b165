"""Chunking: heading paths, whole sentences, lead-ins with their lists, stable ids and hashes."""

from __future__ import annotations

import re

import pytest

from oncoguide.kb.chunk import chunk_document, split_sentences
from oncoguide.testing.builders import make_document

pytestmark = pytest.mark.unit

SENTENCE = "Fatigue is a common side effect of treatment that can last for weeks. "


def test_heading_path_follows_sections_and_subsections() -> None:
    body = (
        "Intro paragraph.\n\n## Side Effects\n\nGeneral text.\n\n### Nausea\n\nNausea text.\n\n"
        "#### At home\n\nHome text.\n\n### Fatigue\n\nFatigue text.\n\n## Next\n\nNext text.\n"
    )
    doc = make_document("d1", title="Chemotherapy", body=body)
    paths = [c.heading_path for c in chunk_document(doc, target_chars=10, max_chars=100)]
    assert paths == [
        ("Chemotherapy",),
        ("Chemotherapy", "Side Effects"),
        ("Chemotherapy", "Side Effects", "Nausea"),
        ("Chemotherapy", "Side Effects", "Nausea", "At home"),
        ("Chemotherapy", "Side Effects", "Fatigue"),
        ("Chemotherapy", "Next"),
    ]


def test_long_paragraph_is_split_only_between_sentences() -> None:
    doc = make_document("d1", body="## S\n\n" + SENTENCE * 80)
    chunks = chunk_document(doc, target_chars=500, max_chars=800)
    assert len(chunks) > 5
    for c in chunks:
        assert len(c.text) <= 800
        assert c.text.endswith("weeks.") and c.text.startswith("Fatigue")


def test_lead_in_stays_with_its_list() -> None:
    body = (
        "## Signs\n\n"
        + "Some filler sentence here. " * 40
        + "\n\nSigns include:\n\n"
        + "".join(f"- sign number {i}\n" for i in range(5))
    )
    chunks = chunk_document(make_document("d1", body=body), target_chars=1100, max_chars=2000)
    holder = next(c for c in chunks if "Signs include:" in c.text)
    assert "- sign number 0" in holder.text


def test_one_giant_sentence_is_bounded_by_max_chars() -> None:
    doc = make_document("d1", body="word " * 2000)
    assert all(len(c.text) <= 300 for c in chunk_document(doc, target_chars=200, max_chars=300))


def test_ids_and_hashes_are_stable_and_change_with_text() -> None:
    doc = make_document("kb_x", body="## A\n\n" + SENTENCE * 40)
    first, again = chunk_document(doc), chunk_document(doc)
    assert [c.chunk_id for c in first] == [f"kb_x::{i:04d}" for i in range(len(first))]
    assert [c.content_hash for c in first] == [c.content_hash for c in again]
    assert all(re.fullmatch(r"[0-9a-f]{64}", c.content_hash) for c in first)
    changed = chunk_document(make_document("kb_x", body="## A\n\n" + SENTENCE * 39 + "New."))
    assert changed[-1].content_hash != first[-1].content_hash


def test_empty_sections_make_no_chunks_and_title_is_not_repeated() -> None:
    doc = make_document("d1", title="T", body="## T\n\n## Empty\n\n## Full\n\nText.\n")
    (chunk,) = chunk_document(doc)
    assert chunk.heading_path == ("T", "Full") and chunk.text == "Text."


def test_bad_sizes_are_rejected() -> None:
    with pytest.raises(ValueError, match="target_chars"):
        chunk_document(make_document("d1"), target_chars=500, max_chars=100)


def test_split_sentences_respects_abbreviations() -> None:
    text = "Ask Dr. Smith about it. Tests (e.g. MRI) help. Done!"
    assert split_sentences(text) == ["Ask Dr. Smith about it.", "Tests (e.g. MRI) help.", "Done!"]
