-- The event log of an order (GET /orders/{id}/events): one row per change, written in the same
-- transaction as the change. shipment_id is NULL for order-level events (created, cancelled);
-- from_status/to_status hold order or shipment statuses, or delivery statuses for delivery events.
CREATE TABLE order_events (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id BIGINT NOT NULL,
    shipment_id BIGINT NULL,
    type VARCHAR(40) NOT NULL,
    from_status VARCHAR(40) NULL,
    to_status VARCHAR(40) NULL,
    actor_type VARCHAR(10) NOT NULL,
    actor_id BIGINT NULL,
    created_at CHAR(19) NOT NULL,
    INDEX ix_order_events_order (order_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
