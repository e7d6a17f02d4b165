"""Clean one document body: artefacts, boilerplate, links, images, soft wraps.

Every step is a single pass over lines or a regex whose parts cannot overlap (no nested
quantifiers), so cleaning is linear in the body size (a 1.5 MB page cleans in well under a
second). `clean_body` returns the new body plus what it did, counted per defect class.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from oncoguide.types import GlossaryTerm

__all__ = ["ARTEFACT_LINES", "CleanedBody", "body_text_length", "clean_body", "is_js_stub"]

ARTEFACT_LINES = frozenset({"placeholder slot"})
# Whole lines that are site navigation, not content (compared lower-cased, link target removed).
_NAV_LINES = frozenset(
    {
        "go to health professional version",
        "go to patient version",
        "español",
        "espanol",
        "en español",
        "print",
        "share",
        "email",
        "facebook",
        "twitter",
        "x",
        "pinterest",
        "linkedin",
        "email this document",
        "print this page",
        "share on facebook",
        "share on twitter",
        "share on x",
        "share on pinterest",
        "share on linkedin",
    }
)
_JS_STUB = "you need to enable javascript to run this app"
_BLOCK_START = re.compile(r"^\s*(?:#{1,6}\s|[-*+]\s|\d{1,3}[.)]\s|\||>|```|~~~|<)")
_LINK_LINE = re.compile(r"^\[([^\[\]\n]*)\]\([^()\s]*(?:\s+\"[^\"\n]*\")?\)$")
_TEXT = r"[^\[\]\n]*(?:\[[^\[\]\n]*\][^\[\]\n]*)*"
_TARGET = r"\(([^()\s]*)(?:\s+\"[^\"\n]*\")?\)"
# A link, or (second branch) the dangling end of a "card" link whose text spans paragraphs:
# "[![image](src)\n\nTeaser title\n\nTeaser text.](/url)" -> the teaser stays as plain text.
_LINK = re.compile(r"(!?)\[(" + _TEXT + r")\]" + _TARGET + r"|\]" + _TARGET)
_REF = r"\[\d{1,4}\]\(#[^()\s]*\)"
_CITES = re.compile(r" ?[(\[]" + _REF + r"(?:[,\s–-]*" + _REF + r")*[)\]]|" + _REF)
_GLOSSARY_ID = re.compile(r"[?&]id=(\d+)", re.IGNORECASE)
_BLANKS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class CleanedBody:
    body: str
    glossary_terms: tuple[GlossaryTerm, ...]
    h1s: tuple[str, ...]
    counts: Counter[str]


_EMPTY_HEADING = re.compile(r"^(#{2,6})\s*$")
_NOT_HEADING = re.compile(r"^(#|[-*+] |\d+[.)] |!?\[|\|)")
_MAX_HEADING_CHARS = 120


def is_js_stub(body: str) -> bool:
    return _JS_STUB in body[:5000].lower()


def body_text_length(body: str) -> int:
    """Characters of prose: heading lines and markdown link targets do not count."""
    plain = _LINK.sub(lambda m: m.group(2) or "", body)
    return sum(len(line.strip()) for line in plain.splitlines() if not line.startswith("#"))


def clean_body(body: str, url: str) -> CleanedBody:
    """Apply every cleaning step; `url` gives the origin that relative links resolve against."""
    counts: Counter[str] = Counter()
    lines, h1s = _drop_lines(_repair_empty_headings(body.split("\n"), counts), counts)
    text = "\n".join(_join_soft_wraps(lines, counts))
    terms: list[GlossaryTerm] = []
    text = _rewrite_links(text, url, terms, counts)
    text = "\n".join(line.rstrip() for line in text.split("\n") if line.strip() != "[")
    text = _BLANKS.sub("\n\n", text).strip() + "\n"
    return CleanedBody(text, _unique(terms), tuple(h1s), counts)


def _repair_empty_headings(lines: list[str], counts: Counter[str]) -> list[str]:
    """Give an empty heading (a bare `##`) the short line after it as its text.

    Some NCI pages put the heading text on the next line; left alone, the chunker sees no section
    and every heading path on the page is flat. A long paragraph is never promoted: the empty
    heading is dropped instead.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _EMPTY_HEADING.match(lines[i])
        if m is None:
            out.append(lines[i])
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        text = lines[j].strip() if j < len(lines) else ""
        if text and len(text) <= _MAX_HEADING_CHARS and not _NOT_HEADING.match(text):
            out.append(f"{m.group(1)} {text}")
            counts["empty_headings_repaired"] += 1
            i = j + 1
        else:
            counts["empty_headings_dropped"] += 1
            i += 1
    return out


