"""Heading-aware chunking of a cleaned document body.

Sections are split on headings; each chunk keeps its heading path (document title › section ›
subsection ...). Inside a section, paragraphs, list items and table rows are packed greedily
up to `target_chars`. A paragraph longer than `max_chars` is split only between sentences, and
a lead-in ending with ":" ("Signs include:") always shares a chunk with the start of its list.
The only exception to "never cut a sentence": one sentence longer than `max_chars` (a
pathological page) is cut at whitespace so no chunk exceeds `max_chars`.
Chunk ids are `<doc_id>::<ordinal:04d>`, stable for the same body across runs.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from oncoguide.types import Chunk, Document

__all__ = ["chunk_document", "heading_sections", "section_id", "split_sentences"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_OR_ROW = re.compile(r"^\s*(?:[-*+]\s|\d{1,3}[.)]\s|\|)")
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][)\"”’\]]))\s+(?=[A-Z0-9\"“(\[])")
_ABBREV = ("e.g.", "i.e.", "dr.", "vs.", "st.", "mr.", "mrs.", "ms.", "no.", "fig.", "et al.")
_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\s]*\)")


@dataclass(frozen=True)
class _Unit:
    text: str
    sep: str  # what joins it to the previous unit in the same chunk


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences; common abbreviations ("e.g.", "Dr.") do not end one."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if out and out[-1].lower().endswith(_ABBREV):
            out[-1] = f"{out[-1]} {piece}"
        elif piece:
            out.append(piece)
    return out


def chunk_document(
    doc: Document, *, target_chars: int = 1200, max_chars: int = 2000
) -> list[Chunk]:
    """Cut `doc.body` into heading-aware chunks (see the module docstring for the rules)."""
    if not 0 < target_chars <= max_chars:
        raise ValueError("need 0 < target_chars <= max_chars")
    chunks: list[Chunk] = []
    for ordinal, (path, lines) in enumerate(heading_sections(doc.title, doc.body)):
        for text in _pack(list(_units(lines, max_chars)), target_chars, max_chars):
            heading = (doc.title, *path)
            digest = hashlib.sha256(json.dumps([heading, text], ensure_ascii=False).encode())
            chunks.append(
                Chunk(
                    chunk_id=f"{doc.doc_id}::{len(chunks):04d}",
                    doc_id=doc.doc_id,
                    ordinal=len(chunks),
                    heading_path=heading,
                    text=text,
                    content_hash=digest.hexdigest(),
                    section_id=section_id(doc.doc_id, ordinal),
                )
            )
    return chunks


def section_id(doc_id: str, ordinal: int) -> str:
    """The stable id of a document's `ordinal`-th heading section (see `heading_sections`)."""
    return f"{doc_id}::s{ordinal:04d}"


def heading_sections(title: str, body: str) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """(heading path below the title, content lines) per section, in order. The chunker and the
    section parser (`kb.sections`) both read a body through this, so a chunk's section ordinal
    is the section's."""
    stack: list[tuple[int, str]] = []
    lines: list[str] = []
    for line in body.split("\n"):
        m = _HEADING.match(line)
        if m is None:
            lines.append(line)
            continue
        if lines:
            yield tuple(h for _, h in stack), lines
        lines = []
        level, text = len(m.group(1)), _plain(m.group(2))
        stack = [(lv, h) for lv, h in stack if lv < level]
        if text and text != title:
            stack.append((level, text))
    if lines:
        yield tuple(h for _, h in stack), lines


def _plain(heading: str) -> str:
    return _LINK.sub(r"\1", heading).replace("**", "").replace("__", "").strip()


def _units(lines: list[str], max_chars: int) -> Iterator[_Unit]:
    """Paragraphs, list items and table rows; over-long paragraphs become sentences."""
    sep = "\n\n"
    for line in lines:
        if not line.strip():
            sep = "\n\n"
            continue
        if len(line) <= max_chars:
            yield _Unit(line, sep)
        else:
            for i, sentence in enumerate(_bounded(split_sentences(line), max_chars)):
                yield _Unit(sentence, sep if i == 0 else " ")
        sep = "\n"


def _bounded(sentences: list[str], max_chars: int) -> Iterator[str]:
    for s in sentences:
        while len(s) > max_chars:
            cut = s.rfind(" ", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            yield s[:cut]
            s = s[cut:].lstrip()
        if s:
            yield s


def _pack(units: list[_Unit], target: int, max_chars: int) -> Iterator[str]:
    parts: list[_Unit] = []
    size = 0
    for unit in units:
        add = len(unit.text) + (len(unit.sep) if parts else 0)
        lead_in = bool(parts) and _is_lead_in(parts[-1]) and _LIST_OR_ROW.match(unit.text)
        if parts and size + add > target and not (lead_in and size + add <= max_chars):
            # A lead-in sentence that would end this chunk moves on with its list.
            carry = parts.pop() if len(parts) > 1 and _is_lead_in(parts[-1]) else None
            yield _join(parts)
            parts = [carry] if carry is not None else []
            size = len(carry.text) if carry is not None else 0
            add = len(unit.text) + (len(unit.sep) if parts else 0)
        parts.append(unit)
        size += add
    if parts:
        yield _join(parts)


def _is_lead_in(unit: _Unit) -> bool:
    return unit.text.rstrip().endswith(":")


def _join(parts: list[_Unit]) -> str:
    return (parts[0].text + "".join(u.sep + u.text for u in parts[1:])).strip()
