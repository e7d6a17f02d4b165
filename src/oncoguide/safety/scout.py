"""The scout: a cheap first look that tells the safety classifier where to look in a long message.

The fine-tuned classifier (`classifier.py`) costs about 21 MFLOP per token, so scanning every
sentence window of a 4,000-character letter (~3,000 tokens with the overlapping windows) takes
seconds on two cores. The scout reads every unit for a few milliseconds and ranks them; the
classifier then reads only the riskiest units, up to a token budget (`fusion.yaml`
`budget_tokens`). A message whose units fit the budget is read whole, exactly as without a scout.

    weight(t) = exp(a[t])                              a: one learned number per vocabulary token
    x         = sum_t weight(t) E[t] / sum_t weight(t)  E: MiniLM's frozen token embeddings
    p         = softmax(W2 relu(W1 x + b1) + b2)       over the classifier's LABELS
    risk      = 1 - p(none)

It is trained by distillation (`scripts/train_safety_classifier.py --scout-only`): its targets are
the classifier's own probabilities on every scan unit of the training split, so it learns where
the classifier would find something. It never decides anything itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from oncoguide.errors import PolicyError
from oncoguide.text.encoder import minilm_model_dir

__all__ = ["SCOUT_FILES", "Ranker", "Scout", "load_scout", "within_budget"]

_WEIGHTS, _META = "scout.safetensors", "scout.json"
SCOUT_FILES = (_WEIGHTS, _META)
# [CLS], [SEP] and [PAD] carry no meaning for the scout.
_SPECIAL = (0, 101, 102)


class Ranker(Protocol):
    """What the policy needs of a scout: risk per text, tokens the classifier would read."""

    def read(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]: ...


class Scout:
    """Risk per text, and each text's token count as the classifier would read it."""

    def __init__(self, model_dir: Path, *, max_tokens: int = 128) -> None:
        self.model_dir = model_dir
        self.max_tokens = max_tokens
        self._loaded: tuple[Any, ...] | None = None

    def _load(self) -> tuple[Any, ...]:
        if self._loaded is None:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            meta = json.loads((self.model_dir / _META).read_text(encoding="utf-8"))
            t = load_file(str(self.model_dir / _WEIGHTS))
            from safetensors import safe_open

            base = minilm_model_dir()
            # Only the token embeddings: the rest of the base model is the classifier's business.
            with safe_open(str(base / "model.safetensors"), framework="np") as f:
                raw = f.get_tensor("embeddings.word_embeddings.weight")
            embed = np.asarray(raw, dtype=np.float32)
            log_w = t["log_weight"].astype(np.float32)
            if log_w.shape[0] != embed.shape[0]:
                raise PolicyError(f"{self.model_dir}: scout vocabulary does not match the base")
            log_w[list(_SPECIAL)] = -30.0
            tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
            tokenizer.no_padding()
            tokenizer.no_truncation()
            self._loaded = (
                tokenizer,
                embed,
                np.exp(log_w),
                t["w1"].astype(np.float32),
                t["b1"].astype(np.float32),
                t["w2"].astype(np.float32),
                t["b2"].astype(np.float32),
                list(meta["labels"]).index("none"),
            )
        return self._loaded

    def read(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """(risk per text, tokens per text as the classifier reads it: at most `max_tokens`)."""
        tokenizer, embed, weight, w1, b1, w2, b2, none = self._load()
        encodings = tokenizer.encode_batch([str(t) for t in texts])
        risk = np.zeros(len(texts), dtype=np.float32)
        tokens = []
        for i, enc in enumerate(encodings):
            ids = np.asarray(enc.ids, dtype=np.int64)
            tokens.append(min(len(ids), self.max_tokens))
            w = weight[ids]
            total = float(w.sum())
            if total <= 0.0:
                continue
            x = (w @ embed[ids]) / total
            h = np.maximum(x @ w1 + b1, 0.0)
            logits = h @ w2 + b2
            logits -= logits.max()
            p = np.exp(logits)
            risk[i] = 1.0 - float(p[none] / p.sum())
        return risk, tokens


def within_budget(
    risk: Sequence[float],
    tokens: Sequence[int],
    budget: int | None,
    must: Sequence[int] = (),
) -> list[int]:
    """Indices of the units the classifier reads: all of them when they fit `budget` (or it is
    None); else the riskiest first (among equals the shorter, which says more precisely where it
    is), then the next ones in that order that still fit; the riskiest is always read. The units
    in `must` are read on top of that, outside the budget (the policy passes the unit where a rule
    fired, so the classifier's veto also judges the very sentence the rule matched, and reading it
    never displaces a unit the scout chose)."""
    if budget is None or sum(tokens) <= budget:
        return list(range(len(tokens)))
    chosen: list[int] = []
    used = 0
    for i in sorted(range(len(tokens)), key=lambda i: (-float(risk[i]), tokens[i])):
        if chosen and used + tokens[i] > budget:
            continue
        chosen.append(i)
        used += tokens[i]
    chosen += [i for i in must if 0 <= i < len(tokens) and i not in chosen]
    return sorted(set(chosen))


def load_scout(model_dir: Path, *, max_tokens: int = 128) -> Scout | None:
    """The scout shipped beside the classifier, or None when it is not there."""
    if not all((model_dir / name).is_file() for name in SCOUT_FILES):
        return None
    return Scout(model_dir, max_tokens=max_tokens)
