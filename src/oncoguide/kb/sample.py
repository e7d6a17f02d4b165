"""The bundled sample KB (12 short documents written for the quick start; not a medical source)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from oncoguide.errors import KBError

__all__ = ["sample_kb_path"]


def sample_kb_path() -> Path:
    """Folder of the sample KB inside the installed package (a real directory on disk)."""
    path = Path(str(resources.files("oncoguide") / "sample_kb"))
    if not (path / "manifest.json").is_file():
        raise KBError(f"the bundled sample KB is missing from the installation: {path}")
    return path
