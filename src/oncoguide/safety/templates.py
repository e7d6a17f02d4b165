"""Response templates for safety decisions (data in `templates.yaml`), rendered per region."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

import yaml

from oncoguide.errors import PolicyError
from oncoguide.safety.regions import Region

__all__ = ["DEFAULT_TEMPLATES_PATH", "Template", "load_templates", "render"]

DEFAULT_TEMPLATES_PATH = Path(__file__).with_name("templates.yaml")
_BLANK_LINES = re.compile(r"[ \t]*\n(?:[ \t]*\n)+")


@dataclass(frozen=True)
class Template:
    id: str
    text: str
    reviewed: str


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def load_templates(
    path: Path | None = None, *, allowed: set[str] | None = None
) -> dict[str, Template]:
    """Read `templates.yaml`; each template needs text, a `reviewed` note and known placeholders."""
    path = path or DEFAULT_TEMPLATES_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"{path.name}: cannot read templates: {exc}") from exc
    raw = data.get("templates") if isinstance(data, dict) else None
    if not isinstance(raw, dict) or not raw:
        raise PolicyError(f"{path.name}: expected a non-empty 'templates' mapping")
    out: dict[str, Template] = {}
    for tid, item in raw.items():
        text = item.get("text") if isinstance(item, dict) else None
        reviewed = item.get("reviewed") if isinstance(item, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise PolicyError(f"{path.name}: template {tid!r} has no text")
        if not isinstance(reviewed, str) or not reviewed.strip():
            raise PolicyError(f"{path.name}: template {tid!r} must say who reviewed it")
        try:
            names = _placeholders(text)
        except ValueError as exc:
            raise PolicyError(f"{path.name}: template {tid!r}: {exc}") from exc
        if allowed is not None and not names <= allowed:
            raise PolicyError(
                f"{path.name}: template {tid!r} uses unknown {sorted(names - allowed)}"
            )
        out[str(tid)] = Template(id=str(tid), text=text, reviewed=reviewed)
    return out


def render(template: Template, region: Region) -> str:
    """Fill the region's numbers in; drop lines a region leaves empty (e.g. `{urgent_text}`)."""
    text = template.text.format_map(region.placeholders())
    text = _BLANK_LINES.sub("\n", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())
