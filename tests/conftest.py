"""Shared fixtures. Tests that need the real KB read ../shared/kb (beside the checkout in CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    return Path(os.environ.get("ONCOGUIDE_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_kb() -> Path:
    """The real NCI KB. In CI it is always present; elsewhere the test is skipped with a reason."""
    kb = _shared_dir() / "kb"
    if not (kb / "manifest.json").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the real KB is required in CI but {kb} is missing")
        pytest.skip(f"real KB not found at {kb}")
    return kb


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    path = _shared_dir() / "eval" / "medquad_cancergov.jsonl"
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the MedQuAD eval set is required in CI but {path} is missing")
        pytest.skip(f"eval set not found at {path}")
    return path
