"""The section tree of a document: heading path → blocks (paragraph, list, table), parsed once.

A document body is read through `kb.chunk.heading_sections`, the same walk the chunker uses, so
the n-th section here is the section of every chunk whose `section_id` ends in `s<n>`. Inside a
section, consecutive text lines form a paragraph, "- " / "1. " lines a list, "|" lines a table.
A list keeps its lead-in (the paragraph's last sentence when it ends with ':' or ',' or has no
closing punctuation: "Other symptoms include"); a table becomes one labelled item per row.
Every step is one pass over the lines, so a 1 MB page parses in well under a second.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence

from oncoguide.kb.chunk import heading_sections, section_id
from oncoguide.text import is_anaphoric, is_lead_in, split_sentences, strip_markup
from oncoguide.types import Block, Document, Section

__all__ = ["heading_sentence", "parse_blocks", "parse_sections", "passage_text", "table_items"]

_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_ROW = re.compile(r"^\s*\|")
_SEPARATOR_CELL = re.compile(r"^\s*:?-{2,}:?\s*$")
_LINK_ONLY = re.compile(r"^\s*(?:!?\[[^\]]*\]\([^)]*\)\s*[.,;]?\s*)+$")
# An inline list inside a table cell: "- grade 1 or 2 - ER positive" (markdown tables have no
# line breaks, so the KB's converter wrote the items on one line).
_CELL_ITEM = re.compile(r"(?:^|\s+)-\s+")
_WS = re.compile(r"\s+")


def parse_sections(doc: Document) -> list[Section]:
    """The document's sections in reading order: every heading with any text under it (a
    section of only navigation links has no blocks, but its chunks still point to it)."""
    out: list[Section] = []
    for ordinal, (path, lines) in enumerate(heading_sections(doc.title, doc.body)):
        if not any(line.strip() for line in lines):
            continue  # no chunk is cut from it either
        blocks = tuple(parse_blocks(lines))
        heading = (doc.title, *path)
        payload = json.dumps([heading, [_block_json(b) for b in blocks]], ensure_ascii=False)
        out.append(
            Section(
                section_id=section_id(doc.doc_id, ordinal),
                doc_id=doc.doc_id,
                ordinal=ordinal,
                heading_path=heading,
                blocks=blocks,
                content_hash=hashlib.sha256(payload.encode()).hexdigest(),
            )
        )
    return out


def heading_sentence(s: Section) -> str:
    """The section's own heading when it is a sentence, else "". PDQ patient summaries head each
    part with its key point ("Very small GISTs are common."): KB text that answers, quotable
    before the part's paragraphs (the section's passage carries it as its first line)."""
    h = _clean(s.heading_path[-1]) if len(s.heading_path) > 1 else ""
    return h if h.endswith(".") and len(h.split()) >= 4 and not is_anaphoric(h) else ""


def passage_text(s: Section) -> str:
    """A section's text as a citable passage: its blocks, after its heading when that is a
    sentence (`heading_sentence`), so a quote of that heading is verified like its text."""
    first = heading_sentence(s)
    return f"{first}\n{s.text}" if first else s.text


def _block_json(b: Block) -> list[object]:
    return [b.kind, b.text, b.lead_in, list(b.items)]


def _clean(line: str) -> str:
    return _WS.sub(" ", strip_markup(line)).strip()


class _Builder:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.para: list[str] = []
        self.items: list[str] = []
        self.rows: list[str] = []

    def flush(self) -> None:
        self._flush_para()
        self._flush_list()
        self._flush_table()

    def _flush_para(self) -> None:
        if self.para:
            text = " ".join(self.para).strip()
            if text:
                self.blocks.append(Block("para", text=text))
            self.para = []

    def _lead_in(self) -> str:
        """Take the lead-in sentence off the paragraph just before a list or table."""
        prev = self.blocks[-1] if self.blocks else None
        if prev is None or prev.kind != "para":
            return ""
        sentences = split_sentences(prev.text)
        if not sentences or not is_lead_in(sentences[-1]):
            return ""
        rest = " ".join(sentences[:-1])
        if rest:
            self.blocks[-1] = Block("para", text=rest)
        else:
            self.blocks.pop()
        return sentences[-1]

    def _flush_list(self) -> None:
        if self.items:
            self.blocks.append(Block("list", lead_in=self._lead_in(), items=tuple(self.items)))
            self.items = []

    def _flush_table(self) -> None:
        if self.rows:
            items = table_items(self.rows)
            if items:
                self.blocks.append(Block("table", lead_in=self._lead_in(), items=tuple(items)))
            self.rows = []


def parse_blocks(lines: Iterable[str]) -> list[Block]:
    """Paragraph, list and table blocks of one section's lines, in reading order."""
    b = _Builder()
    for raw in lines:
        if not raw.strip():
            b._flush_para()
            continue
        if _ROW.match(raw):
            b._flush_para()
            b._flush_list()
            b.rows.append(raw)
            continue
        if b.rows:
            b._flush_table()
        if _LINK_ONLY.match(raw):
            continue  # a line that is only links is navigation, not content
        if m := _ITEM.match(raw):
            b._flush_para()
            item = _clean(m.group(1))
            if item:
                b.items.append(item)
            continue
        if b.items:
            b._flush_list()
        text = _clean(raw)
        if text:
            b.para.append(text)
    b.flush()
    return b.blocks


def _cells(row: str) -> list[str]:
    inner = row.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    return [c.strip() for c in inner.split("|")]


def _cell_text(cell: str) -> str:
    parts = [p for p in (_clean(x) for x in _CELL_ITEM.split(cell)) if p]
    return "; ".join(parts)


def table_items(rows: Sequence[str]) -> list[str]:
    """A markdown table as readable labelled items, one per data row: the row's first cell, then
    each other cell after its column header ("HER2-low — Defining features: have some HER2
    protein; Treatment options: chemotherapy"). A table of one column gives its cells."""
    table = [_cells(r) for r in rows]
    header: list[str] = []
    body = table
    if len(table) >= 2 and table[1] and all(_SEPARATOR_CELL.match(c) for c in table[1] if c):
        header, body = [_cell_text(c) for c in table[0]], table[2:]
    items: list[str] = []
    for row in body:
        if all(_SEPARATOR_CELL.match(c) or not c.strip() for c in row):
            continue
        cells = [_cell_text(c) for c in row]
        first, rest = cells[0], cells[1:]
        labelled = [
            f"{header[i + 1]}: {c}" if i + 1 < len(header) and header[i + 1] else c
            for i, c in enumerate(rest)
            if c
        ]
        if not first and not labelled:
            continue
        if not labelled:
            items.append(first)
        elif not first:
            items.append("; ".join(labelled))
        else:
            items.append(f"{first} — {'; '.join(labelled)}")
    return items
