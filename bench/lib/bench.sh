# Shared by bench/*.sh: build, servers, wrk runs and the report. Source after scripts/lib/common.sh
# and scripts/lib/services.sh. wrk results are appended to $BENCH_REPORT (a markdown table); every
# other line (fairness, RSS, ratios, bench_note) is kept aside and follows the table (bench_finish).

BENCH_BUILD="$MERCATO_ROOT/build-bench"
BENCH_VAR="$MERCATO_ROOT/var/bench"
BENCH_DURATION="${BENCH_DURATION:-8s}"
BENCH_MYSQL="host=127.0.0.1;port=3306;db=mercato_bench;user=mercato;password=mercato"
BENCH_PIDS=()
declare -gA BENCH_RPS BENCH_P99 BENCH_REQUESTS

bench_setup() {
  local extra=()
  [ -n "${BENCH_PROFILE:-}" ] && extra+=(linux-perf)
  mercato_install_packages "${MERCATO_BUILD_PACKAGES[@]}" "${MERCATO_SERVICE_PACKAGES[@]}" wrk "${extra[@]}"
  mercato_start_mariadb
  # Frame pointers so that perf's call graphs (bench_profile) are true; they cost ~1% here.
  mercato_build "$BENCH_BUILD" -DCMAKE_BUILD_TYPE=Release -DMERCATO_BUILD_TESTS=OFF -DMERCATO_BUILD_BENCH=ON \
    "-DCMAKE_CXX_FLAGS=-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer"
  mkdir -p "$BENCH_VAR"
  BENCH_REPORT="$BENCH_VAR/report-$(date +%Y%m%d-%H%M%S).md"
  BENCH_NOTES="$BENCH_REPORT.notes"
  : > "$BENCH_NOTES"
  trap bench_stop_all EXIT
  {
    echo "# $(basename "$0") on $(hostname), $(nproc) cores, $(date -u +%FT%TZ)"
    echo "innodb_flush_log_at_trx_commit = $(mariadb -N -B -e 'SELECT @@innodb_flush_log_at_trx_commit' 2>/dev/null || echo '?')"
    echo "wrk -t2 (-t1 at 1 connection) -d$BENCH_DURATION --latency, everything on this machine"
    echo
    echo "CPU columns: CPU time (user + system) of the server under test and of mariadbd (shared with anything"
    echo "else using that MariaDB) during the wrk run, divided by the requests wrk completed"
    echo
    echo "| endpoint | connections | req/s | p99 (ms) | errors | server CPU µs/req | MariaDB CPU µs/req |"
    echo "|---|---|---|---|---|---|---|"
  } > "$BENCH_REPORT"
}

bench_stop_all() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  BENCH_PIDS=()
}

# bench_wait_http URL: waits up to 30 s for a 2xx/4xx answer.
bench_wait_http() {
  local i
  for i in $(seq 1 150); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "nothing answers at $1" >&2
  return 1
}

# bench_start_ceiling PORT: the bare POCO server on the bench database.
bench_start_ceiling() {
  "$BENCH_BUILD/bin/mercato-ceiling" "$1" "$BENCH_MYSQL" >"$BENCH_VAR/ceiling.log" 2>&1 &
  BENCH_PIDS+=($!)
  CEILING_PID=$!
  BENCH_SERVER_PID=$!
  bench_wait_http "http://127.0.0.1:$1/tiny"
}

# bench_start_host CONFIG PORT: the real mercato binary.
bench_start_host() {
  "$BENCH_BUILD/bin/mercato" --config "$1" >"$BENCH_VAR/host.log" 2>&1 &
  BENCH_PIDS+=($!)
  HOST_PID=$!
  BENCH_SERVER_PID=$!
  bench_wait_http "http://127.0.0.1:$2/health"
}

# bench_cpu_ticks PID: user + system CPU time of a process in clock ticks (0 when it is gone).
bench_cpu_ticks() {
  [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] || { echo 0; return 0; }
  sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'
}

