"""Run the API under uvicorn (`oncoguide serve`).

One worker runs the app built here from `settings`. With `--workers N` uvicorn starts N processes
that each build the app from the environment (`app_from_environment`), so the settings are handed
to them as ONCOGUIDE_* variables first. uvicorn's access log is off: it would print the query
string of /v1/search, which is the user's text; the app logs method, path, status and time.
"""

from __future__ import annotations

import logging
import os

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
    uvicorn.run(
        "oncoguide.api.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        timeout_keep_alive=settings.keep_alive_s,
    )
