-- Users of this service (each service has its own). Timestamps are UTC 'YYYY-MM-DD HH:MM:SS'.
CREATE TABLE users (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(120) NOT NULL,
    username VARCHAR(254) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(64) NOT NULL,
    shipping_address VARCHAR(255) NULL,
    created_at CHAR(19) NOT NULL,
    updated_at CHAR(19) NOT NULL,
    CONSTRAINT uq_users_username UNIQUE (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
