"""schemathesis (property-based requests generated from /openapi.json) against a real `serve`
on loopback, with a short budget: no generated request may cause a server error."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from oncoguide.api.admin import hash_password

from .test_serve import running_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_schemathesis_finds_no_server_error(api_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = shutil.which("schemathesis")
    assert exe, "schemathesis is a dev dependency: pip install -e '.[dev]'"
    admins = json.dumps({"ops": hash_password("st-password")})
    monkeypatch.setenv("ONCOGUIDE_ADMIN_USERS", admins)
    monkeypatch.setenv("ONCOGUIDE_RATE_LIMIT_SESSION", "100000/minute")
    with running_server(api_db) as base:
        proc = subprocess.run(
            [exe, "run", f"{base}/openapi.json", "--max-examples", "5", "--checks",
             "not_a_server_error", "--auth", "ops:st-password", "--workers", "1",
             "--suppress-health-check", "all", "--seed", "12"],
            capture_output=True, text=True, timeout=540, check=False,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "Tested: 12" in proc.stdout and " passed" in proc.stdout, proc.stdout[-2000:]
