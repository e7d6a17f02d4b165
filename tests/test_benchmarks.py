"""Every script in benchmarks/ runs in smoke mode (tiny input, a few iterations) so none can rot.

Numbers are not checked (benchmarks print numbers; no test is timed): only that each script runs,
prints its table and appends one traceable JSON line (commit, date, cores, KB fingerprint).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(p for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_"))


def test_every_benchmark_is_covered() -> None:
    assert len(SCRIPTS) >= 6


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_benchmark_smoke_mode_runs_and_records_a_line(script: Path, tmp_path: Path) -> None:
    results = tmp_path / "results.jsonl"
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, str(script), "--smoke", "--results", str(results)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=900, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert "| metric" in proc.stdout
    [line] = results.read_text(encoding="utf-8").splitlines()
    row = json.loads(line)
    assert row["bench"] == script.stem and row["smoke"] is True
    assert {"commit", "date", "cores", "kb_fingerprint", "results"} <= set(row)
    assert row["results"]
