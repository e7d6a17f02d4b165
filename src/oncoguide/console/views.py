"""How the command line prints reports: KB problems, search explanations, settings, next steps.

Printing lives here so the commands in `oncoguide.cli` stay one call each; every function takes
the rich `Console` to print on (stdout for results, stderr for notes).
"""

from __future__ import annotations

import shlex
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from oncoguide.answer.gate import evidence_gate
from oncoguide.console.settings import SettingRow
from oncoguide.types import Hit

__all__ = [
    "DEMO_ASK",
    "demo_next_commands",
    "print_explain_table",
    "print_kb_problems",
    "print_next_steps",
    "print_safety_explain",
    "print_settings",
    "weak_results_note",
]


def print_kb_problems(out: Console, data: dict[str, Any], *, warnings: bool) -> None:
    """Errors, excluded files (with reasons) and, for validate, warnings: one line each."""
    for e in data["errors"]:
        out.print(f"[red]error[/]    {_where(e)}: {escape(e['reason'])}", soft_wrap=True)
    for e in data["excluded"]:
        out.print(f"[yellow]excluded[/] {escape(e['path'])}: {escape(e['reason'])}", soft_wrap=True)
    if warnings:
        for w in sorted(data["warnings"], key=lambda w: (w["field"], w["path"])):
            out.print(f"[dim]warning[/]  {_where(w)}: {escape(w['reason'])}", soft_wrap=True)
    kinds = Counter(w["field"] or "file" for w in data["warnings"])
    by_kind = ", ".join(f"{k} {n}" for k, n in kinds.most_common())
    out.print(
        f"{_count(data['documents'], 'file')} read: {data['indexed']} will be indexed, "
        f"{len(data['excluded'])} excluded, {_count(len(data['errors']), 'error')}, "
        f"{_count(len(data['warnings']), 'warning')}" + (f" ({by_kind})" if by_kind else ""),
        soft_wrap=True,
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _where(problem: dict[str, str]) -> str:
    field = f": {problem['field']}" if problem["field"] else ""
    return escape(problem["path"] + field)


def print_explain_table(out: Console, hits: Sequence[Hit]) -> None:
    """`search --explain`: one row per ranking signal, one column per result, 3 decimals.

    Signals are rows (there are more signals than results), so the table stays narrow.
    """
    if not hits:
        return
    names = list(dict.fromkeys(name for hit in hits for name, _ in hit.signals))
    table = Table(title="Ranking signals (formula: oncoguide/retrieve/rerank.py)")
    table.add_column("signal")
    for hit in hits:
        table.add_column(f"#{hit.rank}", justify="right")
    table.add_row("score", *(_num(hit.score) for hit in hits), end_section=True)
    for name in names:
        if name == "score":
            continue
        values = [dict(hit.signals).get(name) for hit in hits]
        table.add_row(
            name, *("" if v is None else _num(v, whole=name.endswith("_rank")) for v in values)
        )
    out.print(table)


def _num(value: float, *, whole: bool = False) -> str:
    """3 decimals (ranks as whole numbers); -0.000 is shown as 0.000."""
    return f"{value:.0f}" if whole else f"{round(value, 3) or 0.0:.3f}"


def weak_results_note(
    question: str, hits: Sequence[Hit], *, semantic: float | None = None
) -> str | None:
    """A sentence when the answer gate would not answer from these hits, else None.

    The same gate `ask` uses (answer/gate.py, calibrated thresholds), so `search` and `ask`
    agree on what a weak match is.
    """
    if not hits:
        return f"no results: the index has nothing that matches {question!r}"
    decision = evidence_gate(question, hits, semantic=semantic)
    if decision.passed:
        return None
    return (
        f"weak match: the best score is {hits[0].score:.2f} and `oncoguide ask` would not answer"
        f" from these results ({decision.reason}); the KB may not cover this question"
    )


def _top_scores(scores: dict[str, float] | None, classifier: bool, n: int = 3) -> str:
    if scores is None:
        return "not read (over the token budget)" if classifier else "no classifier"
    top = sorted(scores.items(), key=lambda kv: -kv[1])[:n]
    return ", ".join(f"{k} {v:.2f}" for k, v in top)


def print_safety_explain(out: Console, report: dict[str, Any]) -> None:
    """Each scanned unit (message, then sentence by sentence) and the fused decision."""
    table = Table(show_lines=True)
    for col in ("unit", "sentence", "rule matches", "classifier (top 3)"):
        table.add_column(col)
    for u in report["units"]:
        label = "message" if u["kind"] == "message" else str(u["index"] + 1)
        rules = "\n".join(f"{m['rule_id']} ({m['span']!r})" for m in u["rules"]) or "-"
        scores = _top_scores(u["scores"], report["classifier"])
        table.add_row(label, escape(u["sentence"]), escape(rules), scores)
    out.print(table)
    d = report["decision"]
    source = f"rule {d['rule_id']}" if d["rule_id"] else "classifier" if d["actions"] else "-"
    out.print(f"decision: [bold]{d['category']}[/] ({source})  actions: {', '.join(d['actions'])}")
    if d["concern"]:
        c = d["concern"]
        out.print(f"concern: {c['category']} ({c['score']:.2f}): {escape(c['message'])}")


def print_settings(out: Console, rows: Sequence[SettingRow]) -> None:
    table = Table("setting", "value", "from", "environment variable", title="Effective settings")
    for row in rows:
        table.add_row(row.name, escape(row.value), row.source, row.env)
    out.print(table)
    out.print("Precedence: flag > environment > default. Secrets are never printed.")


def print_next_steps(out: Console, commands: Sequence[Sequence[str]]) -> None:
    out.print("\n[bold]Next, try:[/]")
    for argv in commands:
        out.print("  " + escape(shlex.join(argv)), soft_wrap=True, highlight=False)
    out.print(
        'To index your own knowledge base, see "Using your own knowledge base" in the README.'
    )


DEMO_ASK = "what helps with mouth sores during chemo"


def demo_next_commands(db: Path | str | None, question: str, sample: Path) -> list[list[str]]:
    """The three commands the demo suggests, exactly as they will run (--db if one was given)."""
    db_args = ["--db", str(db)] if db is not None else []
    return [
        ["oncoguide", "ask", DEMO_ASK, *db_args],
        ["oncoguide", "search", question, "--explain", *db_args],
        ["oncoguide", "kb", "audit", str(sample)],
    ]
