"""The HTTP API on PostgreSQL (a real server, see tests/conftest.py): the same answers as on
SQLite, conversations and feedback stored in PostgreSQL, 503 when the server is unreachable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from oncoguide.api import create_app

from .conftest import api_settings, new_session

pytestmark = pytest.mark.integration

QUESTIONS = ["what helps with mouth sores during chemo?", "fever during chemo", "hair loss"]


@pytest.fixture
def pg_client(pg_index: str) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings(pg_index))) as c:
        yield c


def _answers(client: TestClient) -> list[dict[str, object]]:
    out = []
    for question in QUESTIONS:
        sid = new_session(client)  # one turn per session: no follow-up context
        body = client.post("/v1/chat", json={"session_id": sid, "message": question}).json()
        out.append({k: v for k, v in body.items() if k not in ("message_id", "timings_ms")})
    return out


def test_chat_answers_equal_sqlite_and_are_stored_in_postgres(
    pg_client: TestClient, pg_index: str, api_db: Path
) -> None:
    from oncoguide.index.backends import open_conversations

    with TestClient(create_app(api_settings(api_db))) as lite:
        assert _answers(pg_client) == _answers(lite)
    health = pg_client.get("/v1/health").json()
    assert health["status"] == "ok" and health["documents"] == 12
    store = open_conversations(pg_index)
    try:
        assert store.counts().messages == len(QUESTIONS)
    finally:
        store.close()


def test_feedback_and_restart_on_postgres(pg_index: str) -> None:
    with TestClient(create_app(api_settings(pg_index))) as c:
        sid = new_session(c)
        mid = c.post("/v1/chat", json={"session_id": sid, "message": "hair loss"}).json()[
            "message_id"
        ]
        assert c.post("/v1/feedback", json={"message_id": mid, "rating": "up"}).status_code == 200
    with TestClient(create_app(api_settings(pg_index))) as c:
        assert c.get(f"/v1/sessions/{sid}").json()["turns"] == 1
        down = c.post("/v1/feedback", json={"message_id": mid, "rating": "down"})
        assert down.status_code == 200 and down.json()["rating"] == "down"


def test_unreachable_postgres_is_503_not_a_trace(psycopg_installed: None) -> None:
    url = "postgresql://me:s3cret@127.0.0.1:1/nowhere"
    with TestClient(create_app(api_settings(url))) as c:
        health = c.get("/v1/health")
        assert health.status_code == 503
        session = c.post("/v1/sessions", json={"consent": True})
        assert session.status_code == 503
        assert "Traceback" not in session.text and "s3cret" not in session.text
