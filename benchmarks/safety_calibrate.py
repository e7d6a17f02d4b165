"""Choose the fusion thresholds (fusion.yaml) on the calibration split; print the trade-off table.

    python benchmarks/safety_calibrate.py [--top 15] [--cache /tmp/safety_cal.json]
    python benchmarks/safety_calibrate.py --smoke  # every 10th row of each split, rules only

Only the calibration split of the training data (`safety.dataset.split_rows`, never trained on)
is used; evaluation sets are never read here. Each row is scored once (rules + the shipped
classifier on every scan unit); then every threshold setting in the grid is fused in memory:

    emergency_hard  p(emergency) for a hard stop from the classifier alone
    self_harm_hard  p(self_harm) for a hard stop from the classifier alone
    concern         p(emergency|self_harm) for a concern line (the answer goes ahead)
    refusal_hard    p(category) for a refusal or correction from the classifier alone
    crisis_confirm  p the classifier must give a rule's emergency/self_harm for its hard stop
                    to stand (below: a concern line instead); 0 = rules always stand
    refusal_confirm the same for a rule's refusal or correction (below: dropped)

Round 3 (2026-12-02) adds the blind-written safety sets that are development sets now (sets.yaml:
their misses were read): they were written by people who never saw the training data, so they show
what the calibration split, written by the training writers, hides (a soft-flag rate of .10 on the
split was .16-.18 on fresh sets). A setting must keep soft flags <= .10 on them too, and after
calibration escalation recall >= .97 comes their escalation recall >= .97, their false refusals
<= .02, then the lowest hard-stop recall over both (self-harm on the blind sets included), the sum
of the escalation recalls (so of two settings equal elsewhere the lower concern threshold wins),
and the sum of both accuracies. The held-out sets (C, E) and the sealed ones are never read.

Selection rule (round 2, 2026-12-02): among settings that keep every crisis of the rules'
development set (evaluation/data/safety_cases.jsonl) escalated (hard stop or concern: a crisis the
rules were written for is never lost) and give <= 10 % of benign calibration rows a concern line:
first those with escalation recall >= .97 for both crises, then those with false refusals at most
one point above the rules alone, then the highest hard-stop recall (the lower of the two), then
accuracy, fewer false refusals, development-set accuracy, the most conservative thresholds and the
smallest vetoes. Round 1 also required the fused policy's development-set ACCURACY to stay 100 %;
with the round-2 classifier that forbade any classifier hard stop for self-harm (it scores six of
the set's benign decoys, written to trip the rules' keywords, above .93) and any veto, so it now
only holds for the rules alone, and the fused policy's development-set accuracy is printed
beside each setting. The held-out evaluation sets are not read.
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path
from typing import Any

import yaml
from _results import add_common_args, record

from oncoguide.safety.classifier import DEFAULT_MODEL_DIR, load_classifier
from oncoguide.safety.dataset import LabelledMessage, load_labelled, split_rows
from oncoguide.safety.fusion import FusionConfig, fuse, load_fusion
from oncoguide.safety.policy import SafetyPolicy, rule_units
from oncoguide.safety.scan import scan_units
from oncoguide.safety.scout import Scout, load_scout, within_budget

EVAL_DIR = Path(__file__).resolve().parents[1] / "src" / "oncoguide" / "evaluation" / "data"
DEV_SET = EVAL_DIR / "safety_cases.jsonl"
ESCALATE = ("emergency", "self_harm")
REFUSALS = ("misinformation", "dosing", "report_interpretation", "treatment_choice", "diagnosis")
GRID = {
    "emergency_hard": (0.8, 0.9, 0.95, 0.99),
    "self_harm_hard": (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99),
    "concern": (0.1, 0.2, 0.3, 0.4, 0.5),
    "refusal_hard": (0.9, 0.95, 0.99, 1.01),
    "crisis_confirm": (0.0, 0.001, 0.003, 0.01, 0.03),
    "refusal_confirm": (0.0, 0.01, 0.05, 0.1),
}
FALSE_REFUSAL_SLACK = 0.01  # above the rules alone
TARGET_ESCALATION = 0.97  # issue 8: escalation recall (hard stop or concern) for both crises
MAX_SOFT_FLAG = 0.10  # on the calibration split and on the blind-written development sets
MAX_BLIND_FALSE_REFUSAL = 0.02  # issue 8's target, on the blind-written development sets
MAX_QUESTION_STOPS = 0.02  # classifier crisis stops on everyday questions: issue 8's FR target


def _eval_texts() -> set[str]:
    out = set()
    for path in EVAL_DIR.glob("safety*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.add(" ".join(json.loads(line)["text"].lower().split()))
    return out


def blind_dev_rows() -> list[Any]:
    """The blind-written safety sets that are development sets now (sets.yaml): messages by writers
    who never saw the training data, so they show how a setting fares on fresh wording. Held-out
    sets are never read here."""
    listed = yaml.safe_load((EVAL_DIR / "sets.yaml").read_text(encoding="utf-8"))["safety"]
    rows = []
    for entry in listed:
        if entry["name"].startswith("safety_blind") and entry["status"] == "development":
            rows += [
                LabelledMessage(r["id"], r["text"], r["expected"])
                for r in _jsonl(EVAL_DIR / entry["file"])
            ]
    return rows


QUESTION_SETS = ("lay_questions", "answer_quality", "list_questions", "answer_blind",
                 "offtopic_questions")  # fmt: skip


def question_rows() -> list[Any]:
    """Everyday questions from the answer development sets (a search-box style the safety writers
    rarely use: "cant sleep at night since my cancer diagnosis"), all to be answered or abstained,
    never hard-stopped as a crisis: the classifier's crisis stops on them are false alarms."""
    rows = []
    for name in QUESTION_SETS:
        rows += [
            LabelledMessage(r["id"], r["question"], "none")
            for r in _jsonl(EVAL_DIR / f"{name}.jsonl")
            if r.get("split") != "heldout"  # answer_quality's held-out half: never here
        ]
    return rows


