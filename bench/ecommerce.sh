#!/usr/bin/env bash
# Ecommerce benchmark (issue 4): the ecommerce plugin on MariaDB with durable commits against the
# bare POCO ceiling server, measured in the same run:
#   (a) GET /products?limit=20 and GET /products/{id} with buyers' JWTs at 16 and 64 connections;
#   (b) the buy path, one POST /orders with 2 lines from 2 stores, at 1, 16 and 64 buyers;
#   (c) a flash sale: one product, stock 10,000, 256 buyers until sold out (units sold must be
#       exactly 10,000: counted by the load tool, the product's stock and the order lines);
# plus keep-alive fairness on /products/{id} and the host's RSS after the run.
# Usage: bench/ecommerce.sh   (BENCH_DURATION=8s, BENCH_PRODUCTS_PER_STORE=500, BENCH_BUYERS=256,
#                              BENCH_FLASH_STOCK=10000)
# Writes var/bench/report-*.md and prints it. A benchmark reports; missed goals do not fail it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
source "$MERCATO_ROOT/scripts/lib/services.sh"
source "$MERCATO_ROOT/bench/lib/bench.sh"

PRODUCTS_PER_STORE="${BENCH_PRODUCTS_PER_STORE:-500}"
BUYERS="${BENCH_BUYERS:-256}"
FLASH_STOCK="${BENCH_FLASH_STOCK:-10000}"
HOST_URL=http://127.0.0.1:9000

bench_setup
cd "$MERCATO_ROOT"
seed="$BENCH_VAR/ecommerce-seed"
rm -rf "$seed"
mkdir -p "$seed"

# curl_batch PARALLEL CONFIG: runs a curl config of many requests (keep-alive, PARALLEL at a time);
# a config's requests are separated by "next" lines.
curl_batch() { curl -sS --no-progress-meter --fail-with-body -Z --parallel-max "$1" -K "$2"; }

# 0. A clean schema for both servers.
mercato_as_root mariadb -e "DROP DATABASE IF EXISTS mercato_bench; CREATE DATABASE mercato_bench CHARACTER SET utf8mb4"

# 1. The ceiling, alone on the machine.
# Two ceilings: POCO's (Poco::Data, a statement prepared per request) and the wire's (the MariaDB C
# API, statements prepared once per connection), interleaved so that both see the same machine.
bench_start_ceiling 9100
CEILING=http://127.0.0.1:9100
for c in 16 64; do
  bench_wrk "ceiling GET /tiny" $c $CEILING -s bench/lua/tiny.lua
  bench_wrk "ceiling GET /pk" $c $CEILING -s bench/lua/pk.lua
  bench_wrk "raw ceiling GET /pk" $c $CEILING -s bench/lua/raw-pk.lua
done
for c in 1 16 64; do
  bench_wrk "ceiling POST /txn" $c $CEILING -s bench/lua/txn.lua
  bench_wrk "raw ceiling POST /txn" $c $CEILING -s bench/lua/raw-txn.lua
done
for c in 16 64; do
  bench_wrk "ceiling POST /txn one row" $c $CEILING -s bench/lua/txn-hot.lua
  bench_wrk "raw ceiling POST /txn one row" $c $CEILING -s bench/lua/raw-txn-hot.lua
done
bench_rss "ceiling" "$CEILING_PID"
bench_stop_all

# 2. The host with accounts + ecommerce on MariaDB, production settings (access log on, no Redis).
config="$BENCH_VAR/ecommerce.properties"
host_log="$BENCH_VAR/ecommerce-host-log.txt"
: > "$host_log"
cat > "$config" <<PROPS
service.name = bench-ecommerce
http.host = 127.0.0.1
http.port = 9000
auth.jwtSecret = bench-secret-bench-secret-bench-secret-0123
auth.issuer = mercato-bench
db.type = mysql
db.host = 127.0.0.1
db.name = mercato_bench
db.user = mercato
db.password = mercato
plugins.load = accounts, ecommerce
log.file = $host_log
accounts.roles = MARKETPLACE_ADMIN, SELLER, MARKETPLACE_USER, DELIVERY_SERVICE
accounts.adminRole = MARKETPLACE_ADMIN
accounts.signupRole = MARKETPLACE_USER
accounts.shippingAddress = true
accounts.mockUsers = admin@bench.example.com:MARKETPLACE_ADMIN:Bench Admin, seller@bench.example.com:SELLER:Bench Seller
PROPS
build-bench/bin/mercato --config "$config" users mock-users > "$seed/mock-users.tsv"
admin="$(awk -F'\t' '$1 == "admin@bench.example.com" {print $2}' "$seed/mock-users.tsv")"
seller="$(awk -F'\t' '$1 == "seller@bench.example.com" {print $2}' "$seed/mock-users.tsv")"
bench_start_host "$config" 9000

