"""Run the API under uvicorn (`oncoguide serve`).

One worker runs the app built here from `settings`. With `--workers N` N processes each build the
app from the environment (`app_from_environment`), so the settings are handed to them as
ONCOGUIDE_* variables first. On Linux each worker listens on a socket of its own bound with
SO_REUSEPORT, so the kernel spreads new connections evenly over the workers: with uvicorn's shared
socket the worker that woke first accepted a whole burst of keep-alive connections, and under load
one worker did up to three times the other's work (README, chat load). Elsewhere uvicorn's own
multi-process mode runs them. uvicorn's access log is off: it would print the query
string of /v1/search, which is the user's text; the app logs method, path, status and time.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import time
from types import FrameType

from oncoguide.api.app import create_app
from oncoguide.config import Settings

__all__ = ["configure_logging", "configure_process", "serve", "settings_environment"]


def configure_logging(level: int = logging.INFO) -> None:
    """Send the `oncoguide` loggers to stderr (uvicorn configures only its own)."""
    logger = logging.getLogger("oncoguide")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)


def configure_process(settings: Settings) -> None:
    """Process-wide settings of a server process: logging, and the BLAS thread pool.

    OpenBLAS defaults to one thread per core; with requests already running in parallel its
    threads spin against each other. Measured on the 2-core development machine under load:
    a MiniLM query embedding took 490 ms with the default pool and 47 ms with one thread."""
    from threadpoolctl import threadpool_limits

    configure_logging()
    threadpool_limits(limits=settings.blas_threads, user_api="blas")


def settings_environment(settings: Settings) -> dict[str, str]:
    """The ONCOGUIDE_* variables that rebuild `settings` in a worker process."""
    env: dict[str, str] = {}
    for name, value in settings.model_dump(mode="json").items():
        if value is None:
            continue
        text = value if isinstance(value, str) else _json(value)
        env[f"ONCOGUIDE_{name.upper()}"] = text
    return env


def _json(value: object) -> str:
    import json

    return json.dumps(value)


def serve(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    """Serve the API until interrupted (blocks). A missing or unusable index is a StoreError
    before anything listens (later outages are answered with 503 instead)."""
    import uvicorn

    from oncoguide.index.backends import open_index

    open_index(settings.db).close()
    configure_process(settings)
    if workers <= 1:
        uvicorn.run(create_app(settings), host=host, port=port, access_log=False,
                    timeout_keep_alive=settings.keep_alive_s)  # fmt: skip
        return
    os.environ.update(settings_environment(settings))
    if hasattr(socket, "SO_REUSEPORT") and os.name == "posix":
        _serve_reuse_port(host, port, workers, settings.keep_alive_s)
        return
    uvicorn.run(
        "oncoguide.api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        timeout_keep_alive=settings.keep_alive_s,
    )


# More than this many worker restarts within the window is a crash loop (e.g. an index that went
# away): the server stops instead of restarting forever.
MAX_RESTARTS = 5
RESTART_WINDOW_S = 60.0


def _reuse_port_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _reuse_port_worker(host: str, port: int, keep_alive_s: int) -> None:
    """One worker process: its own listening socket in the port's SO_REUSEPORT group."""
    import uvicorn

    sock = _reuse_port_socket(host, port)
    config = uvicorn.Config(
        "oncoguide.api.app:app_from_environment",
        factory=True,
        access_log=False,
        timeout_keep_alive=keep_alive_s,
    )
    uvicorn.Server(config).run(sockets=[sock])


def _serve_reuse_port(host: str, port: int, workers: int, keep_alive_s: int) -> None:
    """Start `workers` processes, each on its own SO_REUSEPORT socket; restart one that dies;
    on SIGINT/SIGTERM stop them all (uvicorn's graceful shutdown, then a kill after 30 s).

    The parent binds the address too but never listens on it: a port already taken by another
    program fails here at once, and the parent's socket takes no connections."""
    log = logging.getLogger("oncoguide.api")
    reserved = _reuse_port_socket(host, port)
    context = multiprocessing.get_context("spawn")
    stopping = False

    def start() -> multiprocessing.process.BaseProcess:
        proc = context.Process(target=_reuse_port_worker, args=(host, port, keep_alive_s))
        proc.start()
        return proc

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    procs = [start() for _ in range(workers)]
    log.info("serving on http://%s:%d with %d workers (SO_REUSEPORT)", host, port, workers)
    restarts: list[float] = []
    try:
        while not stopping:
            time.sleep(0.5)
            for i, proc in enumerate(procs):
                if proc.is_alive() or stopping:
                    continue
                now = time.monotonic()
                restarts = [t for t in restarts if now - t < RESTART_WINDOW_S] + [now]
                if len(restarts) > MAX_RESTARTS:
                    log.error("workers keep exiting (last code %s): stopping", proc.exitcode)
                    raise SystemExit(1)
                log.warning("worker %s exited (code %s): restarting", proc.pid, proc.exitcode)
                procs[i] = start()
    finally:
        for proc in procs:
            if proc.is_alive() and proc.pid is not None:
                os.kill(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join()
        reserved.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
