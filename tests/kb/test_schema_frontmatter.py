"""Frontmatter parsing and the metadata schema: every bad-input class survives with a message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from oncoguide.kb.frontmatter import RawFile, parse_frontmatter, read_markdown
from oncoguide.kb.load import load_kb
from oncoguide.kb.schema import Problem, add_months, review_due, validate_metadata

pytestmark = pytest.mark.unit
WriteDoc = Callable[..., Path]

GOOD = {
    "title": "T",
    "url": "https://www.cancer.gov/x",
    "lastReviewed": "2025-12-30",
    "reviewFrequency": "quarterly",
    "audienceLevel": "patient",
}


def test_malformed_yaml_is_reported_and_other_files_still_load(
    write_doc: WriteDoc, kb_root: Path
) -> None:
    write_doc("en/a-good.md")
    write_doc("en/b-bad.md", "---\ntitle: [unclosed\nurl: x\n---\n\nBody text.\n")
    result = load_kb(kb_root)
    assert [d.path for d in result.documents] == ["en/a-good.md"]
    bad = [p for p in result.problems if p.path == "en/b-bad.md"]
    assert bad and bad[0].severity == "error" and "malformed YAML" in bad[0].reason
    assert result.excluded[0].path == "en/b-bad.md"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b"# Just a heading\n\nNo frontmatter here.\n", "missing frontmatter"),
        (b"---\ntitle: x\n\nnever closed\n", "not closed"),
        (b"---\n- a\n- b\n---\nbody\n", "not a mapping"),
        (b"---\ntitle: caf\xe9\n---\nbody\n", "not valid UTF-8"),
    ],
)
def test_bad_files_become_problems(tmp_path: Path, data: bytes, expected: str) -> None:
    file = tmp_path / "x.md"
    file.write_bytes(data)
    result = read_markdown(file, "x.md")
    assert isinstance(result, Problem)
    assert expected in result.reason
    assert result.severity == "error"


def test_crlf_and_bom_parse_like_lf(tmp_path: Path) -> None:
    file = tmp_path / "x.md"
    file.write_bytes(
        "\ufeff---\r\ntitle: T\r\nurl: https://a.org/x\r\n---\r\n\r\nLine one.\r\n".encode()
    )
    result = read_markdown(file, "x.md")
    assert isinstance(result, RawFile)
    assert result.crlf and result.meta["title"] == "T" and result.body == "Line one.\n"


def test_unknown_fields_are_kept_and_dates_parse() -> None:
    meta, problems = validate_metadata("p.md", {**GOOD, "reviewer": "Board", "priority": 3})
    assert meta is not None
    assert meta.last_reviewed == date(2025, 12, 30)
    assert meta.model_extra == {"reviewer": "Board", "priority": 3}
    assert all(p.severity == "warning" for p in problems)


def test_every_invalid_field_is_reported_with_its_name() -> None:
    raw = {**GOOD, "url": "/relative", "audienceLevel": "expert", "lastReviewed": "someday"}
    meta, problems = validate_metadata("p.md", raw)
    assert meta is None
    fields = {p.field for p in problems if p.severity == "error"}
    assert fields == {"url", "audienceLevel", "lastReviewed"}


def test_missing_title_is_an_error_and_missing_optional_fields_are_warnings() -> None:
    meta, problems = validate_metadata("p.md", {"url": "https://a.org/x"})
    assert meta is None
    assert Problem("p.md", "title", "missing (required)", "error") in problems
    assert any(p.field == "lastReviewed" and p.severity == "warning" for p in problems)


def test_yaml_scalars_are_coerced_to_the_schema() -> None:
    meta, _ = validate_metadata("p.md", {**GOOD, "version": 2, "cancerTypes": "Breast"})
    assert meta is not None and meta.version == "2" and meta.cancer_types == ("breast",)


@pytest.mark.parametrize(
    ("freq", "due"),
    [
        ("monthly", date(2025, 2, 28)),
        ("quarterly", date(2025, 4, 30)),
        ("annual", date(2026, 1, 31)),
        ("as_needed", None),
    ],
)
def test_review_due_adds_the_frequency(freq: str, due: date | None) -> None:
    assert review_due(date(2025, 1, 31), freq) == due


def test_add_months_crosses_years() -> None:
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


def test_overdue_is_counted_as_of_the_given_day(write_doc: WriteDoc, kb_root: Path) -> None:
    write_doc("en/a.md")  # lastReviewed 2025-12-30, quarterly: due 2026-03-30
    assert load_kb(kb_root, as_of=date(2026, 3, 30)).counts["overdue_review"] == 0
    assert load_kb(kb_root, as_of=date(2026, 3, 31)).counts["overdue_review"] == 1


def test_parse_frontmatter_keeps_body_after_closing_line() -> None:
    result = parse_frontmatter("---\ntitle: T\n...\nBody\n", "x.md")
    assert isinstance(result, RawFile) and result.body == "Body\n"
