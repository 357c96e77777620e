-- The outbox is the scheduler's durable job queue (sdk::Jobs): a message is a job of its topic.
-- state: ready (waiting for next_attempt_at) | running (claimed by claimed_by until lease_until)
-- | done | dead (retries exhausted or refused for good; last_error says why).
ALTER TABLE mercato_outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'ready';
ALTER TABLE mercato_outbox ADD COLUMN unique_key TEXT NULL;
ALTER TABLE mercato_outbox ADD COLUMN claimed_by TEXT NULL;
ALTER TABLE mercato_outbox ADD COLUMN lease_until TEXT NULL;
ALTER TABLE mercato_outbox ADD COLUMN rescues INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mercato_outbox ADD COLUMN dead_at TEXT NULL;
ALTER TABLE mercato_outbox ADD COLUMN requeued_at TEXT NULL;
DROP INDEX ix_outbox_due;
CREATE UNIQUE INDEX uq_outbox_unique_key ON mercato_outbox (unique_key);
CREATE INDEX ix_outbox_claim ON mercato_outbox (state, next_attempt_at, id);
CREATE INDEX ix_outbox_order ON mercato_outbox (topic, msg_key, state, id);
CREATE INDEX ix_outbox_lease ON mercato_outbox (state, lease_until);
UPDATE mercato_outbox SET state = 'done' WHERE done_at IS NOT NULL;
