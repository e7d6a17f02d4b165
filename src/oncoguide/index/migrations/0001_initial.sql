-- 0001: documents, chunks, the FTS5 lexical index and the embedding cache.
-- Tuples are stored as JSON arrays; dates as ISO strings (NULL when unknown).

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

-- One row per (document, cancer type) so a cancer_type filter is an indexed lookup, not JSON parsing.
CREATE TABLE document_cancer_types (
    cancer_type TEXT NOT NULL,
    doc_id      TEXT NOT NULL,
    PRIMARY KEY (cancer_type, doc_id)
) WITHOUT ROWID;

CREATE INDEX document_cancer_types_doc ON document_cancer_types (doc_id);

-- The integer rowid is shared with chunks_fts so the FTS row of a chunk is found without a lookup.
CREATE TABLE chunks (
    rowid        INTEGER PRIMARY KEY,
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

-- What the FTS index is built from: the document title repeated on every chunk, so a title match
-- lifts every chunk of that page. The index stores no copy of the text (external content), which
-- keeps the file ~25% smaller; `INSERT INTO chunks_fts(chunks_fts) VALUES ('rebuild')` rebuilds it.
CREATE VIEW chunks_fts_source (chunk_rowid, title, heading, body) AS
    SELECT c.rowid, coalesce(d.title, ''), c.heading, c.text
    FROM chunks c LEFT JOIN documents d ON d.doc_id = c.doc_id;

CREATE VIRTUAL TABLE chunks_fts USING fts5 (
    title, heading, body,
    content = 'chunks_fts_source',
    content_rowid = 'chunk_rowid',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Triggers keep the index in step with chunks inside the same transaction. An external-content
-- delete must repeat the indexed values exactly: apply_changes deletes chunks before their
-- document, so the title read here is still the one that was indexed.
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, title, heading, body)
    VALUES (
        new.rowid,
        coalesce((SELECT title FROM documents WHERE doc_id = new.doc_id), ''),
        new.heading,
        new.text
    );
END;

CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, title, heading, body)
    VALUES (
        'delete',
        old.rowid,
        coalesce((SELECT title FROM documents WHERE doc_id = old.doc_id), ''),
        old.heading,
        old.text
    );
END;

-- Chunks are never updated in place (a changed document is deleted and re-inserted); refuse it
-- so the external-content index cannot drift.
CREATE TRIGGER chunks_no_update BEFORE UPDATE ON chunks BEGIN
    SELECT RAISE(ABORT, 'chunks are replaced, never updated');
END;

CREATE TRIGGER documents_no_title_update BEFORE UPDATE OF title ON documents BEGIN
    SELECT RAISE(ABORT, 'documents are replaced, never retitled in place');
END;

-- Vectors are cached by chunk content hash, so unchanged text is never embedded twice.
CREATE TABLE embeddings (
    model        TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    dim          INTEGER NOT NULL,
    vector       BLOB NOT NULL,
    PRIMARY KEY (model, content_hash)
) WITHOUT ROWID;
