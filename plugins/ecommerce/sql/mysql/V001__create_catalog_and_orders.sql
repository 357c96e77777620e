-- Stores, products, orders and their lines. Timestamps are UTC 'YYYY-MM-DD HH:MM:SS'; soft-deleted
-- rows carry deleted_at. Stock can never go negative: the CHECK backs the conditional UPDATE.
CREATE TABLE stores (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(120) NOT NULL,
    description VARCHAR(1000) NOT NULL,
    warehouse_address VARCHAR(255) NULL,
    created_at CHAR(19) NOT NULL,
    updated_at CHAR(19) NOT NULL,
    deleted_at CHAR(19) NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE store_members (
    store_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (store_id, user_id),
    INDEX ix_store_members_user (user_id, store_id)
) ENGINE=InnoDB;

CREATE TABLE products (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    store_id BIGINT NOT NULL,
    name VARCHAR(120) NOT NULL,
    short_description VARCHAR(1000) NOT NULL,
    quantity BIGINT NOT NULL,
    created_at CHAR(19) NOT NULL,
    updated_at CHAR(19) NOT NULL,
    deleted_at CHAR(19) NULL,
    CONSTRAINT ck_products_quantity CHECK (quantity >= 0),
    INDEX ix_products_store (store_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE orders (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT NOT NULL,
    buyer_name VARCHAR(120) NOT NULL,
    status VARCHAR(20) NOT NULL,
    delivery_address VARCHAR(255) NOT NULL,
    tracking_number VARCHAR(64) NULL,
    delivery_status VARCHAR(40) NULL,
    delivery_sequence BIGINT NULL,
    created_at CHAR(19) NOT NULL,
    updated_at CHAR(19) NOT NULL,
    INDEX ix_orders_user (user_id, id),
    INDEX ix_orders_status (status, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE order_lines (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    order_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    store_id BIGINT NOT NULL,
    name VARCHAR(120) NOT NULL,
    quantity BIGINT NOT NULL,
    created_at CHAR(19) NOT NULL,
    CONSTRAINT ck_order_lines_quantity CHECK (quantity >= 1),
    INDEX ix_order_lines_order (order_id, id),
    INDEX ix_order_lines_store (store_id, order_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every delivery webhook processed, written in the same transaction as its effect (dedupe by id).
CREATE TABLE delivery_webhook_receipts (
    webhook_id VARCHAR(255) NOT NULL PRIMARY KEY,
    event_type VARCHAR(100) NOT NULL,
    order_id BIGINT NULL,
    outcome VARCHAR(40) NOT NULL,
    received_at CHAR(19) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
