# MariaDB and Redis for tests and benchmarks: started by hand when they are not running (no init
# system is assumed), prepared idempotently. Source after common.sh.

# Starts MariaDB if it does not answer, then creates the `mercato` user and the databases.
mercato_start_mariadb() {
  if ! mariadb-admin ping >/dev/null 2>&1; then
    mercato_log "starting MariaDB"
    mercato_as_root mkdir -p /run/mysqld
    mercato_as_root chown mysql:mysql /run/mysqld
    if [ ! -d /var/lib/mysql/mysql ]; then
      mercato_as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
    fi
    mercato_as_root setsid nohup mariadbd --user=mysql >/tmp/mercato-mariadb.log 2>&1 < /dev/null &
    local i
    for i in $(seq 1 60); do
      mariadb-admin ping >/dev/null 2>&1 && break
      sleep 1
    done
    mariadb-admin ping >/dev/null 2>&1 || { cat /tmp/mercato-mariadb.log >&2; return 1; }
  fi
  mercato_as_root mariadb <<'SQL'
CREATE DATABASE IF NOT EXISTS mercato_test CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS mercato_ecommerce CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS mercato_delivery CHARACTER SET utf8mb4;
CREATE DATABASE IF NOT EXISTS mercato_bench CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS 'mercato'@'localhost' IDENTIFIED BY 'mercato';
CREATE USER IF NOT EXISTS 'mercato'@'127.0.0.1' IDENTIFIED BY 'mercato';
GRANT ALL PRIVILEGES ON `mercato\_%`.* TO 'mercato'@'localhost';
GRANT ALL PRIVILEGES ON `mercato\_%`.* TO 'mercato'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
}

# Starts Redis on 127.0.0.1:6379 if it does not answer.
mercato_start_redis() {
  if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; then return 0; fi
  mercato_log "starting Redis"
  mercato_as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no >/dev/null
  local i
  for i in $(seq 1 30); do
    [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ] && return 0
    sleep 1
  done
  echo "Redis did not start" >&2
  return 1
}

# What the tests read (kept when already set, so other servers can be used).
mercato_export_test_env() {
  export MERCATO_TEST_MYSQL_HOST="${MERCATO_TEST_MYSQL_HOST:-127.0.0.1}"
  export MERCATO_TEST_MYSQL_PORT="${MERCATO_TEST_MYSQL_PORT:-3306}"
  export MERCATO_TEST_MYSQL_USER="${MERCATO_TEST_MYSQL_USER:-mercato}"
  export MERCATO_TEST_MYSQL_PASSWORD="${MERCATO_TEST_MYSQL_PASSWORD:-mercato}"
  export MERCATO_TEST_REDIS_HOST="${MERCATO_TEST_REDIS_HOST:-127.0.0.1}"
  export MERCATO_TEST_REDIS_PORT="${MERCATO_TEST_REDIS_PORT:-6379}"
}
