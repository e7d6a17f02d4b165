"""What every benchmark script shares: `--smoke` and `--results`, and one JSON line per run.

Each run appends `{"bench", "commit", "date", "cores", "load", "kb_fingerprint", "smoke",
"results"}` to `benchmarks/results.jsonl` (git-ignored: numbers from one machine are not source), so
a figure can be traced to the commit and KB it was measured on. `--smoke` runs the script on tiny
input with a few iterations; tests/test_benchmarks.py runs every script that way so none can rot.
"""

from __future__ import annotations

import argparse
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oncoguide.evaluation.runner import git_commit, kb_fingerprint, store_fingerprint
from oncoguide.index.sqlite import open_index
from oncoguide.kb.sample import sample_kb_path

RESULTS = Path(__file__).with_name("results.jsonl")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

__all__ = ["RESULTS", "SHARED", "add_common_args", "fingerprint", "record", "sample_kb_path"]


def add_common_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--smoke", action="store_true", help="tiny input, a few iterations")
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help=f"JSON lines file (default {RESULTS})"
    )


def fingerprint(kb: Path | None = None, db: Path | None = None) -> str | None:
    """`oncoguide eval all`'s KB fingerprint: from the KB files, else from the index's documents."""
    if kb is not None and kb.is_dir():
        return kb_fingerprint(kb)
    if db is not None and db.is_file():
        with open_index(db) as store:
            return store_fingerprint(store.document_hashes())
    return None


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return json.dumps(value) if isinstance(value, dict | list) else str(value)


def record(
    bench: str, results: dict[str, Any], args: argparse.Namespace, kb_fp: str | None
) -> None:
    """Print `results` as a small table and append the run to `args.results`."""
    width = max((len(k) for k in results), default=6)
    print(f"\n| {'metric':<{width}} | value |\n|{'-' * (width + 2)}|-------|")
    for key, value in results.items():
        print(f"| {key:<{width}} | {_cell(value)} |")
    line = {
        "bench": bench,
        "commit": git_commit(Path(__file__).parent),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "load": round(os.getloadavg()[0], 2),
        "kb_fingerprint": kb_fp,
        "smoke": bool(args.smoke),
        "results": results,
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with args.results.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
    print(f"appended to {args.results}")
