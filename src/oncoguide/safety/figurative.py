"""Figures of speech, put in plain words before the safety classifier reads a text.

"I could murder a bacon roll" and "this chemo brain is killing me" are everyday hyperbole, but
the classifier learned the words "murder" and "killing me" from crisis messages and scores them as
self-harm. `figurative.yaml` lists such figures with their plain meaning; `Figures.plain(text)`
rewrites a text before the classifier and its scout read it. Only the classifier's input changes:
the rules, the scan units and everything shown to the user keep the words as written.

The list is deliberately short and made of figures that cannot hide a crisis; see the YAML's
header for what must never go in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from oncoguide.errors import PolicyError

__all__ = ["DEFAULT_FIGURES_PATH", "Figure", "Figures", "load_figures"]

DEFAULT_FIGURES_PATH = Path(__file__).with_name("figurative.yaml")


@dataclass(frozen=True)
class Figure:
    pattern: re.Pattern[str]
    plain: str
    example: str


@dataclass(frozen=True)
class Figures:
    figures: tuple[Figure, ...]

    def plain(self, text: str) -> str:
        """`text` with every listed figure replaced by its plain meaning."""
        for f in self.figures:
            text = f.pattern.sub(f.plain, text)
        return text


def load_figures(path: Path | None = None) -> Figures:
    """Read and compile `figurative.yaml`; each entry's example must change (else PolicyError)."""
    path = path or DEFAULT_FIGURES_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"{path}: cannot read figures of speech: {exc}") from exc
    items = (data or {}).get("figures") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise PolicyError(f"{path}: expected a mapping with a `figures` list")
    figures = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) and item.get(k) for k in ("pattern", "plain", "example")
        ):
            raise PolicyError(f"{path}: figure {n} needs non-empty `pattern`, `plain`, `example`")
        try:
            pattern = re.compile(item["pattern"], re.IGNORECASE)
        except re.error as exc:
            raise PolicyError(f"{path}: figure {n}: bad pattern: {exc}") from exc
        figure = Figure(pattern, item["plain"], item["example"])
        try:
            changed = pattern.sub(figure.plain, figure.example) != figure.example
        except (re.error, IndexError) as exc:
            raise PolicyError(f"{path}: figure {n}: bad `plain`: {exc}") from exc
        if not changed:
            raise PolicyError(f"{path}: figure {n}: its pattern does not match its example")
        figures.append(figure)
    return Figures(tuple(figures))
