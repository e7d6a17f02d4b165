"""Answer benchmark: every eval set through the real turn (safety, retrieve, gate, compose, verify).

    OPENBLAS_NUM_THREADS=1 python benchmarks/answer_bench.py --db /tmp/og-answer.db
    ... --features /tmp/gate.jsonl   # also dump each question's gate features (for calibration)
    ... --examples 5                 # print that many example answers
    ... --smoke                      # sample KB (lexical) in a temporary index, 3 questions a set

Prints one row per set: answered / abstained, verified-sentence rate, citations to documents that
were not retrieved, cited-gold, cited-top-hit, list coverage, reading grade and warm latency
(p50/p95 of the whole turn, after a warm-up). Numbers, not assertions: read targets off the table.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _results import add_common_args, fingerprint, record, sample_kb_path

from oncoguide.answer.gate import gate_features
from oncoguide.chat.assistant import open_assistant
from oncoguide.chat.turn import TurnOptions
from oncoguide.config import load_settings
from oncoguide.evaluation.answer_eval import evaluate_answers, load_rows
from oncoguide.evaluation.metrics import normalize_url as normalise_url
from oncoguide.index.sqlite import open_store
from oncoguide.retrieve.build import build_index
from oncoguide.types import TurnResult

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "oncoguide" / "evaluation" / "data"
AQ = DATA / "answer_quality.jsonl"
SETS: dict[str, Path] = {
    "aq-dev": AQ,  # develop on this half of the answer-quality set
    "aq-heldout": AQ,  # ... and report this one
    "medquad": ROOT.parent / "shared" / "eval" / "medquad_cancergov.jsonl",
    "lay": DATA / "lay_questions.jsonl",
    "list": DATA / "list_questions.jsonl",
    "offtopic": DATA / "offtopic_questions.jsonl",
}
COLUMNS = (
    ("set", "{}"), ("n", "{}"), ("answered", "{}"), ("abst%", "{:.1%}"), ("verified", "{:.2%}"),
    ("unretr", "{}"), ("gold", "{:.1%}"), ("top1", "{:.1%}"), ("cover", "{:.1%}"),
    ("section", "{:.1%}"),
    ("grade", "{}"), ("p50ms", "{}"), ("p95ms", "{}"),
)  # fmt: skip


def _row(name: str, r: dict[str, Any]) -> dict[str, Any]:
    return {
        "set": name, "n": r["questions"], "answered": r["answered"],
        "abst%": r["abstained"] / r["questions"], "verified": r["verified_sentence_rate"],
        "unretr": r["cited_unretrieved"], "gold": r["cited_gold_rate"],
        "top1": r["cited_top_hit_rate"], "cover": r["coverage_rate"],
        "section": r.get("section_hit_rate"),
        "grade": r["reading_grade_median"], "p50ms": r["latency_ms"]["p50"],
        "p95ms": r["latency_ms"]["p95"],
    }  # fmt: skip


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [[c for c, _ in COLUMNS]]
    for row in rows:
        cells.append(["-" if row[c] is None else f.format(row[c]) for c, f in COLUMNS])
    widths = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells)


def _feature_row(name: str, row: dict[str, Any], result: TurnResult) -> dict[str, Any]:
    gold = {normalise_url(u) for u in row.get("gold_urls", [])}
    urls = [normalise_url(h.url) for h in result.hits]
    return {
        "set": name,
        "id": row.get("id"),
        "question": row["question"],
        "answerable": bool(row.get("answerable", True)),
        "gold_rank": next((i + 1 for i, u in enumerate(urls) if u in gold), None),
        "abstained": result.answer.abstained,
        "reason": result.answer.abstain_reason,
        **gate_features(row["question"], result.hits),
    }


def _print_example(result: TurnResult) -> None:
    a = result.answer
    print(f"\nQ: {result.question}\n{a.text}")
    for c in a.citations:
        print(f"  [{c.n}] {c.title} — {c.heading.split(' › ')[-1]} ({c.url})")


def _recording(
    turn: Callable[[str], TurnResult], into: list[TurnResult]
) -> Callable[[str], TurnResult]:
    def run(question: str) -> TurnResult:
        into.append(turn(question))
        return into[-1]

    return run


def _smoke_inputs(args: argparse.Namespace, tmp: Path) -> dict[str, Path]:
    """The sample KB in a lexical-only temporary index; the first 3 questions of each set."""
    args.db = tmp / "smoke.db"
    with open_store(args.db) as store:
        build_index(sample_kb_path(), store)
    sets: dict[str, Path] = {}
    for name in args.sets:
        if SETS[name].is_file() and not name.startswith("aq-"):  # split sets: not in smoke
            sets[name] = tmp / f"{name}.jsonl"
            head = SETS[name].read_text(encoding="utf-8").splitlines()[:3]
            sets[name].write_text("\n".join(head) + "\n", encoding="utf-8")
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/og-answer.db"))
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--features", type=Path, help="write gate features as JSONL here")
    parser.add_argument("--examples", type=int, default=5)
    add_common_args(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="answer-bench-") as tmp:
        if args.smoke:
            sets = _smoke_inputs(args, Path(tmp))
            args.examples = 1
        else:
            sets = {name: SETS[name] for name in args.sets if SETS[name].is_file()}
        _run(args, sets)


def _run(args: argparse.Namespace, sets: dict[str, Path]) -> None:
    embedder = "none" if args.smoke else None
    assistant = open_assistant(load_settings(db=args.db, embedder=embedder))
    turn = assistant.turner(TurnOptions(region="US"))
    for q in ("what is breast cancer", "side effects of chemotherapy", "boil an egg"):
        turn(q)  # warm-up: embedder, caches, SQLite pages
    results: dict[str, list[TurnResult]] = {}
    rows, features = [], []
    for name, path in sets.items():
        collected: list[TurnResult] = []
        split = name.removeprefix("aq-") if name.startswith("aq-") else None
        report = evaluate_answers(_recording(turn, collected), path, split=split)
        rows.append(_row(name, report))
        results[name] = collected
        qrows = load_rows(path, split)
        features += [_feature_row(name, r, t) for r, t in zip(qrows, collected, strict=True)]
    assistant.close()
    print(_table(rows))
    answered = [r for rs in results.values() for r in rs if not r.answer.abstained]
    grades = [r.answer.reading_grade for r in answered if r.answer.reading_grade is not None]
    if grades:
        print(f"\nreading grade median over all answers: {statistics.median(grades):.1f}")
    if args.features:
        args.features.write_text("".join(json.dumps(f) + "\n" for f in features), "utf-8")
    picks = [rs[i] for rs in results.values() for i in (0, len(rs) // 2) if rs]
    for result in [r for r in picks if not r.answer.abstained][: args.examples]:
        _print_example(result)
    summary = {f"{row['set']} {k}": row[k] for row in rows for k in ("n", "gold", "p50ms")}
    record("answer_bench", summary, args, fingerprint(None, args.db))


if __name__ == "__main__":
    main()
