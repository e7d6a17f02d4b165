"""`oncoguide ingest` and `ask` on PostgreSQL give what they give on SQLite, through the CLI.

The same KB is ingested into a SQLite file and into a PostgreSQL schema (a real server, see
conftest.py); every question must then get the same `ask --json` object (timings aside) and the
same `search --json` results. The embedder is the deterministic FakeEmbedder on both sides, so the
comparison covers lexical, dense and fused retrieval, answer composition and citations.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from oncoguide.cli import app
from oncoguide.kb.sample import sample_kb_path
from oncoguide.testing.fakes import FakeEmbedder

pytestmark = pytest.mark.integration

SAMPLE_QUESTIONS = [
    "what helps with mouth sores during chemo",
    "pins and needles in my feet after chemo",
    "how do I look after myself as a caregiver",
    "what is cancer screening",
    "tamoxifen side effects",
    "I have chest pain and can't breathe",
    "what's the weather tomorrow",
]
SLICE_FILES = 30


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, (args, result.output)
    return result


def _json(*args: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(invoke(*args, "--json").stdout)
    data.pop("timings_ms", None)
    data.pop("seconds", None)
    return data


@pytest.fixture
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> None:
    import oncoguide.chat.assistant as assistant
    import oncoguide.console.ingest as console_ingest

    monkeypatch.setattr(console_ingest, "load_embedder", lambda *a, **k: FakeEmbedder())
    monkeypatch.setattr(assistant, "load_embedder", lambda *a, **k: FakeEmbedder())


def _assert_same_answers(kb: Path, sqlite_db: Path, pg_url: str, questions: list[str]) -> None:
    reports = [_json("ingest", str(kb), "--db", db) for db in (str(sqlite_db), pg_url)]
    assert reports[0] == reports[1]
    assert reports[0]["added"] > 0
    abstained = 0
    for question in questions:
        lite = _json("ask", question, "--db", str(sqlite_db))
        pg = _json("ask", question, "--db", pg_url)
        assert pg == lite, question
        abstained += bool(lite["abstained"])
        assert _json("search", question, "--db", pg_url) == _json(
            "search", question, "--db", str(sqlite_db)
        )
    assert abstained < len(questions)  # the comparison covered real answers, not only refusals


def test_sample_kb_same_answers_on_sqlite_and_postgres(
    tmp_path: Path, pg_url: str, fake_embedder: None
) -> None:
    _assert_same_answers(sample_kb_path(), tmp_path / "s.db", pg_url, SAMPLE_QUESTIONS)
    again = _json("ingest", str(sample_kb_path()), "--db", pg_url)
    assert again["added"] == 0 and again["unchanged"] > 0  # incremental: nothing rewritten


def test_real_kb_slice_same_answers_on_sqlite_and_postgres(
    tmp_path: Path, pg_url: str, shared_kb: Path, fake_embedder: None
) -> None:
    files = sorted(shared_kb.rglob("*.md"))
    step = max(1, len(files) // SLICE_FILES)
    kb = tmp_path / "kb"
    for file in files[::step][:SLICE_FILES]:
        target = kb / file.relative_to(shared_kb)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, target)
    titles = []
    for file in sorted(kb.rglob("*.md")):
        for line in file.read_text(encoding="utf-8").splitlines():
            if line.startswith("title:"):
                titles.append(line.split(":", 1)[1].strip().strip("'\""))
                break
    questions = [f"what is {t}" for t in titles[:12]] + SAMPLE_QUESTIONS[:3]
    _assert_same_answers(kb, tmp_path / "s.db", pg_url, questions)


def test_unreachable_postgres_is_one_line_and_exit_2(psycopg_installed: None) -> None:
    url = "postgresql://me:s3cret@127.0.0.1:1/nowhere"
    result = CliRunner().invoke(app, ["search", "chemo", "--db", url])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot connect to PostgreSQL at")
    assert "s3cret" not in result.output