# Seed through the HTTP API: two stores of the seller with warehouses, their products (stock
# 1,000,000 each, enough for every buy of the run), a flash-sale product, and the buyers.
mercato_log "seeding: 2 stores × $PRODUCTS_PER_STORE products, $BUYERS buyers"
seller_id="$(api GET /me "$seller" | first_id)"
for s in A B; do
  id="$(api POST /stores "$admin" "{\"name\":\"Bench store $s\",\"description\":\"benchmark store $s\",\"warehouse_address\":\"$s Warehouse Road 1, Springfield\",\"users_ids\":[$seller_id]}" | first_id)"
  declare "store_$s=$id"
  : > "$seed/products-$s.curl"
  for i in $(seq 1 "$PRODUCTS_PER_STORE"); do
    [ "$i" -gt 1 ] && echo next >> "$seed/products-$s.curl"
    cat >> "$seed/products-$s.curl" <<CURL
url = "$HOST_URL/products"
header = "Authorization: Bearer $seller"
header = "Content-Type: application/json"
data-raw = "{\"name\":\"Product $s$i\",\"short_description\":\"benchmark product $i of store $s\",\"quantity\":1000000,\"store_id\":$id}"
output = "$seed/product-$s-$i.json"
CURL
  done
  curl_batch 2 "$seed/products-$s.curl"
  for i in $(seq 1 "$PRODUCTS_PER_STORE"); do first_id < "$seed/product-$s-$i.json"; done > "$seed/ids-$s.txt"
done
cat "$seed/ids-A.txt" "$seed/ids-B.txt" > "$seed/ids-all.txt"
flash_id="$(api POST /products "$seller" "{\"name\":\"Flash sale product\",\"short_description\":\"$FLASH_STOCK units, $BUYERS buyers\",\"quantity\":$FLASH_STOCK,\"store_id\":$store_A}" | first_id)"

: > "$seed/signup.curl"
for i in $(seq 1 "$BUYERS"); do
  [ "$i" -gt 1 ] && echo next >> "$seed/signup.curl"
  cat >> "$seed/signup.curl" <<CURL
url = "$HOST_URL/signup"
header = "Content-Type: application/json"
data-raw = "{\"name\":\"Buyer $i\",\"username\":\"buyer$i@bench.example.com\",\"password\":\"buyer password $i\",\"shipping_address\":\"$i Buyer Street, Springfield\"}"
output = "$seed/buyer-$i.json"
CURL
done
curl_batch 4 "$seed/signup.curl"
for i in $(seq 1 "$BUYERS"); do grep -o '"data":"[^"]*"' "$seed/buyer-$i.json" | cut -d'"' -f4; done > "$seed/buyers.txt"
products_total="$(sql 'SELECT COUNT(*) FROM products')"
buyers_total="$(grep -c . "$seed/buyers.txt")"
if [ "$(grep -c . "$seed/ids-all.txt")" -ne $((2 * PRODUCTS_PER_STORE)) ] || [ "$buyers_total" -ne "$BUYERS" ]; then
  echo "seeding failed: $(grep -c . "$seed/ids-all.txt") products, $buyers_total buyers" >&2
  exit 1
fi
bench_note "catalog: 2 stores, $products_total products (stock 1,000,000 each; one of them the flash-sale product, stock $FLASH_STOCK); $buyers_total buyers; every request of (a) and (b) carries the next buyer's JWT"
export BENCH_TOKENS="$seed/buyers.txt" BENCH_PRODUCT_IDS="$seed/ids-all.txt"
export BENCH_STORE_A_IDS="$seed/ids-A.txt" BENCH_STORE_B_IDS="$seed/ids-B.txt"

# (a) catalog reads, each request as the next of the buyers; /health as the host's floor.
for c in 16 64; do
  bench_wrk "host GET /health" $c "$HOST_URL" -s bench/lua/health.lua
  bench_wrk "host GET /products/{id}" $c "$HOST_URL" -s bench/lua/product.lua
  bench_wrk "host GET /products?limit=20" $c "$HOST_URL" -s bench/lua/products.lua
