"""Per-region emergency, crisis and cancer-information numbers (data in `regions.yaml`).

The region is a setting (`Settings.region`) and a per-request option. An unknown code never raises:
it falls back to GENERIC, which names no number ("call your local emergency number") rather than
guess a wrong one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from oncoguide.errors import PolicyError

__all__ = ["DEFAULT_REGIONS_PATH", "FALLBACK_REGION", "Region", "get_region", "load_regions"]

DEFAULT_REGIONS_PATH = Path(__file__).with_name("regions.yaml")
FALLBACK_REGION = "GENERIC"
_REQUIRED_CODES = ("US", "UK", "IN", FALLBACK_REGION)


@dataclass(frozen=True)
class Region:
    """One region's numbers; `*_source` says where each number was checked."""

    code: str
    name: str
    emergency_number: str
    emergency_source: str
    emergency_text: str
    crisis_line: str
    crisis_name: str
    crisis_source: str
    crisis_text: str
    cancer_info_line: str
    cancer_info_name: str
    cancer_info_source: str
    cancer_info_text: str
    urgent_text: str = ""

    def placeholders(self) -> dict[str, str]:
        """Values the templates may use, e.g. `{emergency_text}`."""
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}


def _region_from(code: str, raw: Any, path: Path) -> Region:
    if not isinstance(raw, dict):
        raise PolicyError(f"{path}: region {code!r} must be a mapping")
    names = {f.name for f in fields(Region)} - {"code"}
    unknown = set(raw) - names
    if unknown:
        raise PolicyError(f"{path}: region {code!r} has unknown keys {sorted(unknown)}")
    values = {k: raw.get(k, "") for k in names}
    bad = [k for k, v in values.items() if not isinstance(v, str)]
    if bad:
        raise PolicyError(f"{path}: region {code!r}: {sorted(bad)} must be strings (quote numbers)")
    for required in ("name", "emergency_text", "crisis_text", "cancer_info_text"):
        if not values[required].strip():
            raise PolicyError(f"{path}: region {code!r} lacks {required}")
    for number in ("emergency_number", "crisis_line", "cancer_info_line"):
        source = number.replace("_number", "_source").replace("_line", "_source")
        if values[number].strip() and not values[source].strip():
            raise PolicyError(f"{path}: region {code!r} gives {number} without {source}")
    return Region(code=code, **values)


def load_regions(path: Path | None = None) -> dict[str, Region]:
    """Read and validate `regions.yaml`; keys are upper-case region codes."""
    path = path or DEFAULT_REGIONS_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"{path}: cannot read regions: {exc}") from exc
    raw = data.get("regions") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise PolicyError(f"{path}: expected a top-level 'regions' mapping")
    regions = {
        str(code).upper(): _region_from(str(code).upper(), r, path) for code, r in raw.items()
    }
    missing = [c for c in _REQUIRED_CODES if c not in regions]
    if missing:
        raise PolicyError(f"{path}: missing required regions {missing}")
    return regions


def get_region(code: str, regions: dict[str, Region] | None = None) -> Region:
    """The region for `code` (case-insensitive; "GB" means UK); unknown codes get GENERIC."""
    regions = regions if regions is not None else load_regions()
    key = (code or "").strip().upper()
    key = {"GB": "UK", "USA": "US", "IND": "IN"}.get(key, key)
    return regions.get(key, regions[FALLBACK_REGION])
