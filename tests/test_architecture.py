"""Layering and public-surface checks (STYLE.md: imports point downward; `__all__` complete)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import shutil
import subprocess
from pathlib import Path

import pytest

import oncoguide

pytestmark = pytest.mark.unit
SRC = Path(oncoguide.__file__).parent


def test_import_linter_contracts_hold() -> None:
    exe = shutil.which("lint-imports")
    assert exe, "import-linter is a dev dependency: pip install -e '.[dev]'"
    proc = subprocess.run([exe], capture_output=True, text=True, cwd=SRC.parents[1], check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(SRC)], prefix="oncoguide."):
        if ".testing" in info.name:
            continue
        names.append(info.name)
    return names


@pytest.mark.parametrize("name", _modules())
def test_all_lists_every_public_definition(name: str) -> None:
    module = importlib.import_module(name)
    path = Path(module.__file__ or "")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    public = {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
        and not node.name.startswith("_")
    }
    if not public:
        return
    exported = set(getattr(module, "__all__", ()))
    assert public <= exported, f"{name}: missing from __all__: {sorted(public - exported)}"


@pytest.mark.parametrize("name", _modules())
def test_importing_loads_no_model_or_settings(name: str) -> None:
    """Anti-pattern 2: no import-time state. Importing must not read settings or load models."""
    source = Path(importlib.import_module(name).__file__ or "").read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Call):
            func = node.value.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            assert called not in {
                "load_settings",
                "Settings",
                "load_embedder",
                "MiniLMEmbedder",
                "open_store",
                "SqliteStore",
                "connect",
            }, f"{name} calls {called}() at import time"
