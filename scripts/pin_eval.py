"""Write pins (evaluation/expected/*.yaml) from a measured `oncoguide eval all` report.json.

    oncoguide eval all --quick --out /tmp/q
    python scripts/pin_eval.py /tmp/q/report.json > src/oncoguide/evaluation/expected/quick.yaml

Which metrics are pinned, in which direction and with what tolerance is decided here, once, not per
run. A pinned value moves only in the commit that explains why: re-run this after a change that is
meant to move numbers, and say in the commit message which numbers moved and why. Latency is not
pinned: on a shared 2-core machine it varies more than any tolerance that would catch a regression;
the report carries it, as a ratio to plain BM25 measured in the same run.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import sys
from pathlib import Path

# (metric pattern, direction, tolerance). Safety rules are deterministic: tolerance 0.
RULES: tuple[tuple[str, str, float], ...] = (
    ("retrieval.*.full.recall@1", "higher", 0.01),
    ("retrieval.*.full.recall@5", "higher", 0.01),
    ("retrieval.*.full.mrr@10", "higher", 0.01),
    ("retrieval.*.full.patient_first@1", "higher", 0.01),
    ("retrieval.*.bm25.recall@1", "both", 0.01),  # the baseline itself should not move
    ("safety.*.accuracy", "higher", 0.0),
    ("safety.*.false_refusal_rate", "lower", 0.0),
    ("safety.*.recall.emergency", "higher", 0.0),
    ("safety.*.recall.self_harm", "higher", 0.0),
    ("safety.*.escalation_recall", "higher", 0.0),
    ("safety.*.hard_stop_recall", "higher", 0.0),
    ("safety.*.soft_flag_rate", "lower", 0.01),
    ("answers.*.verified_sentence_rate", "higher", 0.0),
    ("answers.*.cited_gold_rate", "higher", 0.01),
    ("answers.*.coverage_rate", "higher", 0.01),  # key-term coverage (must_mention_any)
    ("answers.*.section_hit_rate", "higher", 0.01),
    ("answers.*.offtopic_abstention_rate", "higher", 0.01),
    ("answers.*.false_abstention_rate", "lower", 0.01),
    ("answers.*.reading_grade_median", "lower", 0.5),
    ("answers.*.reading_grade_p90", "lower", 0.5),
    ("answers.*.reading_grade_le_9_rate", "higher", 0.02),
    ("answers.*.cited_unretrieved", "lower", 0),
    ("conversations.*.followup_gold_hit", "higher", 0.02),
    ("conversations.*.followup_first_cited_gold", "higher", 0.02),
    ("conversations.*.clarify_asked", "higher", 0),
    ("conversations.*.clarify_unexpected", "lower", 0),
)
# Not pinned: the reading grade of the off-topic set is the grade of the few questions it wrongly
# answers (2 or 3 of 76), so it jumps whenever one of them changes; their abstention rate is pinned.
EXCLUDE = ("answers.offtopic.reading_grade_*",)


def pins(report: dict[str, object]) -> list[dict[str, object]]:
    metrics = report["metrics"]
    assert isinstance(metrics, dict)
    out: list[dict[str, object]] = []
    for name, value in metrics.items():
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue  # not available / not applicable: nothing to pin
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in EXCLUDE):
            continue
        for pattern, direction, tolerance in RULES:
            if fnmatch.fnmatchcase(name, pattern):
                out.append({"metric": name, "expected": value, "tolerance": tolerance,
                            "direction": direction})  # fmt: skip
                break
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("report", type=Path, help="report.json written by oncoguide eval all")
    args = p.parse_args()
    report = json.loads(args.report.read_text(encoding="utf-8"))
    print(f"# Pinned from `{report['command']}` at commit {report['commit']} on {report['date']}")
    print(f"# ({report['documents']} documents, embedder {report['embedder']}). Written by")
    print("# scripts/pin_eval.py; a value moves only in the commit that explains why.")
    for pin in pins(report):
        print(f"- command: {report['command']}")
        print(f"  kb_fingerprint: {report['kb_fingerprint']}")
        print(f"  metric: {json.dumps(pin['metric'])}")
        for key in ("expected", "tolerance", "direction"):
            print(f"  {key}: {pin[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
