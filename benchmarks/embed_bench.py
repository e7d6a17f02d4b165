"""Throughput and latency of the numpy MiniLM embedder on realistic KB text.

    python3 benchmarks/embed_bench.py [--kb ../shared/kb] [--n 500] [--batch-sizes 16,32,64]
    python3 benchmarks/embed_bench.py --smoke   # 8 generated chunks, one configuration, 1 round

Prints chunks/s per (max_tokens, batch size) on ~1,200-character chunks packed from KB paragraphs
(generated text if the KB is absent), query latency p50/p95 at batch 1, peak RSS, and the projected
time to embed 15,800 chunks. BLAS threading is whatever the environment sets (OPENBLAS_NUM_THREADS):
this script never changes it. The machine is shared during development: the load average is printed
so that numbers taken under contention can be recognised.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import time
from pathlib import Path

from _results import add_common_args, fingerprint, record

from oncoguide.index.embed import MiniLMEmbedder

KB_CHUNKS = 15_800
CHUNK_CHARS = 1_200
QUERIES = [
    "what is stage 4 breast cancer",
    "side effects of chemo",
    "How is acute myeloid leukemia treated?",
    "can i eat grapefruit on tamoxifen",
    "my dad has a lump in his neck",
    "What are the symptoms of pancreatic cancer?",
    "is proton therapy better than radiation",
    "hair loss after chemotherapy",
]


def kb_chunks(kb: Path, n: int) -> list[str]:
    """~1,200-char chunks packed from body paragraphs of the first KB files (sorted, so stable)."""
    chunks: list[str] = []
    for path in sorted(kb.rglob("*.md")):
        body = path.read_text(encoding="utf-8", errors="replace").split("\n---\n", 1)[-1]
        current = ""
        for para in re.split(r"\n\s*\n", body):
            para = para.strip()
            if len(para) < 40 or para.startswith("!["):
                continue
            current = f"{current}\n\n{para}" if current else para
            if len(current) >= CHUNK_CHARS:
                chunks.append(current[: CHUNK_CHARS * 2])
                current = ""
        if len(chunks) >= n:
            break
    return chunks[:n]


def generated_chunks(n: int) -> list[str]:
    base = (
        "Chemotherapy uses drugs to stop the growth of cancer cells, either by killing the cells "
        "or by stopping them from dividing. Side effects depend on the drug and the dose. "
    )
    return [f"Section {i}. " + base * 7 for i in range(n)]


def throughput(texts: list[str], max_tokens: int, batch_size: int) -> tuple[float, float]:
    """(chunks per wall second, chunks per CPU second): the second is robust to a busy machine."""
    emb = MiniLMEmbedder(max_tokens=max_tokens, batch_size=batch_size)
    emb.embed(texts[:2])  # load weights outside the timing
    start, cpu = time.perf_counter(), time.process_time()
    emb.embed(texts)
    return len(texts) / (time.perf_counter() - start), len(texts) / (time.process_time() - cpu)


def query_latency_ms(rounds: int = 12) -> tuple[float, float]:
    emb = MiniLMEmbedder()
    emb.embed(QUERIES[:1])
    times = []
    for _ in range(rounds):
        for q in QUERIES:
            start = time.perf_counter()
            emb.embed([q])
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = Path(__file__).resolve().parents[1]
    parser.add_argument("--kb", type=Path, default=here.parent / "shared" / "kb")
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--batch-sizes", default="16,32,64")
    parser.add_argument("--max-tokens", default="128,256")
    add_common_args(parser)
    args = parser.parse_args()
    if args.smoke:
        args.n, args.batch_sizes, args.max_tokens = 8, "8", "128"

    texts = kb_chunks(args.kb, args.n) if args.kb.is_dir() and not args.smoke else []
    source = f"{args.kb} paragraphs" if texts else "generated text"
    texts = texts or generated_chunks(args.n)
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
    print(
        f"{len(texts)} chunks from {source}; OPENBLAS_NUM_THREADS={threads}; cpus={os.cpu_count()}"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    results: dict[str, object] = {"chunks": len(texts), "source": source}
    for max_tokens in (int(x) for x in args.max_tokens.split(",")):
        for batch_size in (int(x) for x in args.batch_sizes.split(",")):
            rate, cpu_rate = throughput(texts, max_tokens, batch_size)
            eta = KB_CHUNKS / rate / 60
            print(
                f"max_tokens={max_tokens:<4} batch={batch_size:<3} {rate:6.1f} chunks/s  "
                f"({KB_CHUNKS} chunks in {eta:4.1f} min); {cpu_rate:6.1f} chunks per CPU-s"
            )
            results[f"tokens{max_tokens}/batch{batch_size} chunks_per_s"] = round(rate, 1)
            results[f"tokens{max_tokens}/batch{batch_size} chunks_per_cpu_s"] = round(cpu_rate, 1)
    p50, p95 = query_latency_ms(1 if args.smoke else 12)
    print(f"query latency at batch 1 (max_tokens=128): p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB; load average after: {os.getloadavg()[0]:.2f}")
    results.update(
        query_p50_ms=round(p50, 2), query_p95_ms=round(p95, 2), peak_rss_mb=round(peak_mb)
    )
    record("embed_bench", results, args, None if args.smoke else fingerprint(args.kb))


if __name__ == "__main__":
    main()
