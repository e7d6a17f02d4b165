"""Time and peak memory of a full KB audit, plus chunk statistics by audience.

Usage: python benchmarks/kb_audit.py [KB_PATH] [--as-of YYYY-MM-DD] [--smoke] [--results FILE]
(default ../shared/kb; --smoke audits the bundled sample KB)
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from _results import add_common_args, fingerprint, record, sample_kb_path

from oncoguide.kb.audit import AuditReport
from oncoguide.kb.chunk import chunk_document
from oncoguide.kb.load import load_kb

DEFAULT_KB = Path(__file__).resolve().parents[2] / "shared" / "kb"


def _peak_rss_mb() -> float:
    # ru_maxrss is kilobytes on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _sizes(label: str, sizes: list[int]) -> str:
    if not sizes:
        return f"{label}: no chunks"
    q = statistics.quantiles(sizes, n=20) if len(sizes) > 1 else [sizes[0]] * 19
    return (
        f"{label}: {len(sizes)} chunks, chars min {min(sizes)} p5 {q[0]:.0f} "
        f"median {statistics.median(sizes):.0f} p95 {q[-1]:.0f} max {max(sizes)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("kb", nargs="?", type=Path, default=DEFAULT_KB)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    add_common_args(parser)
    args = parser.parse_args()
    if args.smoke:
        args.kb = sample_kb_path()

    start = time.perf_counter()
    load = load_kb(args.kb, as_of=args.as_of)
    audit_s = time.perf_counter() - start
    report = AuditReport.from_load(load, args.as_of).to_dict()
    start = time.perf_counter()
    by_audience: dict[str, list[int]] = {}
    for doc in load.documents:
        sizes = by_audience.setdefault(doc.audience, [])
        sizes.extend(len(c.text) for c in chunk_document(doc))
    chunk_s = time.perf_counter() - start

    summary = {k: report[k] for k in ("documents", "indexed")}
    print(
        json.dumps(
            {
                **summary,
                "excluded": len(report["excluded"]),
                "errors": len(report["errors"]),
                "warnings": len(report["warnings"]),
                "counts": report["counts"],
            },
            indent=2,
        )
    )
    print(
        f"audit (load+validate+clean) {audit_s:.2f}s; chunking {chunk_s:.2f}s; "
        f"peak RSS {_peak_rss_mb():.0f} MB"
    )
    for audience, sizes in sorted(by_audience.items()):
        print(_sizes(audience, sizes))
    results = {
        "documents": report["documents"],
        "indexed": report["indexed"],
        "excluded": len(report["excluded"]),
        "audit_s": round(audit_s, 3),
        "chunking_s": round(chunk_s, 3),
        "peak_rss_mb": round(_peak_rss_mb()),
    }
    record("kb_audit", results, args, fingerprint(args.kb))


if __name__ == "__main__":
    main()
