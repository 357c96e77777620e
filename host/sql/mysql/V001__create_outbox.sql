-- The transactional outbox (sdk::Outbox): messages written in the same transaction as the change
-- they announce, sent later by a relay. Timestamps are UTC 'YYYY-MM-DD HH:MM:SS'.
CREATE TABLE mercato_outbox (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    topic VARCHAR(100) NOT NULL,
    msg_key VARCHAR(255) NOT NULL,
    payload MEDIUMTEXT NOT NULL,
    attempts INT NOT NULL DEFAULT 0,
    next_attempt_at CHAR(19) NOT NULL,
    last_error VARCHAR(1000) NULL,
    created_at CHAR(19) NOT NULL,
    done_at CHAR(19) NULL,
    INDEX ix_outbox_due (topic, done_at, next_attempt_at, id),
    INDEX ix_outbox_key (topic, msg_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
