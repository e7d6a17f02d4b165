"""Read one markdown file and split its YAML frontmatter from its body.

Our own splitter (not python-frontmatter's) so that the work is linear in the file size and
CRLF / BOM files (34 in the real KB use CRLF) parse the same as LF ones. YAML is parsed with
PyYAML's safe loader (the C one when available).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from oncoguide.kb.schema import Problem

__all__ = ["RawFile", "parse_frontmatter", "read_markdown"]

_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class RawFile:
    """A file whose text decoded and whose frontmatter parsed to a mapping."""

    path: str
    meta: dict[str, Any]
    body: str
    crlf: bool


def read_markdown(file: Path, rel: str) -> RawFile | Problem:
    """Decode, normalise line ends, parse frontmatter; a Problem (severity error) on failure."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        return Problem(rel, "", f"cannot read file: {exc.strerror or exc}")
    if not data.strip():
        return Problem(rel, "", "empty file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Problem(rel, "", f"not valid UTF-8 (byte {exc.start}: {exc.reason})")
    text = text.removeprefix("\ufeff")
    crlf = "\r" in text
    if crlf:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return parse_frontmatter(text, rel, crlf=crlf)


def parse_frontmatter(text: str, rel: str, *, crlf: bool = False) -> RawFile | Problem:
    """Split `---` YAML `---` from the body and parse the YAML into a mapping."""
    if not text.startswith("---\n"):
        return Problem(rel, "frontmatter", "missing frontmatter (file must start with '---')")
    end = _CLOSE.search(text, 4)
    if end is None:
        return Problem(rel, "frontmatter", "frontmatter is not closed by a '---' line")
    try:
        meta = yaml.load(text[4 : end.start()], Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return Problem(rel, "frontmatter", f"malformed YAML{where}: {problem}")
    if not isinstance(meta, dict):
        return Problem(rel, "frontmatter", "frontmatter is not a mapping of fields")
    body = text[end.end() :].lstrip("\n")
    return RawFile(rel, {str(k): v for k, v in meta.items()}, body, crlf)
