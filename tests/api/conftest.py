"""API fixtures: a sample-KB index built once, copied per test so each test has its own data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from oncoguide.api import create_app
from oncoguide.cli import app as cli_app
from oncoguide.config import Settings, load_settings
from oncoguide.kb.sample import sample_kb_path


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("api-index") / "sample.db"
    result = CliRunner().invoke(
        cli_app, ["ingest", str(sample_kb_path()), "--db", str(db), "--embedder", "none"]
    )
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture
def pg_index(pg_url: str) -> str:
    """The sample KB ingested (lexical only) into the session's PostgreSQL database."""
    result = CliRunner().invoke(
        cli_app, ["ingest", str(sample_kb_path()), "--db", pg_url, "--embedder", "none"]
    )
    assert result.exit_code == 0, result.output
    return pg_url


@pytest.fixture
def api_db(sample_index: Path, tmp_path: Path) -> Path:
    db = tmp_path / "api.db"
    shutil.copy(sample_index, db)
    return db


def api_settings(db: Path, **overrides: Any) -> Settings:
    base: dict[str, Any] = {"db": db, "embedder": "none", "rate_limit_client": "1000/minute",
                            "rate_limit_session": "1000/minute"}  # fmt: skip
    base.update(overrides)
    return load_settings(**base)


@pytest.fixture
def client(api_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings(api_db))) as c:
        yield c


def new_session(client: TestClient, **fields: Any) -> str:
    body = {"channel": "web", "locale": "en-US", "region": "US", "audience": "patient",
            "consent": True, **fields}  # fmt: skip
    response = client.post("/v1/sessions", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["session_id"])