def _drop_lines(lines: list[str], counts: Counter[str]) -> tuple[list[str], list[str]]:
    """Remove artefact and navigation lines, and the leading H1s (they repeat the title)."""
    kept: list[str] = []
    h1s: list[str] = []
    leading = True
    for line in lines:
        key = line.strip().lower()
        if key in ARTEFACT_LINES:
            counts["placeholder_removed"] += 1
            continue
        if _is_nav(key):
            counts["nav_boilerplate_removed"] += 1
            continue
        if leading and line.startswith("# "):
            h1s.append(line[2:].strip())
            continue
        if leading and key:
            leading = False
        if line.startswith("# "):
            line = "#" + line  # a later H1 is a section of this page, not a second title
        kept.append(line)
    return kept, h1s


def _is_nav(key: str) -> bool:
    if key in _NAV_LINES:
        return True
    m = _LINK_LINE.match(key)
    return m is not None and m.group(1).strip() in _NAV_LINES


def _join_soft_wraps(lines: list[str], counts: Counter[str]) -> list[str]:
    """Join a line to the previous one when both are prose of the same paragraph or list item.

    Short title-case lines with no closing punctuation ("Acapodene" / "Fareston") are kept as
    separate lines: on NCI pages they are one-item-per-line lists, not wrapped sentences.
    """
    out: list[str] = []
    fenced = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
        joinable = (
            not fenced
            and stripped
            and out
            and out[-1].strip()
            and not _BLOCK_START.match(line)
            and _continues(out[-1], stripped)
        )
        if joinable:
            out[-1] = out[-1].rstrip() + " " + stripped
            counts["soft_wraps_joined"] += 1
        else:
            out.append(line)
    return out


def _continues(prev: str, nxt: str) -> bool:
    p = prev.strip()
    if p.startswith(("#", "|", "```", "~~~")):
        return False
    if nxt[0].islower() or not nxt[0].isalpha():
        return True
    return len(p) > 40 or p[-1] in ".,;:!?)"


def _rewrite_links(text: str, url: str, terms: list[GlossaryTerm], counts: Counter[str]) -> str:
    origin = _origin(url)
    text, n = _CITES.subn("", text)
    counts["citation_markers_removed"] += n

    def repl(m: re.Match[str]) -> str:
        if m.group(4) is not None:
            counts["card_links_flattened"] += 1
            return ""
        bang, label, target = m.group(1), m.group(2).strip(), m.group(3)
        if bang or label.lower() == "enlarge" or label.startswith("!["):
            counts["images_removed"] += 1
            return ""
        if "popdefinition.aspx" in target.lower():
            gid = _GLOSSARY_ID.search(target)
            terms.append(GlossaryTerm(label.strip("* "), gid.group(1) if gid else ""))
            counts["glossary_links"] += 1
            return label
        if not label:
            return ""
        if target.startswith("#") or not target:
            return label
        if target.startswith("/") and origin:
            counts["relative_links_resolved"] += 1
            target = urljoin(origin, target)
        return f"[{label}]({target})"

    return _LINK.sub(repl, text)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _unique(terms: list[GlossaryTerm]) -> tuple[GlossaryTerm, ...]:
    seen: dict[str, GlossaryTerm] = {}
    for t in terms:
        seen.setdefault(t.term.lower(), t)
    return tuple(seen.values())
