#!/usr/bin/env bash
# Scheduler benchmark: the background work of the scheduler plugin — webhooks sent from the outbox,
# the periodic status tick, the ecommerce → delivery relay — on MariaDB with durable commits. A
# delivery host (accounts, delivery, scheduler) on a clean mercato_bench, measured from outside by
# bench/webhooks/WebhookBench.cpp (mercato-webhook-bench: a webhook receiver subscribed as the
# bench's DELIVERY_CLIENT, creating deliveries through POST /deliveries):
#   (1) latency: BENCH_LATENCY_DELIVERIES (2000) at BENCH_LATENCY_RATE (100/s), healthy receiver,
#       the scheduler otherwise idle (no periodic tick in the phase: the goal's condition):
#       notify latency p50/p99/max (201 of POST /deliveries → first 200 of its sequence-1 webhook);
#   (2) throughput: BENCH_THROUGHPUT_DELIVERIES (20000) created as fast as 32 connections go, until
#       every sequence-1 event arrived: creates/s, events/s;
#   (3) outage: the receiver answers 503 for BENCH_OUTAGE_SECONDS (60; the production case is 600)
#       while deliveries are created at BENCH_OUTAGE_RATE (20/s) and the periodic tick moves them;
#       then 200: backlog, time to drain it, duplicates, out-of-order acknowledgements;
#   (4) relay: an ecommerce host (accounts, ecommerce, scheduler) on its own database
#       mercato_bench_shop, wired to the delivery host (its own DELIVERY_CLIENT, subscribed back
#       for status webhooks); BENCH_DISPATCH_ORDERS (300) orders dispatched at 20/s, each polled
#       until delivery.tracking_number appears: p50/p99;
#   (5) the tick while sending: BENCH_TICK_SIZE (100000) active deliveries seeded with SQL (as
#       bench/delivery.sh), one subscription to the receiver, one POST /admin/tick timed while the
#       scheduler sends what it writes (the delivery host restarted with a daily periodic tick, so
#       that only this tick moves them);
# plus the peak RSS (VmHWM) of both hosts. Between phases every delivery is made final with SQL and
# the outbox is left to drain, so each phase starts with nothing active and nothing queued.
# Usage: bench/scheduler.sh   (BENCH_TICK_INTERVAL=30 = delivery.tick.interval of (2)-(4))
# Writes var/bench/scheduler-*.md and prints it. A benchmark reports; missed goals do not fail it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
source "$MERCATO_ROOT/scripts/lib/services.sh"
source "$MERCATO_ROOT/bench/lib/bench.sh"

LATENCY_DELIVERIES="${BENCH_LATENCY_DELIVERIES:-2000}"
LATENCY_RATE="${BENCH_LATENCY_RATE:-100}"
THROUGHPUT_DELIVERIES="${BENCH_THROUGHPUT_DELIVERIES:-20000}"
OUTAGE_SECONDS="${BENCH_OUTAGE_SECONDS:-60}"
OUTAGE_RATE="${BENCH_OUTAGE_RATE:-20}"
DISPATCH_ORDERS="${BENCH_DISPATCH_ORDERS:-300}"
TICK_SIZE="${BENCH_TICK_SIZE:-100000}"
TICK_INTERVAL="${BENCH_TICK_INTERVAL:-30}"
# How long (5) keeps receiving after the tick returned (the rest of its sends are then dropped:
# the subscription is deleted).
TICK_SEND_SECONDS="${BENCH_TICK_SEND_SECONDS:-60}"
HOST_URL=http://127.0.0.1:9000
SHOP_URL=http://127.0.0.1:9001
SHOP_DB=mercato_bench_shop
# Deliveries seeded with SQL for (5): foreign_order_id SEEDED + 1 … SEEDED + N (the bench tool's
# own are Unix milliseconds × 1000, far above).
SEEDED=1000000000000

bench_setup
# This benchmark's report is scheduler-<time>.md and has no wrk table: bench_setup's is replaced.
rm -f "$BENCH_REPORT" "$BENCH_NOTES"
BENCH_REPORT="$BENCH_VAR/scheduler-$(date +%Y%m%d-%H%M%S).md"
BENCH_NOTES="$BENCH_REPORT.notes"
: > "$BENCH_NOTES"
{
  echo "# $(basename "$0") on $(hostname), $(nproc) cores, $(date -u +%FT%TZ)"
  echo "innodb_flush_log_at_trx_commit = $(mariadb -N -B -e 'SELECT @@innodb_flush_log_at_trx_commit' 2>/dev/null || echo '?')"
  echo "delivery host: accounts, delivery, scheduler (defaults: 8 workers, 4 sends per subscription at once, retries 5,30,120,600,3600 s), delivery.tick.interval = $TICK_INTERVAL s in (2)-(4), none in (1); everything on this machine"
  echo
  echo "| phase | figures (mercato-webhook-bench) |"
  echo "|---|---|"
} > "$BENCH_REPORT"
cd "$MERCATO_ROOT"
seed="$BENCH_VAR/scheduler-seed"
rm -rf "$seed"
mkdir -p "$seed"
tool="$BENCH_BUILD/bin/mercato-webhook-bench"
load_average() { awk '{print $1 " / " $2 " / " $3}' /proc/loadavg; }
load_start="$(load_average)"

