-- Deliveries, their status changes (the tracking history and the event log in one table: every
-- status change is one row, numbered per delivery), status ticks, webhook subscriptions and the
-- attempts of sending to them. An event's id is derived (evt_<tracking number>_<sequence>), not stored. Timestamps are UTC 'YYYY-MM-DD HH:MM:SS'.
CREATE TABLE deliveries (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tracking_number CHAR(12) NOT NULL,
    client_id BIGINT NOT NULL,
    foreign_order_id BIGINT NOT NULL,
    products TEXT NOT NULL,
    origin_address VARCHAR(255) NOT NULL,
    destination_name VARCHAR(120) NOT NULL,
    destination_address VARCHAR(255) NOT NULL,
    status VARCHAR(32) NOT NULL,
    sequence INT NOT NULL,
    last_tick BIGINT NOT NULL DEFAULT 0,
    created_at CHAR(19) NOT NULL,
    updated_at CHAR(19) NOT NULL,
    UNIQUE KEY uq_deliveries_tracking (tracking_number),
    UNIQUE KEY uq_deliveries_client_order (client_id, foreign_order_id),
    INDEX ix_deliveries_status (status, id),
    INDEX ix_deliveries_client (client_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE delivery_events (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    delivery_id BIGINT NOT NULL,
    sequence INT NOT NULL,
    status VARCHAR(32) NOT NULL,
    previous_status VARCHAR(32) NULL,
    created_at CHAR(19) NOT NULL,
    UNIQUE KEY uq_delivery_events_sequence (delivery_id, sequence)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE delivery_ticks (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    started_at CHAR(19) NOT NULL,
    finished_at CHAR(19) NULL,
    moved BIGINT NOT NULL DEFAULT 0
) ENGINE=InnoDB;

CREATE TABLE webhook_subscriptions (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    client_id BIGINT NOT NULL,
    url VARCHAR(2048) NOT NULL,
    events VARCHAR(255) NOT NULL,
    description VARCHAR(1000) NOT NULL,
    secret VARCHAR(100) NOT NULL,
    created_at CHAR(19) NOT NULL,
    deleted_at CHAR(19) NULL,
    INDEX ix_webhook_subscriptions_client (client_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE webhook_attempts (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    subscription_id BIGINT NOT NULL,
    event_id VARCHAR(40) NOT NULL,
    attempt INT NOT NULL,
    status_code INT NULL,
    error VARCHAR(1000) NULL,
    created_at CHAR(19) NOT NULL,
    INDEX ix_webhook_attempts_subscription (subscription_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
