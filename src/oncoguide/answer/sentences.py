"""Split a cleaned markdown chunk into paragraphs, lists and sentences.

Chunk texts hold paragraphs, "- " list items, in-text "###" sub-headings and sometimes markdown
links. A list keeps its lead-in (the sentence before it that ends with ':' or ',') so the composer
can quote the list whole and never emits the lead-in alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oncoguide.answer.text import strip_markup
from oncoguide.text.sentences import split_sentences

__all__ = ["Block", "is_anaphoric", "is_dangling", "is_lead_in", "parse_blocks", "split_sentences"]

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(.*)$")
_LINK_ONLY = re.compile(r"^\s*(?:!?\[[^\]]*\]\([^)]*\)\s*[.,;]?\s*)+$")
_WS = re.compile(r"\s+")
# Navigation and media boilerplate that is never an answer on its own.
_BOILERPLATE = re.compile(
    r"^(learn more|go to|see the|see our|for more information|credit:|view this video|"
    r"watch (this|the) video|read more|click|download|image|figure)\b",
    re.IGNORECASE,
)
_GENERIC_LEAD_IN = re.compile(
    r"^(these|they|this|it|some|others?)( may| can)? (include|are|is)( the following)?:$",
    re.IGNORECASE,
)

# A sentence that opens on one of these points back to the sentence before it ("It usually
# starts in the fingers..."); alone, the reader cannot tell what it is about.
_ANAPHOR = re.compile(
    r"^(this|these|those|that|they|them|it|its|their|such|he|she|both|however|also|"
    r"in addition|because of this|for this reason|as a result|instead)\b",
    re.IGNORECASE,
)
_TERMINAL = (".", "!", "?", '."', ".)", ".”", "?”")


@dataclass(frozen=True)
class Block:
    """A paragraph (sentences) or a list (items, with its lead-in and the paragraph before it)."""

    kind: str  # "para" | "list"
    heading: str
    position: int
    sentences: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    lead_in: str | None = None
    context: tuple[str, ...] = ()


def _clean_line(line: str) -> str:
    return _WS.sub(" ", strip_markup(line)).strip()


def is_dangling(sentence: str) -> bool:
    """True for text that cannot stand alone: lead-ins, short fragments, navigation lines."""
    s = sentence.strip()
    if s.endswith((":", ",", ";")) or len(s.split()) < 4:
        return True
    return bool(_BOILERPLATE.match(s) or _GENERIC_LEAD_IN.match(s))


def is_anaphoric(sentence: str) -> bool:
    """True when the sentence needs the one before it to make sense (opens on a pronoun)."""
    return bool(_ANAPHOR.match(sentence.strip()))


def is_lead_in(sentence: str) -> bool:
    """A paragraph's last sentence introduces the list after it when it ends with ':' or ','
    or has no closing punctuation at all ("Other common symptoms include")."""
    s = sentence.strip()
    return s.endswith((":", ",")) or not s.endswith(_TERMINAL)


def _lines(text: str) -> list[tuple[str, str]]:
    """Classify raw lines as ('heading'|'item'|'text'|'blank', cleaned text)."""
    out: list[tuple[str, str]] = []
    for raw in text.splitlines():
        if not raw.strip():
            out.append(("blank", ""))
        elif _LINK_ONLY.match(raw):
            continue  # a line that is only links is navigation, not content
        elif m := _HEADING.match(raw):
            out.append(("heading", _clean_line(m.group(1))))
        elif m := _ITEM.match(raw):
            out.append(("item", _clean_line(m.group(1))))
        else:
            out.append(("text", _clean_line(raw)))
    return out


def _next_kind(lines: list[tuple[str, str]], i: int) -> str:
    for kind, _ in lines[i:]:
        if kind != "blank":
            return kind
    return "end"


class _Parser:
    def __init__(self, heading: str) -> None:
        self.heading = heading
        self.blocks: list[Block] = []
        self.para: list[str] = []
        self.items: list[str] = []

    def flush_para(self) -> None:
        if self.para:
            sentences = tuple(split_sentences(" ".join(self.para)))
            self.blocks.append(Block("para", self.heading, len(self.blocks), sentences=sentences))
            self.para = []

    def flush_list(self) -> None:
        if not self.items:
            return
        lead_in: str | None = None
        context: tuple[str, ...] = ()
        prev = self.blocks[-1] if self.blocks else None
        if (
            prev
            and prev.kind == "para"
            and prev.heading == self.heading
            and prev.sentences[-1:]
            and is_lead_in(prev.sentences[-1])
        ):
            # The lead-in moves into the list; the rest of its paragraph is kept as context.
            lead_in, context = prev.sentences[-1], prev.sentences[:-1]
            self.blocks[-1] = Block("para", prev.heading, prev.position, sentences=context)
        self.blocks.append(
            Block(
                "list", self.heading, len(self.blocks), items=tuple(self.items),
                lead_in=lead_in, context=context,
            )
        )  # fmt: skip
        self.items = []


def parse_blocks(text: str, heading: str = "") -> list[Block]:
    """Paragraph and list blocks of a chunk, in reading order, each under its nearest heading."""
    lines = _lines(text)
    p = _Parser(heading)
    for i, (kind, value) in enumerate(lines):
        if kind == "heading":
            p.flush_para()
            p.flush_list()
            p.heading = f"{heading} › {value}" if heading else value
        elif kind == "item":
            p.flush_para()
            if value:
                p.items.append(value)
        elif kind == "text":
            if p.items and not value.endswith(":") and _next_kind(lines, i + 1) == "item":
                continue  # a caption between two items of one list: neither item nor prose
            p.flush_list()
            p.para.append(value)
        else:
            p.flush_para()
    p.flush_para()
    p.flush_list()
    return [b for b in p.blocks if b.sentences or b.items]