# 0. Clean schemas: the delivery host's and the ecommerce host's.
mercato_as_root mariadb -e "DROP DATABASE IF EXISTS mercato_bench; CREATE DATABASE mercato_bench CHARACTER SET utf8mb4;
                            DROP DATABASE IF EXISTS $SHOP_DB; CREATE DATABASE $SHOP_DB CHARACTER SET utf8mb4"

# delivery_config FILE INTERVAL LOG: the delivery host's configuration.
delivery_config() {
  cat > "$1" <<PROPS
service.name = bench-delivery
http.host = 127.0.0.1
http.port = 9000
auth.jwtSecret = bench-secret-bench-secret-bench-secret-0123
auth.issuer = mercato-bench
db.type = mysql
db.host = 127.0.0.1
db.name = mercato_bench
db.user = mercato
db.password = mercato
plugins.load = accounts, delivery, scheduler
log.file = $3
accounts.roles = DELIVERY_ADMIN, DELIVERY_CLIENT
accounts.adminRole = DELIVERY_ADMIN
accounts.shippingAddress = false
accounts.mockUsers = admin@bench.example.com:DELIVERY_ADMIN:Bench Admin, client@bench.example.com:DELIVERY_CLIENT:Bench Client, shop@bench.example.com:DELIVERY_CLIENT:Bench Shop
delivery.tick.seed = 1
delivery.tick.interval = $2
delivery.webhooks.allowPrivateNetworks = true
PROPS
}

# 1. The delivery host.
config="$BENCH_VAR/scheduler-delivery.properties"
host_log="$BENCH_VAR/scheduler-delivery-host-log.txt"
: > "$host_log"
delivery_config "$config" 86400 "$host_log" # (1) runs with the scheduler otherwise idle
build-bench/bin/mercato --config "$config" users mock-users > "$seed/mock-users.tsv"
token() { awk -F'\t' -v u="$1" '$1 == u {print $2}' "$seed/mock-users.tsv"; }
token admin@bench.example.com > "$seed/admin.txt"
token client@bench.example.com > "$seed/client.txt"
[ -s "$seed/admin.txt" ] && [ -s "$seed/client.txt" ] || { echo "no mock-user tokens in $seed/mock-users.tsv" >&2; exit 1; }
bench_start_host "$config" 9000
DELIVERY_PID="$HOST_PID"
client_id="$(api GET /me "$(cat "$seed/client.txt")" | first_id)"

# quiesce: every delivery final (so the periodic tick moves nothing of an earlier phase), then up
# to 120 s for the outbox to have nothing ready, retrying or running.
quiesce() {
  local i left
  sql "UPDATE deliveries SET status = 'DELIVERED' WHERE status NOT IN ('DELIVERED', 'CANCELLED')"
  for i in $(seq 1 240); do
    left="$(sql "SELECT COUNT(*) FROM mercato_outbox WHERE state NOT IN ('done', 'dead')")"
    [ "$left" = 0 ] && return 0
    sleep 0.5
  done
  bench_note "warning: $left outbox messages still pending after 120 s when the next phase started"
}
# f LINE KEY: the value of KEY=… in a key=value line.
f() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }
# run_tool PHASE ARGS...: runs the bench tool, keeps its line as a table row; the line in $LINE.
run_tool() {
  local phase="$1"
  shift
  mercato_log "$phase"
  LINE="$("$tool" "$@")"
  echo "$LINE" >&2
  echo "| $phase | \`$LINE\` |" >> "$BENCH_REPORT"
}
# last_tick: the newest delivery_ticks row; ticks_since ID: "N tick(s) moving M" of the rows after it.
last_tick() { sql 'SELECT COALESCE(MAX(id), 0) FROM delivery_ticks'; }
ticks_since() { sql "SELECT CONCAT(COUNT(*), ' tick(s) moving ', COALESCE(SUM(moved), 0)) FROM delivery_ticks WHERE id > $1"; }
cpu_seconds() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}'; }
db_pid="$(pidof mariadbd | awk '{print $1}')"
common=(--host=127.0.0.1 --port=9000 --client-token-file="$seed/client.txt")

