"""Small KB fixtures written file by file (each test builds only what it needs)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

FRONT = """---
title: {title}
url: {url}
source: NCI
sourceType: 02_nci_core
license: public_domain
lastReviewed: '2025-12-30'
reviewFrequency: quarterly
audienceLevel: {audience}
language: en
cancerTypes: {types}
tags: [treatment]
citation: NCI, 2025
status: active
version: v1
---
"""
PROSE = (
    "Chemotherapy uses drugs to stop the growth of cancer cells. It can be given by mouth or "
    "through a vein. Side effects depend on the drug and the dose. Your care team watches for "
    "them and can often prevent or treat them. Ask them what to expect before you start."
)

WriteDoc = Callable[..., Path]


def page(
    body: str = PROSE,
    *,
    title: str = "Chemotherapy - NCI",
    url: str = "https://www.cancer.gov/about-cancer/treatment/types/chemotherapy",
    audience: str = "patient",
    types: str = "[general]",
) -> str:
    return (
        FRONT.format(title=title, url=url, audience=audience, types=types)
        + f"\n# {title}\n\n{body}\n"
    )


@pytest.fixture
def write_doc(tmp_path: Path) -> WriteDoc:
    """write_doc(rel_path, text=None, **page_kwargs) writes one file under tmp_path/kb."""

    def write(rel: str, text: str | bytes | None = None, **kwargs: str) -> Path:
        path = tmp_path / "kb" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = page(**kwargs) if text is None else text
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        return path

    return write


@pytest.fixture
def kb_root(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    root.mkdir(exist_ok=True)
    return root
