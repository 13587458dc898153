#!/usr/bin/env bash
# Export benchmark: loads COUNT synthetic responses into the 2026-midterm wave of a fresh
# SQLite database (and of a fresh PostgreSQL database when a server URL is given), then
# runs `citizen-survey export` (release build) for vision-scores and responses and prints
# wall time and peak memory (max RSS) of each run.
#
#   scripts/bench-exports.sh [COUNT] [POSTGRES_SERVER_URL]
#   scripts/bench-exports.sh 1000000 postgres://postgres@127.0.0.1:5432/postgres
#
# COUNT defaults to 1,000,000; BENCH_KEEP=1 keeps the SQLite file (its folder is printed). The PostgreSQL database is created as cs_bench_PID on that
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

bench() {
    local backend=$1 url=$2
    echo "== $backend: loading $COUNT responses"
    /usr/bin/time -f 'load: %e s, %M KiB max RSS' "$LOAD" "$url" "$WAVE" "$COUNT"
    echo "== $backend: exports (the first vision-scores run also warms the cache)"
    export_one "$backend" "$url" vision-scores
    export_one "$backend" "$url" vision-scores
    export_one "$backend" "$url" responses
    head -3 "$work/vision-scores.csv"
}

bench sqlite "sqlite://$work/bench.db"
ls -l "$work/bench.db" | awk '{printf "sqlite file: %d MiB\n", $5 / 1048576}'

if [ -n "$PG_SERVER" ]; then
    PG_DB=cs_bench_$$
    psql "$PG_SERVER" -qc "CREATE DATABASE $PG_DB" >/dev/null
    bench postgresql "${PG_SERVER%/*}/$PG_DB"
fi
