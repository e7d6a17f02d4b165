"""Bounded load on a real `oncoguide serve` on loopback: chat requests at a fixed concurrency.

    python benchmarks/api_load.py --db FILE [--requests 2000] [--concurrency 32] [--workers 1]
                                  [--embedder none|minilm]
    python benchmarks/api_load.py --smoke   # sample KB (lexical), 20 requests at concurrency 4

The database is copied to a temporary folder first (the run writes sessions and messages). Each
request is one `POST /v1/chat` in one of 64 sessions, with questions from the plain-language set.
Prints throughput, latency p50/p95/p99, errors by status, and the server's peak memory (VmHWM of
every server process, summed). Rate limits are raised for the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
import numpy as np
from _results import add_common_args, fingerprint, record, sample_kb_path

from oncoguide.evaluation.conversation_eval import BUNDLED
from oncoguide.index.sqlite import open_store
from oncoguide.retrieve.build import build_index

LAY = BUNDLED.parent / "lay_questions.jsonl"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _peak_kib(pid: int) -> int:
    """VmHWM of `pid` and its children (uvicorn workers), in KiB."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


async def _load(base: str, questions: list[str], n: int, concurrency: int) -> dict[str, object]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        sessions = []
        for _ in range(64):
            r = await client.post("/v1/sessions", json={"consent": True})
            sessions.append(r.json()["session_id"])
        latencies: list[float] = []
        statuses: Counter[str] = Counter()
        next_i = 0

        async def worker() -> None:
            nonlocal next_i
            while next_i < n:
                i = next_i
                next_i += 1
                body = {"session_id": sessions[i % 64], "message": questions[i % len(questions)]}
                start = time.perf_counter()
                try:
                    r = await client.post("/v1/chat", json=body)
                    statuses[str(r.status_code)] += 1
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1
                latencies.append((time.perf_counter() - start) * 1000)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - start
    lat = np.array(latencies)
    return {
        "requests": n, "concurrency": concurrency, "seconds": round(wall, 2),
        "req_per_s": round(n / wall, 1),
        "p50_ms": round(float(np.percentile(lat, 50)), 1),
        "p95_ms": round(float(np.percentile(lat, 95)), 1),
        "p99_ms": round(float(np.percentile(lat, 99)), 1),
        "errors": sum(v for k, v in statuses.items() if k != "200"),
        "statuses": dict(statuses),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--embedder", default="none")
    add_common_args(parser)
    args = parser.parse_args()
    if args.db is None and not args.smoke:
        parser.error("--db is required (or --smoke)")
    # A SIGTERM (e.g. from `timeout`) must still stop the server: turn it into SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    questions = [json.loads(line)["question"] for line in LAY.read_text().splitlines() if line]
    with tempfile.TemporaryDirectory(prefix="oncoguide-load-") as tmp:
        db = Path(tmp) / "load.db"
        if args.smoke:  # the sample KB, lexical only, a few requests
            args.requests, args.concurrency, args.embedder, args.db = 20, 4, "none", db
            with open_store(db) as store:
                build_index(sample_kb_path(), store)
        else:
            shutil.copy(args.db, db)
        kb_fp = fingerprint(None, db)
        port = _port()
        env = {**os.environ, "ONCOGUIDE_RATE_LIMIT_CLIENT": "1000000/minute",
               "ONCOGUIDE_RATE_LIMIT_SESSION": "1000000/minute"}  # fmt: skip
        cmd = [sys.executable, "-c", "from oncoguide.cli import main; main()", "serve",
               "--port", str(port), "--db", str(db), "--embedder", args.embedder,
               "--workers", str(args.workers)]  # fmt: skip
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if httpx.get(f"{base}/v1/health", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    sys.exit("server did not start: " + (Path(tmp) / "server.log").read_text())
                time.sleep(0.3)
            idle_kib = _peak_kib(proc.pid)
            report = asyncio.run(_load(base, questions, args.requests, args.concurrency))
            report["server_peak_mib"] = round(_peak_kib(proc.pid) / 1024, 1)
            report["server_peak_mib_at_start"] = round(idle_kib / 1024, 1)
            report.update(workers=args.workers, embedder=args.embedder, db=str(args.db))
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
    print(json.dumps(report, indent=2))
    record("api_load", report, args, kb_fp)


if __name__ == "__main__":
    main()
