-- 0002: the section tree. One row per heading section of a document (its own text, parsed into
-- blocks stored as JSON: [[kind, text, lead_in, [items...]], ...]); chunks point to their section.
-- An index built before this has no sections until the next ingest re-writes its documents.

CREATE TABLE sections (
    rowid        INTEGER PRIMARY KEY,
    section_id   TEXT NOT NULL UNIQUE,
    doc_id       TEXT NOT NULL,
    ordinal      INTEGER NOT NULL,
    heading_path TEXT NOT NULL,
    blocks       TEXT NOT NULL,
    content_hash TEXT NOT NULL
);

CREATE INDEX sections_doc ON sections (doc_id, ordinal);

ALTER TABLE chunks ADD COLUMN section_id TEXT NOT NULL DEFAULT '';
