"""`kb audit` and `kb validate`: what loading found and fixed, as one JSON-ready report.

`AuditReport.to_dict()` is a contract other tools read: keys `documents` (files read),
`indexed` (documents kept), `excluded` [{path, reason}], `errors` [{path, field, reason}],
`warnings` (same shape), `counts` (the defect classes, always all present) and `as_of`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from oncoguide.kb.load import AUDIT_COUNT_KEYS, KBLoad, load_kb
from oncoguide.kb.schema import Excluded, Problem

__all__ = ["AuditReport", "audit_kb", "validate_kb"]


@dataclass(frozen=True)
class AuditReport:
    root: Path
    as_of: date
    documents: int
    indexed: int
    excluded: tuple[Excluded, ...]
    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    counts: dict[str, int]

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @classmethod
    def from_load(cls, load: KBLoad, as_of: date) -> AuditReport:
        return cls(
            root=load.root,
            as_of=as_of,
            documents=load.files_read,
            indexed=len(load.documents),
            excluded=load.excluded,
            errors=tuple(p for p in load.problems if p.severity == "error"),
            warnings=tuple(p for p in load.problems if p.severity == "warning"),
            counts=dict(load.counts),
        )

    def to_dict(self) -> dict[str, Any]:
        # The eight audit keys come first, in the documented order, then the extra classes.
        counts = {k: self.counts.get(k, 0) for k in AUDIT_COUNT_KEYS}
        counts.update({k: v for k, v in sorted(self.counts.items()) if k not in counts})
        return {
            "root": str(self.root),
            "as_of": self.as_of.isoformat(),
            "documents": self.documents,
            "indexed": self.indexed,
            "excluded": [{"path": e.path, "reason": e.reason} for e in self.excluded],
            "errors": [_problem(p) for p in self.errors],
            "warnings": [_problem(p) for p in self.warnings],
            "counts": counts,
        }


def _problem(p: Problem) -> dict[str, str]:
    return {"path": p.path, "field": p.field, "reason": p.reason}


def audit_kb(
    root: Path, *, as_of: date | None = None, progress: Callable[[int, int], None] | None = None
) -> AuditReport:
    """Load and clean the KB at `root` and report every exclusion, problem and defect count.

    `progress(done, total)` is called after each file is read.
    """
    when = as_of or date.today()
    return AuditReport.from_load(load_kb(root, as_of=when, progress=progress), when)


def validate_kb(root: Path, *, progress: Callable[[int, int], None] | None = None) -> AuditReport:
    """The same checks as the audit; `.has_errors` decides the `kb validate` exit code."""
    return audit_kb(root, progress=progress)
