"""`oncoguide eval all`: pins, the set registry, "not available" reporting, the report files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from oncoguide.cli import app
from oncoguide.errors import EvaluationError
from oncoguide.evaluation import pins as pins_module
from oncoguide.evaluation import runner as runner_module
from oncoguide.evaluation.pins import check_pins, load_pins
from oncoguide.evaluation.report import write_report
from oncoguide.evaluation.runner import QUICK_SLICE, kb_fingerprint
from oncoguide.evaluation.sets import load_sets
from oncoguide.kb.sample import sample_kb_path

pytestmark = pytest.mark.unit

PIN = {
    "command": "oncoguide eval all --quick",
    "kb_fingerprint": "kb-abc",
    "metric": "retrieval.lay.full.recall@1",
    "expected": 0.9,
    "tolerance": 0.01,
    "direction": "higher",
}
REPORT: dict[str, Any] = {
    "command": "oncoguide eval all --quick",
    "kb_fingerprint": "kb-abc",
    "metrics": {"retrieval.lay.full.recall@1": 0.895, "safety.x.soft_flag_rate": None},
}


def _only_safety_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run `eval all` with one safety set: these tests are about pins and fingerprints, and every
    blind set added to the registry would otherwise lengthen each run by its classifier reads."""

    def one_set(shared: Path | None) -> dict[str, Any]:
        sets = load_sets(shared)
        return {**sets, "safety": [s for s in sets["safety"] if s.name == "safety_cases"]}

    monkeypatch.setattr(runner_module, "load_sets", one_set)


def _pins(tmp_path: Path, *rows: dict[str, Any]) -> Path:
    import yaml

    (tmp_path / "p.yaml").write_text(yaml.safe_dump(list(rows)), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("change", "value", "status"),
    [
        ({}, 0.895, "OK"),  # within tolerance
        ({}, 0.88, "FAIL"),  # below expected - tolerance
        ({"direction": "lower", "expected": 0.85}, 0.88, "FAIL"),
        ({"direction": "lower", "expected": 0.9}, 0.5, "OK"),
        ({"direction": "both"}, 0.95, "FAIL"),
        ({"command": "oncoguide eval all"}, 0.9, "SKIP"),
        ({"kb_fingerprint": "kb-other"}, 0.9, "SKIP"),
        ({"metric": "answers.lay.section_hit_rate"}, 0.9, "FAIL"),  # absent metric
        ({"metric": "safety.x.soft_flag_rate"}, 0.9, "FAIL"),  # not available
    ],
)
def test_pin_statuses(tmp_path: Path, change: dict[str, Any], value: float, status: str) -> None:
    report = {**REPORT, "metrics": {**REPORT["metrics"], "retrieval.lay.full.recall@1": value}}
    [result] = check_pins(load_pins(_pins(tmp_path, {**PIN, **change})), report)
    assert result.status == status, result.line()
    assert result.line().startswith(status)
    if status == "SKIP":
        assert result.reason


@pytest.mark.parametrize(
    "change", [{"direction": "up"}, {"expected": "high"}, {"tolerance": -1}, {"metric": None}]
)
def test_bad_pins_are_errors(tmp_path: Path, change: dict[str, Any]) -> None:
    with pytest.raises(EvaluationError, match=r"p\.yaml pin 1"):
        load_pins(_pins(tmp_path, {**PIN, **change}))


def test_shipped_pins_load_and_name_the_quick_command() -> None:
    pins = load_pins()
    assert pins, "evaluation/expected/ pins the quick run"
    assert {p.command for p in pins} >= {"oncoguide eval all --quick"}


def test_set_registry_lists_statuses_and_first_contacts() -> None:
    sets = load_sets(None)
    safety = {s.name: s for s in sets["safety"]}
    assert safety["safety_cases"].status == "development" and safety["safety_cases"].present
    # Sets written blind keep their first-contact record (date, commit) whatever their status now.
    recorded = [s for s in safety.values() if s.first_contact]
    assert {"safety_blind_a", "safety_blind_c"} <= {s.name for s in recorded}
    assert all(s.first_contact.get("date") for s in recorded)
    assert safety["safety_blind_c"].status == "held-out" and safety["safety_blind_c"].present
    medquad = next(s for s in sets["retrieval"] if s.name == "medquad")
    assert medquad.path is None and not medquad.present  # no ../shared given