done
bench_profile "host GET /products/{id}" 16 "$HOST_URL" -s bench/lua/product.lua
bench_profile "host GET /products?limit=20" 64 "$HOST_URL" -s bench/lua/products.lua
bench_fairness 127.0.0.1 9000 "/products/$(head -1 "$seed/ids-all.txt")" 64 5 "Bearer $(head -1 "$seed/buyers.txt")"

# (b) the buy path: one order, two lines from two stores, one transaction.
orders_before="$(sql 'SELECT COUNT(*) FROM orders')"
lines_before="$(sql 'SELECT COUNT(*) FROM order_lines')"
bench_wrk "host POST /orders (2 lines)" 1 "$HOST_URL" -s bench/lua/buy.lua
bench_wrk "host POST /orders (2 lines)" 16 "$HOST_URL" -s bench/lua/buy.lua
bench_wrk "host POST /orders (2 lines)" 64 "$HOST_URL" -s bench/lua/buy.lua
bench_profile "host POST /orders (2 lines)" 16 "$HOST_URL" -s bench/lua/buy.lua
# The path existing clients use: a purchase is POST /orders (1 line) + POST /order/{id}/products.
for c in 16 64; do
  bench_wrk "host POST /orders + POST /order/{id}/products" $c "$HOST_URL" -s bench/lua/buy-then-add.lua
  BENCH_RPS["host purchases of 2 requests@$c"]=$((${BENCH_RPS["host POST /orders + POST /order/{id}/products@$c"]} / 2))
done
orders_bought="$(sql 'SELECT COUNT(*) FROM orders')"
lines_bought="$(sql 'SELECT COUNT(*) FROM order_lines')"

# (c) the flash sale: every buyer on its own connection POSTs one unit until 409 (sold out).
mercato_log "flash sale: product $flash_id, stock $FLASH_STOCK, $buyers_total buyers"
db_pid="$(pidof mariadbd | awk '{print $1}')"
host_ticks="$(bench_cpu_ticks "$HOST_PID")" db_ticks="$(bench_cpu_ticks "$db_pid")"
sale="$("$BENCH_BUILD/bin/mercato-flashsale" 127.0.0.1 9000 /orders \
  "{\"products\":[{\"product_id\":$flash_id,\"quantity\":1}]}" "$seed/buyers.txt" 120)"
sale_cpu="$(awk -v s="$(($(bench_cpu_ticks "$HOST_PID") - host_ticks))" -v m="$(($(bench_cpu_ticks "$db_pid") - db_ticks))" \
  -v hz="$(getconf CLK_TCK)" -v n="$FLASH_STOCK" 'BEGIN {printf "server %.0f, MariaDB %.0f", s * 1e6 / hz / n, m * 1e6 / hz / n}')"
echo "$sale" >&2
f() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $sale"; }
stock_after="$(api GET "/products/$flash_id" "$(head -1 "$seed/buyers.txt")" | sed -n 's/.*"quantity":\([0-9]*\).*/\1/p')"
lines_sold="$(sql "SELECT COALESCE(SUM(quantity), 0) FROM order_lines WHERE product_id = $flash_id")"
empty_orders="$(sql 'SELECT COUNT(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id)')"
bench_rss "host after the run" "$HOST_PID"
bench_rss_peak "host" "$HOST_PID"
bench_stop_all

# (d) the database pool: db.pool.max = N under the default 64 request threads, at 64 keep-alive
# connections. A request finding every connection taken waits for one (db.pool.waitMillis), so N
# is how many statements MariaDB runs at once for this host.
for n in ${BENCH_POOL_SWEEP:-8 16 24 32 64}; do
  grep -v '^db.pool' "$config" > "$config.pool"
  printf 'db.pool.max = %s\n' "$n" >> "$config.pool"
  bench_start_host "$config.pool" 9000
  bench_wrk "pool $n: host GET /products/{id}" 64 "$HOST_URL" -s bench/lua/product.lua
  bench_wrk "pool $n: host GET /products?limit=20" 64 "$HOST_URL" -s bench/lua/products.lua
  bench_wrk "pool $n: host POST /orders (2 lines)" 64 "$HOST_URL" -s bench/lua/buy.lua
  bench_stop_all
