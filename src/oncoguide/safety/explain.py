"""`oncoguide safety explain`: why a message got its decision, unit by unit.

For the whole message and each sentence (read with one neighbour on each side, see scan.py): every
rule that holds on it and the classifier's probabilities (None for a unit the classifier did not
read: over the token budget, ranked low by the scout); then the fused decision `check` returns.
"""

from __future__ import annotations

from typing import Any

from oncoguide.safety.policy import SafetyPolicy

__all__ = ["explain"]


def explain(policy: SafetyPolicy, text: str, *, region: str = "US") -> dict[str, Any]:
    """A JSON-ready account of the decision on `text` (keys are the CLI's `--json` contract)."""
    units, over = policy.scan(text)
    rules = policy.rule_decision(text, region=region)
    scores = policy.unit_scores(units, rule_span=rules.span if rules.rule_id else None)
    rows = []
    for i, unit in enumerate(units):
        rows.append(
            {
                **unit.to_dict(),
                # its sentence tells of an event that is over: a rule's crisis found only in
                # such sentences gives the concern line, not a stop
                "over": over[i],
                "rules": [
                    {"rule_id": m.rule_id, "category": m.category, "span": m.span}
                    for m in policy.rule_matches(unit.text)
                ],
                # None: no classifier, or a unit it did not read (over the token budget)
                "scores": (
                    {k: round(v, 4) for k, v in scores[i].items()} if scores and scores[i] else None
                ),
            }
        )
    return {
        "classifier": policy.has_classifier,
        "priority": list(policy.priority),
        "units": rows,
        "decision": policy.check(text, region=region).to_dict(),
    }
