"""Page questions: plain-language questions written for a KB page, matched at search time.

A patient asks "my arm is still puffy since they took the lymph nodes out, will a massage help?";
the page that answers says "manual lymphatic drainage". Question-to-passage similarity bridges
that gap only partly. Questions written for a page in patients' own words close much of it:
question-to-question similarity is what MiniLM was trained for. This is the doc2query idea
(Nogueira et al. 2019) with questions written by people, not generated.

A question file is JSONL, one row per question: `{"url": page url, "question": text,
"section": heading it asks about (optional)}`. Rows are matched to documents by url, so one file can
serve any KB: rows whose url is not in the index are ignored. `oncoguide ingest` embeds the
questions of indexed pages into the store's embedding cache (keyed by `question_hash`, both
backends); `Retriever.search` reads each page's best question cosine as a rerank signal
(`retrieve/rerank.py`). The project ships questions for the NCI pages of `../shared/kb`
(`kb/data/page_questions.jsonl`; how they were written: `kb/data/PAGE_QUESTIONS.md`); a
deployment points `ONCOGUIDE_PAGE_QUESTIONS` at its own file, or at `none`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from oncoguide.errors import KBError
from oncoguide.text.jsonl import read_jsonl

__all__ = [
    "DEFAULT_PAGE_QUESTIONS",
    "PageQuestion",
    "load_page_questions",
    "page_questions_for",
    "question_hash",
]

DEFAULT_PAGE_QUESTIONS = Path(__file__).with_name("data") / "page_questions.jsonl"


@dataclass(frozen=True)
class PageQuestion:
    url: str
    question: str
    section: str = ""


def question_hash(question: str) -> str:
    """The embedding-cache key of a page question (never equal to a chunk's or a heading's)."""
    return hashlib.sha256(f"page question\n{question}".encode()).hexdigest()


def load_page_questions(path: Path | None) -> tuple[PageQuestion, ...]:
    """Read a question file (module docstring); `None` -> no questions. A malformed row raises
    KBError naming its line; duplicate (url, question) rows are kept once."""
    if path is None:
        return ()
    rows = read_jsonl(
        path, what="page questions", required=("url", "question"), error=KBError, allow_empty=True
    )
    out: dict[tuple[str, str], PageQuestion] = {}
    for _, row in rows:
        url, question = row["url"], row["question"]
        section = row.get("section") or ""
        key = (url.strip(), " ".join(question.split()))
        out.setdefault(key, PageQuestion(key[0], key[1], str(section)))
    return tuple(out.values())


def page_questions_for(setting: str) -> tuple[PageQuestion, ...]:
    """The questions a `page_questions` setting names: "bundled" (the project's file), "none",
    or a path to a JSONL file."""
    key = setting.strip()
    if key.lower() == "none":
        return ()
    return load_page_questions(DEFAULT_PAGE_QUESTIONS if key.lower() == "bundled" else Path(key))
