"""`eval conversations` on the sample index, and the conversation set against the real KB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoguide.cli import app
from oncoguide.errors import EvaluationError
from oncoguide.evaluation.conversation_eval import BUNDLED, load_conversations
from oncoguide.kb.sample import sample_kb_path

runner = CliRunner()


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("conv") / "sample.db"
    result = runner.invoke(
        app, ["ingest", str(sample_kb_path()), "--db", str(db), "--embedder", "none"]
    )
    assert result.exit_code == 0, result.output
    return db


@pytest.mark.unit
def test_bundled_set_has_forty_conversations_with_gold_follow_ups() -> None:
    rows = load_conversations(BUNDLED)
    assert len(rows) >= 40 and len({r["id"] for r in rows}) == len(rows)
    follow_ups = [t for r in rows for t in r["turns"][1:] if t.get("gold_urls")]
    assert len(follow_ups) >= 40
    assert any(t.get("kind") == "clarify" for r in rows for t in r["turns"])


@pytest.mark.unit
def test_a_one_turn_conversation_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "c1", "turns": [{"message": "hi"}]}) + "\n")
    with pytest.raises(EvaluationError, match="two turns"):
        load_conversations(path)


@pytest.mark.unit
def test_eval_conversations_on_the_sample_index(sample_db: Path) -> None:
    result = runner.invoke(app, ["eval", "conversations", "--db", str(sample_db), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["conversations"] == 8 and report["skipped_not_in_index"] >= 40
    assert report["followup_turns"] == 8
    # The session's memory must beat asking the same follow-ups alone.
    assert report["followup_gold_hit"] > report["followup_alone_gold_hit"]
    assert report["followup_gold_hit"] >= 0.75
    assert report["clarify_unexpected"] == 0


@pytest.mark.integration
def test_every_gold_url_is_a_real_kb_page(shared_kb: Path) -> None:
    manifest = json.loads((shared_kb / "manifest.json").read_text(encoding="utf-8"))
    urls = {d["url"] for d in manifest["docs"]}
    for row in load_conversations(BUNDLED):
        if row["kb"] != "nci":
            continue
        for turn in row["turns"]:
            missing = [u for u in turn.get("gold_urls", []) if u not in urls]
            assert not missing, (row["id"], missing)
