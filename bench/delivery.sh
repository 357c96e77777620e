#!/usr/bin/env bash
# Delivery benchmark (issue 5): the delivery plugin on MariaDB with durable commits against the bare
# POCO ceiling server, measured in the same run:
#   (a) POST /deliveries (every request a new order) at 16 and 64 connections, first with no webhook
#       subscription, then with one (each create also writes its outbox message);
#   (b) GET /deliveries/{tn}/tracking over the deliveries (a) created, as their owner, at 16 and 64;
#   (c) one tick (POST /admin/tick) over 10,000 and then over 100,000 active deliveries seeded with
#       SQL (each with its first tracking row), fanning out to the client's webhook subscription:
#       seconds, rows moved per second, CPU of the host and of mariadbd;
# plus keep-alive fairness on the tracking read and the host's RSS after the run.
# Usage: bench/delivery.sh   (BENCH_DURATION=8s, BENCH_TICK_SIZES="10000 100000")
# Writes var/bench/report-*.md and prints it. A benchmark reports; missed goals do not fail it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
source "$MERCATO_ROOT/scripts/lib/services.sh"
source "$MERCATO_ROOT/bench/lib/bench.sh"

TICK_SIZES="${BENCH_TICK_SIZES:-10000 100000}"
HOST_URL=http://127.0.0.1:9000
# Deliveries seeded with SQL for the ticks: foreign_order_id above this, tracking numbers B + 11
# digits; those created over HTTP have foreign_order_id below it (delivery-create.lua).
SEEDED_ORDERS=1000000000000

# load_average: the 1, 5 and 15 minute load averages (other work on the same cores).
load_average() { awk '{print $1 " / " $2 " / " $3}' /proc/loadavg; }
load_start="$(load_average)"

bench_setup
cd "$MERCATO_ROOT"
seed="$BENCH_VAR/delivery-seed"
rm -rf "$seed"
mkdir -p "$seed"

# 0. A clean schema for both servers.
mercato_as_root mariadb -e "DROP DATABASE IF EXISTS mercato_bench; CREATE DATABASE mercato_bench CHARACTER SET utf8mb4"

# 1. The ceiling, alone on the machine.
bench_start_ceiling 9100
bench_wrk "ceiling GET /pk" 16 http://127.0.0.1:9100 -s bench/lua/pk.lua
bench_wrk "ceiling GET /pk" 64 http://127.0.0.1:9100 -s bench/lua/pk.lua
bench_wrk "ceiling POST /txn" 16 http://127.0.0.1:9100 -s bench/lua/txn.lua
bench_wrk "ceiling POST /txn" 64 http://127.0.0.1:9100 -s bench/lua/txn.lua
bench_rss "ceiling" "$CEILING_PID"
bench_stop_all
load_ceiling="$(load_average)"

# 2. The host with accounts + delivery on MariaDB, production settings (access log on, no Redis).
config="$BENCH_VAR/delivery.properties"
host_log="$BENCH_VAR/delivery-host-log.txt"
: > "$host_log"
cat > "$config" <<PROPS
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
plugins.load = accounts, delivery
log.file = $host_log
accounts.roles = DELIVERY_ADMIN, DELIVERY_CLIENT
accounts.adminRole = DELIVERY_ADMIN
accounts.shippingAddress = false
accounts.mockUsers = admin@bench.example.com:DELIVERY_ADMIN:Bench Admin, client@bench.example.com:DELIVERY_CLIENT:Bench Client
delivery.tick.seed = 1
delivery.webhooks.allowPrivateNetworks = true
PROPS
build-bench/bin/mercato --config "$config" users mock-users > "$seed/mock-users.tsv"
admin="$(awk -F'\t' '$1 == "admin@bench.example.com" {print $2}' "$seed/mock-users.tsv")"
client="$(awk -F'\t' '$1 == "client@bench.example.com" {print $2}' "$seed/mock-users.tsv")"
[ -n "$admin" ] && [ -n "$client" ] || { echo "no mock-user tokens in $seed/mock-users.tsv" >&2; exit 1; }
echo "$client" > "$seed/clients.txt"
bench_start_host "$config" 9000
client_id="$(api GET /me "$client" | first_id)"
export BENCH_TOKENS="$seed/clients.txt"

