"""Small server-side SVG charts for the admin dashboard (no JS, no chart library).

Each chart is an `<svg role="img">` with a `<title>` that states the numbers, so a screen reader
gets the data and not a picture; the page also shows the same numbers as text. Labels are escaped
here: the result is safe to insert as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bar_chart", "column_chart"]

_BAR = "#0b4f94"
_TEXT = "#1b1b1b"
_AXIS = "#6b6b6b"


def _fmt(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0")


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, width: int = 360) -> str:
    """Horizontal bars, one row per (label, value), the value printed after each bar."""
    if not rows:
        return f'<p class="empty">{escape(title)}: nothing yet.</p>'
    label_w, row_h, value_w = 130, 26, 56
    top = max(v for _, v in rows) or 1.0
    span = width - label_w - value_w
    height = row_h * len(rows) + 4
    summary = "; ".join(f"{label}: {_fmt(v)}" for label, v in rows)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}: {escape(summary)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = i * row_h + 2
        bar = max(span * value / top, 1.0 if value else 0.0)
        short = label if len(label) <= 18 else label[:17] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 17}" text-anchor="end" font-size="13" '
            f'fill="{_TEXT}">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="{row_h - 8}" '
            f'fill="{_BAR}"/><text x="{label_w + bar + 5:.1f}" y="{y + 17}" font-size="13" '
            f'fill="{_TEXT}">{escape(_fmt(value))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(points: Sequence[tuple[str, float]], *, title: str, width: int = 360) -> str:
    """Columns over time (label = day), the first and last day and the maximum on the axes."""
    if not points:
        return f'<p class="empty">{escape(title)}: nothing yet.</p>'
    height, left, bottom, top_pad = 140, 34, 22, 8
    plot_w, plot_h = width - left - 4, height - bottom - top_pad
    top = max(v for _, v in points) or 1.0
    step = plot_w / len(points)
    summary = "; ".join(f"{label}: {_fmt(v)}" for label, v in points)
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet"><title>{escape(title)}: {escape(summary)}</title>',
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - 4}" y2="{top_pad + plot_h}" '
        f'stroke="{_AXIS}"/><text x="{left - 4}" y="{top_pad + 10}" text-anchor="end" '
        f'font-size="12" fill="{_TEXT}">{escape(_fmt(top))}</text>',
    ]
    for i, (_, value) in enumerate(points):
        h = plot_h * value / top
        x = left + i * step + step * 0.15
        parts.append(
            f'<rect x="{x:.1f}" y="{top_pad + plot_h - h:.1f}" width="{step * 0.7:.1f}" '
            f'height="{h:.1f}" fill="{_BAR}"/>'
        )
    first, last = points[0][0], points[-1][0]
    parts.append(
        f'<text x="{left}" y="{height - 6}" font-size="12" fill="{_TEXT}">{escape(first)}</text>'
    )
    if len(points) > 1:
        parts.append(
            f'<text x="{width - 4}" y="{height - 6}" text-anchor="end" font-size="12" '
            f'fill="{_TEXT}">{escape(last)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
