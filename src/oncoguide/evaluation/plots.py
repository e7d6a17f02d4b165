"""The report's figures as inline SVG (matplotlib, Agg backend; nothing comes from the network).

Each function takes the raw data `eval all` keeps in `report["plots"]` and returns an SVG string.
matplotlib is imported lazily: without it `render_plots` returns no figures and says why.
"""

from __future__ import annotations

import io
from typing import Any

__all__ = ["render_plots"]


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _recall_curves(plt: Any, curves: dict[str, list[float]]) -> str:
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for name, values in sorted(curves.items()):
        style = "--" if name.endswith("/bm25") else "-"
        ax.plot(range(1, len(values) + 1), values, style, marker="o", markersize=3, label=name)
    ax.set_xlabel("k")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1.02)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Recall@k: full pipeline vs plain BM25")
    return _svg(fig)


def _latency(plt: Any, samples: dict[str, list[float]]) -> str:
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for name, values in samples.items():
        if values:
            ax.hist(values, bins=30, alpha=0.5, label=f"{name} (n={len(values)})")
    ax.set_xlabel("ms (warm)")
    ax.set_ylabel("questions")
    ax.legend(fontsize=8)
    ax.set_title("Latency")
    return _svg(fig)


def _confusion(plt: Any, name: str, matrix: dict[str, dict[str, int]]) -> str:
    labels = list(matrix)
    cells = [[matrix[e].get(p, 0) for p in labels] for e in labels]
    fig, ax = plt.subplots(figsize=(5.5, 4.8))
    ax.imshow(cells, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    top = max(max(row) for row in cells) or 1
    for i, row in enumerate(cells):
        for j, v in enumerate(row):
            if v:
                color = "white" if v > top / 2 else "black"
                ax.text(j, i, str(v), ha="center", va="center", fontsize=7, color=color)
    ax.set_title(f"Safety confusion: {name}")
    return _svg(fig)


def render_plots(data: dict[str, Any]) -> tuple[dict[str, str], str | None]:
    """(figure title -> SVG, None) or ({}, why there are no figures)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return {}, "plots not available: matplotlib is not installed (pip install -e '.[dev]')"
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, searchable
    figures: dict[str, str] = {}
    try:
        if data.get("recall_curves"):
            figures["Recall@k curves"] = _recall_curves(plt, data["recall_curves"])
        if data.get("latency"):
            figures["Latency histograms"] = _latency(plt, data["latency"])
        for name, matrix in data.get("confusion", {}).items():
            figures[f"Safety confusion matrix: {name}"] = _confusion(plt, name, matrix)
    finally:
        plt.close("all")
    return figures, None
