"""Load a KB folder: read, validate, reconcile with the manifest, clean, de-duplicate.

One bad file never stops the rest: each failure becomes a `Problem` and/or an `Excluded`
record. Manifest reconciliation rules (frontmatter wins) are in `oncoguide.kb.manifest`.
Exclusion thresholds: a page whose cleaned prose is shorter than `NEAR_EMPTY_CHARS` is
excluded as near-empty; JavaScript stub pages and exact duplicates (same cleaned body; the
first path in sorted order is kept) are excluded too. Duplicate ids or urls are errors.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from oncoguide.errors import KBError
from oncoguide.kb.clean import body_text_length, clean_body, is_js_stub
from oncoguide.kb.frontmatter import read_markdown
from oncoguide.kb.labels import cancer_types_for, is_health_professional, suspicious_cancer_types
from oncoguide.kb.manifest import Manifest, compare_fields, derive_doc_id, read_manifest
from oncoguide.kb.schema import DocMeta, Excluded, Problem, review_due, validate_metadata
from oncoguide.types import Document, GlossaryTerm

# Part of every document hash: bump it when cleaning or chunking changes what gets indexed, so the
# next incremental ingest re-processes every document instead of keeping stale chunks.
PIPELINE_VERSION = "kb-pipeline-2"

__all__ = [
    "AUDIT_COUNT_KEYS",
    "NEAR_EMPTY_CHARS",
    "PIPELINE_VERSION",
    "Excluded",
    "KBLoad",
    "Problem",
    "load_kb",
]

NEAR_EMPTY_CHARS = 200
AUDIT_COUNT_KEYS = (
    "placeholder_removed",
    "relative_links_resolved",
    "glossary_links",
    "hp_labelled_patient",
    "overdue_review",
    "duplicates",
    "suspicious_cancer_types",
    "manifest_mismatches",
)
_OTHER_KEYS = (
    "nav_boilerplate_removed",
    "images_removed",
    "citation_markers_removed",
    "soft_wraps_joined",
    "javascript_stubs",
    "empty",
    "near_empty",
    "unreadable",
    "invalid_metadata",
    "crlf_files",
    "duplicate_ids",
    "duplicate_urls",
    "symlink_loops",
    "card_links_flattened",
    "empty_headings_repaired",
    "empty_headings_dropped",
)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class KBLoad:
    """Everything loading found: kept documents (cleaned), exclusions, problems, counts."""

    root: Path
    files_read: int
    documents: tuple[Document, ...]
    excluded: tuple[Excluded, ...]
    problems: tuple[Problem, ...]
    counts: dict[str, int]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def load_kb(root: Path, *, as_of: date | None = None, progress: Progress | None = None) -> KBLoad:
    """Load every `.md` file under `root`; `as_of` (default today) dates the overdue count."""
    if not root.is_dir():
        raise KBError(f"KB folder not found or not a directory: {root}")
    when = as_of or date.today()
    counts: Counter[str] = Counter({k: 0 for k in (*AUDIT_COUNT_KEYS, *_OTHER_KEYS)})
    manifest, problems = read_manifest(root)
    files, walk_problems = _walk(root)
    problems += walk_problems
    counts["symlink_loops"] = len(walk_problems)
    docs: list[Document] = []
    excluded: list[Excluded] = []
    for i, (rel, file) in enumerate(files):
        result = _load_file(file, rel, manifest, problems, counts)
        if isinstance(result, Excluded):
            excluded.append(result)
        else:
            docs.append(result)
        if progress is not None:
            progress(i + 1, len(files))
    kept = _dedupe(docs, excluded, problems, counts)
    _unlisted_manifest_entries(manifest, {rel for rel, _ in files}, problems, counts)
    counts["overdue_review"] = sum(d.review_overdue(when) for d in kept)
    return KBLoad(root, len(files), tuple(kept), tuple(excluded), tuple(problems), dict(counts))


def _walk(root: Path) -> tuple[list[tuple[str, Path]], list[Problem]]:
    """Sorted (relative posix path, file) of every .md file; directory symlink loops reported."""
    files: list[tuple[str, Path]] = []
    problems: list[Problem] = []
    visited: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        rel_dir = Path(os.path.relpath(dirpath, root)).as_posix()
        if real in visited:
            problems.append(Problem(rel_dir, "", "symlink loop: directory already visited"))
            dirnames[:] = []
            continue
        visited.add(real)
        dirnames.sort()
        for name in filenames:
            if name.endswith(".md"):
                rel = Path(os.path.relpath(os.path.join(dirpath, name), root)).as_posix()
                files.append((rel, Path(dirpath) / name))
    files.sort()
    return files, problems


def _load_file(
    file: Path, rel: str, manifest: Manifest, problems: list[Problem], counts: Counter[str]
) -> Document | Excluded:
    raw = read_markdown(file, rel)
    if isinstance(raw, Problem):
        problems.append(raw)
        counts["empty" if raw.reason == "empty file" else "unreadable"] += 1
        return Excluded(rel, raw.reason)
    counts["crlf_files"] += raw.crlf
    meta, meta_problems = validate_metadata(rel, raw.meta)
    problems += meta_problems
    entry = manifest.entries.get(rel)
    if manifest.present:
        mismatches = (
            compare_fields(rel, entry, raw.meta)
            if entry is not None
            else [Problem(rel, "manifest", "file not listed in manifest", "warning")]
        )
        problems += mismatches
        counts["manifest_mismatches"] += len(mismatches)
    if meta is None:
        counts["invalid_metadata"] += 1
        bad = "; ".join(f"{p.field}: {p.reason}" for p in meta_problems if p.severity == "error")
        return Excluded(rel, f"invalid metadata ({bad})")
    doc_id = str(entry["id"]) if entry is not None and entry.get("id") else derive_doc_id(rel)
    return _build(rel, doc_id, meta, raw.body, problems, counts)


def _build(
    rel: str,
    doc_id: str,
    meta: DocMeta,
    body: str,
    problems: list[Problem],
    counts: Counter[str],
) -> Document | Excluded:
    if is_js_stub(body):
        counts["javascript_stubs"] += 1
        return Excluded(rel, "JavaScript stub page ('You need to enable JavaScript'), no content")
    cleaned = clean_body(body, meta.url)
    counts.update(cleaned.counts)
    size = body_text_length(cleaned.body)
    if size < NEAR_EMPTY_CHARS:
        counts["empty" if size == 0 else "near_empty"] += 1
        what = "empty page" if size == 0 else f"near-empty page ({size} < {NEAR_EMPTY_CHARS} chars)"
        return Excluded(rel, what)
    title = _display_title(meta.title, cleaned.h1s)
    audience = meta.audience_level
    if is_health_professional(meta.url, meta.title, cleaned.h1s):
        audience = "technical"
        if meta.audience_level != "technical":
            counts["hp_labelled_patient"] += 1
            problems.append(
                Problem(
                    rel,
                    "audienceLevel",
                    f"health-professional page labelled "
                    f"{meta.audience_level!r}; set to 'technical'",
                    "warning",
                )
            )
    suspicious = suspicious_cancer_types(meta.cancer_types, f"{meta.title}\n{cleaned.body}")
    if suspicious:
        counts["suspicious_cancer_types"] += 1
        problems.append(
            Problem(
                rel,
                "cancerTypes",
                f"declared {list(suspicious)} occur only inside other words",
                "warning",
            )
        )
    return _document(rel, doc_id, meta, title, audience, cleaned.body, cleaned.glossary_terms)


def _display_title(title: str, h1s: tuple[str, ...]) -> str:
    clean = title.removesuffix(" - NCI").strip()
    return clean or next((h.removesuffix(" - NCI").strip() for h in h1s if h.strip()), title)


def _document(
    rel: str,
    doc_id: str,
    meta: DocMeta,
    title: str,
    audience: str,
    body: str,
    terms: tuple[GlossaryTerm, ...],
) -> Document:
    cancer_types = cancer_types_for(meta.url, title)
    core = [
        PIPELINE_VERSION,
        body,
        title,
        meta.url,
        audience,
        list(cancer_types),
        str(meta.last_reviewed),
        meta.review_frequency,
        meta.status,
        meta.version,
        meta.language,
        meta.source_type,
        list(meta.tags),
        meta.citation,
        meta.license,
        meta.source,
    ]
    extra = tuple(sorted((k, str(v)) for k, v in (meta.model_extra or {}).items()))
    return Document(
        doc_id=doc_id,
        path=rel,
        title=title,
        url=meta.url,
        source=meta.source,
        source_type=meta.source_type,
        license=meta.license,
        last_reviewed=meta.last_reviewed,
        review_frequency=meta.review_frequency,
        review_due=review_due(meta.last_reviewed, meta.review_frequency),
        audience=audience,
        declared_audience=meta.audience_level,
        language=meta.language,
        cancer_types=cancer_types,
        declared_cancer_types=meta.cancer_types,
        tags=meta.tags,
        citation=meta.citation,
        status=meta.status,
        version=meta.version,
        body=body,
        content_hash=hashlib.sha256(json.dumps(core, ensure_ascii=False).encode()).hexdigest(),
        glossary_terms=terms,
        extra=extra,
    )


def _dedupe(
    docs: list[Document], excluded: list[Excluded], problems: list[Problem], counts: Counter[str]
) -> list[Document]:
    """Keep the first (sorted path) of each id, url and cleaned body; exclude the others."""
    by_id: dict[str, str] = {}
    by_url: dict[str, str] = {}
    by_body: dict[str, str] = {}
    kept = []
    for d in docs:
        body_key = hashlib.sha256(d.body.encode()).hexdigest()
        if d.doc_id in by_id:
            counts["duplicate_ids"] += 1
            why = f"duplicate id {d.doc_id!r} (kept {by_id[d.doc_id]})"
            problems.append(Problem(d.path, "id", why))
        elif d.url in by_url:
            counts["duplicate_urls"] += 1
            why = f"duplicate url {d.url} (kept {by_url[d.url]})"
            problems.append(Problem(d.path, "url", why))
        elif body_key in by_body:
            counts["duplicates"] += 1
            why = f"exact duplicate of {by_body[body_key]}"
        else:
            by_id[d.doc_id], by_url[d.url], by_body[body_key] = d.path, d.path, d.path
            kept.append(d)
            continue
        excluded.append(Excluded(d.path, why))
    return kept


def _unlisted_manifest_entries(
    manifest: Manifest, seen: set[str], problems: list[Problem], counts: Counter[str]
) -> None:
    for path in sorted(set(manifest.entries) - seen):
        problems.append(Problem(path, "manifest", "manifest entry has no file", "warning"))
        counts["manifest_mismatches"] += 1
