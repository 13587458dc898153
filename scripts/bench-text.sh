#!/usr/bin/env bash
# Free-text benchmark: COUNT comments (default 10,000) masked, tokenised, counted, drawn
# as a co-occurrence network and clustered by Ward into 10 clusters with medoids (release
# build of examples/bench_text.rs); prints each stage's time, then wall time and peak
# memory (max RSS) of the whole run. Needs /usr/bin/time (GNU time).
#
#   scripts/bench-text.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-10000}
cargo build --release --example bench_text
TARGET=${CARGO_TARGET_DIR:-target}
/usr/bin/time -f 'wall %e s, max RSS %M KiB' "$TARGET/release/examples/bench_text" "$COUNT"
