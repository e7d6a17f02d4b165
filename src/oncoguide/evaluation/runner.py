"""`oncoguide eval all`: every quality and speed number in one run and one report, checked
against the pins.

`run_all` opens (or builds) the index, runs each evaluation in `suites.EVALUATIONS` and returns a
`report.json`-shaped dict. Every metric has a flat name `section.set.metric`, e.g.
`retrieval.medquad.full.recall@1`; a metric an evaluation is expected to report but did not is
`None` in `metrics` and listed in `not_available`, never filled in.

What is evaluated:
- `--db FILE` (with or without `--kb`): that index. The KB fingerprint is computed from `--kb`'s
  files when given, else from the index's document hashes (`db-…`).
- `--kb PATH` alone: a temporary index of PATH, built with the configured embedder.
- `--quick`: a temporary index of the sample KB plus the fixed slice of `../shared/kb` listed in
  `evaluation/data/quick_kb.txt`.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from oncoguide.chat.assistant import Assistant, open_assistant
from oncoguide.config import Settings
from oncoguide.errors import EvaluationError
from oncoguide.evaluation.metrics import normalize_url
from oncoguide.evaluation.sets import DATA_DIR, load_sets
from oncoguide.evaluation.suites import BM25_CONFIG, EVALUATIONS, EvalContext, Section
from oncoguide.index.embed import load_embedder
from oncoguide.index.sqlite import open_store
from oncoguide.kb.questions import page_questions_for
from oncoguide.kb.sample import sample_kb_path
from oncoguide.retrieve.build import build_index
from oncoguide.retrieve.hybrid import Retriever

__all__ = [
    "QUICK_SLICE",
    "RunOptions",
    "assemble_quick_kb",
    "find_shared",
    "git_commit",
    "kb_fingerprint",
    "run_all",
    "store_fingerprint",
]

QUICK_SLICE = DATA_DIR / "quick_kb.txt"
Log = Callable[[str], None]


class RunOptions:
    """What `eval all` was asked to run (the CLI's options, resolved)."""

    def __init__(
        self,
        settings: Settings,
        *,
        kb: Path | None = None,
        db: Path | None = None,
        quick: bool = False,
        shared: Path | None = None,
    ) -> None:
        if quick and (kb is not None or db is not None):
            raise EvaluationError("--quick builds its own index: do not combine it with --kb/--db")
        self.settings = settings
        self.kb = kb
        self.db = db
        self.quick = quick
        self.shared = shared

    @property
    def command(self) -> str:
        return "oncoguide eval all --quick" if self.quick else "oncoguide eval all"


def find_shared(given: Path | None) -> Path | None:
    """`--shared`, else `../shared` beside the current folder or beside the checkout."""
    if given is not None:
        if not given.is_dir():
            raise EvaluationError(f"--shared {given} is not a folder")
        return given
    checkout = Path(__file__).resolve().parents[3]
    for candidate in (Path.cwd().parent / "shared", checkout.parent / "shared"):
        if candidate.is_dir():
            return candidate
    return None


def kb_fingerprint(root: Path) -> str:
    """sha256 over every markdown file and manifest (relative path and bytes), first 16 hex."""
    digest = hashlib.sha256()
    files = sorted(p for p in root.rglob("*") if p.suffix in (".md", ".json") and p.is_file())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return "kb-" + digest.hexdigest()[:16]


def store_fingerprint(hashes: dict[str, str]) -> str:
    digest = hashlib.sha256()
    for doc_id in sorted(hashes):
        digest.update(f"{doc_id}={hashes[doc_id]}\n".encode())
    return "db-" + digest.hexdigest()[:16]


def git_commit(cwd: Path | None = None) -> str | None:
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=cwd or Path(__file__).parent,
        )
    except OSError:
        return None
    return proc.stdout.strip() or None


