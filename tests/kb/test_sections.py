"""The section tree: heading path -> blocks (paragraph, list with lead-in, labelled table rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from oncoguide.kb.chunk import chunk_document
from oncoguide.kb.sections import parse_blocks, parse_sections, table_items
from oncoguide.testing.builders import make_document
from oncoguide.types import Block

BODY = """Intro paragraph about mouth sores. It has two sentences.

## Ways to manage mouth sores

Mouth sores can be painful.
Ways to manage them include:

- Rinse your mouth with [salt water](/def/1).
- Eat soft foods.

[Learn more](/x)

EMPTY_HEADING

Text under an empty heading.

## Biomarker groups

Your doctor may assign a group:

| Subtype | Defining features | Treatment options |
| --- | --- | --- |
| **Luminal A** | - grade 1 or 2 - HER2 negative | - hormone therapy - chemotherapy |
| **HER2-low** | - some HER2 protein | |

### Empty parent

### Child

Child text.
""".replace("EMPTY_HEADING", "## ")


def test_sections_follow_headings_with_stable_ids_and_chunks_point_to_them() -> None:
    doc = make_document("d1", title="Mouth Sores", body=BODY)
    sections = parse_sections(doc)
    paths = [s.heading_path for s in sections]
    assert paths[0] == ("Mouth Sores",)
    assert ("Mouth Sores", "Ways to manage mouth sores") in paths
    assert ("Mouth Sores", "Biomarker groups", "Child") in paths
    assert len({s.section_id for s in sections}) == len(sections)
    assert parse_sections(doc) == sections  # stable across runs
    ids = {s.section_id for s in sections}
    assert all(c.section_id in ids for c in chunk_document(doc))
    # Text under an empty heading belongs to the section above it, never to a blank heading.
    assert all(all(h.strip() for h in s.heading_path) for s in sections)


def test_a_list_keeps_its_lead_in_and_the_paragraph_keeps_the_rest() -> None:
    doc = make_document("d1", title="Mouth Sores", body=BODY)
    manage = next(s for s in parse_sections(doc) if s.heading_path[-1].startswith("Ways"))
    assert manage.blocks[0] == Block("para", text="Mouth sores can be painful.")
    assert manage.blocks[1] == Block(
        "list",
        lead_in="Ways to manage them include:",
        items=("Rinse your mouth with salt water.", "Eat soft foods."),
    )
    assert "Learn more" not in manage.text  # a links-only line is navigation
    assert "- Eat soft foods." in manage.text


def test_a_table_becomes_labelled_items_without_pipes() -> None:
    doc = make_document("d1", title="Mouth Sores", body=BODY)
    groups = next(s for s in parse_sections(doc) if s.heading_path[-1] == "Biomarker groups")
    table = groups.blocks[-1]
    assert table.kind == "table" and table.lead_in == "Your doctor may assign a group:"
    assert table.items == (
        "Luminal A — Defining features: grade 1 or 2; HER2 negative; "
        "Treatment options: hormone therapy; chemotherapy",
        "HER2-low — Defining features: some HER2 protein",
    )
    assert "|" not in groups.text


def test_table_without_header_and_single_column() -> None:
    assert table_items(["| a | b |", "| c | d |"]) == ["a — b", "c — d"]
    assert table_items(["| Only |", "| --- |", "| x |"]) == ["x"]


def test_a_paragraph_without_closing_punctuation_before_a_list_is_its_lead_in() -> None:
    blocks = parse_blocks(["Other symptoms include", "- fever", "- chills", "", "After."])
    assert blocks[0] == Block("list", lead_in="Other symptoms include", items=("fever", "chills"))
    assert blocks[1] == Block("para", text="After.")


@pytest.mark.slow
def test_every_real_kb_document_parses_and_every_chunk_has_its_section(shared_kb: Path) -> None:
    from oncoguide.kb.load import load_kb

    docs = load_kb(shared_kb).documents
    for doc in docs:
        sections = parse_sections(doc)
        ids = {s.section_id for s in sections}
        assert all(c.section_id in ids for c in chunk_document(doc)), doc.doc_id
        assert all("| ---" not in s.text for s in sections), doc.doc_id
