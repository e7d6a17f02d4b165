"""Everyday-message benchmark for the chat aids (issue 9, "Also in this issue"): misspelt and
non-English questions, refusal wording, "what should I do next?", "what questions should I ask?"
and messages that carry feelings. Development numbers on our own 22 questions
(benchmarks/data/everyday_aids.jsonl), not a held-out measurement.

    OPENBLAS_NUM_THREADS=1 python benchmarks/aids_bench.py --db /tmp/full.db [--show]
    python benchmarks/aids_bench.py --smoke   # sample KB (lexical) in a temporary index, 1 a kind

Checks per kind (printed as passed/total), every one automatic:
- misspelt: answered (not abstained) with citations;
- not_english: the reply starts "I can answer in English only for now";
- next_steps: answered, cited, quotes a "see/call/check with your doctor" sentence or gives the
  templated next step, and makes no diagnosis guess ("you (may|might|probably) have");
- questions: at least 3 cited question items;
- feeling: the reply opens with a kind sentence (its first paragraph has no citation) and is not
  an abstention;
- refusal_abstain: no "Here is general information" line unless general information follows;
(an emergency reply counts as navigation for next_steps), and for every reply: each line it
wrote itself, and every sentence in it, starts with a capital letter. Also the median reading grade.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
from pathlib import Path

from _results import add_common_args, fingerprint, record, sample_kb_path

from oncoguide.chat.assistant import open_assistant
from oncoguide.chat.turn import TurnOptions
from oncoguide.config import load_settings
from oncoguide.index.sqlite import open_store
from oncoguide.retrieve.build import build_index
from oncoguide.types import TurnResult

DATA = Path(__file__).resolve().parent / "data" / "everyday_aids.jsonl"
_SEE_DOCTOR = re.compile(
    r"\b(?:check with|call|see|talk (?:with|to)|tell|contact) (?:your|a|the) "
    r"(?:doctor|health care provider|health care team|care team|nurse)",
    re.IGNORECASE,
)
_GUESS = re.compile(r"\byou (?:may|might|probably|likely) have\b", re.IGNORECASE)


def _capitals(text: str) -> bool:
    """Every line the assistant wrote itself (quoted KB lines carry [n]) starts with a capital."""
    for line in text.splitlines():
        if re.search(r"\[\d+\]", line):
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", line.lstrip("-*• ").strip()):
            if sentence and sentence[0].islower():
                return False
    return True


def check(kind: str, r: TurnResult) -> bool:
    a = r.answer
    text = a.text
    if kind == "misspelt":
        return not a.abstained and bool(a.citations)
    if kind == "not_english":
        return text.startswith("I can answer in English only for now")
    if kind == "next_steps":
        if r.safety.category == "emergency":
            return True  # sent to urgent care: navigation too
        quoted = any(_SEE_DOCTOR.search(s.text) for s in a.sentences)
        return (
            not a.abstained
            and (quoted or "doctor" in text.split("\n\n")[0])
            and not _GUESS.search(text)
        )
    if kind == "questions":
        items = [s for s in a.sentences if s.text.rstrip().endswith("?")]
        return not a.abstained and len(items) >= 3
    if kind == "feeling":
        first = text.split("\n\n")[0]
        return not a.abstained and "[" not in first and len(first.split(". ")) == 1
    if kind == "refusal_abstain":
        promise = "Here is general information" in text
        return not promise or bool(a.sentences)
    raise ValueError(kind)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--questions", type=Path, default=DATA)
    ap.add_argument("--show", action="store_true", help="print every reply")
    add_common_args(ap)
    args = ap.parse_args()
    if args.db is None and not args.smoke:
        ap.error("--db is required (or --smoke)")
    rows = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="aids-bench-") as tmp:
        if args.smoke:  # the sample KB, lexical only; the first question of each kind
            args.db = Path(tmp) / "smoke.db"
            with open_store(args.db) as store:
                build_index(sample_kb_path(), store)
            rows = list({row["kind"]: row for row in reversed(rows)}.values())
        _run(args, rows)


def _run(args: argparse.Namespace, rows: list[dict[str, str]]) -> None:
    per_kind: dict[str, list[int]] = {}
    capitals, grades = 0, []
    embedder = "none" if args.smoke else None
    with open_assistant(load_settings(db=args.db, embedder=embedder)) as assistant:
        turn = assistant.turner(TurnOptions())
        for row in rows:
            r = turn(row["question"])
            ok = check(row["kind"], r)
            per_kind.setdefault(row["kind"], []).append(int(ok))
            capitals += _capitals(r.answer.text)
            if r.answer.reading_grade is not None and not r.answer.abstained:
                grades.append(r.answer.reading_grade)
            if args.show:
                verdict = "PASS" if ok else "FAIL"
                print(f"=== {row['id']} [{row['kind']}] {verdict}: {row['question']}")
                print(r.answer.text)
                for c in r.answer.citations:
                    print(f"  [{c.n}] {c.title} › {c.heading.split(' › ')[-1]} — {c.url}")
    total = sum(sum(v) for v in per_kind.values())
    print(f"{'kind':16} passed/total")
    for kind, v in per_kind.items():
        print(f"{kind:16} {sum(v)}/{len(v)}")
    print(f"{'all':16} {total}/{len(rows)}")
    print(f"capital letters  {capitals}/{len(rows)}")
    median = statistics.median(grades) if grades else None
    print(f"reading grade median (answered): {median}")
    results: dict[str, object] = {k: f"{sum(v)}/{len(v)}" for k, v in per_kind.items()}
    results.update(all=f"{total}/{len(rows)}", capitals=capitals, reading_grade_median=median)
    record("aids_bench", results, args, fingerprint(None, args.db))


if __name__ == "__main__":
    main()
