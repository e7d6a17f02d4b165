-- conversations 0001: sessions, messages (one row per turn) and feedback (one per message).
-- Times are ISO-8601 UTC strings ('YYYY-MM-DDTHH:MM:SS.ffffff+00:00'), so they sort as text.

CREATE TABLE sessions (
    session_id  TEXT PRIMARY KEY,
    created_at  TEXT NOT NULL,
    channel     TEXT NOT NULL,
    locale      TEXT NOT NULL,
    region      TEXT NOT NULL,
    audience    TEXT NOT NULL,
    cancer_type TEXT,
    consent     INTEGER NOT NULL,
    state       TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE messages (
    message_id      TEXT PRIMARY KEY,
    session_id      TEXT NOT NULL REFERENCES sessions (session_id),
    ordinal         INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    question        TEXT NOT NULL,
    answer_json     TEXT NOT NULL,
    kind            TEXT NOT NULL,
    safety_category TEXT NOT NULL,
    abstained       INTEGER NOT NULL,
    abstain_reason  TEXT,
    latency_ms      REAL NOT NULL,
    UNIQUE (session_id, ordinal)
);

CREATE INDEX messages_created ON messages (created_at);

CREATE TABLE feedback (
    message_id TEXT PRIMARY KEY REFERENCES messages (message_id),
    rating     TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reason     TEXT,
    comment    TEXT,
    created_at TEXT NOT NULL
);
