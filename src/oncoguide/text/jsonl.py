"""JSON Lines files: one JSON object per line, every problem named by file and line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["read_jsonl"]


def read_jsonl(
    path: Path,
    *,
    what: str,
    required: Sequence[str] = (),
    error: type[Exception] = ValueError,
    allow_empty: bool = False,
) -> list[tuple[int, dict[str, Any]]]:
    """(line number, row) for every non-blank line; `required` fields must be non-empty strings.

    Raises `error` for an unreadable file, invalid JSON, a non-object row, a missing required
    field, or (unless `allow_empty`) a file with no rows.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {what} file {path}: {exc}") from exc
    rows: list[tuple[int, dict[str, Any]]] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{path}:{n}: invalid JSON: {exc.msg}") from exc
        if not isinstance(row, dict):
            raise error(f"{path}:{n}: a row must be a JSON object")
        missing = [k for k in required if not isinstance(row.get(k), str) or not row[k].strip()]
        if missing:
            names = ", ".join(repr(k) for k in missing)
            raise error(f"{path}:{n}: a row needs a non-empty string {names}")
        rows.append((n, row))
    if not rows and not allow_empty:
        raise error(f"{what} file {path} has no rows")
    return rows
