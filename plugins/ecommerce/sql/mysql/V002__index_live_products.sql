-- Counting the products of live stores (GET /products' meta.total) from an index alone: one range
-- (store_id, deleted_at IS NULL) per live store, without reading product rows. Ends in id so that a
-- store's live products are also walked in id order (?store_id= pages).
CREATE INDEX ix_products_live ON products (store_id, deleted_at, id);