# (a) creates: every request a new foreign_order_id of the one client, each wrk run its own range.
created() { sql "SELECT COUNT(*) FROM deliveries"; }
outbox() { sql "SELECT COUNT(*) FROM mercato_outbox"; }
# settle: waits (up to 15 s) until no delivery has been written for 0.5 s, so that the requests wrk
# left in flight or gave up on are finished before anything is counted or the next run starts.
settle() {
  local last now i
  last="$(created)"
  for i in $(seq 1 30); do
    sleep 0.5
    now="$(created)"
    [ "$now" = "$last" ] && return 0
    last="$now"
  done
}
run=0
create_run() { # KEY CONNECTIONS
  local before outbox_before rows
  run=$((run + 1))
  before="$(created)" outbox_before="$(outbox)"
  BENCH_ORDER_BASE="$((run * 10000000000))" bench_wrk "$1" "$2" "$HOST_URL" -s bench/lua/delivery-create.lua
  settle
  rows="$(($(created) - before))"
  bench_note "$1 c$2: $rows deliveries and $(($(outbox) - outbox_before)) outbox messages written, wrk counted ${BENCH_REQUESTS[$1@$2]} answers (requests still in flight when wrk stops, or that wrk gave up on after its 2 s timeout, are written but not counted)"
}
create_run "host POST /deliveries" 16
create_run "host POST /deliveries" 64
subscription="$(api POST /webhooks "$client" '{"url":"http://127.0.0.1:9/hook","description":"bench: never sent (no scheduler)"}' | first_id)"
create_run "host POST /deliveries, 1 webhook" 16
create_run "host POST /deliveries, 1 webhook" 64
http_created="$(created)"

# (b) tracking reads of those deliveries (one tracking entry each), as their owner.
sql "SELECT tracking_number FROM deliveries" > "$seed/tracking-numbers.txt"
export BENCH_TRACKING_NUMBERS="$seed/tracking-numbers.txt"
bench_wrk "host GET /deliveries/{tn}/tracking" 16 "$HOST_URL" -s bench/lua/delivery-tracking.lua
bench_wrk "host GET /deliveries/{tn}/tracking" 64 "$HOST_URL" -s bench/lua/delivery-tracking.lua
bench_fairness 127.0.0.1 9000 "/deliveries/$(head -1 "$seed/tracking-numbers.txt")/tracking" 64 5 "Bearer $client"
bench_note "deliveries: $http_created created over HTTP by one DELIVERY_CLIENT (id $client_id) in (a); (b) reads a random one of them per request; webhook subscription $subscription (http://127.0.0.1:9/hook, never sent: no scheduler yet) from the second half of (a) on"

