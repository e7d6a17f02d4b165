"""Loading a KB folder: exclusions, duplicates, labels, manifest reconciliation, symlink loops."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from oncoguide.errors import KBError
from oncoguide.kb.audit import audit_kb, validate_kb
from oncoguide.kb.load import AUDIT_COUNT_KEYS, load_kb

pytestmark = pytest.mark.unit
WriteDoc = Callable[..., Path]
JS_STUB = "You need to enable JavaScript to run this app."


def _manifest(root: Path, docs: list[dict[str, object]]) -> None:
    (root / "manifest.json").write_text(json.dumps({"docs": docs}), encoding="utf-8")


def test_js_stubs_empty_and_near_empty_pages_are_excluded(
    write_doc: WriteDoc, kb_root: Path
) -> None:
    write_doc("en/a-ok.md")
    write_doc("en/b-stub.md", title="Facebook", body=JS_STUB, url="https://www.cancer.gov/b")
    write_doc("en/c-short.md", body="A short video page.", url="https://www.cancer.gov/c")
    write_doc("en/d-empty.md", body="Placeholder slot", url="https://www.cancer.gov/d")
    result = load_kb(kb_root)
    reasons = {e.path: e.reason for e in result.excluded}
    assert [d.path for d in result.documents] == ["en/a-ok.md"]
    assert "JavaScript" in reasons["en/b-stub.md"]
    assert reasons["en/c-short.md"].startswith("near-empty page")
    assert reasons["en/d-empty.md"] == "empty page"
    assert result.counts["javascript_stubs"] == 1


def test_exact_duplicate_keeps_the_first_path(write_doc: WriteDoc, kb_root: Path) -> None:
    write_doc("en/b.md", url="https://www.cancer.gov/b")
    write_doc("en/a.md", url="https://www.cancer.gov/a")
    result = load_kb(kb_root)
    assert [d.path for d in result.documents] == ["en/a.md"]
    assert result.excluded[0].reason == "exact duplicate of en/a.md"
    assert result.counts["duplicates"] == 1


def test_duplicate_urls_and_ids_are_errors(write_doc: WriteDoc, kb_root: Path) -> None:
    write_doc("en/a.md", body="First text. " * 30)
    write_doc("en/b.md", body="Other text. " * 30)
    _manifest(kb_root, [{"id": "same", "path": "en/a.md"}, {"id": "same", "path": "en/b.md"}])
    result = load_kb(kb_root)
    errors = [(p.path, p.field) for p in result.problems if p.severity == "error"]
    assert ("en/b.md", "manifest.id") in errors  # duplicate id in the manifest
    assert ("en/b.md", "url") in errors  # same url as en/a.md
    assert [d.doc_id for d in result.documents] == ["same"]


def test_health_professional_pages_become_technical(write_doc: WriteDoc, kb_root: Path) -> None:
    write_doc("en/a.md", url="https://www.cancer.gov/types/leukemia/hp/adult-all-treatment-pdq")
    write_doc(
        "en/b.md",
        url="https://www.cancer.gov/about-cancer/cam-hp-acupuncture-pdq",
        body="Acupuncture text. " * 20,
    )
    write_doc(
        "en/c.md",
        url="https://www.cancer.gov/types/breast/hp",
        body="Summaries. " * 30,
        title="Breast Cancer—Health Professional Version - NCI",
    )
    write_doc("en/d.md", url="https://www.cancer.gov/types/breast/patient", body="Plain. " * 40)
    result = load_kb(kb_root)
    audiences = {d.path: (d.audience, d.declared_audience) for d in result.documents}
    assert audiences == {
        "en/a.md": ("technical", "patient"),
        "en/b.md": ("technical", "patient"),
        "en/c.md": ("technical", "patient"),
        "en/d.md": ("patient", "patient"),
    }
    assert result.counts["hp_labelled_patient"] == 3
    assert sum(p.field == "audienceLevel" for p in result.problems) == 3


def test_cancer_types_recomputed_and_substring_only_types_flagged(
    write_doc: WriteDoc, kb_root: Path
) -> None:
    write_doc(
        "en/a.md",
        url="https://www.cancer.gov/types/leukemia/patient/all",
        title="Acute Lymphoblastic Leukemia Treatment - NCI",
        types="[leukemia, liver]",
        body="Doctors deliver chemotherapy to treat the leukemia. " * 6,
    )
    (doc,) = load_kb(kb_root).documents
    assert doc.cancer_types == ("leukemia",)
    assert doc.declared_cancer_types == ("leukemia", "liver")
    assert doc.title == "Acute Lymphoblastic Leukemia Treatment"
    result = load_kb(kb_root)
    assert result.counts["suspicious_cancer_types"] == 1
    assert any(p.field == "cancerTypes" and "liver" in p.reason for p in result.problems)


def test_manifest_reconciliation_reports_each_side_and_frontmatter_wins(
    write_doc: WriteDoc, kb_root: Path
) -> None:
    write_doc(
        "en/a.md",
        title="Real Title - NCI",
        body="Alpha text. " * 30,
        url="https://www.cancer.gov/a",
    )
    write_doc("en/b.md", body="Beta text. " * 30, url="https://www.cancer.gov/b")
    _manifest(
        kb_root,
        [
            {"id": "kb_a", "path": "en/a.md", "title": "", "status": "active"},
            {"id": "kb_gone", "path": "en/gone.md"},
        ],
    )
    result = load_kb(kb_root)
    by_path = {d.path: d for d in result.documents}
    assert by_path["en/a.md"].doc_id == "kb_a" and by_path["en/a.md"].title == "Real Title"
    assert by_path["en/b.md"].doc_id == "kb_en_b"  # derived from the path
    mismatches = {(p.path, p.field) for p in result.problems if p.field.startswith("manifest")}
    assert mismatches == {
        ("en/a.md", "manifest.title"),
        ("en/b.md", "manifest"),
        ("en/gone.md", "manifest"),
    }
    assert result.counts["manifest_mismatches"] == 3


def test_malformed_manifest_is_an_error_and_ignored(write_doc: WriteDoc, kb_root: Path) -> None:
    write_doc("en/a.md")
    (kb_root / "manifest.json").write_text("{not json", encoding="utf-8")
    result = load_kb(kb_root)
    assert len(result.documents) == 1
    assert result.problems[0].path == "manifest.json" and result.has_errors


def test_symlink_loop_is_reported_not_followed_forever(write_doc: WriteDoc, kb_root: Path) -> None:
    write_doc("en/sub/a.md")
    os.symlink(kb_root / "en", kb_root / "en" / "sub" / "loop")
    result = load_kb(kb_root)
    assert len(result.documents) == 1
    assert result.counts["symlink_loops"] >= 1
    assert any("symlink loop" in p.reason for p in result.problems)


def test_missing_root_raises_kb_error(tmp_path: Path) -> None:
    with pytest.raises(KBError, match="not found"):
        load_kb(tmp_path / "nope")


def test_progress_reports_every_file(write_doc: WriteDoc, kb_root: Path) -> None:
    write_doc("en/a.md", url="https://www.cancer.gov/a", body="Alpha. " * 40)
    write_doc("en/b.md", url="https://www.cancer.gov/b", body="Beta. " * 40)
    seen: list[tuple[int, int]] = []
    load_kb(kb_root, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 2), (2, 2)]


def test_content_hash_follows_body_and_metadata(write_doc: WriteDoc, kb_root: Path) -> None:
    path = write_doc("en/a.md")
    first = load_kb(kb_root).documents[0].content_hash
    assert load_kb(kb_root).documents[0].content_hash == first
    path.write_text(path.read_text().replace("status: active", "status: draft"))
    assert load_kb(kb_root).documents[0].content_hash != first


def test_audit_json_has_the_contract_keys(write_doc: WriteDoc, kb_root: Path) -> None:
    write_doc("en/a.md", body="Text.\n\nPlaceholder slot\n\n" + "More words here. " * 20)
    write_doc("en/b.md", "---\ntitle: [bad\n---\n")
    data = audit_kb(kb_root, as_of=date(2026, 1, 1)).to_dict()
    assert data["documents"] == 2 and data["indexed"] == 1
    assert data["excluded"] == [{"path": "en/b.md", "reason": data["errors"][0]["reason"]}]
    assert set(data["errors"][0]) == {"path", "field", "reason"}
    assert list(data["counts"])[: len(AUDIT_COUNT_KEYS)] == list(AUDIT_COUNT_KEYS)
    assert data["counts"]["placeholder_removed"] == 1
    json.dumps(data)  # JSON-ready


def test_validate_has_errors_only_for_errors(write_doc: WriteDoc, kb_root: Path) -> None:
    write_doc("en/a.md", url="https://www.cancer.gov/types/x/hp/y")  # a warning only
    assert not validate_kb(kb_root).has_errors
    write_doc("en/b.md", b"\xff\xfe bad bytes")
    assert validate_kb(kb_root).has_errors