# bench_wrk KEY CONNECTIONS URL [wrk arguments...]: one run; records req/s, p99 and the requests wrk
# completed under KEY@CONNECTIONS (BENCH_RPS, BENCH_P99, BENCH_REQUESTS).
# The errors column counts non-2xx/3xx answers and socket errors (connect, read, write, timeout);
# the CPU columns are those of the last server started (BENCH_SERVER_PID) and of mariadbd.
bench_wrk() {
  local key="$1" conns="$2" url="$3"
  shift 3
  local out rps p99 errors threads=2 db_pid s0 m0 s1 m1 requests cpu
  [ "$conns" -lt 2 ] && threads=1
  db_pid="$(pidof mariadbd 2>/dev/null | awk '{print $1}')" || true
  s0="$(bench_cpu_ticks "${BENCH_SERVER_PID:-}")"
  m0="$(bench_cpu_ticks "$db_pid")"
  out="$(wrk -t"$threads" -c"$conns" -d"$BENCH_DURATION" --latency "$@" "$url")"
  s1="$(bench_cpu_ticks "${BENCH_SERVER_PID:-}")"
  m1="$(bench_cpu_ticks "$db_pid")"
  requests="$(awk '/ requests in / {print $1}' <<<"$out")"
  cpu="$(awk -v s="$((s1 - s0))" -v m="$((m1 - m0))" -v n="${requests:-0}" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {if (n > 0) printf "%.0f | %.0f", s * 1e6 / hz / n, m * 1e6 / hz / n; else printf "? | ?"}')"
  if grep -q "Non-2xx or 3xx responses" <<<"$out"; then
    echo "warning: $key c$conns had non-2xx answers: $(grep 'Non-2xx' <<<"$out")" >&2
  fi
  rps="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/, "", v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v*=1000}; printf "%.2f", v}' <<<"$out")"
  errors="$(awk '/Non-2xx or 3xx responses:/ {n += $NF} /Socket errors:/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' <<<"$out")"
  BENCH_RPS["$key@$conns"]="$rps"
  BENCH_P99["$key@$conns"]="$p99"
  BENCH_REQUESTS["$key@$conns"]="${requests:-0}"
  echo "| $key | $conns | $rps | $p99 | $errors | $cpu |" >> "$BENCH_REPORT"
  printf '%-28s c%-3s %8s req/s  p99 %6s ms  errors %s  CPU µs/req server | MariaDB %s\n' "$key" "$conns" "$rps" "$p99" "$errors" "$cpu" >&2
}

# bench_profile NAME CONNECTIONS URL [wrk arguments...]: with BENCH_PROFILE set, one more wrk run
# of NAME while `perf record` samples the server under test (BENCH_SERVER_PID) with call graphs;
# the flat profile (self time by symbol) and the callers' tree go to var/bench/profile-<name>-<time>.txt,
# named in the report. Without BENCH_PROFILE it does nothing.
bench_profile() {
  [ -n "${BENCH_PROFILE:-}" ] || return 0
  local name="$1" conns="$2" url="$3" file data
  shift 3
  file="$BENCH_VAR/profile-$(tr -c 'A-Za-z0-9' '-' <<<"$name" | tr -s '-')c$conns-$(date +%H%M%S).txt"
  data="$BENCH_VAR/perf.data"
  perf record -q -F 1999 -g -o "$data" -p "$BENCH_SERVER_PID" -- sleep "${BENCH_DURATION%s}" 2>/dev/null &
  local perf_pid=$!
  wrk -t2 -c"$conns" -d"$BENCH_DURATION" "$@" "$url" > "$file.wrk"
  wait "$perf_pid" || true
  {
    echo "# perf profile of $name at $conns connections ($(awk '/ requests in / {print $1}' "$file.wrk") requests)"
    echo "## self time by symbol"
    perf report -i "$data" --no-children --sort dso,symbol --stdio -g none 2>/dev/null | grep '%' | grep -v '^#' | awk 'NR <= 60'
    echo "## time by symbol including callees"
    perf report -i "$data" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' | grep -v '^#' | awk 'NR <= 60'
    echo "## self time by library"
    perf report -i "$data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | grep -v '^#' | awk 'NR <= 20' 
  } > "$file"
  rm -f "$data" "$file.wrk"
  bench_note "profile of $name c$conns: $file"
}

