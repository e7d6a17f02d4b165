"""PostgreSQL-only behaviour: same search terms and bm25 as SQLite, HNSW, migrations, errors.

The conformance suite (test_store_conformance) proves the shared contract; these tests prove the
claims the PostgreSQL store makes on top of it, against a real server (see tests/conftest.py).
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from oncoguide.config import load_settings, redact_db
from oncoguide.errors import StoreError
from oncoguide.index.backends import describe_db, open_index, open_store
from oncoguide.index.sqlite import SqliteStore, migrations
from oncoguide.index.terms import TOKENIZE, Tokenizer
from oncoguide.kb.sample import sample_kb_path
from oncoguide.retrieve.brands import BRAND_MAP_META_KEY
from oncoguide.retrieve.build import build_index
from oncoguide.retrieve.vocab import TERM_VOCAB_META_KEY
from oncoguide.testing.builders import make_chunks, make_document
from oncoguide.testing.conformance import HOSTILE_QUERIES, seed_corpus
from oncoguide.testing.fakes import FakeEmbedder
from oncoguide.types import SearchFilters

pytestmark = pytest.mark.unit

QUERIES = [
    "what helps with mouth sores during chemo",
    "pins and needles in my feet after chemo",
    "tamoxifen side effects",
    "hot flashes",
    "treatment treatments treating",
    "radiation therapy skin care",
    "is it used for men too?",
    "nausea vomiting",
    "cancer",
    "ünïcödé çhémo",
    "high dose vitamin C drips",  # "c" also comes out of "4e0c" in PostgreSQL's own parser
    "4e0c sample",
    *HOSTILE_QUERIES,
]


@pytest.fixture
def pg(pg_url: str) -> Iterator[object]:
    from oncoguide.index.postgres import open_pg_store

    with open_pg_store(pg_url) as store:
        yield store


def test_tokenizer_is_the_one_the_sqlite_index_declares() -> None:
    sql = migrations()[0][2]
    assert f"tokenize = '{TOKENIZE}'" in sql


def test_tokenizer_terms_equal_the_sqlite_index_terms(tmp_path: Path) -> None:
    """Every term (and every token count) the SQLite index holds for the sample KB."""
    with SqliteStore(tmp_path / "s.db") as store:
        store.migrate()
        build_index(sample_kb_path(), store)
        chunks = [c for d in store.iter_documents() for c in store.chunks_of(d.doc_id)]
        titles = {d.doc_id: d.title for d in store.iter_documents()}
    with sqlite3.connect(tmp_path / "s.db") as conn:
        conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, chunks_fts, 'row')")
        indexed = {r[0] for r in conn.execute("SELECT term FROM temp.v")}
    tokenizer = Tokenizer()
    terms = tokenizer.chunks([(titles[c.doc_id], c.heading, c.text) for c in chunks])
    assert set().union(*(t.frequencies for t in terms)) == indexed
    assert all(t.tokens >= len(t.frequencies) > 0 for t in terms)


def test_lexical_search_matches_sqlite_ids_order_and_scores(tmp_path: Path, pg: object) -> None:
    from oncoguide.index.postgres import PostgresStore

    assert isinstance(pg, PostgresStore)
    extra = make_document(
        "ids", title="Sample ids", body="Sample 4e0c and 3e5c ids. Vitamin C in high doses."
    )
    with SqliteStore(tmp_path / "s.db") as lite:
        lite.migrate()
        for store in (lite, pg):
            build_index(sample_kb_path(), store)
            store.apply_changes([(extra, make_chunks(extra))], [])
        assert lite.stats() == pg.stats()
        for query in QUERIES:
            for filters in (None, SearchFilters(cancer_type="breast"), SearchFilters("technical")):
                want = lite.lexical_search(query, 50, filters)
                got = pg.lexical_search(query, 50, filters)
                assert [m.chunk_id for m in got] == [m.chunk_id for m in want], query
                assert [m.score for m in got] == pytest.approx([m.score for m in want], rel=1e-9)


def test_incremental_ingest_reports_and_fingerprint_equal_sqlite(
    tmp_path: Path, pg: object
) -> None:
    from oncoguide.index.postgres import PostgresStore

    assert isinstance(pg, PostgresStore)
    kb = tmp_path / "kb"
    shutil.copytree(sample_kb_path(), kb)
    with SqliteStore(tmp_path / "s.db") as lite:
        lite.migrate()
        embedder = FakeEmbedder()
        first = [build_index(kb, s, embedder=embedder).to_dict() for s in (lite, pg)]
        victim = sorted(kb.rglob("*.md"))[0]
        victim.unlink()
        second = [build_index(kb, s, embedder=embedder).to_dict() for s in (lite, pg)]
        for a, b in (first, second):
            a.pop("seconds"), b.pop("seconds")
            assert a == b
        assert second[0]["removed"] == 1
        assert lite.document_hashes() == pg.document_hashes()
        for query in QUERIES[:12]:  # term counts and totals followed the removal
            want, got = lite.lexical_search(query, 50), pg.lexical_search(query, 50)
            assert [m.chunk_id for m in got] == [m.chunk_id for m in want], query
            assert [m.score for m in got] == pytest.approx([m.score for m in want], rel=1e-9)
        # The mined vocabularies (and the fingerprint of the documents they were mined from).
        keys = [BRAND_MAP_META_KEY, TERM_VOCAB_META_KEY]
        assert [lite.get_meta(k) for k in keys] == [pg.get_meta(k) for k in keys]
        assert json.loads(lite.get_meta(TERM_VOCAB_META_KEY) or "{}")["fingerprint"]
        assert lite.stats() == pg.stats()


def test_hnsw_index_is_built_and_finds_the_exact_neighbours(pg: object) -> None:
    from oncoguide.index.postgres import PostgresStore

    assert isinstance(pg, PostgresStore)
    corpus = seed_corpus()
    pg.apply_changes(corpus, [])
    chunks = [c for _, cs in corpus for c in cs]
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((len(chunks), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    pg.put_embeddings("m", [(c.content_hash, v) for c, v in zip(chunks, vectors, strict=True)])
    query = vectors[2] + 0.1 * vectors[4]
    query /= np.linalg.norm(query)
    exact = [chunks[i].chunk_id for i in np.argsort(-(vectors @ query))[:3]]
    assert [r[0] for r in pg.nearest_chunks("m", query, 3)] == exact
    assert not pg.has_vector_index("m", 8)
    pg.build_vector_index("m")
    assert pg.has_vector_index("m", 8)
    found = pg.nearest_chunks("m", query, 3)
    assert [r[0] for r in found] == exact
    assert found[0][2] == pytest.approx(float(vectors[2] @ query), abs=1e-5)


def test_two_processes_migrating_at_once_do_not_collide(pg_url: str) -> None:
    from oncoguide.index.postgres import PostgresStore, pg_migrations

    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            with PostgresStore(pg_url) as store:
                store.migrate()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=migrate) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    versions = [v for v, _, _ in pg_migrations()]
    assert versions == list(range(1, len(versions) + 1))
    with PostgresStore(pg_url) as store:
        assert store.migrate() == versions[-1]


def test_open_index_on_an_empty_database_names_the_fix(pg_url: str) -> None:
    with pytest.raises(StoreError, match="holds no oncoguide index: run: oncoguide ingest"):
        open_index(pg_url)
    with open_store(pg_url) as store:
        assert store.stats().documents == 0
    with pytest.raises(StoreError, match="holds no documents"):
        open_index(pg_url)


def test_unreachable_server_is_one_line_without_the_password(psycopg_installed: None) -> None:
    url = "postgresql://me:s3cret@127.0.0.1:1/nowhere"
    with pytest.raises(StoreError) as info:
        open_index(url)
    message = str(info.value)
    assert "\n" not in message and "s3cret" not in message
    assert message.startswith("cannot connect to PostgreSQL at postgresql://me@127.0.0.1:1/nowhere")


def test_db_setting_keeps_a_url_and_masks_its_password() -> None:
    assert load_settings(db="postgresql://a:b@h:5432/d").db == "postgresql://a:b@h:5432/d"
    assert load_settings(db="x.db").db == Path("x.db")
    assert redact_db("postgresql://a:b@h:5432/d") == "postgresql://a:****@h:5432/d"
    assert re.fullmatch(r"postgresql://a@h(:\d+)?/d", describe_db("postgres://a:b@h/d"))
