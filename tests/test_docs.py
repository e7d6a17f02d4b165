"""Docs checked by tests: every CLI command is documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from oncoguide.cli import app

pytestmark = pytest.mark.unit
README = Path(__file__).resolve().parents[1] / "README.md"


def _command_paths(typer_app: typer.Typer, prefix: str = "oncoguide") -> list[str]:
    paths = [
        f"{prefix} {c.name or c.callback.__name__}"
        for c in typer_app.registered_commands
        if c.callback is not None
    ]
    for group in typer_app.registered_groups:
        assert group.typer_instance is not None
        paths += _command_paths(group.typer_instance, f"{prefix} {group.name}")
    return paths


def test_every_cli_command_is_documented_in_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [p for p in _command_paths(app) if f"`{p}" not in text]
    assert not missing, f"README lacks: {missing}"


def test_readme_starts_with_exactly_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    blocks = text.split("```")
    first_block = blocks[1].strip().splitlines()
    commands = [line for line in first_block[1:] if line.strip() and not line.startswith("#")]
    assert len(commands) == 2, commands
    assert "oncoguide demo" in commands[0]
    assert "pytest" in commands[1]
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci, "CI must call the README's test command"
