"""`oncoguide serve` as a real subprocess on loopback: it answers, stops on SIGINT, and what it
stored is there after a restart."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(db: Path | str, *extra: str) -> Iterator[str]:
    """Start `oncoguide serve` on a free loopback port over `db` (a file or a postgresql:// URL);
    yield its base URL; stop it with SIGINT."""
    port = free_port()
    cmd = [sys.executable, "-c", "from oncoguide.cli import main; main()", "serve",
           "--port", str(port), "--db", str(db), "--embedder", "none", *extra]  # fmt: skip
    env = {**os.environ, "ONCOGUIDE_RATE_LIMIT_CLIENT": "10000/minute"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            try:
                if httpx.get(f"{base}/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not become healthy in 60 s"
            time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def test_serve_answers_on_loopback_and_data_survives_a_restart(api_db: Path) -> None:
    with running_server(api_db) as base:
        session = httpx.post(f"{base}/v1/sessions", json={"consent": True}).json()["session_id"]
        body = {"session_id": session, "message": "what helps with hair loss during chemo?"}
        reply = httpx.post(f"{base}/v1/chat", json=body, timeout=30)
        assert reply.status_code == 200 and reply.json()["citations"]
        message_id = reply.json()["message_id"]
        bad = httpx.post(f"{base}/v1/chat", json={"session_id": session, "message": ""})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_request"
    with running_server(api_db) as base:
        assert httpx.get(f"{base}/v1/sessions/{session}").json()["turns"] == 1
        rated = httpx.post(f"{base}/v1/feedback", json={"message_id": message_id, "rating": "up"})
        assert rated.status_code == 200


def test_serve_with_two_workers(api_db: Path) -> None:
    with running_server(api_db, "--workers", "2") as base:
        sessions = [
            httpx.post(f"{base}/v1/sessions", json={"consent": True}).json()["session_id"]
            for _ in range(4)
        ]
        for sid in sessions:
            reply = httpx.post(f"{base}/v1/chat", json={"session_id": sid, "message": "fever"})
            assert reply.status_code == 200
        assert httpx.get(f"{base}/v1/health").json()["messages"] == 4


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _sockets(pid: int) -> set[int]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(int(target[8:-1]))
    return inodes


def _tcp(port: int) -> dict[int, str]:
    """inode -> state ("0A" listening, "01" established) of IPv4 sockets on local `port`."""
    out = {}
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        cols = line.split()
        if int(cols[1].split(":")[1], 16) == port:
            out[int(cols[9])] = cols[3]
    return out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT balancing is Linux")
def test_each_worker_listens_on_its_own_socket_and_gets_connections(api_db: Path) -> None:
    """With --workers 2 each worker has its own SO_REUSEPORT listening socket (uvicorn's mode
    shares one inherited socket), and the kernel spreads 16 keep-alive connections over both."""
    proc_before = set(_children(os.getpid()))
    with running_server(api_db, "--workers", "2") as base:
        port = int(base.rsplit(":", 1)[1])
        (server,) = set(_children(os.getpid())) - proc_before
        workers = [w for w in _children(server) if _sockets(w)]
        assert len(workers) == 2
        clients = [httpx.Client(base_url=base) for _ in range(16)]
        try:
            for c in clients:
                assert c.get("/v1/health").status_code == 200
            states = _tcp(port)
            listening = [{i for i in _sockets(w) if states.get(i) == "0A"} for w in workers]
            assert all(len(ls) == 1 for ls in listening) and listening[0] != listening[1]
            served = [sum(states.get(i) == "01" for i in _sockets(w)) for w in workers]
            assert sum(served) == 16 and min(served) >= 1, served
        finally:
            for c in clients:
                c.close()


def test_serve_refuses_a_missing_index_in_one_line(tmp_path: Path) -> None:
    cmd = [sys.executable, "-c", "from oncoguide.cli import main; main()", "serve",
           "--port", str(free_port()), "--db", str(tmp_path / "none.db")]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "no index at" in proc.stderr
    assert not (tmp_path / "none.db").exists()


def test_idle_keep_alive_connection_outlives_a_client_pools_expiry(api_db: Path) -> None:
    """The server keeps an idle connection open longer than a client pool does (httpx: 5 s), so
    the client always drops it first. With both at 5 s, the server closed connections that the
    client was reusing at that moment: the load benchmark's rare `ReadError`s."""
    with running_server(api_db, "--workers", "2") as base:
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            request = b"GET /v1/health HTTP/1.1\r\nHost: test\r\n\r\n"
            for _ in range(2):  # the second request rides the same connection after 6 s idle
                sock.sendall(request)
                head = _read_response(sock)
                assert head.startswith(b"HTTP/1.1 200"), head[:80]
                time.sleep(6)


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))  # fmt: skip
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        body += chunk
    return head
