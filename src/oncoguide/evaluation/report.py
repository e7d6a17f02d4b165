"""Write the `eval all` report: report.json (everything), report.md and report.html (same tables;
the HTML adds the figures inline as SVG, so it opens offline as one file).

Values: a number; `n/a` when the evaluation ran but the metric does not apply to the set (e.g.
cited-gold on off-topic questions); `not available` when the evaluation does not compute that
metric yet. Nothing is filled in.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from oncoguide.evaluation.plots import render_plots
from oncoguide.evaluation.suites import EVALUATIONS

__all__ = ["report_blocks", "summary_lines", "write_report"]

NOT_AVAILABLE = "not available"
Block = tuple[str, Any]


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def _cell(metrics: dict[str, Any], name: str) -> str:
    return _fmt(metrics[name]) if name in metrics else NOT_AVAILABLE


def _first_contact(fc: dict[str, Any] | None) -> str:
    if not fc:
        return ""
    parts = [f"{k} {v}" for k, v in fc.items() if k not in ("recall", "commit")]
    recall = fc.get("recall") or {}
    if recall:
        parts.append("recall " + ", ".join(f"{k} {v}" for k, v in recall.items()))
    return "; ".join(parts)


def _sets_table(sets: list[dict[str, Any]]) -> Block:
    rows = []
    for s in sets:
        rows.append(
            [
                s["name"],
                str(s["status"]),
                "yes"
                if s["present"] and not s.get("absent")
                else f"no: {s.get('absent', 'absent')}",
                _fmt(s.get("rows")) if s.get("rows") is not None else "",
                s.get("note", ""),
                _first_contact(s.get("first_contact")),
            ]
        )
    return ("table", (["set", "status", "evaluated", "rows", "note", "first contact"], rows))


def _metrics_table(declared: tuple[str, ...], sets: list[dict[str, Any]]) -> Block | None:
    scored = [s for s in sets if s["present"] and not s.get("absent")]
    if not scored:
        return None
    names = list(declared)
    for s in scored:
        names += [n for n in s["metrics"] if n not in names]
    rows = []
    for name in names:
        cells = [_cell(s["metrics"], name) for s in scored]
        rows.append([name, *cells])
    return ("table", (["metric", *[s["name"] for s in scored]], rows))


def report_blocks(report: dict[str, Any], pins: list[dict[str, Any]]) -> list[Block]:
    """The report as a list of (kind, content) blocks both writers render."""
    blocks: list[Block] = [("h1", f"oncoguide evaluation: `{report['command']}`")]
    blocks.append(
        (
            "p",
            (
                f"KB fingerprint `{report['kb_fingerprint']}` ({report['documents']} documents, "
                f"{report['chunks']} chunks, embedder {report['embedder']}); "
                f"commit {report['commit']}; "
                f"{report['date']}; {report['cores']} cores; {report['seconds']} s."
            ),
        )
    )
    declared = {e.name: e.metrics for e in EVALUATIONS}
    for name, section in report["sections"].items():
        blocks.append(("h2", f"{name} ({section['seconds']} s)"))
        if section.get("unavailable"):
            blocks.append(("p", f"{NOT_AVAILABLE}: {section['unavailable']}"))
            continue
        blocks.append(_sets_table(section["sets"]))
        table = _metrics_table(declared.get(name, ()), section["sets"])
        if table:
            blocks.append(table)
    blocks.append(("h2", "Pinned values"))
    if pins:
        lines = [p["line"] for p in pins]
        blocks.append(("pre", "\n".join(lines)))
    else:
        blocks.append(("p", "no pins in evaluation/expected/"))
    return blocks


def _md(blocks: list[Block]) -> str:
    out: list[str] = []
    for kind, content in blocks:
        if kind == "h1":
            out.append(f"# {content}\n")
        elif kind == "h2":
            out.append(f"## {content}\n")
        elif kind == "p":
            out.append(f"{content}\n")
        elif kind == "pre":
            out.append(f"```\n{content}\n```\n")
        elif kind == "table":
            head, rows = content
            out.append("| " + " | ".join(head) + " |")
            out.append("|" + "---|" * len(head))
            out += ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in rows]
            out.append("")
    return "\n".join(out)


def _html(blocks: list[Block], figures: dict[str, str], note: str | None) -> str:
    esc = html.escape
    body: list[str] = []
    for kind, content in blocks:
        if kind in ("h1", "h2"):
            body.append(f"<{kind}>{esc(str(content)).replace('`', '')}</{kind}>")
        elif kind == "p":
            body.append(f"<p>{esc(str(content)).replace('`', '')}</p>")
        elif kind == "pre":
            body.append(f"<pre>{esc(content)}</pre>")
        elif kind == "table":
            head, rows = content
            cells = "".join(f"<th>{esc(h)}</th>" for h in head)
            trs = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
            body.append(f"<table><tr>{cells}</tr>{trs}</table>")
    body.append("<h2>Figures</h2>")
    if note:
        body.append(f"<p>{esc(note)}</p>")
    for title, svg in figures.items():
        body.append(f"<figure>{svg}<figcaption>{esc(title)}</figcaption></figure>")
    style = (
        "body{font-family:sans-serif;max-width:70em;margin:1em auto}"
        "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;"
        "padding:2px 6px;font-size:90%}figure{display:inline-block;margin:.5em}"
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>oncoguide evaluation</title>"
        f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n"
    )


def write_report(report: dict[str, Any], pins: list[dict[str, Any]], out: Path) -> list[Path]:
    """Write report.json, report.md and report.html into `out` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    blocks = report_blocks(report, pins)
    figures, note = render_plots(report.get("plots", {}))
    data = {**report, "pins": pins}
    paths = [out / "report.json", out / "report.md", out / "report.html"]
    paths[0].write_text(json.dumps(data, indent=1, default=str) + "\n", encoding="utf-8")
    paths[1].write_text(_md(blocks), encoding="utf-8")
    paths[2].write_text(_html(blocks, figures, note), encoding="utf-8")
    return paths


def summary_lines(report: dict[str, Any]) -> list[str]:
    """One line per evaluated set with its expected metrics (the console summary)."""
    declared = {e.name: e.metrics for e in EVALUATIONS}
    lines = [
        f"{report['command']}: KB {report['kb_fingerprint']}, {report['documents']} documents,"
        f" {report['seconds']} s"
    ]
    for name, section in report["sections"].items():
        if section.get("unavailable"):
            lines.append(f"{name}: {NOT_AVAILABLE} ({section['unavailable']})")
            continue
        for s in section["sets"]:
            head = f"{name} {s['name']} [{s['status']}]"
            if not s["present"] or s.get("absent"):
                lines.append(f"{head}: not evaluated ({s.get('absent')})")
                continue
            cells = [f"{m} {_cell(s['metrics'], m)}" for m in declared.get(name, ())]
            lines.append(f"{head} n={s.get('rows')}: " + ", ".join(cells))
    return lines
