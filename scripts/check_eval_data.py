"""Validate oncoguide's hand-written evaluation sets and query-understanding vocabularies.

Checks, without the KB: JSON/YAML schema, unique ids, allowed enum values and minimum counts.
With ``--kb DIR`` (the real NCI KB with manifest.json) it also checks that every gold url is in
the manifest and points at a real page (not a JavaScript stub or near-empty file), that every
``must_mention_any`` term occurs in a gold page, and that every vocabulary expansion occurs in
the KB text. Exit code 0 = clean, 1 = problems (printed one per line).

    python scripts/check_eval_data.py                  # schema only
    python scripts/check_eval_data.py --kb ../shared/kb
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from oncoguide.text.jsonl import read_jsonl

REPO_ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = REPO_ROOT / "src" / "oncoguide" / "evaluation" / "data"
VOCAB_DIR = REPO_ROOT / "src" / "oncoguide" / "retrieve" / "data"

LAY_FILE = "lay_questions.jsonl"
OFFTOPIC_FILE = "offtopic_questions.jsonl"
LIST_FILE = "list_questions.jsonl"
LAY_TERMS_FILE = "lay_terms.yaml"
ABBREVIATIONS_FILE = "abbreviations.yaml"

MIN_COUNTS = {
    LAY_FILE: 100,
    OFFTOPIC_FILE: 70,
    LIST_FILE: 35,
    LAY_TERMS_FILE: 80,
    ABBREVIATIONS_FILE: 60,
}
QTYPES = frozenset(
    {"side_effect", "drug", "cancer_type", "test", "coping", "caregiving", "prevention"}
    | {"treatment", "other"}
)
STYLES = frozenset({"lay", "misspelling", "brand", "abbreviation", "caregiver"})
OFFTOPIC_KINDS = frozenset({"off_topic", "other_disease", "not_in_kb"})
GOLD_URL_PREFIX = "https://www.cancer.gov/"
# A gold page must have real text: the KB holds JavaScript stubs and one-line video pages.
MIN_PAGE_CHARS = 800
STUB_MARKER = "enable javascript"

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"[*_]")
_SPACE = re.compile(r"\s+")


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """One JSON object per non-blank line; a malformed line raises ValueError naming it."""
    return [row for _, row in read_jsonl(path, what="evaluation", allow_empty=True)]


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def normalize_text(text: str) -> str:
    """Markdown to comparable plain text: drop images and link targets and emphasis marks,
    collapse whitespace, lowercase. Terms are matched against this form."""
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub("", text)
    return _SPACE.sub(" ", text).lower()


def _is_str_list(value: Any, *, min_len: int = 1) -> TypeGuard[list[str]]:
    return (
        isinstance(value, list)
        and len(value) >= min_len
        and all(isinstance(v, str) and v.strip() for v in value)
    )


def _check_ids(rows: Sequence[dict[str, Any]], prefix: str, name: str) -> list[str]:
    errors: list[str] = []
    seen: set[str] = set()
    pattern = re.compile(rf"^{prefix}-\d{{3}}$")
    for index, row in enumerate(rows):
        row_id = row.get("id")
        if not isinstance(row_id, str) or not pattern.match(row_id):
            errors.append(f"{name} row {index}: id {row_id!r} does not match {prefix}-NNN")
        elif row_id in seen:
            errors.append(f"{name}: duplicate id {row_id}")
        else:
            seen.add(row_id)
        question = row.get("question")
        if not isinstance(question, str) or len(question.strip()) < 3:
            errors.append(f"{name} {row_id}: question missing or too short")
    return errors


def _check_gold(row: dict[str, Any], name: str) -> list[str]:
    gold = row.get("gold_urls")
    if not _is_str_list(gold):
        return [f"{name} {row.get('id')}: gold_urls must be a non-empty list of strings"]
    errors = [
        f"{name} {row.get('id')}: gold url {url!r} is not a cancer.gov url"
        for url in gold
        if not url.startswith(GOLD_URL_PREFIX)
    ]
    if len(set(gold)) != len(gold):
        errors.append(f"{name} {row.get('id')}: duplicate gold url")
    return errors


def check_lay_rows(rows: Sequence[dict[str, Any]]) -> list[str]:
    errors = _check_ids(rows, "lay", LAY_FILE)
    for row in rows:
        errors += _check_gold(row, LAY_FILE)
        if row.get("qtype") not in QTYPES:
            errors.append(f"{LAY_FILE} {row.get('id')}: unknown qtype {row.get('qtype')!r}")
        style = row.get("style")
        if not _is_str_list(style) or not set(style) <= STYLES:
            errors.append(f"{LAY_FILE} {row.get('id')}: style must be a subset of {sorted(STYLES)}")
    return errors


def check_offtopic_rows(rows: Sequence[dict[str, Any]]) -> list[str]:
    errors = _check_ids(rows, "off", OFFTOPIC_FILE)
    for row in rows:
        if row.get("answerable") is not False:
            errors.append(f"{OFFTOPIC_FILE} {row.get('id')}: answerable must be false")
        if row.get("kind") not in OFFTOPIC_KINDS:
            errors.append(f"{OFFTOPIC_FILE} {row.get('id')}: unknown kind {row.get('kind')!r}")
        if "gold_urls" in row:
            errors.append(f"{OFFTOPIC_FILE} {row.get('id')}: abstain rows have no gold_urls")
    return errors


def check_list_rows(rows: Sequence[dict[str, Any]]) -> list[str]:
    errors = _check_ids(rows, "list", LIST_FILE)
    for row in rows:
        row_id = row.get("id")
        errors += _check_gold(row, LIST_FILE)
        terms = row.get("must_mention_any")
        if not _is_str_list(terms, min_len=3) or len(terms) > 10:
            errors.append(f"{LIST_FILE} {row_id}: must_mention_any needs 3-10 terms")
            continue
        if any(term != term.lower() for term in terms) or len(set(terms)) != len(terms):
            errors.append(f"{LIST_FILE} {row_id}: terms must be lowercase and unique")
        min_terms = row.get("min_terms")
        if not isinstance(min_terms, int) or not 1 <= min_terms <= len(terms):
            errors.append(f"{LIST_FILE} {row_id}: min_terms must be 1..{len(terms)}")
        if row.get("answerable") is not True:
            errors.append(f"{LIST_FILE} {row_id}: answerable must be true")
    return errors


def check_lay_terms(data: Any) -> list[str]:
    entries = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return [f"{LAY_TERMS_FILE}: top-level 'terms' list missing"]
    errors: list[str] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"lay", "medical"}:
            errors.append(f"{LAY_TERMS_FILE} entry {index}: needs exactly 'lay' and 'medical'")
            continue
        if not _is_str_list(entry["lay"]) or not _is_str_list(entry["medical"]):
            errors.append(f"{LAY_TERMS_FILE} entry {index}: lay/medical must be non-empty lists")
            continue
        for phrase in entry["lay"]:
            key = phrase.lower()
            if key in seen:
                errors.append(
                    f"{LAY_TERMS_FILE}: lay phrase {phrase!r} in entries {seen[key]}, {index}"
                )
            seen[key] = index
    return errors


def check_abbreviations(data: Any) -> list[str]:
    table = data.get("abbreviations") if isinstance(data, dict) else None
    if not isinstance(table, dict):
        return [f"{ABBREVIATIONS_FILE}: top-level 'abbreviations' mapping missing"]
    return [
        f"{ABBREVIATIONS_FILE}: {key!r} needs a non-empty list of expansions"
        for key, expansions in table.items()
        if not isinstance(key, str) or not _is_str_list(expansions)
    ]


def _count(name: str, data: Any) -> int:
    if name == LAY_TERMS_FILE:
        return len(data.get("terms") or []) if isinstance(data, dict) else 0
    if name == ABBREVIATIONS_FILE:
        return len(data.get("abbreviations") or {}) if isinstance(data, dict) else 0
    return len(data)


def check_schema(eval_dir: Path = EVAL_DIR, vocab_dir: Path = VOCAB_DIR) -> list[str]:
    """All checks that need no KB, including the minimum counts."""
    loaded: dict[str, Any] = {
        LAY_FILE: load_jsonl(eval_dir / LAY_FILE),
        OFFTOPIC_FILE: load_jsonl(eval_dir / OFFTOPIC_FILE),
        LIST_FILE: load_jsonl(eval_dir / LIST_FILE),
        LAY_TERMS_FILE: load_yaml(vocab_dir / LAY_TERMS_FILE),
        ABBREVIATIONS_FILE: load_yaml(vocab_dir / ABBREVIATIONS_FILE),
    }
    errors = check_lay_rows(loaded[LAY_FILE])
    errors += check_offtopic_rows(loaded[OFFTOPIC_FILE])
    errors += check_list_rows(loaded[LIST_FILE])
    errors += check_lay_terms(loaded[LAY_TERMS_FILE])
    errors += check_abbreviations(loaded[ABBREVIATIONS_FILE])
    for name, minimum in MIN_COUNTS.items():
        count = _count(name, loaded[name])
        if count < minimum:
            errors.append(f"{name}: {count} entries, need at least {minimum}")
    return errors


@dataclass(frozen=True)
class KBPage:
    url: str
    path: Path
    text: str  # normalized body (frontmatter removed), see normalize_text


def _body(raw: str) -> str:
    if raw.startswith("---"):
        parts = raw.split("\n---", 1)
        if len(parts) == 2:
            return parts[1]
    return raw


def load_kb_pages(kb_dir: Path) -> dict[str, KBPage]:
    """url -> page for every manifest entry whose file exists."""
    manifest = json.loads((kb_dir / "manifest.json").read_text(encoding="utf-8"))
    pages: dict[str, KBPage] = {}
    for doc in manifest.get("docs", []):
        path = kb_dir / str(doc.get("path", ""))
        url = doc.get("url")
        if isinstance(url, str) and path.is_file():
            text = normalize_text(_body(path.read_text(encoding="utf-8")))
            pages[url] = KBPage(url=url, path=path, text=text)
    return pages


def page_problem(page: KBPage) -> str | None:
    if STUB_MARKER in page.text:
        return "is a JavaScript stub"
    if len(page.text.strip()) < MIN_PAGE_CHARS:
        return f"has only {len(page.text.strip())} characters"
    return None


def _check_gold_pages(
    rows: Iterable[dict[str, Any]], pages: dict[str, KBPage], name: str
) -> list[str]:
    errors: list[str] = []
    for row in rows:
        for url in row.get("gold_urls", []):
            page = pages.get(url)
            problem = "is not in the manifest" if page is None else page_problem(page)
            if problem:
                errors.append(f"{name} {row.get('id')}: gold {url} {problem}")
        gold_texts = [pages[u].text for u in row.get("gold_urls", []) if u in pages]
        for term in row.get("must_mention_any", []):
            if not any(term.lower() in text for text in gold_texts):
                errors.append(f"{name} {row.get('id')}: term {term!r} is in no gold page")
    return errors


def _check_vocab_in_kb(vocab_dir: Path, corpus: str) -> list[str]:
    terms = load_yaml(vocab_dir / LAY_TERMS_FILE)["terms"]
    abbreviations = load_yaml(vocab_dir / ABBREVIATIONS_FILE)["abbreviations"]
    wanted = [(LAY_TERMS_FILE, m) for entry in terms for m in entry["medical"]]
    wanted += [(ABBREVIATIONS_FILE, e) for exps in abbreviations.values() for e in exps]
    return [
        f"{name}: expansion {term!r} never occurs in the KB"
        for name, term in dict.fromkeys(wanted)
        if normalize_text(term) not in corpus
    ]


def check_against_kb(
    kb_dir: Path, eval_dir: Path = EVAL_DIR, vocab_dir: Path = VOCAB_DIR
) -> list[str]:
    """Gold urls exist and are real pages; list terms occur in a gold page; expansions occur."""
    pages = load_kb_pages(kb_dir)
    errors = _check_gold_pages(load_jsonl(eval_dir / LAY_FILE), pages, LAY_FILE)
    errors += _check_gold_pages(load_jsonl(eval_dir / LIST_FILE), pages, LIST_FILE)
    corpus = "\n".join(page.text for page in pages.values())
    return errors + _check_vocab_in_kb(vocab_dir, corpus)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=Path, help="KB directory holding manifest.json")
    args = parser.parse_args(argv)
    errors = check_schema()
    if args.kb is not None:
        errors += check_against_kb(args.kb)
    for error in errors:
        print(error)
    print(f"{len(errors)} problem(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
