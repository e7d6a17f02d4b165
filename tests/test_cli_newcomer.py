"""Issue 10, through the real CLI: errors, defaults and feedback a newcomer meets.

Each test runs `oncoguide` (typer's CliRunner, or a subprocess) and asserts the exit code and the
one-line message, and that failing commands create nothing.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import typer
from typer.testing import CliRunner, Result

from oncoguide.cli import app
from oncoguide.index.sqlite import open_store
from oncoguide.kb.sample import sample_kb_path
from oncoguide.testing.builders import write_kb_doc
from oncoguide.testing.fakes import FakeEmbedder

pytestmark = pytest.mark.unit

runner = CliRunner()
SAMPLE = str(sample_kb_path())
EMBEDDERS = "allowed values: minilm, none"


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(app, list(args), env=env)


def one_line_error(result: Result, code: int = 2) -> str:
    """The command failed with `code` and said so in exactly one line, with no traceback."""
    assert result.exit_code == code, result.output
    assert not isinstance(result.exception, Exception | KeyboardInterrupt) or isinstance(
        result.exception, SystemExit
    ), result.exception
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("newcomer") / "sample.db"
    result = invoke("ingest", SAMPLE, "--db", str(db), "--embedder", "none")
    assert result.exit_code == 0, result.output
    return db


# --- settings errors: every command behaves like `search` ----------------------------------------


@pytest.mark.parametrize(
    ("args", "env", "expected"),
    [
        (["ingest", SAMPLE, "--embedder", "bogus"], {}, f"--embedder='bogus': {EMBEDDERS}"),
        (["demo", "--embedder", "bogus"], {}, f"--embedder='bogus': {EMBEDDERS}"),
        (["ask", "fever"], {"ONCOGUIDE_EMBEDDER": "bogus"},
         f"ONCOGUIDE_EMBEDDER='bogus': {EMBEDDERS}"),
        (["search", "fever"], {"ONCOGUIDE_EMBED_MAX_TOKENS": "abc"},
         "ONCOGUIDE_EMBED_MAX_TOKENS='abc': expected a whole number"),
        (["safety", "check", "hello"], {"ONCOGUIDE_LLM_ENABLED": "maybe"},
         "ONCOGUIDE_LLM_ENABLED='maybe': allowed values: true, false"),
        (["ingest", SAMPLE], {"ONCOGUIDE_EMBED_MAX_TOKENS": "5"}, "at least 16 and at most 512"),
        (["config", "show"], {"ONCOGUIDE_LLM_TIMEOUT_S": "x"},
         "ONCOGUIDE_LLM_TIMEOUT_S='x': expected a number"),
    ],
)  # fmt: skip
def test_bad_settings_are_one_line_naming_the_setting(
    args: list[str],
    env: dict[str, str],
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    line = one_line_error(invoke(*args, env=env))
    assert line.startswith("error: invalid setting") and expected in line
    assert list(tmp_path.iterdir()) == []  # nothing was created


# --- failures that looked like success -----------------------------------------------------------


@pytest.mark.parametrize("command", ["ask", "search"])
def test_missing_database_is_an_error_and_is_not_created(tmp_path: Path, command: str) -> None:
    db = tmp_path / "missing.db"
    line = one_line_error(invoke(command, "fever", "--db", str(db)))
    assert str(db) in line and f"run: oncoguide ingest PATH --db {db}" in line
    assert not db.exists()


@pytest.mark.parametrize("command", ["ask", "search"])
def test_zero_byte_file_is_an_error_and_stays_empty(tmp_path: Path, command: str) -> None:
    db = tmp_path / "empty.db"
    db.touch()
    line = one_line_error(invoke(command, "fever", "--db", str(db)))
    assert "empty file" in line and str(db) in line and "oncoguide ingest" in line
    assert db.stat().st_size == 0


@pytest.mark.parametrize("command", ["ask", "search"])
def test_index_without_documents_is_an_error(tmp_path: Path, command: str) -> None:
    db = tmp_path / "blank.db"
    open_store(db).close()  # schema, no documents
    line = one_line_error(invoke(command, "fever", "--db", str(db)))
    assert "holds no documents" in line and f"--db {db}" in line


@pytest.mark.parametrize("command", ["ask", "search", "ingest"])
def test_folder_as_db_is_an_error_with_a_fix_that_works(tmp_path: Path, command: str) -> None:
    args = [SAMPLE, "--embedder", "none"] if command == "ingest" else ["fever"]
    line = one_line_error(invoke(command, *args, "--db", str(tmp_path)))
    assert f"{tmp_path} is a folder" in line and str(tmp_path / "oncoguide.db") in line
    # The advice works: ingest into the suggested file, then the same command succeeds.
    fixed = tmp_path / "oncoguide.db"
    assert invoke("ingest", SAMPLE, "--db", str(fixed), "--embedder", "none").exit_code == 0
    if command != "ingest":
        assert invoke(command, "fever", "--db", str(fixed)).exit_code == 0


def test_ingest_on_a_missing_folder_leaves_no_database(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    line = one_line_error(invoke("ingest", str(tmp_path / "nope"), "--db", str(db)))
    assert "nope does not exist" in line
    assert list(tmp_path.iterdir()) == []


def test_ingest_on_a_missing_folder_in_a_subprocess_leaves_no_file(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", "from oncoguide.cli import app; app()", "ingest", "no-such-kb"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "error: KB folder no-such-kb does not exist: give the folder that holds the .md files"
    ]
    assert list(tmp_path.iterdir()) == []  # no oncoguide.db, no -wal/-shm


def test_dry_run_creates_no_database(tmp_path: Path) -> None:
    db = tmp_path / "dry.db"
    result = invoke("ingest", SAMPLE, "--db", str(db), "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["added"] == 12
    assert not db.exists()


# --- option checks -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["ask", "search"])
def test_unknown_audience_lists_the_allowed_ones(sample_db: Path, command: str) -> None:
    line = one_line_error(invoke(command, "fever", "--db", str(sample_db), "--audience", "doctor"))
    assert "--audience 'doctor' is not known" in line
    assert "caregiver, patient, technical" in line
    line = one_line_error(invoke(command, "fever", "--db", str(sample_db), "--audience", "patinet"))
    assert "Did you mean 'patient'?" in line


@pytest.mark.parametrize("command", ["ask", "search"])
def test_unknown_cancer_type_lists_the_index_values(sample_db: Path, command: str) -> None:
    db = str(sample_db)
    line = one_line_error(invoke(command, "fever", "--db", db, "--cancer-type", "banana"))
    assert "--cancer-type 'banana' is not known in the index" in line and "general" in line
    line = one_line_error(invoke(command, "fever", "--db", db, "--cancer-type", "generl"))
    assert "Did you mean 'general'?" in line
    assert invoke(command, "fever", "--db", db, "--cancer-type", "General").exit_code == 0


def test_bad_date_is_one_line(sample_db: Path) -> None:
    line = one_line_error(invoke("ask", "fever", "--db", str(sample_db), "--as-of", "soon"))
    assert line == "error: --as-of must be a date as YYYY-MM-DD, got 'soon'"


# --- Ctrl-C during ingest ------------------------------------------------------------------------


class _InterruptingEmbedder(FakeEmbedder):
    """Embeds `batches` batches, then behaves as if the user pressed Ctrl-C."""

    def __init__(self, batches: int) -> None:
        super().__init__()
        self.left = batches

    def embed(self, texts: Any) -> npt.NDArray[np.float32]:
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        return super().embed(texts)


def test_ctrl_c_while_embedding_says_what_was_kept_and_a_rerun_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import oncoguide.console.ingest as console_ingest

    db = tmp_path / "i.db"
    monkeypatch.setattr(console_ingest, "load_embedder", lambda *a, **k: _InterruptingEmbedder(1))
    line = one_line_error(invoke("ingest", SAMPLE, "--db", str(db)), code=130)
    assert line.startswith("interrupted: documents in") and "run the same command again" in line
    assert "resume" in line
    monkeypatch.setattr(console_ingest, "load_embedder", lambda *a, **k: FakeEmbedder())
    again = invoke("ingest", SAMPLE, "--db", str(db), "--json")
    data = json.loads(again.stdout)
    # The first batch was saved before Ctrl-C; the re-run embeds only the rest.
    assert data["unchanged"] == 12 and data["embed_cached"] > 0 and data["embedded"] > 0


def test_ctrl_c_before_anything_is_written_leaves_no_new_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import oncoguide.console.ingest as console_ingest

    def interrupt(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt

    db = tmp_path / "new.db"
    monkeypatch.setattr(console_ingest, "build_index", interrupt)
    line = one_line_error(invoke("ingest", SAMPLE, "--db", str(db), "--embedder", "none"), 130)
    assert "nothing was written" in line and "was not created" in line
    assert list(tmp_path.iterdir()) == []


# --- defaults and next steps ---------------------------------------------------------------------


def test_after_the_demo_ask_works_with_no_db_and_the_printed_commands_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ONCOGUIDE_EMBEDDER", "none")  # keeps the test free of the model
    result = invoke("demo")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "oncoguide.db").is_file()
    assert invoke("ask", "what helps with mouth sores during chemo").exit_code == 0
    tail = result.stdout.split("Next, try:")[1].splitlines()
    commands = [shlex.split(line) for line in tail if line.startswith("  oncoguide ")]
    assert len(commands) == 3
    for argv in commands:
        run = invoke(*argv[1:])
        assert run.exit_code == 0, (argv, run.output)


def test_demo_will_not_overwrite_another_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    kb = tmp_path / "kb"
    write_kb_doc(kb, "fatigue", title="Fatigue", body="Fatigue is tiredness. " * 30)
    assert invoke("ingest", str(kb), "--embedder", "none").exit_code == 0
    line = one_line_error(invoke("demo", "--embedder", "none"))
    assert "oncoguide.db holds another index" in line and "--db oncoguide-sample.db" in line
    assert invoke("search", "fatigue", "--json").exit_code == 0  # still the user's index


def _params(command: Any, path: str) -> list[tuple[str, Any]]:
    if hasattr(command, "commands"):  # a group (typer bundles its own click)
        out = []
        for name, sub in command.commands.items():
            out += _params(sub, f"{path} {name}")
        return out
    return [(path, p) for p in command.params]


def test_every_option_and_argument_has_help_text() -> None:
    root = typer.main.get_command(app)
    params = _params(root, "oncoguide")
    assert len(params) > 40
    missing = [f"{path} {p.name}" for path, p in params if not getattr(p, "help", None)]
    assert not missing, f"no help text: {missing}"


def test_every_optional_option_shows_its_default() -> None:
    """An option whose default is None (meaning "from settings" or "any") says what that is."""
    root = typer.main.get_command(app)
    silent = [
        f"{path} {p.name}"
        for path, p in _params(root, "oncoguide")
        if p.param_type_name == "option"
        and p.default is None
        and not p.required
        and not p.is_flag
        and not isinstance(p.show_default, str)
    ]
    assert not silent, f"--help shows no default for: {silent}"


@pytest.mark.parametrize(
    ("args", "defaults"),
    [
        (["search", "--help"], ["oncoguide.db", "default: 10", "default: (any)"]),
        (["ingest", "--help"], ["oncoguide.db", "default: (minilm)", "default: (today)"]),
        (["ask", "--help"], ["oncoguide.db", "default: (US)", "default: (any)"]),
    ],
)
def test_help_shows_the_defaults(args: list[str], defaults: list[str]) -> None:
    result = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for default in defaults:
        assert default in result.output, (default, result.output)


# --- KB reports ----------------------------------------------------------------------------------


@pytest.fixture
def messy_kb(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    write_kb_doc(kb, "good", title="Good page", body="Useful words about fatigue. " * 20)
    write_kb_doc(kb, "stub", title="Stub page", body="Too short.")
    page = kb / "en" / "02_nci_core" / "bare.md"
    page.write_text(
        "---\ntitle: Bare page\nurl: https://example.org/bare\n---\n# Bare\n\n"
        + "Plain words about sleep. " * 20,
        encoding="utf-8",
    )
    return kb


def test_kb_validate_lists_exclusions_and_warnings(messy_kb: Path) -> None:
    result = invoke("kb", "validate", str(messy_kb))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("excluded") and "stub.md" in line and "near-empty" in line for line in lines
    )
    assert any(line.startswith("warning") and "bare.md: license" in line for line in lines)
    assert "3 files read: 2 will be indexed, 1 excluded, 0 errors" in result.stdout


def test_kb_audit_lists_excluded_files_with_reasons(messy_kb: Path) -> None:
    result = invoke("kb", "audit", str(messy_kb))
    assert result.exit_code == 0, result.output
    assert any("stub.md: near-empty page" in line for line in result.stdout.splitlines())


def test_ingest_says_how_many_were_excluded_and_where_to_look(
    messy_kb: Path, tmp_path: Path
) -> None:
    result = invoke("ingest", str(messy_kb), "--db", str(tmp_path / "m.db"), "--embedder", "none")
    assert result.exit_code == 0, result.output
    assert f"1 files excluded, 0 with errors: see `oncoguide kb audit {messy_kb}`" in result.stdout


# --- search explain and weak results -------------------------------------------------------------


def test_search_explain_is_a_table_of_rounded_numbers(sample_db: Path) -> None:
    result = runner.invoke(
        app,
        ["search", "pins and needles in my feet", "--db", str(sample_db), "--explain", "-k", "3"],
        env={"COLUMNS": "120"},
    )
    assert result.exit_code == 0, result.output
    table = result.stdout.split("Ranking signals")[1]
    assert "#1" in table and "#3" in table and "bm25_norm" in table
    numbers = [w for w in table.replace("│", " ").split() if w[:1].isdigit() and "." in w]
    assert numbers and all(len(n.split(".")[1]) == 3 for n in numbers), numbers
    assert "{" not in result.stdout  # no raw dict


def test_a_weak_search_says_so(sample_db: Path) -> None:
    weak = invoke("search", "how do I change the oil in my car", "--db", str(sample_db))
    assert weak.exit_code == 0 and "weak match" in weak.output
    strong = invoke("search", "pins and needles in my feet after chemo", "--db", str(sample_db))
    assert strong.exit_code == 0 and "weak match" not in strong.output


# --- config show ---------------------------------------------------------------------------------


def test_config_show_names_each_source_and_masks_secrets() -> None:
    env = {"ONCOGUIDE_LLM_API_KEY": "sk-very-secret", "ONCOGUIDE_EMBEDDER": "none"}
    result = invoke("config", "show", "--json", "--region", "uk", env=env)
    assert result.exit_code == 0, result.output
    rows = {r["name"]: r for r in json.loads(result.stdout)["settings"]}
    assert (rows["region"]["value"], rows["region"]["source"]) == ("UK", "flag")
    assert (rows["embedder"]["value"], rows["embedder"]["source"]) == ("none", "environment")
    assert (rows["db"]["value"], rows["db"]["source"]) == ("oncoguide.db", "default")
    assert rows["llm_api_key"]["source"] == "environment"
    assert "sk-very-secret" not in result.output
    text = invoke("config", "show", env=env)
    assert text.exit_code == 0 and "sk-very-secret" not in text.output and "hidden" in text.output
