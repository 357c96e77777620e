-- Each service has its own database; the `mercato` user (created by the image from MARIADB_USER)
-- gets both. Used by docker-compose.yml on the first start of the MariaDB volume.
CREATE DATABASE IF NOT EXISTS mercato_ecommerce CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS mercato_delivery CHARACTER SET utf8mb4;
GRANT ALL PRIVILEGES ON mercato_ecommerce.* TO 'mercato'@'%';
GRANT ALL PRIVILEGES ON mercato_delivery.* TO 'mercato'@'%';
