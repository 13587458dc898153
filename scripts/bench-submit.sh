#!/usr/bin/env bash
# Submission and form benchmark against a bare ceiling measured in the same run.
#
#   scripts/bench-submit.sh [SECONDS] [ROUNDS] [POSTGRES_SERVER_URL]
#   scripts/bench-submit.sh 10 3 postgres://postgres@127.0.0.1:5432/postgres
#
# Builds (release) the service and examples/bare_ceiling.rs — actix-web with the same
# features, parsing the same urlencoded answer set and answering 303, without a database —
# then alternates rounds of wrk (16 connections, 2 threads) against each (and against the
# same program as a *durable* ceiling: one fdatasync per batch of waiting bodies): POST a full
# answer set of the 2026-midterm wave with a fresh one-time key per request, and GET the
# form with gzip accepted. Each service round starts on a fresh SQLite file (and, with a
# server URL, a fresh PostgreSQL database, dropped at the end). After each submission
# round it checks that the stored responses equal the acknowledged (303) submissions, up
# to the requests still in flight when wrk stopped (at most one per connection). Prints
# each round, then medians: requests/s, p50/p99 latency, the ratio to the bare ceiling,
# bytes of the form on the wire, and the service's peak memory (VmHWM).
# Needs wrk (Debian package `wrk`), curl, python3, and psql for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-10}
ROUNDS=${2:-3}
PG_SERVER=${3:-}
CONNS=16
THREADS=2

cargo build --release --quiet --bin citizen-survey --example bare_ceiling
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/citizen-survey
BARE=$TARGET/release/examples/bare_ceiling

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ -n "${PG_DB:-}" ] && psql "$PG_SERVER" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# The answer set: every question of the wave answered as a resident might, two comments.
python3 - "$work/body.txt" <<'EOF'
import sys, tomllib, urllib.parse
w = tomllib.load(open("survey-definitions/waves/2026-midterm.toml", "rb"))
fields = [("_lang", "ja")]
for sec in w["sections"]:
    for q in sec["questions"]:
        k = q["kind"]
        if q.get("show_if") and q["show_if"]["equals"] != "yes":
            continue
        if k == "scale":
            fields.append((q["id"], str(len(fields) % 5 + 1)))
        elif k == "single":
            fields.append((q["id"], q["options"][0]["code"]))
        elif k == "multiple":
            fields += [(q["id"], o["code"]) for o in q["options"][:2]]
        elif k == "number":
            fields.append((q["id"], str(q.get("min", 0) + 2)))
        elif k == "text":
            fields.append((q["id"], "オンライン申請をもっと増やしてほしいです。窓口の待ち時間も短くなるとうれしいです。"))
open(sys.argv[1], "w").write(urllib.parse.urlencode(fields))
EOF
BODY_BYTES=$(( $(wc -c < "$work/body.txt") + 42 ))

# Keys as the service makes them (random UUID v4): a key that grows with time would put
# the one-time keys' inserts into a few pages of their B-tree, which no real form does.
cat > "$work/post.lua" <<'EOF'
local body = io.open(os.getenv("BENCH_BODY")):read("*a")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  math.randomseed(os.time() * 7919 + (tid or 0) * 104729)
end
local function hex(n) -- n random hex digits
  local s = ""
  for _ = 1, n do s = s .. string.format("%x", math.random(0, 15)) end
  return s
end
function request()
  local key = hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" ..
    string.format("%x", math.random(8, 11)) .. hex(3) .. "-" .. hex(12)
  return wrk.format("POST", "/surveys/2026-midterm",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, "_key=" .. key .. "&" .. body)
end
EOF
export BENCH_BODY=$work/body.txt

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 200); do curl -sf "$1" >/dev/null 2>&1 && return 0; sleep 0.05; done; echo "did not start: $1" >&2; exit 1; }

# wrk output → "rps p50_ms p99_ms requests non2xx3xx"
parse() {
    python3 -c '
import re, sys
t = sys.stdin.read()
def ms(s):
    v, u = re.match(r"([\d.]+)(us|ms|s)", s).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
rps = re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)
p50 = ms(re.search(r"\s50%\s+(\S+)", t).group(1))
p99 = ms(re.search(r"\s99%\s+(\S+)", t).group(1))
req = re.search(r"(\d+) requests in", t).group(1)
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(rps, p50, p99, req, bad.group(1) if bad else 0)'
}

