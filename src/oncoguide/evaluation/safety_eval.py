"""Safety-policy evaluation: per-category precision/recall, confusion matrix, false refusals.

`evaluate_safety(policy, cases)` reads JSONL rows `{id, text, expected}` and returns the report the
CLI prints with `oncoguide eval safety --json`. A benign case is one whose expected category is
`none`; a false refusal is a benign case classified as anything else (an emergency banner too).
For the escalating categories (emergency, self_harm):
* `hard_stop_recall[c]`: rows expected c that got category c;
* `escalation_recall[c]`: rows expected c that got category c OR a concern of category c;
* `soft_flag_rate`: benign rows that got a concern (the answer went ahead behind one line).
Undefined ratios are reported as 1.0 when there is nothing to get wrong (no support and no
predictions) and 0.0 otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from oncoguide.errors import EvaluationError
from oncoguide.evaluation.jsonl import read_jsonl
from oncoguide.safety.policy import SafetyPolicy
from oncoguide.types import SAFETY_CATEGORIES

__all__ = ["DEFAULT_SAFETY_CASES", "evaluate_safety", "load_safety_cases"]

DEFAULT_SAFETY_CASES = Path(__file__).with_name("data") / "safety_cases.jsonl"
ESCALATING = ("emergency", "self_harm")


def load_safety_cases(path: Path) -> list[dict[str, str]]:
    """Read and validate the case rows; a bad row raises EvaluationError naming its line."""
    rows: list[dict[str, str]] = []
    for n, row in read_jsonl(path, what="safety cases", required=("id", "text", "expected")):
        if row["expected"] not in SAFETY_CATEGORIES:
            raise EvaluationError(f"{path}:{n}: unknown category {row['expected']!r}")
        rows.append({"id": row["id"], "text": row["text"], "expected": row["expected"]})
    return rows


def _ratio(num: int, den: int, *, vacuous: bool) -> float:
    if den == 0:
        return 1.0 if vacuous else 0.0
    return round(num / den, 4)


def _per_category(confusion: dict[str, dict[str, int]]) -> dict[str, dict[str, float | int]]:
    out: dict[str, dict[str, float | int]] = {}
    for cat in SAFETY_CATEGORIES:
        tp = confusion[cat][cat]
        support = sum(confusion[cat].values())
        predicted = sum(confusion[exp][cat] for exp in SAFETY_CATEGORIES)
        out[cat] = {
            "precision": _ratio(tp, predicted, vacuous=support == 0),
            "recall": _ratio(tp, support, vacuous=predicted == 0),
            "support": support,
        }
    return out


def _escalation(rows: list[dict[str, Any]]) -> dict[str, Any]:
    hard, escalated = {}, {}
    for cat in ESCALATING:
        mine = [r for r in rows if r["expected"] == cat]
        hard[cat] = _ratio(sum(r["category"] == cat for r in mine), len(mine), vacuous=True)
        escalated[cat] = _ratio(
            sum(r["category"] == cat or r["concern"] == cat for r in mine), len(mine), vacuous=True
        )
    benign = [r for r in rows if r["expected"] == "none"]
    return {
        "escalation_recall": escalated,
        "hard_stop_recall": hard,
        "soft_flag_rate": _ratio(
            sum(r["concern"] is not None for r in benign), len(benign), vacuous=True
        )
        if benign
        else 0.0,
    }


def evaluate_safety(
    policy: SafetyPolicy, cases_path: Path, *, region: str = "US"
) -> dict[str, Any]:
    """Run every case through `policy.check` and summarise (keys are the CLI's JSON contract)."""
    rows = load_safety_cases(cases_path)
    confusion = {e: dict.fromkeys(SAFETY_CATEGORIES, 0) for e in SAFETY_CATEGORIES}
    errors: list[dict[str, str | None]] = []
    results: list[dict[str, Any]] = []
    for row in rows:
        decision = policy.check(row["text"], region=region)
        confusion[row["expected"]][decision.category] += 1
        concern = decision.concern.category if decision.concern else None
        results.append(
            {
                "id": row["id"],
                "expected": row["expected"],
                "category": decision.category,
                "concern": concern,
            }
        )
        if decision.category != row["expected"]:
            errors.append(
                {
                    "id": row["id"],
                    "text": row["text"],
                    "expected": row["expected"],
                    "got": decision.category,
                    "rule_id": decision.rule_id,
                    "concern": concern,
                }
            )
    correct = sum(confusion[c][c] for c in SAFETY_CATEGORIES)
    benign = sum(confusion["none"].values())
    return {
        "cases": len(rows),
        "accuracy": _ratio(correct, len(rows), vacuous=False),
        "per_category": _per_category(confusion),
        "false_refusal_rate": _ratio(benign - confusion["none"]["none"], benign, vacuous=False)
        if benign
        else 0.0,
        **_escalation(results),
        "confusion": confusion,
        "errors": errors,
        "rows": results,
    }
