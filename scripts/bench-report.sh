#!/usr/bin/env bash
# Report benchmark: loads COUNT synthetic responses (default 5,000) into the 2026-midterm
# wave of a fresh SQLite database (examples/load_responses.rs), then times
# `citizen-survey report` (release build) without --pdf — the target is under 5 s — and,
# with BENCH_PDF=1, with --pdf. Prints wall time, peak memory (max RSS) and file sizes.
#
#   scripts/bench-report.sh [COUNT]
#
# Needs /usr/bin/time (GNU time). BENCH_KEEP=1 keeps the folder (its path is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-5000}
WAVE=2026-midterm

cargo build --release --bin citizen-survey --example load_responses
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/citizen-survey
LOAD=$TARGET/release/examples/load_responses

work=$(mktemp -d)
cleanup() { if [ -n "${BENCH_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
URL="sqlite://$work/bench.db"
"$LOAD" "$URL" "$WAVE" "$COUNT"

# run LABEL ARGS…: one report into its own folder; prints time, memory and sizes.
run() {
    local label=$1; shift
    local out="$work/$label"
    /usr/bin/time -f '%e %M' -o "$work/time" \
        env DATABASE_URL="$URL" RUST_LOG=warn "$BIN" report --wave "$WAVE" --output "$out" "$@" 2>/dev/null
    read -r seconds kib <"$work/time"
    printf '%-22s %7s s  %6d MiB max RSS ' "$label" "$seconds" $((kib / 1024))
    for f in "$out"/report.*; do printf ' %s %d KiB' "$(basename "$f")" $(($(stat -c %s "$f") / 1024)); done
    printf '\n'
}
echo "report of $COUNT responses ($WAVE), $(nproc) cores:"
for i in 1 2 3; do run "internal-run$i"; done
run "internal-en-compare" --lang en --compare 2028-final
if [ -n "${BENCH_PDF:-}" ]; then run "internal-pdf" --pdf; fi
