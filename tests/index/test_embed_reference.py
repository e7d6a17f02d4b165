"""The numpy MiniLM against vectors from sentence-transformers on torch.

tests/data/minilm_reference.json is made by scripts/make_minilm_reference.py (see its docstring).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from oncoguide.index.embed import MiniLMEmbedder

pytestmark = pytest.mark.unit

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "minilm_reference.json"
# Float32 numpy vs float32 torch agree to 1 - 2e-7. The bar is tighter than 0.999 on purpose:
# swapping the erf GELU for the tanh approximation still scores 0.999997 and must fail.
MIN_COSINE = 0.99999


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return data


def test_reference_file_covers_the_hard_cases(reference: dict[str, Any]) -> None:
    sentences = reference["sentences"]
    assert len(sentences) >= 50
    assert "" in sentences
    assert any(len(s.split()) > 300 for s in sentences)
    assert reference["versions"]["torch"].startswith("2.")


@pytest.mark.parametrize("max_tokens", [128, 256])
def test_matches_sentence_transformers(reference: dict[str, Any], max_tokens: int) -> None:
    want = np.asarray(reference["vectors"][str(max_tokens)], dtype=np.float32)
    got = MiniLMEmbedder(max_tokens=max_tokens).embed(reference["sentences"])
    cosines = (got * want).sum(axis=1) / np.linalg.norm(want, axis=1)
    worst = int(cosines.argmin())
    assert cosines[worst] >= MIN_COSINE, (worst, reference["sentences"][worst][:60])


def test_max_tokens_changes_long_texts_only(reference: dict[str, Any]) -> None:
    v128 = np.asarray(reference["vectors"]["128"], dtype=np.float32)
    v256 = np.asarray(reference["vectors"]["256"], dtype=np.float32)
    lengths = [len(s) for s in reference["sentences"]]
    short, longest = int(np.argmin(lengths)), int(np.argmax(lengths))
    assert float(v128[short] @ v256[short]) > 0.9999
    assert float(v128[longest] @ v256[longest]) < 0.999
