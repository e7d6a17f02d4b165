"""Ingest a KB folder into a fresh temporary database and print time, size, memory and counts.

    python3 benchmarks/ingest_bench.py [KB] [--embedder none|minilm] [--smoke] [--results FILE]

`--smoke` ingests the bundled sample KB.

Then runs a second, incremental ingest with no changes and prints its time.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from _results import add_common_args, fingerprint, record, sample_kb_path

from oncoguide.index.sqlite import open_store
from oncoguide.retrieve.build import build_index

DEFAULT_KB = Path(__file__).resolve().parents[1].parent / "shared" / "kb"


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kb", nargs="?", type=Path, default=DEFAULT_KB)
    parser.add_argument("--embedder", choices=["none", "minilm"], default="none")
    add_common_args(parser)
    args = parser.parse_args()
    if args.smoke:
        args.kb = sample_kb_path()

    embedder = None
    if args.embedder == "minilm":
        from oncoguide.index.embed import load_embedder

        embedder = load_embedder("minilm")

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        with open_store(db) as store:
            started = time.perf_counter()
            first = build_index(args.kb, store, embedder=embedder)
            first_s = time.perf_counter() - started
            stats = store.stats()
            started = time.perf_counter()
            second = build_index(args.kb, store, embedder=embedder)
            second_s = time.perf_counter() - started
        size_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6

    print(f"kb:                 {args.kb}")
    print(f"embedder:           {args.embedder}")
    print(f"files read:         {first.files_read} (excluded {len(first.excluded)})")
    print(f"documents / chunks: {stats.documents} / {stats.chunks}")
    print(f"embeddings:         {stats.embeddings} (computed {first.embedded})")
    print(f"first ingest:       {first_s:.2f} s")
    print(f"database size:      {size_mb:.1f} MB (db + wal)")
    print(f"peak RSS:           {_peak_rss_mb():.0f} MB")
    print(
        f"second ingest:      {second_s:.2f} s (unchanged {second.unchanged},"
        f" added {second.added}, changed {second.changed}, removed {second.removed})"
    )
    results = {
        "embedder": args.embedder,
        "documents": stats.documents,
        "chunks": stats.chunks,
        "embeddings": stats.embeddings,
        "first_ingest_s": round(first_s, 2),
        "reingest_s": round(second_s, 2),
        "db_mb": round(size_mb, 1),
        "peak_rss_mb": round(_peak_rss_mb()),
    }
    record("ingest_bench", results, args, fingerprint(args.kb))


if __name__ == "__main__":
    main()
