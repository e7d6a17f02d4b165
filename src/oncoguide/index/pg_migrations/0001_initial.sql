-- 0001 (PostgreSQL): documents, chunks with their search terms, and the embedding cache.
-- Same rows as the SQLite schema. Tuples are JSON arrays in text columns and dates ISO strings, so
-- one row mapping serves both backends.

CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE documents (
    doc_id                TEXT PRIMARY KEY,
    path                  TEXT NOT NULL,
    title                 TEXT NOT NULL,
    url                   TEXT NOT NULL,
    source                TEXT NOT NULL,
    source_type           TEXT NOT NULL,
    license               TEXT NOT NULL,
    last_reviewed         TEXT,
    review_frequency      TEXT NOT NULL,
    review_due            TEXT,
    audience              TEXT NOT NULL,
    declared_audience     TEXT NOT NULL,
    language              TEXT NOT NULL,
    cancer_types          TEXT NOT NULL,
    declared_cancer_types TEXT NOT NULL,
    tags                  TEXT NOT NULL,
    citation              TEXT NOT NULL,
    status                TEXT NOT NULL,
    version               TEXT NOT NULL,
    body                  TEXT NOT NULL,
    content_hash          TEXT NOT NULL,
    glossary_terms        TEXT NOT NULL,
    extra                 TEXT NOT NULL
);

CREATE TABLE document_cancer_types (
    cancer_type TEXT NOT NULL,
    doc_id      TEXT NOT NULL,
    PRIMARY KEY (cancer_type, doc_id)
);

CREATE INDEX document_cancer_types_doc ON document_cancer_types (doc_id);

-- rowid is insertion order, the tie-break of equal scores (as SQLite's rowid).
CREATE TABLE chunks (
    rowid        BIGSERIAL PRIMARY KEY,
    chunk_id     TEXT NOT NULL UNIQUE,
    doc_id       TEXT NOT NULL,
    ordinal      INTEGER NOT NULL,
    heading_path TEXT NOT NULL,
    heading      TEXT NOT NULL,
    text         TEXT NOT NULL,
    content_hash TEXT NOT NULL
);

CREATE INDEX chunks_doc ON chunks (doc_id, ordinal);
CREATE INDEX chunks_content_hash ON chunks (content_hash);

-- The lexical index, one narrow row per chunk. terms: term -> weighted frequency (title 4,
-- heading 2, body 1) from SQLite's own FTS5 tokenizer (oncoguide.index.terms); ntokens: the
-- chunk's length in tokens; bm25 is computed from both. tsv is derived from the terms and carries
-- the GIN index that finds candidate chunks. Rows are kept inline and uncompressed (EXTERNAL
-- storage, an 8 KB toast target): a query reads `terms` of every candidate, and decompressing
-- it each time was most of the cost (3x slower on the full KB).
CREATE TABLE chunk_terms (
    chunk_rowid BIGINT PRIMARY KEY REFERENCES chunks (rowid) ON DELETE CASCADE,
    doc_id      TEXT NOT NULL,
    ntokens     INTEGER NOT NULL,
    terms       JSONB NOT NULL,
    tsv         TSVECTOR GENERATED ALWAYS AS
                    (strip(jsonb_to_tsvector('simple'::regconfig, terms, '["key"]'))) STORED
) WITH (toast_tuple_target = 8160);

ALTER TABLE chunk_terms ALTER COLUMN terms SET STORAGE EXTERNAL;
ALTER TABLE chunk_terms ALTER COLUMN tsv SET STORAGE EXTERNAL;
CREATE INDEX chunk_terms_tsv ON chunk_terms USING gin (tsv);
CREATE INDEX chunk_terms_doc ON chunk_terms (doc_id);

-- How many chunks hold each term (bm25's n), kept exact in the transaction that changes chunks.
-- (Counting tsvector matches would not be exact: the text-search parser splits a few terms, e.g.
-- "4e0c" into "4e0" and "c".)
CREATE TABLE term_hits (
    term TEXT PRIMARY KEY,
    n    BIGINT NOT NULL
);

-- bm25 needs the number of chunks and their total length on every query: kept here, rewritten in
-- the transaction that changes chunks, instead of scanning chunks each time.
CREATE TABLE chunk_totals (
    one    BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    rows   BIGINT NOT NULL,
    tokens BIGINT NOT NULL
);
INSERT INTO chunk_totals (rows, tokens) VALUES (0, 0);

-- Vectors are cached by chunk content hash, so unchanged text is never embedded twice. The column
-- has no fixed size (models differ); the HNSW index is a partial expression index per model and
-- size, built after a bulk load (PostgresStore.build_vector_index).
CREATE TABLE embeddings (
    model        TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    dim          INTEGER NOT NULL,
    vector       vector NOT NULL,
    PRIMARY KEY (model, content_hash)
);
