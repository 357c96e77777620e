-- Stores, products, orders and their lines. Timestamps are UTC 'YYYY-MM-DD HH:MM:SS'; soft-deleted
-- rows carry deleted_at. Stock can never go negative: the CHECK backs the conditional UPDATE.
CREATE TABLE stores (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    warehouse_address TEXT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT NULL
);

CREATE TABLE store_members (
    store_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (store_id, user_id)
);
CREATE INDEX ix_store_members_user ON store_members (user_id, store_id);

CREATE TABLE products (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    store_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    short_description TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity >= 0),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT NULL
);
CREATE INDEX ix_products_store ON products (store_id, id);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    buyer_name TEXT NOT NULL,
    status TEXT NOT NULL,
    delivery_address TEXT NOT NULL,
    tracking_number TEXT NULL,
    delivery_status TEXT NULL,
    delivery_sequence INTEGER NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ix_orders_user ON orders (user_id, id);
CREATE INDEX ix_orders_status ON orders (status, id);

CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    store_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity >= 1),
    created_at TEXT NOT NULL
);
CREATE INDEX ix_order_lines_order ON order_lines (order_id, id);
CREATE INDEX ix_order_lines_store ON order_lines (store_id, order_id);

-- Every delivery webhook processed, written in the same transaction as its effect (dedupe by id).
CREATE TABLE delivery_webhook_receipts (
    webhook_id TEXT NOT NULL PRIMARY KEY,
    event_type TEXT NOT NULL,
    order_id INTEGER NULL,
    outcome TEXT NOT NULL,
    received_at TEXT NOT NULL
);
