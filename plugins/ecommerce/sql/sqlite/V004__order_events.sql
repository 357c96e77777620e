-- The event log of an order (GET /orders/{id}/events): one row per change, written in the same
-- transaction as the change. shipment_id is NULL for order-level events (created, cancelled);
-- from_status/to_status hold order or shipment statuses, or delivery statuses for delivery events.
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL,
    shipment_id INTEGER NULL,
    type TEXT NOT NULL,
    from_status TEXT NULL,
    to_status TEXT NULL,
    actor_type TEXT NOT NULL,
    actor_id INTEGER NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_order_events_order ON order_events (order_id, id);
