-- The outbox is the scheduler's durable job queue (sdk::Jobs): a message is a job of its topic.
-- state: ready (waiting for next_attempt_at) | running (claimed by claimed_by until lease_until)
-- | done | dead (retries exhausted or refused for good; last_error says why).
-- payload becomes TEXT: POCO's MySQL connector allocates a fetch buffer of the declared column
-- length per statement (MEDIUMTEXT: 64 MB per poll); Outbox::append refuses payloads over 65,535 bytes.
ALTER TABLE mercato_outbox
    MODIFY payload TEXT NOT NULL,
    ADD COLUMN state VARCHAR(16) NOT NULL DEFAULT 'ready',
    ADD COLUMN unique_key VARCHAR(255) NULL,
    ADD COLUMN claimed_by VARCHAR(100) NULL,
    ADD COLUMN lease_until CHAR(19) NULL,
    ADD COLUMN rescues INT NOT NULL DEFAULT 0,
    ADD COLUMN dead_at CHAR(19) NULL,
    ADD COLUMN requeued_at CHAR(19) NULL,
    DROP INDEX ix_outbox_due,
    ADD UNIQUE KEY uq_outbox_unique_key (unique_key),
    ADD INDEX ix_outbox_claim (state, next_attempt_at, id),
    ADD INDEX ix_outbox_order (topic, msg_key, state, id),
    ADD INDEX ix_outbox_lease (state, lease_until);
UPDATE mercato_outbox SET state = 'done' WHERE done_at IS NOT NULL;
