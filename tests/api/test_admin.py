"""Admin routes (argon2 Basic auth; 404 when no admin is configured), metrics, CSV, the report
command and its e-mail delivery to a real loopback SMTP server (aiosmtpd)."""

from __future__ import annotations

import csv
import io
import json
import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from oncoguide.api import create_app
from oncoguide.api.admin import hash_password
from oncoguide.cli import app as cli_app

from .conftest import api_settings, new_session

pytestmark = pytest.mark.unit
AUTH = ("ops", "correct horse battery")


@pytest.fixture(scope="module")
def ops_hash() -> str:
    return hash_password(AUTH[1])


@pytest.fixture
def admin(api_db: Path, ops_hash: str) -> Iterator[TestClient]:
    settings = api_settings(api_db, admin_users={AUTH[0]: ops_hash})
    with TestClient(create_app(settings)) as c:
        yield c


def _chat(c: TestClient, sid: str, text: str) -> dict[str, Any]:
    response = c.post("/v1/chat", json={"session_id": sid, "message": text})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def _traffic(c: TestClient) -> tuple[str, dict[str, Any]]:
    sid = new_session(c)
    good = _chat(c, sid, "why does chemotherapy cause hair loss?")
    _chat(c, sid, "what is the capital of France?")  # abstained
    _chat(c, sid, "I can't breathe and my chest hurts")  # emergency
    c.post("/v1/feedback", json={"message_id": good["message_id"], "rating": "down"})
    return sid, good


def test_admin_is_404_when_no_admin_is_configured(client: TestClient) -> None:
    for path in ("/v1/admin/conversations", "/v1/admin/metrics", "/v1/admin/kb"):
        assert client.get(path, auth=AUTH).status_code == 404
    assert not any(p.startswith("/v1/admin") for p in client.get("/openapi.json").json()["paths"])


@pytest.mark.parametrize("auth", [None, ("ops", "wrong password"), ("nobody", AUTH[1])])
def test_admin_needs_the_right_credentials(admin: TestClient, auth: tuple[str, str] | None) -> None:
    response = admin.get("/v1/admin/metrics", auth=auth)
    assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Basic"
    assert response.json()["error"]["code"] == "unauthorized"


def test_conversations_list_filters_and_detail(admin: TestClient) -> None:
    sid, good = _traffic(admin)
    rows = admin.get("/v1/admin/conversations", auth=AUTH).json()["turns"]
    assert len(rows) == 3 and rows[0]["session_id"] == sid

    def ids(**params: Any) -> list[str]:
        data = admin.get("/v1/admin/conversations", params=params, auth=AUTH).json()
        return [r["question"] for r in data["turns"]]

    assert ids(abstained=True) == ["what is the capital of France?"]
    assert ids(safety_category="emergency") == ["I can't breathe and my chest hurts"]
    assert ids(rated_down=True) == ["why does chemotherapy cause hair loss?"]
    assert ids(since="2000-01-01", until="2000-01-02") == []
    detail = admin.get(f"/v1/admin/conversations/{sid}", auth=AUTH).json()
    assert [t["ordinal"] for t in detail["turns"]] == [1, 2, 3]
    assert detail["turns"][0]["answer"]["citations"] == good["citations"]
    assert admin.get("/v1/admin/conversations/nope", auth=AUTH).status_code == 404


def test_metrics(admin: TestClient) -> None:
    _traffic(admin)
    m = admin.get("/v1/admin/metrics", auth=AUTH).json()
    assert m["turns"] == 3 and sum(m["turns_per_day"].values()) == 3
    ((reason, n),) = m["abstention"]["count_by_reason"].items()
    assert n == 1 and m["abstention"]["by_reason"][reason] == pytest.approx(1 / 3, abs=1e-3)
    assert m["safety_events"] == {"emergency": 1}
    assert m["feedback"] == {"up": 0, "down": 1, "up_ratio": 0.0}
    assert m["latency_ms"]["p50"] is not None and m["latency_ms"]["p95"] >= m["latency_ms"]["p50"]
    assert m["top_unanswered"] == [{"question": "what is the capital of france?", "count": 1}]


def test_csv_export(admin: TestClient) -> None:
    _traffic(admin)
    response = admin.get("/v1/admin/conversations.csv", auth=AUTH)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 3 and rows[0]["rating"] == "down" and rows[1]["abstained"] == "True"


def test_kb_summary(admin: TestClient) -> None:
    kb = admin.get("/v1/admin/kb", auth=AUTH).json()
    assert kb["documents"] == 12 and kb["by_status"] == {"active": 12}
    assert kb["overdue_count"] == len(kb["overdue"]) and kb["last_ingest"] is not None


def test_hash_password_command_prints_a_hash_that_verifies() -> None:
    from argon2 import PasswordHasher

    result = CliRunner().invoke(
        cli_app, ["admin", "hash-password", "--password-stdin", "--user", "ops"],
        input="a long enough secret\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    hashed = result.stdout.strip().splitlines()[0]
    assert hashed.startswith("$argon2id$") and PasswordHasher().verify(
        hashed, "a long enough secret"
    )
    short = CliRunner().invoke(cli_app, ["admin", "hash-password", "--password-stdin"], input="x\n")
    assert short.exit_code == 2


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_report_writes_markdown_and_html_and_sends_email(
    admin: TestClient, api_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _traffic(admin)
    runner = CliRunner()
    md = runner.invoke(cli_app, ["report", "--since", "2020-01-01", "--db", str(api_db)])
    assert md.exit_code == 0, md.output
    assert "turns: 3" in md.stdout and re.search(r"\| [A-Z_]+ \| 1 \| 33\.3% \|", md.stdout)
    page = tmp_path / "r.html"
    html = runner.invoke(cli_app, ["report", "--since", "2020-01-01", "--db", str(api_db),
                                   "--out", str(page)])  # fmt: skip
    assert html.exit_code == 0 and "<table" in page.read_text() and "emergency" in page.read_text()
    inbox = _Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("ONCOGUIDE_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ONCOGUIDE_SMTP_PORT", str(port))
        monkeypatch.setenv("ONCOGUIDE_SMTP_TO", "ops@example.org, lead@example.org")
        sent = runner.invoke(cli_app, ["report", "--since", "2020-01-01", "--db", str(api_db),
                                       "--out", str(tmp_path / "r.md"), "--email"])  # fmt: skip
    finally:
        controller.stop()
    assert sent.exit_code == 0, sent.output
    ((rcpts, raw),) = inbox.messages
    assert rcpts == ["ops@example.org", "lead@example.org"]
    mail = message_from_bytes(raw)
    assert mail["Subject"].startswith("oncoguide report: 2020-01-01")
    parts = {p.get_content_type(): p.get_payload(decode=True) for p in mail.walk()}
    assert b"turns: 3" in parts["text/plain"] and b"<table" in parts["text/html"]


def test_report_email_without_smtp_settings_is_one_line(api_db: Path) -> None:
    result = CliRunner().invoke(
        cli_app, ["report", "--since", "2020-01-01", "--db", str(api_db), "--email"]
    )
    assert result.exit_code == 2 and "ONCOGUIDE_SMTP_HOST" in result.output


def test_report_json_free_of_user_contacts(admin: TestClient, api_db: Path) -> None:
    sid = new_session(admin)
    _chat(admin, sid, "what is the weather, write to me at jo@example.com")
    out = CliRunner().invoke(cli_app, ["report", "--since", "2020-01-01", "--db", str(api_db)])
    assert "jo@example.com" not in out.stdout and "[email removed]" in out.stdout
    assert json.dumps(out.stdout)
