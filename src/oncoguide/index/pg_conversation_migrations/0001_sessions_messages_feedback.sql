-- conversations 0001 (PostgreSQL): sessions, messages (one row per turn) and feedback (one per
-- message). Same rows as the SQLite schema; times are timestamptz. Message text is stored as UTF-8
-- bytes (bytea): PostgreSQL text cannot hold a NUL character, and what a user typed is kept verbatim.

CREATE TABLE sessions (
    session_id  TEXT PRIMARY KEY,
    created_at  TIMESTAMPTZ NOT NULL,
    channel     TEXT NOT NULL,
    locale      TEXT NOT NULL,
    region      TEXT NOT NULL,
    audience    TEXT NOT NULL,
    cancer_type TEXT,
    consent     BOOLEAN NOT NULL,
    state       BYTEA NOT NULL
);

CREATE TABLE messages (
    message_id      TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions (session_id),
    ordinal         INTEGER NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    question        BYTEA NOT NULL,
    answer_json     BYTEA NOT NULL,
    kind            TEXT NOT NULL,
    safety_category TEXT NOT NULL,
    abstained       BOOLEAN NOT NULL,
    abstain_reason  TEXT,
    latency_ms      DOUBLE PRECISION NOT NULL,
    UNIQUE (session_id, ordinal)
);

CREATE INDEX messages_created ON messages (created_at);

CREATE TABLE feedback (
    message_id TEXT PRIMARY KEY REFERENCES messages (message_id),
    rating     TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reason     BYTEA,
    comment    BYTEA,
    created_at TIMESTAMPTZ NOT NULL
);
