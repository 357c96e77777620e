-- The transactional outbox (sdk::Outbox): messages written in the same transaction as the change
-- they announce, sent later by a relay. Timestamps are UTC 'YYYY-MM-DD HH:MM:SS'.
CREATE TABLE mercato_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL,
    msg_key TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    done_at TEXT NULL
);
CREATE INDEX ix_outbox_due ON mercato_outbox (topic, done_at, next_attempt_at, id);
CREATE INDEX ix_outbox_key ON mercato_outbox (topic, msg_key);
