"""The registry of evaluation sets (`evaluation/data/sets.yaml`): where each set is and its status.

Status is one of development (tuned on), held-out (never tuned on) or blind (sealed outside the
repository; its first-contact numbers are recorded in the registry once). A set whose file is absent
is still listed, so a report always shows every set the project claims numbers on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from oncoguide.errors import EvaluationError

__all__ = ["DATA_DIR", "STATUSES", "EvalSet", "load_sets"]

DATA_DIR = Path(__file__).with_name("data")
STATUSES = ("development", "held-out", "blind")


@dataclass(frozen=True)
class EvalSet:
    name: str
    path: Path | None  # None: the file lives in ../shared and that folder was not found
    status: str | dict[str, str]  # one status, or one per value of `split`
    note: str = ""
    split: str | None = None
    first_contact: dict[str, Any] = field(default_factory=dict)

    @property
    def present(self) -> bool:
        return self.path is not None and self.path.is_file()

    def status_of(self, split_value: str | None = None) -> str:
        if isinstance(self.status, str):
            return self.status
        return self.status.get(split_value or "", "development")

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": str(self.path) if self.path else None,
            "status": self.status,
            "present": self.present,
            "note": self.note,
            "first_contact": self.first_contact or None,
        }


def _check_status(where: str, status: Any) -> None:
    values = status.values() if isinstance(status, dict) else [status]
    bad = [v for v in values if v not in STATUSES]
    if bad:
        allowed = ", ".join(STATUSES)
        raise EvaluationError(f"{where}: unknown status {bad[0]!r} (allowed: {allowed})")


def _entry(section: str, row: Any, shared: Path | None) -> EvalSet:
    if not isinstance(row, dict) or not row.get("name") or not row.get("file"):
        raise EvaluationError(f"sets.yaml {section}: every entry needs a name and a file")
    where = f"sets.yaml {section}/{row['name']}"
    _check_status(where, row.get("status"))
    file = str(row["file"])
    if file.startswith("shared:"):
        path = shared / file.removeprefix("shared:") if shared else None
    else:
        path = DATA_DIR / file
    return EvalSet(
        name=str(row["name"]),
        path=path,
        status=row["status"],
        note=str(row.get("note", "")),
        split=row.get("split"),
        first_contact=dict(row.get("first_contact") or {}),
    )


def load_sets(shared: Path | None, registry: Path | None = None) -> dict[str, list[EvalSet]]:
    """Section name (retrieval, safety, answers) -> its sets, in registry order."""
    path = registry or DATA_DIR / "sets.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvaluationError(f"cannot read the set registry {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise EvaluationError(f"the set registry {path} must be a mapping of sections")
    return {
        section: [_entry(section, row, shared) for row in rows or []]
        for section, rows in data.items()
    }