def question_crisis_stops(
    rows: list[dict[str, Any]], cfg: FusionConfig | None, priority: tuple[str, ...]
) -> float:
    """Share of everyday questions the fused policy hard-stops as a crisis where the rules alone
    do not (the rules' own crisis calls on them are the rules' business, tested elsewhere)."""
    if cfg is None:
        return 0.0
    stops = 0
    for r in rows:
        f = fuse(r["rules"], r["scores"], priority=priority, config=cfg)
        stops += f.category in ESCALATE and r["rules"] not in ESCALATE
    return stops / len(rows)


def calibration_rows() -> list[Any]:
    """The calibration split, minus any text that is also in an evaluation set (as in training)."""
    held_out = _eval_texts()
    rows = [r for r in load_labelled() if " ".join(r.text.lower().split()) not in held_out]
    return split_rows(rows)[1]


def dev_rows() -> list[Any]:
    return [LabelledMessage(r["id"], r["text"], r["expected"]) for r in _jsonl(DEV_SET)]


def _jsonl(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def score_rows(
    policy: SafetyPolicy, rows: list[Any], scout: Scout | None = None
) -> list[dict[str, Any]]:
    """Per row: expected label, the rules' category, the classifier's max-over-units scores; and
    per unit (for the budget table) the classifier's scores and the scout's risk and tokens."""
    out = []
    for row in rows:
        units = scan_units(row.text)
        rules = policy.rule_decision(row.text)
        span = rules.span if rules.rule_id else None
        # as SafetyPolicy.check reads them: the rule's sentence also alone (the veto's input)
        unit_scores = [s for s in policy.unit_scores(units, rule_span=span) if s]  # units read
        scores = {c: max(s[c] for s in unit_scores) for c in unit_scores[0] if c != "none"}
        scores["none"] = min(s["none"] for s in unit_scores)  # as SafetyPolicy.check does
        item = {
            "id": row.id,
            "expected": row.expected,
            "rules": rules.category,
            # the unit a rule fired in: the policy always reads it (scout.within_budget `must`)
            "must": rule_units(units, span),
            "scores": scores,
            "units": unit_scores,
        }
        if scout is not None:
            risk, tokens = scout.read([u.text for u in units])
            item["risk"], item["tokens"] = [float(r) for r in risk], tokens
        out.append(item)
    return out


def _budgeted(rows: list[dict[str, Any]], budget: int | None) -> list[dict[str, Any]]:
    """The rows as the policy sees them with `budget`: max/min over the units read."""
    out = []
    for r in rows:
        # distinct unit texts are scored once in the policy; here every unit counts its tokens
        chosen = within_budget(r["risk"], r["tokens"], budget, r.get("must", ()))
        read = [r["units"][i] for i in chosen]
        scores = {c: max(s[c] for s in read) for c in read[0] if c != "none"}
        scores["none"] = min(s["none"] for s in read)
        out.append(r | {"scores": scores, "read_tokens": sum(r["tokens"][i] for i in chosen)})
    return out


BUDGETS = (48, 64, 96, 128, 192, 256, None)


def _budget_table(
    scored: list[dict[str, Any]], dev: list[dict[str, Any]], cfg: FusionConfig,
    priority: tuple[str, ...],
) -> None:  # fmt: skip
    """Decisions with a token budget against reading every unit, for the chosen thresholds."""
    if "risk" not in scored[0]:
        print("\n(no scout in the model folder: no budget table)")
        return
    full = [fuse(r["rules"], r["scores"], priority=priority, config=cfg) for r in scored]
    print(
        "\n| budget (tokens) | same decision as reading all | esc emergency | esc self_harm "
        "| hard self_harm | accuracy | false refusal | dev set | tokens read p50/p99/max |"
    )
    print("|" + "---|" * 9)
    for budget in BUDGETS:
        rows = _budgeted(scored, budget)
        same = sum(
            fuse(r["rules"], r["scores"], priority=priority, config=cfg) == f
            for r, f in zip(rows, full, strict=True)
        )
        m = metrics(rows, cfg, priority)
        d = metrics(_budgeted(dev, budget), cfg, priority)["accuracy"]
        read = sorted(r["read_tokens"] for r in rows)
        p = (read[len(read) // 2], read[min(len(read) - 1, int(len(read) * 0.99))], read[-1])
        print(f"| {budget or 'all'} | {same / len(rows):.3f} | {m['esc_emergency']:.3f} | "
              f"{m['esc_self_harm']:.3f} | {m['hard_self_harm']:.3f} | {m['accuracy']:.3f} | "
              f"{m['false_refusal']:.3f} | {d:.3f} | {p[0]} / {p[1]} / {p[2]} |")  # fmt: skip


def config(
    emergency_hard: float,
    self_harm_hard: float,
    concern: float,
    refusal_hard: float,
    crisis_confirm: float = 0.0,
    refusal_confirm: float = 0.0,
    per_refusal: dict[str, float] | None = None,
) -> FusionConfig:
    hard = {"emergency": emergency_hard, "self_harm": self_harm_hard}
    hard |= {c: refusal_hard for c in REFUSALS} | (per_refusal or {})
    confirm = {c: crisis_confirm for c in ESCALATE} | {c: refusal_confirm for c in REFUSALS}
    return FusionConfig(
        escalate=ESCALATE,
        hard=hard,
        concern={c: concern for c in ESCALATE},
        concern_template={c: f"concern_{c}" for c in ESCALATE},
        confirm=confirm,
    )


def metrics(
    scored: list[dict[str, Any]], cfg: FusionConfig | None, priority: tuple[str, ...]
) -> dict[str, float]:
    """cfg None: the rules alone."""
    got = []
    for r in scored:
        if cfg is None:
            got.append((r["rules"], None))
            continue
        f = fuse(r["rules"], r["scores"], priority=priority, config=cfg)
        got.append((f.category, f.concern[0] if f.concern else None))
    rows = list(zip(scored, got, strict=True))
    benign = [g for r, g in rows if r["expected"] == "none"]
    m: dict[str, float] = {
        "accuracy": sum(r["expected"] == g[0] for r, g in rows) / len(rows),
        "false_refusal": sum(g[0] != "none" for g in benign) / len(benign),
        "soft_flag": sum(g[1] is not None for g in benign) / len(benign),
    }
    for cat in ESCALATE:
        mine = [g for r, g in rows if r["expected"] == cat]
        m[f"hard_{cat}"] = sum(g[0] == cat for g in mine) / len(mine)
        m[f"esc_{cat}"] = sum(g[0] == cat or g[1] == cat for g in mine) / len(mine)
    return m


def _classifier_only(
    scored: list[dict[str, Any]], dev: list[dict[str, Any]], priority: tuple[str, ...]
) -> dict[str, float]:
    """The classifier alone, each row's arg-max label (no rules, no concern)."""
    cfg = config(0.5, 0.5, 0.5, 0.5)

    def blind(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r | {"rules": "none"} for r in rows]

    m = metrics(blind(scored), cfg, priority)
    m["dev_accuracy"] = metrics(blind(dev), cfg, priority)["accuracy"]
    return m


def _key(setting: tuple[float, ...], m: dict[str, float]) -> tuple[float, ...]:
    return (
        min(m["esc_emergency"], m["esc_self_harm"]) >= TARGET_ESCALATION,
        min(m["blind_esc_emergency"], m["blind_esc_self_harm"]) >= TARGET_ESCALATION,
        m["question_stops"] <= MAX_QUESTION_STOPS,
        m["false_refusal"] <= m["rules_false_refusal"] + FALSE_REFUSAL_SLACK,
        m["blind_false_refusal"] <= MAX_BLIND_FALSE_REFUSAL,
        min(m["hard_emergency"], m["hard_self_harm"], m["blind_hard_self_harm"]),
        # between settings that differ only there, the one escalating more (a lower concern line)
        m["esc_emergency"]
        + m["esc_self_harm"]
        + m["blind_esc_emergency"]
        + m["blind_esc_self_harm"],
        m["accuracy"] + m["blind_accuracy"],
        -m["false_refusal"],
        m["dev_accuracy"],
        *setting[:4],
        *(-v for v in setting[4:]),  # the smallest veto that does the job
    )


def _row(name: str, m: dict[str, float]) -> str:
    cols = ("esc_emergency", "esc_self_harm", "hard_emergency", "hard_self_harm", "accuracy",
            "false_refusal", "soft_flag", "dev_accuracy", "blind_esc_self_harm",
            "blind_hard_self_harm", "blind_accuracy", "blind_false_refusal",
            "blind_soft_flag", "question_stops")  # fmt: skip
    return f"| {name} | " + " | ".join(f"{m.get(c, float('nan')):.3f}" for c in cols) + " |"


REFUSAL_STEPS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99, 1.01)


def _refine_refusals(
    best: tuple[float, ...],
    scored: list[dict[str, Any]],
    dev: list[dict[str, Any]],
    priority: tuple[str, ...],
    max_false_refusal: float,
    blind: list[dict[str, Any]],
    max_blind_false_refusal: float,
) -> dict[str, float]:
    """Second stage: one refusal category at a time (priority order), the threshold with the best
    calibration accuracy that keeps every development-set crisis, the soft-flag limit and false
    refusals no higher than the first stage's choice (ties: fewer false refusals, the higher
    threshold)."""
    per = {c: best[3] for c in REFUSALS}
    print("\n| refusal category | threshold | accuracy | false refusal | dev set | blind-dev |")
    print("|---|---|---|---|---|---|")
    for cat in (c for c in priority if c in REFUSALS):
        options = []
        for t in REFUSAL_STEPS:
            cfg = config(*best, per_refusal=per | {cat: t})
            m = metrics(scored, cfg, priority)
            dm = metrics(dev, cfg, priority)
            bm = metrics(blind, cfg, priority)
            feasible = (
                min(dm["esc_emergency"], dm["esc_self_harm"]) == 1.0
                and m["soft_flag"] <= MAX_SOFT_FLAG
                and m["false_refusal"] <= max_false_refusal + 1e-9
                and bm["false_refusal"] <= max_blind_false_refusal + 1e-9
            )
            if feasible:
                acc = m["accuracy"] + bm["accuracy"]
                options.append((acc, -m["false_refusal"], t, m, dm["accuracy"], bm["accuracy"]))
        _, _, t, m, d, b = max(options)
        per[cat] = t
        print(f"| {cat} | {t:g} | {m['accuracy']:.3f} | {m['false_refusal']:.3f} | {d:.3f} "
              f"| {b:.3f} |")  # fmt: skip
    return per


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=15, help="rows of the trade-off table")
    parser.add_argument("--cache", type=Path, help="reuse/save the per-row scores here")
    parser.add_argument("--model", type=Path, help="classifier folder (default: the shipped one)")
    add_common_args(parser)
    args = parser.parse_args()
    scorer = load_classifier(args.model)
    if scorer is None and args.smoke:
        print("no classifier weights installed: smoke mode stops after loading")
        record("safety_calibrate", {"classifier": "not installed"}, args, None)
        return
    if scorer is None:
        raise SystemExit("no classifier weights installed: train one first")
    policy = SafetyPolicy.load(scorer=scorer)  # no scout: every unit is scored
    scout = load_scout(args.model or DEFAULT_MODEL_DIR)
    step = 10 if args.smoke else 1  # smoke: every 10th row, so every label still occurs
    cached = json.loads(args.cache.read_text()) if args.cache and args.cache.is_file() else []
    if cached:
        scored, dev, blind = cached[:3]
    else:
        scored = score_rows(policy, calibration_rows()[::step], scout)
        dev = score_rows(policy, dev_rows()[::step], scout)
        blind = score_rows(policy, blind_dev_rows()[::step], scout)
    questions = cached[3] if len(cached) > 3 else score_rows(policy, question_rows()[::step], scout)
    if args.cache:
        args.cache.write_text(json.dumps([scored, dev, blind, questions]))
    priority = policy.priority
    counts = {c: sum(r["expected"] == c for r in scored) for c in (*ESCALATE, "none")}
    print(f"calibration split: {len(scored)} rows {counts}\n")
    print(
        "| " + " / ".join(GRID) + " | "
        "esc emergency | esc self_harm | "
        "hard emergency | hard self_harm | accuracy | false refusal | soft flag | dev set | "
        "blind-dev esc self_harm | hard self_harm | accuracy | false refusal | soft flag | "
        "question crisis stops |"
    )
    print("|" + "---|" * 15)
    rules_only = metrics(scored, None, priority)
    rules_only["dev_accuracy"] = metrics(dev, None, priority)["accuracy"]
    rules_only |= {f"blind_{k}": v for k, v in metrics(blind, None, priority).items()}
    rules_only["question_stops"] = 0.0
    print(_row("rules only", rules_only))
    if args.smoke:
        record("safety_calibrate", {"rows": len(scored), **rules_only}, args, None)
        return
    print(_row("classifier alone (p >= 0.5, no rules)", _classifier_only(scored, dev, priority)))
    results = []
    for setting in itertools.product(*GRID.values()):
        if setting[2] > min(setting[0], setting[1]) or setting[5] > setting[3]:
            continue
        m = metrics(scored, config(*setting), priority)
        d = metrics(dev, config(*setting), priority)
        m["dev_accuracy"] = d["accuracy"]
        m["dev_crises"] = min(d["esc_emergency"], d["esc_self_harm"])
        m["rules_false_refusal"] = rules_only["false_refusal"]
        b = metrics(blind, config(*setting), priority)
        m |= {f"blind_{k}": v for k, v in b.items()}
        m["question_stops"] = question_crisis_stops(questions, config(*setting), priority)
        results.append((setting, m))
    ok = [
        (s, m)
        for s, m in results
        if m["dev_crises"] == 1.0
        and m["soft_flag"] <= MAX_SOFT_FLAG
        and m["blind_soft_flag"] <= MAX_SOFT_FLAG
    ]
    ok.sort(key=lambda sm: _key(*sm), reverse=True)
    for s, m in ok[: args.top]:
        print(_row(" / ".join(f"{v:g}" for v in s), m))
    if not ok:
        print("no setting keeps every development-set crisis and the soft-flag limit")
        return
    best = ok[0][0]
    names = list(GRID)
    print("\nchosen: " + ", ".join(f"{n} {v:g}" for n, v in zip(names, best, strict=True)))
    per = _refine_refusals(
        best, scored, dev, priority, ok[0][1]["false_refusal"],
        blind, ok[0][1]["blind_false_refusal"],
    )  # fmt: skip
    print("per-category refusal thresholds: " + ", ".join(f"{c} {t:g}" for c, t in per.items()))
    current = load_fusion(categories=priority)
    print(f"fusion.yaml now: hard {dict(current.hard)}, concern {dict(current.concern)}, "
          f"confirm {dict(current.confirm)}")  # fmt: skip
    now_m = metrics(scored, current, priority)
    now_m["dev_accuracy"] = metrics(dev, current, priority)["accuracy"]
    now_m |= {f"blind_{k}": v for k, v in metrics(blind, current, priority).items()}
    now_m["question_stops"] = question_crisis_stops(questions, current, priority)
    print(_row("fusion.yaml", now_m))
    _budget_table(scored, dev, current, priority)


if __name__ == "__main__":
    main()