done
host_errors="$(grep -c '^[0-9-]* [0-9:.]* [EFC] ' "$host_log" || true)"

# The report: what was bought, the flash sale, ratios and goals.
bench_note "buy path: $((orders_bought - orders_before)) orders with $((lines_bought - lines_before)) lines written, each order = 1 POST /orders with 2 lines from 2 stores"
bench_note "flash sale, $(f buyers) buyers (one keep-alive connection each, POST /orders of 1 unit until 409): sold out after $(f sold_out_s) s = $(f units_per_s) units/s; p50 $(f p50_ms) ms, p99 $(f p99_ms) ms, max $(f max_ms) ms (every answer; of the 201s: p50 $(f p50_sold_ms), p99 $(f p99_sold_ms) ms); $(f buyers_with_units) buyers bought, $(f buyers_answered_before_sellout) had an answer before the sell-out (the host serves http.maxThreads = 64 connections at once, the others wait in its queue); $(f errors) errors; CPU µs per unit sold: $sale_cpu"
exact="MISSED"
[ "$(f sold)" = "$FLASH_STOCK" ] && [ "$lines_sold" = "$FLASH_STOCK" ] && [ "$stock_after" = 0 ] && exact="met"
bench_note "flash sale units sold: $(f sold) answered 201, $lines_sold in order_lines, stock afterwards $stock_after, $empty_orders orders without lines (goal: exactly $FLASH_STOCK, stock 0) $exact"
bench_note "host log: $host_errors lines at level error or worse ($host_log)"
# Goals of issue 12, against POCO's ceiling; the same against the wire's (no goal) beside them.
ratios() { # NAME KEY POCO_CEILING_KEY GOAL
  bench_ratio "$1 ÷ ceiling ${3#ceiling }" "$2" "$3" "$4"
  bench_ratio "$1 ÷ raw ceiling ${3#ceiling }" "$2" "raw $3" 0
}
ratios "GET /health" "host GET /health" "ceiling GET /tiny" 0.90
ratios "GET /products/{id}" "host GET /products/{id}" "ceiling GET /pk" 0.80
ratios "GET /products?limit=20" "host GET /products?limit=20" "ceiling GET /pk" 0.50
ratios "POST /orders (2 lines, 2 stores)" "host POST /orders (2 lines)" "ceiling POST /txn" 0.60
ratios "purchases by POST /orders + POST /order/{id}/products" "host purchases of 2 requests" "ceiling POST /txn" 0.50
for c in 16 64; do
  goal "GET /products?limit=20 c$c p99 (2 × the ceiling /pk's ${BENCH_P99[ceiling GET /pk@$c]} ms)" \
    "${BENCH_P99[host GET /products?limit=20@$c]}" "<" "$(awk -v p="${BENCH_P99[ceiling GET /pk@$c]}" 'BEGIN {print 2 * p}')" ms
done
goal "flash sale rate" "$(f units_per_s)" "≥" 3000 units/s
bench_note "$(awk -v a="$(f units_per_s)" -v b="${BENCH_RPS[ceiling POST /txn one row@64]}" -v r="${BENCH_RPS[raw ceiling POST /txn one row@64]}" \
  'BEGIN {printf "flash sale ÷ ceiling POST /txn one row c64 = %.2f (goal ≥ 0.80) %s; ÷ raw ceiling one row c64 = %.2f", (b > 0 ? a / b : 0), (b > 0 && a / b >= 0.8 ? "met" : "MISSED"), (r > 0 ? a / r : 0)}')"
cpu_per() { awk -F'|' -v k="$1" -v c="$2" '$2 == " " k " " && $3 + 0 == c {gsub(/ /, "", $7); print $7}' "$BENCH_REPORT"; }
for c in 16 64; do
  bench_note "$(awk -v h="$(cpu_per "host GET /products/{id}" $c)" -v p="$(cpu_per "ceiling GET /pk" $c)" -v c=$c \
    'BEGIN {r = (p > 0 ? h / p : 0); printf "server CPU per GET /products/{id} c%s: %d µs vs the ceiling /pk %d µs = %.2f× (goal ≤ 1.40×) %s", c, h, p, r, (r > 0 && r <= 1.4 ? "met" : "MISSED")}')"
done
goal "host peak RSS" "$(awk '/^- peak RSS host:/ {print $(NF-1)}' "$BENCH_NOTES")" "<" 40 MB
bench_finish
