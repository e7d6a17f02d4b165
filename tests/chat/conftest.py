"""Fixtures for the chat turn: the sample KB indexed lexically, and a scripted local
chat-completions server (loopback only) whose "models" behave in known ways."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from oncoguide.index.ingest import ingest
from oncoguide.index.sqlite import SqliteStore
from oncoguide.kb.sample import sample_kb_path

_SOURCE = re.compile(r"^\[(\d+)\] [^\n]*\n(.+?)(?=\n\n\[\d+\] |\n\nQuestion: )", re.S | re.M)


def _first_sentence(text: str) -> str:
    # A faithful model writes a list item as a sentence, without its bullet.
    lines = [line.strip().lstrip("-*• ") for line in text.splitlines()]
    body = " ".join(line for line in lines if not line.startswith("#"))
    return re.split(r"(?<=[.!?])\s+", body.strip())[0]


def scripted_reply(model: str, user: str) -> str:
    """What each scripted model answers, given the user message with its numbered sources.

    echo: the first sentence of sources [1] and [2], each cited (a faithful model);
    invent: a claim no source makes; declines: NO_ANSWER.
    """
    sources = {int(n): text for n, text in _SOURCE.findall(user)}
    if model == "echo":
        return " ".join(f"{_first_sentence(sources[n])} [{n}]" for n in sorted(sources)[:2])
    if model == "invent":
        return "Chemotherapy cures 97 percent of cancers within 3 weeks [1]."
    return "NO_ANSWER"


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(request)  # type: ignore[attr-defined]
        if request["model"] == "error":
            body, status = b'{"error": "boom"}', 500
        else:
            content = scripted_reply(request["model"], request["messages"][-1]["content"])
            reply = {"choices": [{"message": {"role": "assistant", "content": content}}]}
            body, status = json.dumps(reply).encode(), 200
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="session")
def llm_server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def server_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/v1"


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("chat") / "sample.db"
    store = SqliteStore(db)
    store.migrate()
    ingest(sample_kb_path(), store)
    store.close()
    return db


@pytest.fixture
def sample_store(sample_db: Path) -> Iterator[SqliteStore]:
    store = SqliteStore(sample_db)
    yield store
    store.close()
