-- A client that splits an order into shipments asks for one delivery per shipment, so the
-- idempotency key of POST /deliveries becomes (client, foreign order, foreign shipment). 0 means
-- "no shipment", not NULL: a unique index treats NULLs as distinct, so two requests without a
-- shipment would make two deliveries. Existing rows get 0 and keep their one-per-order rule.
-- V001 made the old key a UNIQUE INDEX (not a table constraint), so it can be dropped without
-- rebuilding the table; the migration runs in one transaction on SQLite.
ALTER TABLE deliveries ADD COLUMN foreign_shipment_id INTEGER NOT NULL DEFAULT 0;
DROP INDEX uq_deliveries_client_order;
CREATE UNIQUE INDEX uq_deliveries_client_order_shipment ON deliveries (client_id, foreign_order_id, foreign_shipment_id);
