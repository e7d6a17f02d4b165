"""The typed metadata schema of a KB document, and the problem records loading produces.

`validate_metadata` never raises on bad data: every field that fails becomes one `Problem`
(path, field, reason). Fields outside the schema are kept verbatim as `extra`.
Required: `title` and `url` (without them a document cannot be cited). Every other field has a
safe default and a missing one is a warning.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

__all__ = [
    "REVIEW_MONTHS",
    "DocMeta",
    "Excluded",
    "Problem",
    "Severity",
    "add_months",
    "review_due",
    "validate_metadata",
]

Severity = Literal["error", "warning"]

# as_needed (and anything unknown) is never due.
REVIEW_MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "annual": 12}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file. `field` is "" when the problem concerns the whole file."""

    path: str
    field: str
    reason: str
    severity: Severity = "error"


@dataclass(frozen=True)
class Excluded:
    """A file that was read but is not indexed, and why."""

    path: str
    reason: str


class DocMeta(BaseModel):
    """Frontmatter fields, by their YAML names (camelCase aliases)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)

    title: str = Field(min_length=1)
    url: str
    source: str = ""
    source_type: str = Field(default="", alias="sourceType")
    license: str = ""
    last_reviewed: date | None = Field(default=None, alias="lastReviewed")
    review_frequency: Literal["monthly", "quarterly", "annual", "as_needed"] = Field(
        default="as_needed", alias="reviewFrequency"
    )
    audience_level: Literal["patient", "caregiver", "technical"] = Field(
        default="patient", alias="audienceLevel"
    )
    language: str = "en"
    cancer_types: tuple[str, ...] = Field(default=(), alias="cancerTypes")
    tags: tuple[str, ...] = ()
    citation: str = ""
    status: Literal["active", "draft", "retired"] = "active"
    version: str = "v1"

    @field_validator("title", "source", "license", "citation", "version", "language", mode="before")
    @classmethod
    def _scalar_to_str(cls, v: Any) -> Any:
        # YAML turns `version: 1` into an int; the schema means the text.
        return str(v).strip() if isinstance(v, int | float | str) else v

    @field_validator("url", mode="after")
    @classmethod
    def _absolute_url(cls, v: str) -> str:
        v = v.strip()
        if not v.startswith(("https://", "http://")):
            raise ValueError("must be an absolute http(s) url")
        return v

    @field_validator("cancer_types", "tags", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        if v is None:
            return ()
        if isinstance(v, str):
            v = [v]
        if isinstance(v, list | tuple):
            return tuple(str(x).strip().lower() for x in v if x is not None and str(x).strip())
        return v


_RECOMMENDED = (
    "source",
    "sourceType",
    "license",
    "lastReviewed",
    "reviewFrequency",
    "audienceLevel",
    "language",
    "cancerTypes",
    "citation",
    "status",
    "version",
)


def validate_metadata(path: str, raw: dict[str, Any]) -> tuple[DocMeta | None, list[Problem]]:
    """Validate frontmatter; return the model (None if any field is invalid) and all problems."""
    problems = [
        Problem(path, key, "missing (default used)", "warning")
        for key in _RECOMMENDED
        if raw.get(key) in (None, "")
    ]
    clean = {k: v for k, v in raw.items() if not (k in _RECOMMENDED and v in (None, ""))}
    try:
        return DocMeta.model_validate(clean), problems
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"][:1]) or ""
            problems.append(Problem(path, field, _reason(err), "error"))
        return None, problems


def _reason(err: Any) -> str:
    if err["type"] == "missing":
        return "missing (required)"
    return f"{err['msg']} (got {str(err.get('input'))[:60]!r})"


def add_months(day: date, months: int) -> date:
    """`day` plus whole months, clamped to the month's last day (Jan 31 + 1 → Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due(last_reviewed: date | None, frequency: str) -> date | None:
    """lastReviewed + reviewFrequency; None when never due (as_needed) or never reviewed."""
    months = REVIEW_MONTHS.get(frequency)
    if last_reviewed is None or months is None:
        return None
    return add_months(last_reviewed, months)