# bench_ratio NAME KEY CEILING_KEY GOAL: "NAME: a ÷ b = r (goal ≥ GOAL)" for each connection count
# (1, 16, 64, 256) measured for both keys.
bench_ratio() {
  local name="$1" key="$2" ceil="$3" goal="$4" c line
  for c in 1 16 64 256; do
    [ -n "${BENCH_RPS[$key@$c]:-}" ] && [ -n "${BENCH_RPS[$ceil@$c]:-}" ] || continue
    line="$(awk -v a="${BENCH_RPS[$key@$c]}" -v b="${BENCH_RPS[$ceil@$c]}" -v g="$goal" -v n="$name" -v c="$c" \
      'BEGIN {r = (b > 0 ? a / b : 0); printf "%s c%s: %d ÷ %d = %.2f (goal ≥ %.2f) %s", n, c, a, b, r, g, (r >= g ? "met" : "MISSED")}')"
    bench_note "$line"
  done
}

# bench_rss NAME PID: resident memory in MB.
bench_rss() {
  local kb
  kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$2/status")"
  bench_note "RSS $1: $(awk -v kb="$kb" 'BEGIN {printf "%.1f", kb / 1024}') MB"
}

# bench_rss_peak NAME PID: the peak resident memory (VmHWM) since the process started, in MB.
bench_rss_peak() {
  local kb
  kb="$(awk '/^VmHWM:/ {print $2}' "/proc/$2/status")"
  bench_note "peak RSS $1: $(awk -v kb="$kb" 'BEGIN {printf "%.1f", kb / 1024}') MB"
}

# bench_fairness HOST PORT PATH CONNECTIONS SECONDS [AUTHORIZATION]
bench_fairness() {
  local line
  line="$("$BENCH_BUILD/bin/mercato-fairness" "$@")" || true
  bench_note "$line"
  return 0
}

# goal NAME VALUE OP GOAL UNIT: an absolute goal (OP is < or ≥), "met" or "MISSED".
goal() {
  bench_note "$(awk -v n="$1" -v v="$2" -v op="$3" -v g="$4" -v u="$5" \
    'BEGIN {ok = (op == "<" ? v + 0 < g + 0 : v + 0 >= g + 0); printf "%s: %s %s (goal %s %s %s) %s", n, v, u, op, g, u, (ok ? "met" : "MISSED")}')"
}

# sql QUERY: the result (tab-separated, no header) from the bench database, as the host's user.
sql() { mariadb -N -B -h 127.0.0.1 -u mercato -pmercato mercato_bench -e "$1"; }

# api METHOD PATH TOKEN [JSON]: the response body of a request to $HOST_URL; stops the script on an
# unexpected status.
api() {
  local method="$1" path="$2" token="$3" body="${4:-}" out status
  local args=(-s -X "$method" -w '\n%{http_code}' -H "Authorization: Bearer $token")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-raw "$body")
  out="$(curl "${args[@]}" "${HOST_URL:?}$path")"
  status="${out##*$'\n'}"
  if [ "${status:0:1}" != 2 ]; then
    echo "seeding: $method $path answered $status: ${out%$'\n'*}" >&2
    return 1
  fi
  printf '%s\n' "${out%$'\n'*}"
}

# first_id: the first "id" of a JSON envelope on stdin (a product's or store's own id).
first_id() { grep -o '"id":[0-9]*' | head -1 | cut -d: -f2; }

# bench_note TEXT: one "- TEXT" line of the report, after the table.
bench_note() {
  echo "- $1" >> "$BENCH_NOTES"
  echo "$1" >&2
}

# bench_finish: the notes go below the table; prints the report.
bench_finish() {
  { echo; cat "$BENCH_NOTES"; } >> "$BENCH_REPORT"
  rm -f "$BENCH_NOTES"
  echo
  cat "$BENCH_REPORT"
  echo
  echo "report: $BENCH_REPORT"
}
