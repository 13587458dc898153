#!/usr/bin/env bash
# Export benchmark: loads COUNT synthetic responses into the 2026-midterm wave of a fresh
# SQLite database (and of a fresh PostgreSQL database when a server URL is given), then
# runs `citizen-survey export` (release build) for every kind and times the analyst
# dashboard (`GET /analyst`, signed in), printing wall time and peak memory (max RSS).
#
#   scripts/bench-exports.sh [COUNT] [POSTGRES_SERVER_URL]
#   scripts/bench-exports.sh 1000000 postgres://postgres@127.0.0.1:5432/postgres
#
# COUNT defaults to 1,000,000; BENCH_SKIP_SQLITE=1 measures PostgreSQL only; BENCH_KEEP=1 keeps the SQLite file (its folder is printed). The PostgreSQL database is created as cs_bench_PID on that
# server and dropped at the end. Needs /usr/bin/time (GNU time) and, for PostgreSQL, psql.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-1000000}
PG_SERVER=${2:-}
WAVE=2026-midterm

cargo build --release --bin citizen-survey --example load_responses
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/citizen-survey
LOAD=$TARGET/release/examples/load_responses

work=$(mktemp -d)
cleanup() {
    if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
    if [ -n "${PG_DB:-}" ]; then
        psql "$PG_SERVER" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null || true
    fi
}
trap cleanup EXIT

# export BACKEND URL KIND: runs one export to a file, prints time, memory and size.
export_one() {
    local backend=$1 url=$2 kind=$3
    /usr/bin/time -f '%e %M' -o "$work/time" \
        env DATABASE_URL="$url" RUST_LOG=warn "$BIN" export "$kind" --wave "$WAVE" \
        --output "$work/$kind.csv"
    read -r seconds kib <"$work/time"
    printf '%-10s %-14s %8s s  %7d MiB max RSS  %9d rows  %6d MiB\n' \
        "$backend" "$kind" "$seconds" $((kib / 1024)) \
        $(($(wc -l <"$work/$kind.csv") - 1)) $(($(stat -c %s "$work/$kind.csv") / 1048576))
}

# dashboard BACKEND URL: starts the server, signs in as an analyst, times GET /analyst.
dashboard() {
    local backend=$1 url=$2 port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    echo "bench-password-1234" | DATABASE_URL="$url" RUST_LOG=warn "$BIN" analyst create "bench $backend" --password >/dev/null 2>&1 || true
    DATABASE_URL="$url" SURVEY_BIND=127.0.0.1:$port SURVEY_TODAY=2026-12-05 RUST_LOG=warn "$BIN" serve >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 1 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
    local jar=$work/jar csrf
    csrf=$(curl -s -c "$jar" "http://127.0.0.1:$port/analyst/sign-in" | grep -o 'name="_csrf" value="[^"]*"' | cut -d'"' -f4)
    curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" \
        --data-urlencode "name=bench $backend" --data-urlencode "password=bench-password-1234" \
        "http://127.0.0.1:$port/analyst/sign-in"
    for run in 1 2 3; do
        curl -s -b "$jar" -o "$work/dashboard.html" -w "%{http_code} %{time_total}\n" "http://127.0.0.1:$port/analyst" >"$work/dash"
        read -r code seconds <"$work/dash"
        printf '%-10s %-22s %8.3f s  (HTTP %s, run %d, %d KiB)\n' "$backend" dashboard "$seconds" "$code" "$run" $(($(stat -c %s "$work/dashboard.html") / 1024))
    done
    printf '%-10s %-22s %8d MiB max RSS of the server\n' "$backend" dashboard $(($(awk '/VmHWM/ {print $2}' "/proc/$pid/status") / 1024))
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

bench() {
    local backend=$1 url=$2
    echo "== $backend: loading $COUNT responses"
    /usr/bin/time -f 'load: %e s, %M KiB max RSS' "$LOAD" "$url" "$WAVE" "$COUNT"
    if [ "$backend" = postgresql ]; then
        # The responses export reads the table in the order of its random ids: how much of
        # it fits in the server's buffers decides its speed (docs/benchmarks.md).
        echo "postgresql shared_buffers $(psql "$url" -tAc 'SHOW shared_buffers'), responses table $(psql "$url" -tAc "SELECT pg_size_pretty(pg_total_relation_size('responses'))")"
    fi
    echo "== $backend: exports (the first vision-scores run also warms the cache)"
    for kind in vision-scores vision-scores vision-scores-by-group item-scores \
        question-distribution wave-comparison codebook responses comments; do
        export_one "$backend" "$url" "$kind"
    done
    dashboard "$backend" "$url"
    head -3 "$work/vision-scores.csv"
}

if [ -z "${BENCH_SKIP_SQLITE:-}" ]; then
    bench sqlite "sqlite://$work/bench.db"
    ls -l "$work/bench.db" | awk '{printf "sqlite file: %d MiB\n", $5 / 1048576}'
fi

if [ -n "$PG_SERVER" ]; then
    PG_DB=cs_bench_$$
    psql "$PG_SERVER" -qc "CREATE DATABASE $PG_DB" >/dev/null
    bench postgresql "${PG_SERVER%/*}/$PG_DB"
fi