# (1) notify latency, healthy receiver.
quiesce
t0="$(last_tick)"
run_tool "(1) latency" latency "${common[@]}" --deliveries="$LATENCY_DELIVERIES" --rate="$LATENCY_RATE" --connections=8
latency="$LINE"
latency_ticks="$(ticks_since "$t0")"
# (2)-(4) with the periodic tick every TICK_INTERVAL s: the same host and database, restarted.
kill -TERM "$DELIVERY_PID"
wait "$DELIVERY_PID" 2>/dev/null || true
delivery_config "$config" "$TICK_INTERVAL" "$host_log"
bench_start_host "$config" 9000
DELIVERY_PID="$HOST_PID"

# (2) throughput.
quiesce
h0="$(bench_cpu_ticks "$DELIVERY_PID")" m0="$(bench_cpu_ticks "$db_pid")" t0="$(last_tick)"
run_tool "(2) throughput" throughput "${common[@]}" --deliveries="$THROUGHPUT_DELIVERIES" --connections=32 --timeout=600
throughput="$LINE"
throughput_ticks="$(ticks_since "$t0")"
throughput_cpu="host $(cpu_seconds $(($(bench_cpu_ticks "$DELIVERY_PID") - h0))) s, MariaDB $(cpu_seconds $(($(bench_cpu_ticks "$db_pid") - m0))) s"

# (3) outage.
quiesce
t0="$(last_tick)"
run_tool "(3) outage ${OUTAGE_SECONDS} s" outage "${common[@]}" --down="$OUTAGE_SECONDS" --rate="$OUTAGE_RATE" --connections=4 --timeout=1800
outage="$LINE"
outage_ticks="$(ticks_since "$t0")"

# (4) the relay: an ecommerce host wired to this delivery host.
quiesce
shop_config="$BENCH_VAR/scheduler-shop.properties"
shop_log="$BENCH_VAR/scheduler-shop-host-log.txt"
: > "$shop_log"
webhook_secret="whsec_$(head -c 32 /dev/urandom | base64)"
cat > "$shop_config" <<PROPS
service.name = bench-shop
http.host = 127.0.0.1
http.port = 9001
auth.jwtSecret = bench-shop-secret-bench-shop-secret-0123456
auth.issuer = mercato-bench-shop
db.type = mysql
db.host = 127.0.0.1
db.name = $SHOP_DB
db.user = mercato
db.password = mercato
plugins.load = accounts, ecommerce, scheduler
log.file = $shop_log
accounts.roles = MARKETPLACE_ADMIN, SELLER, MARKETPLACE_USER, DELIVERY_SERVICE
accounts.adminRole = MARKETPLACE_ADMIN
accounts.signupRole = MARKETPLACE_USER
accounts.shippingAddress = true
accounts.mockUsers = admin@bench.example.com:MARKETPLACE_ADMIN:Bench Admin, seller@bench.example.com:SELLER:Bench Seller
ecommerce.delivery.webhookSecret = $webhook_secret
ecommerce.delivery.url = $HOST_URL
ecommerce.delivery.username = shop@bench.example.com
ecommerce.delivery.password = password
ecommerce.delivery.receiverUrl = $SHOP_URL/webhooks/delivery
PROPS
build-bench/bin/mercato --config "$shop_config" users mock-users > "$seed/shop-users.tsv"
shop_admin="$(awk -F'\t' '$1 == "admin@bench.example.com" {print $2}' "$seed/shop-users.tsv")"
awk -F'\t' '$1 == "seller@bench.example.com" {print $2}' "$seed/shop-users.tsv" > "$seed/seller.txt"
"$BENCH_BUILD/bin/mercato" --config "$shop_config" >"$BENCH_VAR/shop-host.log" 2>&1 &
BENCH_PIDS+=($!)
SHOP_PID=$!
bench_wait_http "$SHOP_URL/health"
seller_id="$(HOST_URL=$SHOP_URL api GET /me "$(cat "$seed/seller.txt")" | first_id)"
store_id="$(HOST_URL=$SHOP_URL api POST /stores "$shop_admin" "{\"name\":\"Bench store\",\"description\":\"relay benchmark\",\"warehouse_address\":\"1 Warehouse Road, Springfield\",\"users_ids\":[$seller_id]}" | first_id)"
product_id="$(HOST_URL=$SHOP_URL api POST /products "$(cat "$seed/seller.txt")" "{\"name\":\"Relay product\",\"short_description\":\"relay benchmark\",\"quantity\":1000000,\"store_id\":$store_id}" | first_id)"
curl -s -H 'Content-Type: application/json' --data-raw '{"name":"Relay Buyer","username":"buyer@bench.example.com","password":"buyer password 1","shipping_address":"2 Buyer Street, Springfield"}' \
  "$SHOP_URL/signup" | grep -o '"data":"[^"]*"' | cut -d'"' -f4 > "$seed/buyer.txt"
