"""Browser tests: a real uvicorn server on a free loopback port over the sample KB (indexed into a
temp db), driven by Playwright with Debian's Chromium (`playwright install` cannot download here).

Without /usr/bin/chromium the tests skip, except under CI (CI=true), where .ci/run installs it and a
missing browser is a failure.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from oncoguide.api import create_app
from oncoguide.api.admin import hash_password
from oncoguide.cli import app as cli_app
from oncoguide.config import load_settings
from oncoguide.kb.sample import sample_kb_path

CHROMIUM = Path("/usr/bin/chromium")
ADMIN = ("admin", "correct horse battery staple")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
AXE = Path(__file__).with_name("axe.min.js")

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI: /usr/bin/chromium is missing (apt-get install chromium)")
    pytest.skip("no /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    """uvicorn in a thread: a real HTTP server the browser talks to, stopped at the end."""

    def __init__(self, db: Path) -> None:
        settings = load_settings(
            db=db, embedder="none", rate_limit_client="10000/minute",
            rate_limit_session="10000/minute", admin_users={ADMIN[0]: hash_password(ADMIN[1])},
        )  # fmt: skip
        self.port = _free_port()
        config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="on")  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert self.thread.is_alive(), "uvicorn stopped while starting"
            assert time.monotonic() < deadline, "uvicorn did not start in 30 s"
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("web") / "web.db"
    result = CliRunner().invoke(
        cli_app, ["ingest", str(sample_kb_path()), "--db", str(db), "--embedder", "none"]
    )
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def base_url(web_db: Path) -> Iterator[str]:
    with _Server(web_db) as url:
        yield url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # axe.min.js is injected as an inline script, which the pages' CSP (script-src 'self') forbids
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests write their screenshots: a temporary folder, or docs/screenshots
    (the README's pictures) when ONCOGUIDE_UPDATE_SCREENSHOTS=1,
    so a test run leaves the work tree clean."""
    if os.environ.get("ONCOGUIDE_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        return SCREENSHOTS
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="session")
def axe() -> Any:
    """`axe(page)`: axe-core run in the page; its serious and critical violations."""
    return serious_violations


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core (vendored axe.min.js) run in the page; serious and critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]  # fmt: skip
