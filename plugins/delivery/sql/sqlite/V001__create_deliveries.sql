-- Deliveries, their status changes (the tracking history and the event log in one table: every
-- status change is one row, numbered per delivery), status ticks, webhook subscriptions and the
-- attempts of sending to them. An event's id is derived (evt_<tracking number>_<sequence>), not stored. Timestamps are UTC 'YYYY-MM-DD HH:MM:SS'.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tracking_number TEXT NOT NULL,
    client_id INTEGER NOT NULL,
    foreign_order_id INTEGER NOT NULL,
    products TEXT NOT NULL,
    origin_address TEXT NOT NULL,
    destination_name TEXT NOT NULL,
    destination_address TEXT NOT NULL,
    status TEXT NOT NULL,
    sequence INTEGER NOT NULL,
    last_tick INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_deliveries_tracking ON deliveries (tracking_number);
CREATE UNIQUE INDEX uq_deliveries_client_order ON deliveries (client_id, foreign_order_id);
CREATE INDEX ix_deliveries_status ON deliveries (status, id);
CREATE INDEX ix_deliveries_client ON deliveries (client_id, id);

CREATE TABLE delivery_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id INTEGER NOT NULL,
    sequence INTEGER NOT NULL,
    status TEXT NOT NULL,
    previous_status TEXT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX uq_delivery_events_sequence ON delivery_events (delivery_id, sequence);

CREATE TABLE delivery_ticks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT NULL,
    moved INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE webhook_subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id INTEGER NOT NULL,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    description TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_at TEXT NOT NULL,
    deleted_at TEXT NULL
);
CREATE INDEX ix_webhook_subscriptions_client ON webhook_subscriptions (client_id, id);

CREATE TABLE webhook_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status_code INTEGER NULL,
    error TEXT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_webhook_attempts_subscription ON webhook_attempts (subscription_id, id);