[ -s "$seed/buyer.txt" ] || { echo "the relay buyer could not sign up" >&2; exit 1; }
# The shop subscribes itself at start (a job): wait up to 30 s for its subscription.
for i in $(seq 1 60); do
  [ "$(sql "SELECT COUNT(*) FROM webhook_subscriptions WHERE url = '$SHOP_URL/webhooks/delivery' AND deleted_at IS NULL" 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.5
done
shop_subscribed="$(sql "SELECT COUNT(*) FROM webhook_subscriptions WHERE url = '$SHOP_URL/webhooks/delivery' AND deleted_at IS NULL" 2>/dev/null || echo '?')"
run_tool "(4) relay" dispatch --host=127.0.0.1 --ecommerce-port=9001 --buyer-token-file="$seed/buyer.txt" \
  --seller-token-file="$seed/seller.txt" --product-id="$product_id" --orders="$DISPATCH_ORDERS" --rate=20 --connections=16 --poll-ms=20
relay="$LINE"
sleep 2
shop_dead="$(mariadb -N -B -h 127.0.0.1 -u mercato -pmercato "$SHOP_DB" -e "SELECT COUNT(*) FROM mercato_outbox WHERE state = 'dead'")"
shop_hwm="$(awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$SHOP_PID/status")"
shop_rss="$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$SHOP_PID/status")"
kill -TERM "$SHOP_PID"
wait "$SHOP_PID" 2>/dev/null || true
delivery_hwm="$(awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$DELIVERY_PID/status")"
delivery_rss="$(awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$DELIVERY_PID/status")"
kill -TERM "$DELIVERY_PID"
wait "$DELIVERY_PID" 2>/dev/null || true
load_modes="$(load_average)"

# (5) the tick while sending: the delivery host again, its periodic tick daily (no slot of it falls
# in this phase, so only the POST /admin/tick moves the seeded deliveries).
quiesce_sql() { sql "UPDATE deliveries SET status = 'DELIVERED' WHERE status NOT IN ('DELIVERED', 'CANCELLED')"; }
quiesce_sql
tick_config="$BENCH_VAR/scheduler-delivery-tick.properties"
delivery_config "$tick_config" 86400 "$host_log"
mercato_log "seeding $TICK_SIZE active deliveries"
sql "INSERT INTO deliveries (tracking_number, client_id, foreign_order_id, products, origin_address, destination_name,
                             destination_address, status, sequence, last_tick, created_at, updated_at)
       SELECT CONCAT('B', LPAD(seq, 11, '0')), $client_id, $SEEDED + seq, '[{\"sku\":1,\"name\":\"x\",\"qty\":1}]',
              'o', 'n', 'a', 'READY_FOR_PICK_UP', 1, 0, '2026-12-01 00:00:00', '2026-12-01 00:00:00' FROM seq_1_to_$TICK_SIZE;
     INSERT INTO delivery_events (delivery_id, sequence, status, previous_status, created_at)
       SELECT id, 1, 'READY_FOR_PICK_UP', NULL, created_at FROM deliveries WHERE foreign_order_id BETWEEN $SEEDED + 1 AND $SEEDED + $TICK_SIZE"
active="$(sql "SELECT COUNT(*) FROM deliveries WHERE status IN ('READY_FOR_PICK_UP', 'IN_ORIGIN', 'IN_ROUTE_OF_DELIVERY', 'NOT_DELIVERED')")"
rows="$(sql 'SELECT COUNT(*) FROM deliveries')"
bench_start_host "$tick_config" 9000
TICK_PID="$HOST_PID"
sleep 2 # the scheduler's first claims and the leader lease, before the tick is timed
outbox_before="$(sql 'SELECT COUNT(*) FROM mercato_outbox')"
h0="$(bench_cpu_ticks "$TICK_PID")" m0="$(bench_cpu_ticks "$db_pid")"
run_tool "(5) tick over $active active deliveries, sending" tick "${common[@]}" --admin-token-file="$seed/admin.txt" --timeout="$TICK_SEND_SECONDS"
tick="$LINE"
tick_cpu="host $(cpu_seconds $(($(bench_cpu_ticks "$TICK_PID") - h0))) s, MariaDB $(cpu_seconds $(($(bench_cpu_ticks "$db_pid") - m0))) s"
tick_messages="$(($(sql 'SELECT COUNT(*) FROM mercato_outbox') - outbox_before))"
tick_hwm="$(awk '/^VmHWM:/ {printf "%.1f", $2 / 1024}' "/proc/$TICK_PID/status")"
bench_stop_all
load_end="$(load_average)"
host_errors="$(grep -c '^[0-9-]* [0-9:.]* [EFC] ' "$host_log" || true)"
shop_errors="$(grep -c '^[0-9-]* [0-9:.]* [EFC] ' "$shop_log" || true)"