# (c) ticks. The deliveries of (a) are made final with SQL (DELIVERED) so that exactly N are active.
sql "UPDATE deliveries SET status = 'DELIVERED' WHERE foreign_order_id < $SEEDED_ORDERS"
declare -A TICK_SECONDS
for n in $TICK_SIZES; do
  sql "DELETE e FROM delivery_events e JOIN deliveries d ON d.id = e.delivery_id WHERE d.foreign_order_id > $SEEDED_ORDERS;
       DELETE FROM deliveries WHERE foreign_order_id > $SEEDED_ORDERS;
       INSERT INTO deliveries (tracking_number, client_id, foreign_order_id, products, origin_address, destination_name,
                               destination_address, status, sequence, last_tick, created_at, updated_at)
         SELECT CONCAT('B', LPAD(seq, 11, '0')), $client_id, $SEEDED_ORDERS + seq, '[{\"sku\":1,\"name\":\"x\",\"qty\":1}]',
                'o', 'n', 'a', 'READY_FOR_PICK_UP', 1, 0, '2026-12-01 00:00:00', '2026-12-01 00:00:00' FROM seq_1_to_$n;
       INSERT INTO delivery_events (delivery_id, sequence, status, previous_status, created_at)
         SELECT id, 1, 'READY_FOR_PICK_UP', NULL, created_at FROM deliveries WHERE foreign_order_id > $SEEDED_ORDERS"
  active="$(sql "SELECT COUNT(*) FROM deliveries WHERE status IN ('READY_FOR_PICK_UP', 'IN_ORIGIN', 'IN_ROUTE_OF_DELIVERY', 'NOT_DELIVERED')")"
  rows="$(sql 'SELECT COUNT(*) FROM deliveries')"
  events_before="$(sql 'SELECT COUNT(*) FROM delivery_events')" outbox_before="$(outbox)"
  mercato_log "tick over $active active deliveries ($rows rows)"
  db_pid="$(pidof mariadbd | awk '{print $1}')"
  host_ticks="$(bench_cpu_ticks "$HOST_PID")" db_ticks="$(bench_cpu_ticks "$db_pid")"
  answer="$(curl -s -o "$seed/tick-$n.json" -w '%{http_code} %{time_total}' --max-time 600 -X POST \
    -H "Authorization: Bearer $admin" "$HOST_URL/admin/tick")"
  host_cpu="$(awk -v t="$(($(bench_cpu_ticks "$HOST_PID") - host_ticks))" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}')"
  db_cpu="$(awk -v t="$(($(bench_cpu_ticks "$db_pid") - db_ticks))" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}')"
  status="${answer%% *}" seconds="$(awk -v s="${answer#* }" 'BEGIN {printf "%.2f", s}')"
  moved="$(sed -n 's/.*"moved":\([0-9]*\).*/\1/p' "$seed/tick-$n.json")"
  events="$(($(sql 'SELECT COUNT(*) FROM delivery_events') - events_before))"
  messages="$(($(outbox) - outbox_before))"
  left="$(sql "SELECT COUNT(*) FROM deliveries WHERE foreign_order_id > $SEEDED_ORDERS AND status <> 'IN_ORIGIN'")"
  TICK_SECONDS[$n]="$seconds"
  bench_note "$(awk -v n="$n" -v a="$active" -v r="$rows" -v st="$status" -v s="$seconds" -v m="${moved:-0}" -v h="$host_cpu" \
    -v d="$db_cpu" -v e="$events" -v o="$messages" -v l="$left" \
    'BEGIN {printf "tick over %d active deliveries (all READY_FOR_PICK_UP; %d rows in deliveries, the others DELIVERED): HTTP %s in %.2f s, moved %d = %.0f rows/s; CPU host %.2f s, MariaDB %.2f s; wrote %d tracking rows and %d outbox messages; %d seeded deliveries not moved to IN_ORIGIN", a, r, st, s, m, (s > 0 ? m / s : 0), h, d, e, o, l}')"
done
load_end="$(load_average)"
bench_rss "host after the run" "$HOST_PID"
bench_rss_peak "host during the run" "$HOST_PID"
bench_stop_all
host_errors="$(grep -c '^[0-9-]* [0-9:.]* [EFC] ' "$host_log" || true)"

# The report: ratios and goals.
bench_note "load average (1 / 5 / 15 min, $(nproc) cores shared with other work): $load_start at the start, $load_ceiling after the ceiling, $load_end after the ticks"
bench_note "host log: $host_errors lines at level error or worse ($host_log)"
bench_ratio "POST /deliveries ÷ ceiling /txn" "host POST /deliveries" "ceiling POST /txn" 0.40
bench_ratio "POST /deliveries, 1 webhook ÷ ceiling /txn" "host POST /deliveries, 1 webhook" "ceiling POST /txn" 0.40
bench_ratio "GET /deliveries/{tn}/tracking ÷ ceiling /pk" "host GET /deliveries/{tn}/tracking" "ceiling GET /pk" 0.60
if [ -n "${TICK_SECONDS[100000]:-}" ]; then
  goal "tick over 100,000 active deliveries" "${TICK_SECONDS[100000]}" "<" 10 s
fi
bench_finish
