"""The patient chat and the admin dashboard: Jinja2 templates, CSS and vanilla JS, no build step.

Served by `oncoguide.api` (`api/pages.py`, `api/admin_pages.py`); this package holds only the files
and small pure helpers (server-side SVG charts in `charts`).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["STATIC_DIR", "TEMPLATES_DIR"]

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
