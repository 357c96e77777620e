-- Idempotency-Key records (API.md §1): the first response per caller and key, kept 24 h.
-- status is NULL while the first request is still running.
CREATE TABLE mercato_idempotency_keys (
    user_id BIGINT NOT NULL,
    idem_key VARCHAR(255) NOT NULL,
    fingerprint CHAR(64) NOT NULL,
    status INT NULL,
    response MEDIUMTEXT NULL,
    created_at CHAR(19) NOT NULL,
    PRIMARY KEY (user_id, idem_key),
    INDEX ix_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
