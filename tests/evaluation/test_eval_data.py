"""The hand-written eval sets and vocabularies are well formed and agree with the real KB."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_eval_data.py"


def _load_checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_eval_data", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve annotations through sys.modules, so register before executing.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


checker = _load_checker()


def _lay_row(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": "lay-001",
        "question": "pins and needles in my feet after chemo",
        "qtype": "side_effect",
        "gold_urls": ["https://www.cancer.gov/about-cancer/treatment/side-effects/nerve-problems"],
        "style": ["lay"],
    }
    return row | overrides


def _list_row(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": "list-001",
        "question": "What are the signs of infection?",
        "gold_urls": ["https://www.cancer.gov/x"],
        "must_mention_any": ["fever", "chills", "sore throat"],
        "min_terms": 2,
        "answerable": True,
    }
    return row | overrides


@pytest.mark.unit
def test_shipped_files_pass_schema_and_minimum_counts() -> None:
    assert checker.check_schema() == []


@pytest.mark.unit
def test_shipped_lay_questions_cover_every_style_and_many_qtypes() -> None:
    rows = checker.load_jsonl(checker.EVAL_DIR / checker.LAY_FILE)
    styles = {style for row in rows for style in row["style"]}
    assert styles == checker.STYLES
    assert len({row["qtype"] for row in rows}) >= 7


@pytest.mark.unit
@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"qtype": "gossip"}, "unknown qtype"),
        ({"style": ["slang"]}, "style must be"),
        ({"gold_urls": []}, "gold_urls must be"),
        ({"gold_urls": ["http://example.com/page"]}, "not a cancer.gov url"),
        ({"id": "lay-1"}, "does not match"),
    ],
)
def test_lay_validator_rejects_bad_rows(overrides: dict[str, Any], expected: str) -> None:
    errors = checker.check_lay_rows([_lay_row(**overrides)])
    assert any(expected in error for error in errors), errors


@pytest.mark.unit
def test_duplicate_ids_are_reported() -> None:
    errors = checker.check_lay_rows([_lay_row(), _lay_row()])
    assert any("duplicate id lay-001" in error for error in errors)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"must_mention_any": ["fever", "chills"]}, "3-10 terms"),
        ({"must_mention_any": ["Fever", "chills", "rash"]}, "lowercase"),
        ({"min_terms": 4}, "min_terms must be"),
        ({"answerable": False}, "answerable must be true"),
    ],
)
def test_list_validator_rejects_bad_rows(overrides: dict[str, Any], expected: str) -> None:
    errors = checker.check_list_rows([_list_row(**overrides)])
    assert any(expected in error for error in errors), errors


@pytest.mark.unit
def test_offtopic_validator_requires_false_answerable_and_known_kind() -> None:
    row = {"id": "off-001", "question": "how do i boil an egg", "answerable": True, "kind": "food"}
    errors = checker.check_offtopic_rows([row])
    assert any("answerable must be false" in error for error in errors)
    assert any("unknown kind" in error for error in errors)


@pytest.mark.unit
def test_vocabulary_validators_reject_malformed_entries() -> None:
    bad_terms = {"terms": [{"lay": ["chemo"], "medical": []}, {"lay": ["x"]}]}
    assert len(checker.check_lay_terms(bad_terms)) == 2
    repeated = {
        "terms": [{"lay": ["Chemo"], "medical": ["a"]}, {"lay": ["chemo"], "medical": ["b"]}]
    }
    assert "in entries 0, 1" in checker.check_lay_terms(repeated)[0]
    assert checker.check_abbreviations({"abbreviations": {"AML": []}}) != []
    assert checker.check_abbreviations({"abbreviations": {"AML": ["acute myeloid leukemia"]}}) == []


@pytest.mark.unit
def test_normalize_text_drops_markdown_link_targets_and_emphasis() -> None:
    raw = "**Breast** **lump** and [easy bruising](/Common/PopUps/x.aspx)\n ![img](/a.jpg) Fever"
    assert checker.normalize_text(raw) == "breast lump and easy bruising fever"


def _write_kb(kb: Path, pages: dict[str, str]) -> None:
    docs = []
    for index, (url, body) in enumerate(pages.items()):
        path = f"en/doc{index}.md"
        (kb / "en").mkdir(parents=True, exist_ok=True)
        (kb / path).write_text(f"---\nurl: {url}\n---\n{body}", encoding="utf-8")
        docs.append({"url": url, "path": path})
    (kb / "manifest.json").write_text(json.dumps({"docs": docs}), encoding="utf-8")


@pytest.mark.unit
def test_kb_check_flags_missing_stub_and_unsupported_terms(tmp_path: Path) -> None:
    good, stub = "https://www.cancer.gov/good", "https://www.cancer.gov/stub"
    kb = tmp_path / "kb"
    _write_kb(kb, {good: "Signs: **fever**, chills. " + "x" * 900, stub: "Enable JavaScript"})
    rows = [
        _list_row(gold_urls=[good], must_mention_any=["fever", "chills", "rash"]),
        _list_row(id="list-002", gold_urls=[stub, "https://www.cancer.gov/absent"]),
    ]
    errors = checker._check_gold_pages(rows, checker.load_kb_pages(kb), "list")
    joined = "\n".join(errors)
    assert "'rash' is in no gold page" in joined
    assert "'fever'" not in joined.split("list-002")[0]
    assert "stub is a JavaScript stub" in joined
    assert "absent is not in the manifest" in joined


@pytest.mark.integration
def test_gold_urls_terms_and_vocabulary_agree_with_real_kb(shared_kb: Path) -> None:
    assert checker.check_against_kb(shared_kb) == []
