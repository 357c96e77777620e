-- A client that splits an order into shipments asks for one delivery per shipment, so the
-- idempotency key of POST /deliveries becomes (client, foreign order, foreign shipment). 0 means
-- "no shipment", not NULL: a unique key treats NULLs as distinct, so two requests without a
-- shipment would make two deliveries. Existing rows get 0 and keep their one-per-order rule.
-- One statement: MariaDB commits each DDL statement, so the column and the key change together.
ALTER TABLE deliveries
    ADD COLUMN foreign_shipment_id BIGINT NOT NULL DEFAULT 0 AFTER foreign_order_id,
    DROP INDEX uq_deliveries_client_order,
    ADD UNIQUE KEY uq_deliveries_client_order_shipment (client_id, foreign_order_id, foreign_shipment_id);
