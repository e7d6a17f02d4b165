"""Reading evaluation files: one JSON object per line, every problem named by file and line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from oncoguide.errors import EvaluationError
from oncoguide.text.jsonl import read_jsonl as read_jsonl_rows

__all__ = ["read_jsonl"]


def read_jsonl(
    path: Path, *, what: str, required: Sequence[str] = ()
) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) for every non-blank line (`oncoguide.text.jsonl.read_jsonl`); raises
    EvaluationError for any problem, a file with no rows included."""
    return read_jsonl_rows(path, what=what, required=required, error=EvaluationError)
