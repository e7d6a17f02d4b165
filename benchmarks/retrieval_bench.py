"""Retrieval benchmark: full-KB index with MiniLM embeddings, four configurations, two eval sets.

    python benchmarks/retrieval_bench.py --db /tmp/og-full.db            # build once, then reuse
    python benchmarks/retrieval_bench.py --db /tmp/og-full.db --rebuild  # time a fresh ingest
    python benchmarks/retrieval_bench.py --smoke  # sample KB, temporary index, 5 questions a set

Prints ingest time, peak RSS and what is embedded, then R@1/R@5/R@10, MRR@10, nDCG@10,
patient-first@1 and warm latency p50/p95 for: BM25 alone, dense alone, hybrid (RRF), and hybrid +
priors + query understanding. Numbers, not assertions: targets are checked by reading the table.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from _results import add_common_args, fingerprint, record, sample_kb_path

from oncoguide.evaluation.retrieval_eval import evaluate_retrieval
from oncoguide.index.embed import MiniLMEmbedder
from oncoguide.index.ingest import HP_CHUNKS_EMBEDDED, ingest
from oncoguide.index.sqlite import SqliteStore
from oncoguide.retrieve.brands import refresh_brand_map
from oncoguide.retrieve.hybrid import RetrievalConfig, Retriever
from oncoguide.retrieve.query import QueryVocabulary
from oncoguide.retrieve.vocab import refresh_term_vocabulary
from oncoguide.types import Hit

ROOT = Path(__file__).resolve().parents[1]
CONFIGS: dict[str, RetrievalConfig] = {
    "bm25": RetrievalConfig(use_dense=False, use_expansion=False, use_priors=False),
    "dense": RetrievalConfig(use_lexical=False, use_expansion=False, use_priors=False),
    "hybrid": RetrievalConfig(use_expansion=False, use_priors=False),
    "hybrid+priors+qu": RetrievalConfig(),
}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB on Linux


def build(kb: Path, db: Path, max_tokens: int) -> None:
    db.unlink(missing_ok=True)
    store = SqliteStore(db)
    store.migrate()
    embedder = MiniLMEmbedder(max_tokens=max_tokens)
    started = time.perf_counter()
    report = ingest(kb, store, embedder=embedder)
    brands = refresh_brand_map(store)
    terms = len(refresh_term_vocabulary(store))
    seconds = time.perf_counter() - started
    stats = store.stats()
    print(f"ingest: {seconds:.0f} s, peak RSS {_peak_rss_mb():.0f} MB, {stats.documents} docs,")
    print(f"  {stats.chunks} chunks, {report.embedded} embedded now + {report.embed_cached} cached")
    print(
        f"  embedded: every chunk of non-technical docs + the first {HP_CHUNKS_EMBEDDED} chunks"
        f" of technical docs; text = heading path + newline + chunk text, first {max_tokens}"
        f" MiniLM tokens ({embedder.name})"
    )
    print(f"  brand pairs mined: {brands}; KB term vocabulary: {terms} words")
    store.close()


def _search_fn(retriever: Retriever, k: int) -> Callable[[str], Sequence[Hit]]:
    def search(question: str) -> Sequence[Hit]:
        return retriever.search(question, k=k).hits

    return search


def run(db: Path, sets: dict[str, Path], k: int, max_tokens: int) -> dict[str, dict[str, Any]]:
    store = SqliteStore(db)
    embedder = MiniLMEmbedder(max_tokens=max_tokens)
    vocab = QueryVocabulary.load(store)
    results: dict[str, dict[str, Any]] = {}
    for name, config in CONFIGS.items():
        retriever = Retriever(
            store, embedder if config.use_dense else None, vocab=vocab, config=config
        )
        retriever.warm()
        retriever.search("warm-up question about cancer")
        search = _search_fn(retriever, k)
        for set_name, path in sets.items():
            results[f"{set_name}/{name}"] = evaluate_retrieval(search, path, k=k)
        retriever.close()
    store.close()
    return results


def table(results: dict[str, dict[str, Any]], k: int) -> str:
    head = (
        f"| set / config | R@1 | R@5 | R@{k} | MRR@{k} | nDCG@{k} | patient-first@1"
        " | p50 ms | p95 ms |"
    )
    lines = [head, "|" + "---|" * 9]
    for key, r in results.items():
        metrics = [r["recall@1"], r["recall@5"], r[f"recall@{k}"], r[f"mrr@{k}"], r[f"ndcg@{k}"]]
        metrics.append(r["patient_first@1"])
        cells = [f"{m:.3f}" for m in metrics]
        cells += [f"{r['latency_ms']['p50']:.1f}", f"{r['latency_ms']['p95']:.1f}"]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kb", type=Path, default=ROOT.parent / "shared" / "kb")
    p.add_argument("--db", type=Path, default=Path("/tmp/og-full.db"))
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--max-tokens", type=int, default=128)
    p.add_argument(
        "--medquad", type=Path, default=ROOT.parent / "shared/eval/medquad_cancergov.jsonl"
    )
    p.add_argument(
        "--lay", type=Path, default=ROOT / "src/oncoguide/evaluation/data/lay_questions.jsonl"
    )
    p.add_argument("-k", type=int, default=10)
    p.add_argument("--only", choices=sorted(CONFIGS), action="append")
    p.add_argument("--json", type=Path, help="also write every result (with misses) here")
    add_common_args(p)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="retrieval-bench-") as tmp:
        if args.smoke:
            _smoke_inputs(args, Path(tmp))
        return _main(args)


def _smoke_inputs(args: argparse.Namespace, tmp: Path) -> None:
    """The sample KB in a fresh temporary index; the first 5 questions of each set."""
    args.kb, args.db, args.rebuild = sample_kb_path(), tmp / "smoke.db", True
    for name in ("medquad", "lay"):
        path = getattr(args, name)
        if path.is_file():
            head = path.read_text(encoding="utf-8").splitlines()[:5]
            setattr(args, name, tmp / f"{name}.jsonl")
            getattr(args, name).write_text("\n".join(head) + "\n", encoding="utf-8")


def _main(args: argparse.Namespace) -> int:
    if args.rebuild or not args.db.exists():
        build(args.kb, args.db, args.max_tokens)
    if args.only:
        for name in list(CONFIGS):
            if name not in args.only:
                del CONFIGS[name]
    sets = {n: path for n, path in (("medquad", args.medquad), ("lay", args.lay)) if path.is_file()}
    results = run(args.db, sets, args.k, args.max_tokens)
    print(table(results, args.k))
    print(f"peak RSS {_peak_rss_mb():.0f} MB")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    summary: dict[str, object] = {}
    for key, r in results.items():
        summary[f"{key} R@1"] = r["recall@1"]
        summary[f"{key} R@5"] = r["recall@5"]
        summary[f"{key} p50_ms"] = r["latency_ms"]["p50"]
    summary["peak_rss_mb"] = round(_peak_rss_mb())
    record(
        "retrieval_bench", summary, args, fingerprint(args.kb if args.rebuild else None, args.db)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
