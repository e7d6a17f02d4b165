"""`oncoguide ingest` as the command line runs it: check first, create last, explain Ctrl-C.

- The KB folder is checked before the database is opened, so a typo never leaves a file behind.
- A dry run writes nothing: with no database yet it plans against an in-memory one.
- If this run created the database and it still holds no documents when the run fails or is
  interrupted, the file (and its -wal/-shm companions) is removed: nothing half-made is left.
- Ctrl-C raises `CommandInterrupted` saying what was kept. Documents are written in one
  transaction (rolled back if interrupted); vectors are saved batch by batch, so re-running the
  same command resumes the embedding where it stopped.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from oncoguide.config import Settings
from oncoguide.console.errors import CommandInterrupted
from oncoguide.console.progress import StageProgress
from oncoguide.errors import KBError, StoreError
from oncoguide.index.backends import (
    IndexStore,
    describe_db,
    is_postgres_url,
    open_store,
    postgres,
)
from oncoguide.index.embed import Embedder, load_embedder
from oncoguide.index.ingest import IngestReport
from oncoguide.index.sqlite import SqliteStore
from oncoguide.kb.load import load_kb
from oncoguide.kb.questions import page_questions_for
from oncoguide.retrieve.build import build_index

__all__ = ["guard_demo_database", "interrupted_message", "run_ingest"]


def run_ingest(
    path: Path,
    settings: Settings,
    *,
    dry_run: bool,
    as_of: date,
    progress: StageProgress | None = None,
) -> IngestReport:
    """Ingest the KB at `path` into `settings.db` (see the module docstring for the guarantees)."""
    if not path.is_dir():
        what = "is not a folder" if path.exists() else "does not exist"
        raise KBError(f"KB folder {path} {what}: give the folder that holds the .md files")
    db = settings.db
    # A PostgreSQL database is never created (or removed) here: its server holds it.
    created = not is_postgres_url(db) and not Path(db).exists()
    embedder = None if dry_run else _embedder(settings)
    store = _plan_store(db) if dry_run and (created or is_postgres_url(db)) else open_store(db)
    stage: list[str] = []

    def tracked(name: str, done: int, total: int) -> None:
        stage[:] = [name]
        if progress is not None:
            progress(name, done, total)

    finished = False
    try:
        report = build_index(
            path,
            store,
            embedder=embedder,
            as_of=as_of,
            dry_run=dry_run,
            progress=tracked,
            questions=page_questions_for(settings.page_questions),
        )
        finished = True
        return report
    except KeyboardInterrupt as exc:
        has_docs = bool(store.document_hashes())
        message = interrupted_message(
            describe_db(db), stage[0] if stage else None, created, has_docs
        )
        raise CommandInterrupted(message) from exc
    finally:
        empty = not finished and created and not dry_run and _holds_nothing(store)
        store.close()
        if empty:
            _remove_database(Path(db))


def _plan_store(db: Path | str) -> IndexStore:
    """What a dry run plans against: the existing index, or an empty in-memory one."""
    if is_postgres_url(db):
        pg = postgres().PostgresStore(str(db))
        if pg.is_index():
            pg.migrate()
            return pg  # type: ignore[no-any-return]
        pg.close()
    memory = SqliteStore(":memory:")
    memory.migrate()
    return memory


def _holds_nothing(store: IndexStore) -> bool:
    try:
        return not store.document_hashes()
    except StoreError:  # keep the file: don't hide the first error behind this one
        return False


def _embedder(settings: Settings) -> Embedder | None:
    return load_embedder(
        settings.embedder,
        max_tokens=settings.embed_max_tokens,
        batch_size=settings.embed_batch_size,
    )


def interrupted_message(db: Path | str, stage: str | None, created: bool, has_docs: bool) -> str:
    """What Ctrl-C kept, and how to carry on."""
    again = "run the same command again"
    if stage in ("embed", "vector index") and has_docs:
        return (
            f"documents in {db} are indexed and the vectors embedded so far are saved;"
            f" {again} to resume embedding where it stopped"
        )
    if created and not has_docs:
        return f"nothing was written and {db} was not created; {again} to ingest"
    if stage == "write":
        return (
            f"the index in {db} is as it was before this run (the write was rolled back);"
            f" {again} to ingest"
        )
    return f"nothing was written: the index in {db} is unchanged; {again} to ingest"


def _remove_database(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def guard_demo_database(db: Path | str, sample: Path) -> None:
    """The demo writes the default database; refuse if that file holds someone's real index.

    Ingesting the sample into it would remove every document that is not in the sample.
    """
    stored = _demo_target_documents(db)
    sample_ids = {d.doc_id for d in load_kb(sample).documents}
    other = stored - sample_ids
    if other:
        raise StoreError(
            f"{describe_db(db)} holds another index"
            f" ({len(other)} documents that are not the sample);"
            f" the demo will not overwrite it: run: oncoguide demo --db oncoguide-sample.db"
        )


def _demo_target_documents(db: Path | str) -> set[str]:
    """Ids of the documents already indexed at `db` (none if there is no index yet)."""
    if is_postgres_url(db):
        with postgres().PostgresStore(str(db)) as pg:
            return set(pg.document_hashes()) if pg.is_index() else set()
    path = Path(db)
    if not path.is_file() or path.stat().st_size == 0:
        return set()
    with SqliteStore(path, create=False) as store:
        return set(store.document_hashes()) if store.is_index() else set()
