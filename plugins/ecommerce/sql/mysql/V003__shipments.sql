-- One shipment per store of an order's lines, each with its own status and delivery (API.md §2
-- "Shipments"). orders.status becomes the derived status (the least advanced of the live
-- shipments), kept in the same transaction as every shipment change; orders.version counts the
-- changes of an order, and every change is written only if the version is still the one read.
-- The delivery columns of orders stay for rows written before this migration and are no longer
-- read: a shipment carries its delivery.
ALTER TABLE orders ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE shipments (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    status VARCHAR(20) NOT NULL,
    tracking_number VARCHAR(64) NULL,
    delivery_status VARCHAR(40) NULL,
    delivery_sequence BIGINT NULL,
    created_at CHAR(19) NOT NULL,
    updated_at CHAR(19) NOT NULL,
    UNIQUE KEY uq_shipments_order_store (order_id, store_id),
    INDEX ix_shipments_store (store_id, order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Existing orders: one shipment per store of their lines, in the order's status. The order's
-- delivery, if any, belongs to the shipment of its first line's store (the one it shipped from).
INSERT INTO shipments (order_id, store_id, status, tracking_number, delivery_status, delivery_sequence, created_at, updated_at)
SELECT s.order_id, s.store_id, o.status,
       CASE WHEN s.first_line = f.first_line THEN o.tracking_number END,
       CASE WHEN s.first_line = f.first_line THEN o.delivery_status END,
       CASE WHEN s.first_line = f.first_line THEN o.delivery_sequence END,
       o.created_at, o.updated_at
FROM (SELECT order_id, store_id, MIN(id) AS first_line FROM order_lines GROUP BY order_id, store_id) s
JOIN (SELECT order_id, MIN(id) AS first_line FROM order_lines GROUP BY order_id) f ON f.order_id = s.order_id
JOIN orders o ON o.id = s.order_id
ORDER BY s.order_id, s.first_line;

ALTER TABLE delivery_webhook_receipts ADD COLUMN shipment_id BIGINT NULL;
