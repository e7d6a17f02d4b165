"""`oncoguide eval answers`: answer-level quality numbers over a JSONL question file.

Rows: {id, question, gold_urls?, answerable?, must_mention_any?, min_terms?, section?, split?}.
`run` is the whole turn (safety, retrieval, answer); the verified-sentence rate is recomputed here,
independently of the answer stage's own verifier, from the passages each TurnResult carries.
`coverage_rate` is key-term coverage (the answer names at least `min_terms` of
`must_mention_any`); `section_hit_rate` (rows with a gold `section`) counts answers that quote
that section: a citation of a gold page whose heading path names it. `split` selects rows
("dev" or "heldout") of a set that is developed on one half and reported on the other.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from oncoguide.answer.text import normalise
from oncoguide.answer.verify import SUPPORT_THRESHOLD, support_score
from oncoguide.evaluation.jsonl import read_jsonl
from oncoguide.evaluation.metrics import normalize_url, percentile
from oncoguide.types import TurnResult

__all__ = ["evaluate_answers", "load_rows", "section_hit"]


def load_rows(path: Path, split: str | None = None) -> list[dict[str, Any]]:
    rows = [row for _, row in read_jsonl(path, what="questions", required=("question",))]
    return rows if split is None else [r for r in rows if r.get("split") == split]


_NON_WORD = re.compile(r"[^a-z0-9]+")


def _heading_key(text: str) -> str:
    return _NON_WORD.sub(" ", normalise(text)).strip()


def section_hit(row: dict[str, Any], result: TurnResult) -> bool:
    """The answer cites the row's gold section: a citation (of a gold page, when the row has gold
    urls) whose heading path has a heading equal to `section` (case and punctuation folded)."""
    want = _heading_key(str(row["section"]))
    gold = {normalize_url(u) for u in row.get("gold_urls") or ()}
    for c in result.answer.citations:
        if gold and normalize_url(c.url) not in gold:
            continue
        if want in {_heading_key(h) for h in c.heading.split(" › ")}:
            return True
    return False


def _verified(result: TurnResult) -> tuple[int, int]:
    """(verified, total) answer sentences: each checked against the passage its citation names."""
    texts = {p.chunk_id: p.text for h in result.hits for p in h.passages}
    chunk_of = {c.n: c.chunk_id for c in result.answer.citations}
    generated = result.answer.generator != "extractive"
    ok = 0
    for s in result.answer.sentences:
        passage = texts.get(chunk_of.get(s.citation, ""))
        if passage is None:
            continue
        if normalise(s.text) in normalise(passage) or (
            generated and support_score(s.text, passage) >= SUPPORT_THRESHOLD
        ):
            ok += 1
    return ok, len(result.answer.sentences)


def _covered(row: dict[str, Any], text: str) -> bool:
    terms = [str(t).lower() for t in row["must_mention_any"]]
    needed = int(row.get("min_terms", 1))
    return sum(1 for t in terms if t in text.lower()) >= needed


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _percentile(values: Sequence[float], pct: float) -> float | None:
    return round(percentile(values, pct), 2) if values else None


def evaluate_answers(
    run: Callable[[str], TurnResult], rows_path: Path, *, split: str | None = None
) -> dict[str, Any]:
    """Run each question through `run`; report the answer-stage metrics (keys are a contract).
    `split` keeps only the rows of that split ("dev" / "heldout")."""
    rows = load_rows(rows_path, split)
    c: dict[str, int] = dict.fromkeys(
        ("answered", "verified", "sentences", "cov", "cov_n", "gold", "gold_n", "off", "off_n",
         "false_abs", "answerable", "unretrieved", "top_hit", "sec", "sec_n"), 0,
    )  # fmt: skip
    latencies: list[float] = []
    grades: list[float] = []
    for row in rows:
        start = time.perf_counter()
        result = run(row["question"])
        latencies.append((time.perf_counter() - start) * 1000)
        answer = result.answer
        answerable = bool(row.get("answerable", True))
        c["answerable"] += answerable
        c["false_abs"] += answerable and answer.abstained
        c["off_n"] += not answerable
        c["off"] += (not answerable) and answer.abstained
        if row.get("must_mention_any"):
            c["cov_n"] += 1
            c["cov"] += (not answer.abstained) and _covered(row, answer.text)
        if row.get("section"):
            c["sec_n"] += 1
            c["sec"] += (not answer.abstained) and section_hit(row, result)
        if answer.abstained:
            continue
        c["answered"] += 1
        ok, total = _verified(result)
        c["verified"] += ok
        c["sentences"] += total
        if answer.reading_grade is not None:
            grades.append(answer.reading_grade)
        retrieved = {h.doc_id for h in result.hits}
        c["unretrieved"] += sum(1 for x in answer.citations if x.doc_id not in retrieved)
        c["top_hit"] += bool(result.hits) and any(
            x.doc_id == result.hits[0].doc_id for x in answer.citations
        )
        if row.get("gold_urls"):
            gold = {normalize_url(u) for u in row["gold_urls"]}
            c["gold_n"] += 1
            c["gold"] += any(normalize_url(x.url) in gold for x in answer.citations)
    report: dict[str, Any] = {
        "questions": len(rows),
        "answered": c["answered"],
        "abstained": len(rows) - c["answered"],
        "verified_sentence_rate": _rate(c["verified"], c["sentences"]),
        "coverage_rate": _rate(c["cov"], c["cov_n"]),
        "cited_gold_rate": _rate(c["gold"], c["gold_n"]),
        "offtopic_abstention_rate": _rate(c["off"], c["off_n"]),
        "false_abstention_rate": _rate(c["false_abs"], c["answerable"]),
        "reading_grade_median": round(statistics.median(grades), 1) if grades else None,
        "reading_grade_p90": _percentile(grades, 90),
        "reading_grade_le_9_rate": _rate(sum(g <= 9 for g in grades), len(grades)),
        "cited_unretrieved": c["unretrieved"],
        "cited_top_hit_rate": _rate(c["top_hit"], c["answered"]),
        "latency_ms": {"p50": _percentile(latencies, 50), "p95": _percentile(latencies, 95)},
    }
    if c["sec_n"]:
        report["section_hit_rate"] = _rate(c["sec"], c["sec_n"])
    return report
