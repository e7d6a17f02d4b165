"""Deterministic stand-ins for model-backed components, for fast unit tests (fakes over mocks)."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from oncoguide.types import SAFETY_CATEGORIES

__all__ = ["BagOfWordsEmbedder", "FakeEmbedder", "KeywordScorer", "KeywordScout"]

_WORD = re.compile(r"\w+")
# Words carry the meaning; trigrams tolerate misspellings and inflections ("tumour"/"tumor").
_WORD_WEIGHT = 1.0
_TRIGRAM_WEIGHT = 0.5
# Text without a single word character still gets a unit vector, as a real model would give.
_EMPTY_FEATURE = "\x00empty"


class FakeEmbedder:
    """Hashed bag of words plus character trigrams, L2-normalised: no model, same output everywhere.

    Texts that share words are closer than texts that do not, so retrieval tests can reason about
    rankings. Uses crc32 (not `hash()`, which is salted per process) so vectors are reproducible.
    Satisfies `oncoguide.index.embed.Embedder`.
    """

    def __init__(self, dim: int = 64) -> None:
        if dim < 1:
            raise ValueError(f"dim must be >= 1, got {dim}")
        self.dim = dim
        self.name = f"fake-hash-{dim}"

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single str")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature, weight in _features(text):
                out[row, zlib.crc32(feature.encode("utf-8")) % self.dim] += weight
        out /= np.linalg.norm(out, axis=1, keepdims=True).clip(min=1e-12)
        return out


def _features(text: str) -> list[tuple[str, float]]:
    words = _WORD.findall(text.lower())
    if not words:
        return [(_EMPTY_FEATURE, 1.0)]
    feats = [("w:" + w, _WORD_WEIGHT) for w in words]
    for w in words:
        padded = f"#{w}#"
        feats.extend(("t:" + padded[i : i + 3], _TRIGRAM_WEIGHT) for i in range(len(padded) - 2))
    return feats


class KeywordScorer:
    """A stand-in safety classifier: `{keyword: (category, probability)}`, the rest to "none"."""

    def __init__(self, table: dict[str, tuple[str, float]]) -> None:
        self.table = table
        self.calls: list[list[str]] = []

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        self.calls.append(list(texts))
        out = []
        for text in texts:
            probs = dict.fromkeys(SAFETY_CATEGORIES, 0.0)
            for word, (cat, p) in self.table.items():
                if word in text.lower():
                    probs[cat] = max(probs[cat], p)
            probs["none"] = max(0.0, 1.0 - sum(v for k, v in probs.items() if k != "none"))
            out.append(probs)
        return out


class KeywordScout:
    """A stand-in scout (`safety.scout.Ranker`): risk = the weight of the first keyword found,
    tokens = words; `calls` records what it was asked to rank."""

    def __init__(self, table: dict[str, float]) -> None:
        self.table = table
        self.calls: list[list[str]] = []

    def read(self, texts: Sequence[str]) -> tuple[npt.NDArray[np.float32], list[int]]:
        self.calls.append(list(texts))
        risk = [
            max((w for k, w in self.table.items() if k in t.lower()), default=0.0) for t in texts
        ]
        return np.asarray(risk, dtype=np.float32), [len(t.split()) for t in texts]


class BagOfWordsEmbedder:
    """Deterministic: each word hashes to one of 256 dimensions; cosine ~ word overlap."""

    name = "bow-test"
    dim = 256

    def embed(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return (out / np.where(norms == 0, 1.0, norms)).astype(np.float32)