def assemble_quick_kb(shared: Path, into: Path) -> Path:
    """The sample KB plus the fixed slice of `shared/kb`, with one merged manifest."""
    sample = sample_kb_path()
    kb = shared / "kb"
    wanted = [line.strip() for line in QUICK_SLICE.read_text("utf-8").splitlines() if line.strip()]
    missing = [p for p in wanted if not (kb / p).is_file()]
    if missing:
        raise EvaluationError(f"the quick slice names files missing from {kb}: {missing[:3]}")
    shutil.copytree(sample, into, ignore=shutil.ignore_patterns("manifest.json"))
    for rel in wanted:
        (into / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kb / rel, into / rel)
    docs = json.loads((sample / "manifest.json").read_text("utf-8"))["docs"]
    chosen = set(wanted)
    docs += [
        d
        for d in json.loads((kb / "manifest.json").read_text("utf-8"))["docs"]
        if d["path"] in chosen
    ]
    manifest = {"locale": "en", "schemaVersion": 1, "docs": docs}
    (into / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    return into


def _build(kb: Path, db: Path, settings: Settings, log: Log) -> None:
    log(f"indexing {kb} into a temporary index (embedder {settings.embedder})")
    start = time.perf_counter()
    embedder = load_embedder(settings.embedder, max_tokens=settings.embed_max_tokens)
    store = open_store(db)
    try:
        questions = page_questions_for(settings.page_questions)
        report = build_index(kb, store, embedder=embedder, questions=questions)
    finally:
        store.close()
    log(f"indexed {report.added} documents in {time.perf_counter() - start:.0f} s")


@contextmanager
def _index(
    opts: RunOptions, shared: Path | None, tmp: Path, log: Log
) -> Iterator[tuple[Path | str, str]]:
    """(database, KB fingerprint) for the run; temporary indexes live in `tmp`."""
    if opts.quick:
        if shared is None:
            raise EvaluationError("--quick needs ../shared/kb: give --shared DIR")
        kb = assemble_quick_kb(shared, tmp / "kb")
        _build(kb, tmp / "quick.db", opts.settings, log)
        yield tmp / "quick.db", kb_fingerprint(kb)
        return
    if opts.kb is not None and not opts.kb.is_dir():
        raise EvaluationError(f"--kb {opts.kb} is not a folder")
    if opts.db is None and opts.kb is not None:
        _build(opts.kb, tmp / "eval.db", opts.settings, log)
        yield tmp / "eval.db", kb_fingerprint(opts.kb)
        return
    db = opts.db or opts.settings.db
    if opts.kb is not None:
        yield db, kb_fingerprint(opts.kb)
        return
    yield db, ""  # filled from the opened index


def _flatten(section: str, evaluation_metrics: tuple[str, ...], result: Section) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for s in result.sets:
        if not s.present or s.info.get("absent"):
            continue
        for name in evaluation_metrics:
            flat[f"{section}.{s.name}.{name}"] = s.metrics.get(name)
        for name, value in s.metrics.items():
            flat.setdefault(f"{section}.{s.name}.{name}", value)
    return flat


def _not_available(section: str, names: tuple[str, ...], result: Section) -> list[str]:
    out = []
    for s in result.sets:
        if s.present and not s.info.get("absent"):
            out += [f"{section}.{s.name}.{n}" for n in names if n not in s.metrics]
    return out


def _section_json(result: Section, seconds: float) -> dict[str, Any]:
    return {
        "seconds": round(seconds, 1),
        "unavailable": result.unavailable,
        "sets": [
            {
                "name": s.name,
                "status": s.status,
                "present": s.present,
                "metrics": s.metrics,
                **{k: v for k, v in s.info.items() if k not in ("name", "status", "present")},
            }
            for s in result.sets
        ],
    }


def _evaluate(assistant: Assistant, ctx: EvalContext, log: Log) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    metrics: dict[str, Any] = {}
    missing: list[str] = []
    plots: dict[str, Any] = {}
    for evaluation in EVALUATIONS:
        log(f"{evaluation.name}…")
        start = time.perf_counter()
        result = evaluation.run(ctx)
        sections[evaluation.name] = _section_json(result, time.perf_counter() - start)
        metrics.update(_flatten(evaluation.name, evaluation.metrics, result))
        missing += _not_available(evaluation.name, evaluation.metrics, result)
        plots.update(result.plots)
    return {"sections": sections, "metrics": metrics, "not_available": missing, "plots": plots}


def run_all(opts: RunOptions, log: Log = lambda _: None) -> dict[str, Any]:
    """Run every evaluation in `EVALUATIONS`; the returned dict is `report.json`."""
    started = time.perf_counter()
    shared = find_shared(opts.shared)
    sets = load_sets(shared)
    with tempfile.TemporaryDirectory(prefix="oncoguide-eval-") as tmp_name:
        tmp = Path(tmp_name)
        with _index(opts, shared, tmp, log) as (db, fingerprint):
            settings = opts.settings.model_copy(update={"db": db})
            with open_assistant(settings) as assistant:
                store = assistant.store
                fingerprint = fingerprint or store_fingerprint(store.document_hashes())
                urls = frozenset(normalize_url(d.url) for d in store.iter_documents())
                bm25 = Retriever(store, None, config=BM25_CONFIG)
                work = tmp / "work"
                work.mkdir()
                ctx = EvalContext(assistant, bm25, sets, urls, work, opts.quick, settings.region)
                try:
                    body = _evaluate(assistant, ctx, log)
                finally:
                    bm25.close()
                stats = store.stats()
    return {
        "command": opts.command,
        "kb_fingerprint": fingerprint,
        "kb": str(opts.kb) if opts.kb else ("quick slice" if opts.quick else None),
        "db": None if opts.quick or (opts.kb and not opts.db) else str(db),
        "documents": stats.documents,
        "chunks": stats.chunks,
        "embedder": opts.settings.embedder,
        "commit": git_commit(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "seconds": round(time.perf_counter() - started, 1),
        **body,
    }
