#!/usr/bin/env bash
# Foundation benchmark (issue 3): the host's /health and authenticated /me against the bare POCO
# ceiling server, at 16 and 64 keep-alive connections, plus keep-alive fairness and RSS.
# Usage: bench/foundation.sh            (BENCH_DURATION=8s by default)
# Writes var/bench/report-*.md and prints it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
source "$MERCATO_ROOT/scripts/lib/services.sh"
source "$MERCATO_ROOT/bench/lib/bench.sh"

bench_setup
cd "$MERCATO_ROOT"

# 1. The ceiling, alone on the machine.
bench_start_ceiling 9100
bench_wrk "ceiling GET /tiny" 16 http://127.0.0.1:9100/tiny
bench_wrk "ceiling GET /tiny" 64 http://127.0.0.1:9100/tiny
bench_wrk "ceiling GET /pk" 16 http://127.0.0.1:9100 -s bench/lua/pk.lua
bench_wrk "ceiling GET /pk" 64 http://127.0.0.1:9100 -s bench/lua/pk.lua
bench_wrk "ceiling POST /txn" 16 http://127.0.0.1:9100 -s bench/lua/txn.lua
bench_wrk "ceiling POST /txn" 64 http://127.0.0.1:9100 -s bench/lua/txn.lua
bench_fairness 127.0.0.1 9100 /tiny 64 5
bench_rss "ceiling" "$CEILING_PID"
bench_stop_all

# 2. The host with the accounts plugin on MariaDB, production settings (access log on).
config="$BENCH_VAR/foundation.properties"
cat > "$config" <<PROPS
service.name = bench
http.host = 127.0.0.1
http.port = 9000
auth.jwtSecret = bench-secret-bench-secret-bench-secret-0123
auth.issuer = mercato-bench
db.type = mysql
db.host = 127.0.0.1
db.name = mercato_bench
db.user = mercato
db.password = mercato
plugins.load = accounts
log.file = $BENCH_VAR/host-log.txt
accounts.roles = BENCH_ADMIN, BENCH_USER
accounts.adminRole = BENCH_ADMIN
accounts.mockUsers = bench@example.com:BENCH_USER:Bench
PROPS
token="$(build-bench/bin/mercato --config "$config" users mock-users | awk -F'\t' '$1 == "bench@example.com" {print $2}')"
bench_start_host "$config" 9000
auth="Authorization: Bearer $token"
bench_wrk "host GET /health" 16 http://127.0.0.1:9000/health
bench_wrk "host GET /health" 64 http://127.0.0.1:9000/health
bench_wrk "host GET /me" 16 http://127.0.0.1:9000/me -H "$auth"
bench_wrk "host GET /me" 64 http://127.0.0.1:9000/me -H "$auth"
bench_fairness 127.0.0.1 9000 /me 64 5 "Bearer $token"
bench_rss "host" "$HOST_PID"
bench_stop_all

bench_ratio "/health ÷ ceiling /tiny" "host GET /health" "ceiling GET /tiny" 0.80
bench_ratio "/me ÷ ceiling /pk" "host GET /me" "ceiling GET /pk" 0.70
bench_finish