# The report.
bench_note "(1) latency: $(f "$latency" deliveries) deliveries at $(f "$latency" rate)/s: notify p50 $(f "$latency" notify_p50_ms) ms, p99 $(f "$latency" notify_p99_ms) ms, max $(f "$latency" notify_max_ms) ms; $(f "$latency" missing) never notified; $(f "$latency" events) events received ($(f "$latency" events_per_s)/s, first events and those of the ticks), $(f "$latency" duplicates) duplicates, $(f "$latency" out_of_order) out of order; during the phase $latency_ticks deliveries (their events queue with the new ones)"
bench_note "(2) throughput: $(f "$throughput" deliveries) deliveries created in $(f "$throughput" create_s) s ($(f "$throughput" creates_per_s)/s on 32 connections); every first event received $(f "$throughput" all_notified_s) s after the first create: $(f "$throughput" events_until_all_notified) events (first events and those of the ticks) at $(f "$throughput" events_per_s)/s; notify p50 $(f "$throughput" notify_p50_ms) ms, p99 $(f "$throughput" notify_p99_ms) ms (a queue, not a latency); $throughput_ticks deliveries during the phase; CPU $throughput_cpu"
bench_note "(3) outage: receiver 503 for $(f "$outage" down_s) s while $(f "$outage" deliveries) deliveries were created at $(f "$outage" rate)/s ($outage_ticks over the phase): $(f "$outage" refused_while_down) refused attempts; backlog at the moment it came up $(f "$outage" backlog_events) events, drained in $(f "$outage" drain_s) s ($(f "$outage" drain_events_per_s) events/s; the retry schedule 5, 30, 120 s … decides when each failed event is tried again), $(f "$outage" backlog_missing) missing; $(f "$outage" duplicates) duplicates, $(f "$outage" out_of_order) out of order"
bench_note "(4) relay: $(f "$relay" orders) orders dispatched at $(f "$relay" rate)/s through the ecommerce host (its own database $SHOP_DB, its subscription to the delivery host: $shop_subscribed): delivery.tracking_number on the order $(f "$relay" dispatch_to_delivery_p50_ms) ms (p50), $(f "$relay" dispatch_to_delivery_p99_ms) ms (p99), $(f "$relay" dispatch_to_delivery_max_ms) ms (max) after the DISPATCHED answer (polled every $(f "$relay" poll_ms) ms); $(f "$relay" not_created) not created within 120 s; $shop_dead dead jobs on the ecommerce host"
bench_note "(5) tick over $active active deliveries ($rows rows), one subscription: HTTP $(f "$tick" tick_status) in $(f "$tick" tick_s) s, moved $(f "$tick" moved), $tick_messages outbox messages written; $(f "$tick" events_during_tick) webhooks received during the tick, $(f "$tick" events_received) within $TICK_SEND_SECONDS s after it ($(f "$tick" events_per_s)/s from the tick's start; all sent: $(f "$tick" all_sent)); CPU over the phase $tick_cpu"
bench_note "peak RSS (VmHWM): delivery host $delivery_hwm MB over (1)-(4) (RSS $delivery_rss MB at the end), $tick_hwm MB over (5); ecommerce host (the relay) $shop_hwm MB (RSS $shop_rss MB at the end)"
bench_note "load average (1 / 5 / 15 min, $(nproc) cores shared with other work): $load_start at the start, $load_modes after (4), $load_end at the end"
bench_note "host logs: delivery $host_errors, ecommerce $shop_errors lines at level error or worse ($host_log, $shop_log)"
goal "notify p99, healthy receiver" "$(f "$latency" notify_p99_ms)" "<" 1000 ms
goal "duplicates after the outage" "$(f "$outage" duplicates)" "<" 1 events
goal "out of order after the outage" "$(f "$outage" out_of_order)" "<" 1 events
goal "tick over $active active deliveries while sending" "$(f "$tick" tick_s)" "<" 10 s
bench_finish