results=$work/results.txt
: > "$results"
start_service() { # $1 = DATABASE_URL; sets SVC_PID SVC_URL
    local p; p=$(port)
    DATABASE_URL=$1 SURVEY_BIND=127.0.0.1:$p SURVEY_TODAY=2026-12-05 RUST_LOG=warn \
        PUBLIC_BASE_URL=http://127.0.0.1:$p "$BIN" serve >"$work/service.log" 2>&1 &
    SVC_PID=$!; pids+=("$SVC_PID"); SVC_URL=http://127.0.0.1:$p
    wait_up "$SVC_URL/healthz"
}
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# The form the bare program serves: the service's own page, byte for byte.
start_service "sqlite://$work/probe.db"
curl -s "$SVC_URL/surveys/2026-midterm" -o "$work/form.html"
FORM_BYTES=$(wc -c < "$work/form.html")
GZIP_BYTES=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$SVC_URL/surveys/2026-midterm")
CSS_BYTES=$(curl -s -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$SVC_URL/static/style.css")
FAVICON=$(curl -s -o /dev/null -w '%{http_code}' "$SVC_URL/favicon.ico")
IDLE_RSS=$(awk '/VmRSS/ {print $2}' "/proc/$SVC_PID/status")
stop "$SVC_PID"

backends=(sqlite)
[ -n "$PG_SERVER" ] && backends+=(postgresql)
PG_DB=cs_bench_$$

for round in $(seq 1 "$ROUNDS"); do
    bp=$(port)
    "$BARE" "127.0.0.1:$bp" "$work/form.html" >/dev/null 2>&1 &
    BARE_PID=$!; pids+=("$BARE_PID")
    wait_up "http://127.0.0.1:$bp/surveys/x"
    out=$(wrk -t$THREADS -c$CONNS -d"${SECS}s" --latency -s "$work/post.lua" "http://127.0.0.1:$bp" | parse)
    echo "submit bare $out" >> "$results"; echo "round $round bare submit: $out"
    out=$(wrk -t$THREADS -c$CONNS -d"${SECS}s" --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$bp/surveys/2026-midterm" | parse)
    echo "form bare $out" >> "$results"; echo "round $round bare form:   $out"
    stop "$BARE_PID"
    # The durable ceiling: the same program appending each batch of waiting bodies to a
    # file with one fdatasync before answering (examples/bare_ceiling.rs).
    "$BARE" "127.0.0.1:$bp" "$work/form.html" "$work/durable$round.log" >/dev/null 2>&1 &
    BARE_PID=$!; pids+=("$BARE_PID")
    wait_up "http://127.0.0.1:$bp/surveys/x"
    out=$(wrk -t$THREADS -c$CONNS -d"${SECS}s" --latency -s "$work/post.lua" "http://127.0.0.1:$bp" | parse)
    echo "submit durable $out" >> "$results"; echo "round $round durable submit: $out"
    stop "$BARE_PID"; rm -f "$work/durable$round.log"

    for backend in "${backends[@]}"; do
        if [ "$backend" = sqlite ]; then
            url="sqlite://$work/round$round.db"
        else
            psql "$PG_SERVER" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
            psql "$PG_SERVER" -qc "CREATE DATABASE $PG_DB" >/dev/null
            url=$(python3 -c 'import sys; u=sys.argv[1]; b,_,q=u.partition("?"); i=b.find("/", b.find("//")+2); print((b[:i] if i>0 else b)+"/"+sys.argv[2]+("?"+q if q else ""))' "$PG_SERVER" "$PG_DB")
        fi
        start_service "$url"
        out=$(wrk -t$THREADS -c$CONNS -d"${SECS}s" --latency -s "$work/post.lua" "$SVC_URL" | parse)
        read -r _ _ _ req bad <<<"$out"
        acked=$((req - bad))
        if [ "$backend" = sqlite ]; then
            stored=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from responses").fetchone()[0])' "$work/round$round.db")
        else
            stored=$(psql "$url" -tAc "select count(*) from responses")
        fi
        if [ "$stored" -lt "$acked" ] || [ "$stored" -gt $((acked + CONNS)) ]; then
            echo "MISMATCH: $acked acknowledged, $stored stored ($backend)" >&2; exit 1
        fi
        echo "submit $backend $out" >> "$results"
        echo "round $round $backend submit: $out (acknowledged $acked, stored $stored, $bad not 303)"
        out=$(wrk -t$THREADS -c$CONNS -d"${SECS}s" --latency -H 'Accept-Encoding: gzip' "$SVC_URL/surveys/2026-midterm" | parse)
        echo "form $backend $out" >> "$results"; echo "round $round $backend form:   $out"
        hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SVC_PID/status")
        echo "rss $backend $hwm" >> "$results"
        stop "$SVC_PID"
    done
done

echo
echo "== $(date -u +%Y-%m-%d) $(nproc) CPUs, $SECS s × $ROUNDS rounds, wrk -t$THREADS -c$CONNS; answer set $BODY_BYTES bytes"
echo "form: $FORM_BYTES bytes, $GZIP_BYTES on the wire with gzip; stylesheet $CSS_BYTES bytes gzipped; /favicon.ico $FAVICON; idle RSS $((IDLE_RSS / 1024)) MiB"
python3 - "$results" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(kind, who, col):
    v = [float(r[col]) for r in rows if r[0] == kind and r[1] == who]
    return statistics.median(v) if v else None
for kind in ("submit", "form"):
    bare = med(kind, "bare", 2)
    durable = med(kind, "durable", 2)
    print(f"{kind:6} bare        {bare:9.0f}/s  p50 {med(kind,'bare',3):6.2f} ms  p99 {med(kind,'bare',4):7.2f} ms")
    if durable:
        print(f"{kind:6} durable     {durable:9.0f}/s  p50 {med(kind,'durable',3):6.2f} ms  p99 {med(kind,'durable',4):7.2f} ms  ratio {durable / bare:.3f} (one fdatasync per batch, no database)")
    for who in ("sqlite", "postgresql"):
        r = med(kind, who, 2)
        if r is None:
            continue
        extra = f"; of the durable ceiling {r / durable:.3f}" if durable else ""
        print(f"{kind:6} {who:11} {r:9.0f}/s  p50 {med(kind,who,3):6.2f} ms  p99 {med(kind,who,4):7.2f} ms  ratio {r / bare:.3f}{extra}")
for who in ("sqlite", "postgresql"):
    v = [int(r[2]) for r in rows if r[0] == "rss" and r[1] == who]
    if v:
        print(f"peak memory under load ({who}): {max(v) // 1024} MiB")
EOF
