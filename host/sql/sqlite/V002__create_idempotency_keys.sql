-- Idempotency-Key records (API.md §1): the first response per caller and key, kept 24 h.
-- status is NULL while the first request is still running.
CREATE TABLE mercato_idempotency_keys (
    user_id INTEGER NOT NULL,
    idem_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NULL,
    response TEXT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX ix_idempotency_created ON mercato_idempotency_keys (created_at);
