"""The optional `manifest.json` and its reconciliation with the files' frontmatter.

Which side wins: the **frontmatter** wins for every metadata field. It is what the file itself
says, and the manifest is often stale (the real one has empty titles). The manifest contributes
only the document **id** (`doc_id` = manifest `id` when the manifest lists the file, else an id
derived from the path). Every disagreement is reported as a warning on field `manifest.<name>`;
files missing from the manifest and manifest entries without a file are warnings too.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oncoguide.kb.schema import Problem

__all__ = ["MANIFEST_NAME", "Manifest", "compare_fields", "derive_doc_id", "read_manifest"]

MANIFEST_NAME = "manifest.json"
_COMPARED = (
    "title",
    "url",
    "source",
    "sourceType",
    "license",
    "lastReviewed",
    "reviewFrequency",
    "audienceLevel",
    "language",
    "cancerTypes",
    "tags",
    "citation",
    "status",
    "version",
)


@dataclass(frozen=True)
class Manifest:
    """Manifest entries by relative path (posix, relative to the KB root)."""

    entries: dict[str, dict[str, Any]]
    present: bool


def read_manifest(root: Path) -> tuple[Manifest, list[Problem]]:
    """Read root/manifest.json if present; a malformed one is an error and is ignored."""
    file = root / MANIFEST_NAME
    if not file.is_file():
        return Manifest({}, present=False), []
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        docs = data["docs"]
        if not isinstance(docs, list):
            raise TypeError("'docs' is not a list")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Manifest({}, present=False), [
            Problem(MANIFEST_NAME, "", f"manifest ignored: {type(exc).__name__}: {exc}")
        ]
    entries: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    ids: set[str] = set()
    for i, entry in enumerate(docs):
        path = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not path:
            problems.append(Problem(MANIFEST_NAME, f"docs[{i}].path", "entry without a path"))
            continue
        entry_id = str(entry.get("id") or "")
        if entry_id in ids:
            problems.append(Problem(path, "manifest.id", f"duplicate manifest id {entry_id!r}"))
            entry = {k: v for k, v in entry.items() if k != "id"}
        ids.add(entry_id)
        entries[path.strip("/")] = entry
    return Manifest(entries, present=True), problems


def compare_fields(path: str, entry: dict[str, Any], meta: dict[str, Any]) -> list[Problem]:
    """One warning per field on which manifest and frontmatter disagree (frontmatter wins)."""
    out = []
    for key in _COMPARED:
        if key not in entry:
            continue
        mine, theirs = _norm(meta.get(key)), _norm(entry[key])
        if mine != theirs:
            out.append(
                Problem(
                    path,
                    f"manifest.{key}",
                    f"manifest says {theirs!r}, frontmatter says {mine!r} (frontmatter wins)",
                    "warning",
                )
            )
    return out


def _norm(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return sorted(str(v).strip().lower() for v in value)
    return "" if value is None else str(value).strip()


def derive_doc_id(rel: str) -> str:
    """A deterministic id from the relative path (used when the manifest does not list the file)."""
    stem = rel[:-3] if rel.endswith(".md") else rel
    slug = re.sub(r"[^a-z0-9]+", "_", stem.lower()).strip("_")
    if len(slug) > 90:
        slug = slug[:80] + "_" + hashlib.sha256(rel.encode()).hexdigest()[:8]
    return f"kb_{slug}"