def test_registry_rejects_an_unknown_status(tmp_path: Path) -> None:
    bad = tmp_path / "sets.yaml"
    bad.write_text("safety:\n  - {name: a, file: a.jsonl, status: tuned}\n", encoding="utf-8")
    with pytest.raises(EvaluationError, match="unknown status 'tuned'"):
        load_sets(None, bad)


def test_quick_slice_is_a_few_dozen_relative_paths() -> None:
    rows = QUICK_SLICE.read_text(encoding="utf-8").split()
    assert 20 <= len(rows) <= 60
    assert all(r.startswith("en/") and r.endswith(".md") for r in rows)


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """`eval all` on the sample KB, lexical only: safety runs, retrieval has no gold in it."""
    out = tmp_path_factory.mktemp("eval-all")
    result = CliRunner().invoke(
        app,
        ["eval", "all", "--kb", str(sample_kb_path()), "--out", str(out)],
        env={"ONCOGUIDE_EMBEDDER": "none"},
    )
    return out, result


def test_eval_all_writes_three_reports_and_skips_foreign_pins(sample_run: tuple[Path, Any]) -> None:
    out, result = sample_run
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {"report.json", "report.md", "report.html"}
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["kb_fingerprint"] == kb_fingerprint(sample_kb_path())
    assert data["pins"] and all(p["status"] == "SKIP" for p in data["pins"])
    assert "SKIP" in result.output


def test_missing_metrics_are_not_available_never_invented(sample_run: tuple[Path, Any]) -> None:
    out, _ = sample_run
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["metrics"]["safety.safety_cases.accuracy"] > 0.9
    assert "answers.offtopic.section_hit_rate" in data["not_available"]
    assert data["metrics"]["answers.offtopic.section_hit_rate"] is None
    conversations = data["sections"]["conversations"]["sets"]
    assert [s["name"] for s in conversations] == ["conversations"]
    recorded = [s for s in data["sections"]["safety"]["sets"] if s["first_contact"]]
    assert recorded and all(s["first_contact"].get("date") for s in recorded)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| section_hit_rate | not available |" in md
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<svg" in html  # figures inline: nothing is loaded from the network
    assert not any(tag in html for tag in ('src="http', "<script", "<link", "url(http"))


def test_a_failing_pin_makes_eval_all_exit_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pin = {
        **PIN,
        "command": "oncoguide eval all",
        "kb_fingerprint": kb_fingerprint(sample_kb_path()),
        "metric": "safety.safety_cases.accuracy",
        "expected": 1.5,
    }
    monkeypatch.setattr(pins_module, "EXPECTED_DIR", _pins(tmp_path, pin))
    _only_safety_cases(monkeypatch)
    result = CliRunner().invoke(
        app,
        ["eval", "all", "--kb", str(sample_kb_path()), "--out", str(tmp_path / "o")],
        env={"ONCOGUIDE_EMBEDDER": "none"},
    )
    assert result.exit_code == 1, result.output
    assert "FAIL safety.safety_cases.accuracy" in result.output


def test_write_report_without_sections_still_writes(tmp_path: Path) -> None:
    report = {
        "command": "c", "kb_fingerprint": "k", "documents": 0, "chunks": 0, "embedder": "none",
        "commit": None, "date": "d", "cores": 1, "seconds": 0, "sections": {}, "metrics": {},
        "plots": {},
    }  # fmt: skip
    paths = write_report(report, [], tmp_path)
    assert all(p.is_file() for p in paths)


def test_quick_does_not_combine_with_kb_or_db(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "all", "--quick", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "--quick builds its own index" in result.output


def test_an_existing_index_is_fingerprinted_from_its_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _only_safety_cases(monkeypatch)
    db, env = tmp_path / "s.db", {"ONCOGUIDE_EMBEDDER": "none"}
    runner = CliRunner()
    assert (
        runner.invoke(app, ["ingest", str(sample_kb_path()), "--db", str(db)], env=env).exit_code
        == 0
    )
    out = tmp_path / "o"
    result = runner.invoke(app, ["eval", "all", "--db", str(db), "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert data["kb_fingerprint"].startswith("db-") and data["documents"] == 12
