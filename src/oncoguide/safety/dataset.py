"""The safety classifier's labelled messages (`training/*.jsonl`) and their fixed split.

A row is `{id, text, expected}`. `CALIBRATION_PERCENT` of the rows, chosen by a hash of the id
(so the split never changes when rows are added), form the calibration split: it is never trained
on and is the only data the fusion thresholds are chosen on (CALIBRATION.md).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from oncoguide.errors import PolicyError
from oncoguide.types import SAFETY_CATEGORIES

__all__ = [
    "CALIBRATION_PERCENT",
    "TRAINING_DIR",
    "LabelledMessage",
    "is_calibration",
    "load_labelled",
    "split_rows",
]

TRAINING_DIR = Path(__file__).with_name("training")
CALIBRATION_PERCENT = 20


@dataclass(frozen=True)
class LabelledMessage:
    id: str
    text: str
    expected: str


def is_calibration(row_id: str) -> bool:
    """True for the fixed calibration split (a hash of the id, not its position)."""
    digest = hashlib.sha256(row_id.encode("utf-8")).hexdigest()
    return int(digest, 16) % 100 < CALIBRATION_PERCENT


def load_labelled(directory: Path | None = None) -> list[LabelledMessage]:
    """Every row of every `*.jsonl` in `directory`, validated (ids unique, labels known)."""
    rows: list[LabelledMessage] = []
    seen: set[str] = set()
    for path in sorted((directory or TRAINING_DIR).glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                row = LabelledMessage(str(raw["id"]), str(raw["text"]), str(raw["expected"]))
            except (ValueError, KeyError, TypeError) as exc:
                raise PolicyError(f"{path.name}:{n}: bad row: {exc}") from exc
            if row.expected not in SAFETY_CATEGORIES or row.id in seen:
                raise PolicyError(f"{path.name}:{n}: unknown label or duplicate id {row.id!r}")
            seen.add(row.id)
            rows.append(row)
    return rows


def split_rows(
    rows: list[LabelledMessage],
) -> tuple[list[LabelledMessage], list[LabelledMessage]]:
    """(training rows, calibration rows)."""
    return (
        [r for r in rows if not is_calibration(r.id)],
        [r for r in rows if is_calibration(r.id)],
    )
