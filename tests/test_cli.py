"""The `oncoguide` command end to end on the bundled sample KB (real SQLite in tmp_path)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oncoguide.cli import app
from oncoguide.kb.load import AUDIT_COUNT_KEYS
from oncoguide.kb.sample import sample_kb_path

pytestmark = pytest.mark.unit

runner = CliRunner()


def _run(*args: str, code: int = 0) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result.stdout


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "sample.db"
    _run("ingest", str(sample_kb_path()), "--db", str(db), "--embedder", "none")
    return db


def test_kb_audit_json_has_the_contract_keys() -> None:
    data = json.loads(_run("kb", "audit", str(sample_kb_path()), "--json", "--as-of", "2026-11-26"))
    assert {"documents", "indexed", "excluded", "errors", "counts"} <= set(data)
    assert data["documents"] == data["indexed"] == 12
    for key in AUDIT_COUNT_KEYS:
        assert key in data["counts"]


def test_kb_validate_exits_1_on_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_text("---\ntitle: [unclosed\n---\nbody\n", encoding="utf-8")
    out = _run("kb", "validate", str(tmp_path), code=1)
    assert "bad.md" in out
    _run("kb", "validate", str(sample_kb_path()), code=0)


def test_ingest_dry_run_then_incremental(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    dry = json.loads(
        _run(
            "ingest",
            str(sample_kb_path()),
            "--db",
            str(db),
            "--dry-run",
            "--json",
            "--embedder",
            "none",
        )
    )
    assert dry["added"] == 12 and dry["dry_run"] is True
    first = json.loads(
        _run("ingest", str(sample_kb_path()), "--db", str(db), "--json", "--embedder", "none")
    )
    assert first["added"] == 12
    again = json.loads(
        _run("ingest", str(sample_kb_path()), "--db", str(db), "--json", "--embedder", "none")
    )
    assert again["added"] == 0 and again["unchanged"] == 12 and again["chunks_written"] == 0


def test_search_json_contract(sample_db: Path) -> None:
    data = json.loads(
        _run("search", "pins and needles in my feet", "--db", str(sample_db), "--json", "-k", "3")
    )
    assert data["query"] == "pins and needles in my feet"
    assert [r["rank"] for r in data["results"]] == [1, 2, 3]
    first = data["results"][0]
    assert set(first) == {
        "rank",
        "doc_id",
        "url",
        "title",
        "heading",
        "score",
        "audience",
        "source_type",
        "snippet",
    }
    assert first["url"].endswith("/peripheral-neuropathy")
    assert len({r["doc_id"] for r in data["results"]}) == 3  # one result per document


def test_search_treats_fts_syntax_as_text(sample_db: Path) -> None:
    for hostile in ['"unbalanced', "NEAR(fever AND", "chemo*)", "title:fever OR -"]:
        data = json.loads(_run("search", hostile, "--db", str(sample_db), "--json"))
        assert isinstance(data["results"], list)


def test_safety_check_json() -> None:
    data = json.loads(_run("safety", "check", "my dad suddenly can't move his arm", "--json"))
    assert data["category"] == "emergency"
    assert set(data) == {
        "category",
        "rule_id",
        "span",
        "actions",
        "template_id",
        "message",
        "concern",
        "scores",
    }
    assert "911" in data["message"]
    uk = json.loads(
        _run("safety", "check", "my dad suddenly can't move his arm", "--json", "--region", "UK")
    )
    assert "999" in uk["message"]


def test_ask_json_contract_and_grounding(sample_db: Path) -> None:
    data = json.loads(
        _run("ask", "what helps with mouth sores during chemo", "--db", str(sample_db), "--json")
    )
    assert {
        "question",
        "answer",
        "sentences",
        "citations",
        "safety",
        "abstained",
        "abstain_reason",
        "reading_grade",
        "timings_ms",
    } <= set(data)
    assert data["abstained"] is False
    numbers = {c["n"] for c in data["citations"]}
    assert data["sentences"] and all(s["citation"] in numbers for s in data["sentences"])
    for c in data["citations"]:
        assert c["url"].startswith("https://example.org/oncoguide-sample/")


def test_ask_emergency_skips_retrieval(sample_db: Path) -> None:
    data = json.loads(
        _run(
            "ask",
            "I have a fever of 39 and I had chemo 5 days ago",
            "--db",
            str(sample_db),
            "--json",
        )
    )
    assert data["safety"]["category"] == "emergency"
    assert data["citations"] == [] and "retrieve" not in data["timings_ms"]


def test_ask_off_topic_abstains(sample_db: Path) -> None:
    data = json.loads(
        _run("ask", "how do I change the oil in my car", "--db", str(sample_db), "--json")
    )
    assert data["abstained"] is True and data["abstain_reason"] in {
        "OFF_TOPIC",
        "NO_RESULTS",
        "LOW_RELEVANCE",
    }
    assert data["citations"] == []


def test_errors_are_one_line_and_exit_2(tmp_path: Path, sample_db: Path) -> None:
    result = runner.invoke(app, ["search", "fever", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 2 and "oncoguide ingest" in result.output
    result = runner.invoke(app, ["ask", "   ", "--db", str(sample_db)])
    assert result.exit_code == 2 and "empty" in result.output
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    result = runner.invoke(app, ["search", "fever", "--db", str(garbage)])
    assert result.exit_code == 2 and str(garbage) in result.output.replace("\n", "")


def test_eval_safety_and_retrieval_commands(tmp_path: Path, sample_db: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        json.dumps({"id": "a", "text": "what is a biopsy", "expected": "none"})
        + "\n"
        + json.dumps({"id": "b", "text": "I want to kill myself", "expected": "self_harm"})
        + "\n",
        encoding="utf-8",
    )
    safety = json.loads(_run("eval", "safety", "--cases", str(cases), "--json"))
    assert safety["cases"] == 2 and safety["accuracy"] == 1.0
    questions = tmp_path / "q.jsonl"
    url = "https://example.org/oncoguide-sample/peripheral-neuropathy"
    questions.write_text(
        json.dumps({"id": "q1", "question": "tingling feet after chemotherapy", "gold_urls": [url]})
        + "\n",
        encoding="utf-8",
    )
    report = json.loads(
        _run("eval", "retrieval", "--questions", str(questions), "--db", str(sample_db), "--json")
    )
    assert report["questions"] == 1 and report["recall@5"] == 1.0
    assert {
        "recall@1",
        "recall@10",
        "mrr@10",
        "ndcg@10",
        "latency_ms",
        "per_qtype",
        "misses",
    } <= set(report)


def test_demo_runs_the_quick_start(tmp_path: Path) -> None:
    out = _run("demo", "--db", str(tmp_path / "demo.db"), "--embedder", "none")
    assert "SAMPLE" in out and "Sources" in out
