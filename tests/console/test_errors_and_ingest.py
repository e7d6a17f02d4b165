"""The error translator's messages, and ingest's guarantees when it fails or is interrupted."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from oncoguide.config import Settings
from oncoguide.console.errors import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    CommandInterrupted,
    exit_for,
    settings_error_message,
)
from oncoguide.console.ingest import interrupted_message, run_ingest
from oncoguide.errors import ConfigError, StoreError
from oncoguide.index.sqlite import open_index
from oncoguide.kb.sample import sample_kb_path
from oncoguide.kb.schema import DocMeta
from oncoguide.testing.builders import write_kb_doc

pytestmark = pytest.mark.unit


def _error(**values: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        Settings(**values)
    return info.value


def test_settings_message_names_flag_or_variable_and_allowed_values() -> None:
    error = _error(embedder="bogus", embed_batch_size=0)
    as_env = settings_error_message(error)
    assert "ONCOGUIDE_EMBEDDER='bogus': allowed values: minilm, none" in as_env
    assert "ONCOGUIDE_EMBED_BATCH_SIZE=0: expected a whole number at least 1 and at most 512" in (
        as_env
    )
    as_flag = settings_error_message(error, flags={"embedder"})
    assert as_flag.startswith("invalid setting --embedder='bogus'")
    assert "\n" not in as_flag


def test_exit_codes() -> None:
    assert exit_for(StoreError("x")) == ("error: x", EXIT_ERROR)
    wrapped = ConfigError("invalid settings: long pydantic text")
    wrapped.__cause__ = _error(llm_enabled="maybe")
    message, code = exit_for(wrapped) or ("", 0)
    assert code == EXIT_ERROR and "ONCOGUIDE_LLM_ENABLED='maybe'" in message
    assert exit_for(CommandInterrupted("kept")) == ("interrupted: kept", EXIT_INTERRUPTED)
    assert exit_for(KeyboardInterrupt()) == ("interrupted", EXIT_INTERRUPTED)
    assert exit_for(ValueError("a bug")) is None  # bugs keep their traceback
    assert exit_for(_error(embedder="x")) is not None
    with pytest.raises(ValidationError) as other:
        DocMeta.model_validate({"title": ""})
    assert exit_for(other.value) is None  # not a settings error: a bug, keeps its traceback


def _settings(db: Path) -> Settings:
    return Settings(db=db, embedder="none")


def test_interrupt_during_the_write_keeps_the_old_index(tmp_path: Path) -> None:
    db = tmp_path / "keep.db"
    kb = tmp_path / "kb"
    write_kb_doc(kb, "one", title="One", body="Words about fatigue and rest. " * 20)
    run_ingest(kb, _settings(db), dry_run=False, as_of=date(2026, 12, 1))
    with open_index(db) as store:
        before = store.document_hashes()
    write_kb_doc(kb, "two", title="Two", body="Words about sleep and naps. " * 20)

    def press_ctrl_c(stage: str, done: int, total: int) -> None:
        if stage == "write":
            raise KeyboardInterrupt

    with pytest.raises(CommandInterrupted, match="as it was before"):
        run_ingest(kb, _settings(db), dry_run=False, as_of=date(2026, 12, 1), progress=press_ctrl_c)
    with open_index(db) as store:
        assert store.document_hashes() == before


def test_failed_ingest_into_a_new_file_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "new.db"

    def press_ctrl_c(stage: str, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(CommandInterrupted, match="not created"):
        run_ingest(
            sample_kb_path(), _settings(db), dry_run=False, as_of=date(2026, 12, 1),
            progress=press_ctrl_c,
        )  # fmt: skip
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("stage", "created", "has_docs", "says"),
    [
        ("embed", False, True, "resume embedding"),
        ("load", True, False, "was not created"),
        ("write", False, True, "rolled back"),
        ("chunk", False, True, "unchanged"),
    ],
)
def test_interrupted_message(stage: str, created: bool, has_docs: bool, says: str) -> None:
    message = interrupted_message(Path("x.db"), stage, created, has_docs)
    assert says in message and "x.db" in message and "run the same command again" in message
