#!/usr/bin/env bash
# Residents answering while an attacker floods sign-in and code entry (issue 20, defects 4
# and 5): how many residents get through, how fast, and how much memory the service takes.
#
#   scripts/load-floods.sh [SECONDS] [DATABASE_URL]
#   scripts/load-floods.sh 30
#   scripts/load-floods.sh 30 postgres://postgres@127.0.0.1:5432/cs_floods   # an existing, empty database
#
# Builds the release binary, starts it behind a pretend trusted proxy
# (SURVEY_TRUST_PROXY=true, every request carrying its own X-Forwarded-For), creates an
# analyst with a password, then for SECONDS runs at once:
#   - a sign-in flood: wrk, 64 connections, wrong passwords for the real analyst's name,
#     each request from a random one of 65,536 addresses (a valid pre-session cookie and
#     token pair, so every attempt reaches the password check unless a limit stops it);
#   - a code flood: wrk, 32 connections, well-formed codes that were never issued
#     (check character right), from random addresses;
#   - 8 residents, each in a loop: open the form, answer it (a fresh key), from its own
#     address; a cycle succeeds when the form is 200 and the answer 303.
# Prints the residents' success rate, their cycle p50/p99/max, the floods' status counts,
# the service's resident memory before and at its peak (VmHWM), and checks that every
# acknowledged answer is stored. Needs wrk, curl, python3 (and psql for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-30}
DB_URL=${2:-}

cargo build --release --quiet --bin citizen-survey
BIN=${CARGO_TARGET_DIR:-target}/release/citizen-survey

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

[ -n "$DB_URL" ] || DB_URL="sqlite://$work/floods.db"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$port
export DATABASE_URL=$DB_URL SURVEY_TODAY=2026-12-05 RUST_LOG=warn
echo "a long enough password" | "$BIN" analyst create floodtarget --password >/dev/null 2>&1
SURVEY_BIND=127.0.0.1:$port SURVEY_TRUST_PROXY=true PUBLIC_BASE_URL=$URL \
    "$BIN" serve >"$work/service.log" 2>&1 &
SVC=$!; pids+=("$SVC")
for _ in $(seq 1 200); do curl -sf "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
RSS_IDLE=$(awk '/VmRSS/ {print $2}' "/proc/$SVC/status")

# Well-formed codes that were never issued: 15 random characters and the check character
# making Σ i·vᵢ divisible by 31 (src/domain/access_code.rs).
python3 - "$work/codes.lua" <<'EOF'
import random, sys
A = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
codes = []
for _ in range(20000):
    v = [random.randrange(31) for _ in range(15)]
    s = sum((i + 1) * x for i, x in enumerate(v)) % 31
    v.append((-s * 2) % 31)
    codes.append("".join(A[x] for x in v))
open(sys.argv[1], "w").write("codes = {" + ",".join(f'"{c}"' for c in codes) + "}\n")
EOF
cat > "$work/sign_in.lua" <<'EOF'
local body = "name=floodtarget&password=not+the+password+at+all&_csrf=floodtoken"
function init() math.randomseed(os.time() + math.random(1, 100000)) end
function request()
  local ip = "10.77." .. math.random(0, 255) .. "." .. math.random(0, 255)
  return wrk.format("POST", "/analyst/sign-in", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "cs_sign_in=floodtoken",
    ["X-Forwarded-For"] = ip }, body)
end
EOF
cat "$work/codes.lua" > "$work/codes_flood.lua"
cat >> "$work/codes_flood.lua" <<'EOF'
function init() math.randomseed(os.time() + math.random(1, 100000)) end
function request()
  local ip = "10.88." .. math.random(0, 255) .. "." .. math.random(0, 255)
  return wrk.format("GET", "/c/" .. codes[math.random(1, #codes)], { ["X-Forwarded-For"] = ip })
end
EOF

wrk -t1 -c64 -d"${SECS}s" -s "$work/sign_in.lua" "$URL" >"$work/wrk_sign_in.txt" 2>&1 &
W1=$!; pids+=("$W1")
wrk -t1 -c32 -d"${SECS}s" -s "$work/codes_flood.lua" "$URL" >"$work/wrk_codes.txt" 2>&1 &
W2=$!; pids+=("$W2")
# Memory, sampled every 0.2 s while the floods run.
( while kill -0 "$W1" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$SVC/status"; sleep 0.2; done ) >"$work/rss.txt" &
pids+=("$!")

python3 - "$URL" "$SECS" >"$work/residents.txt" <<'EOF'
import re, sys, threading, time, urllib.request, urllib.parse, urllib.error
url, secs = sys.argv[1], float(sys.argv[2])
stop = time.time() + secs
results = []  # (ok, seconds, acknowledged)
lock = threading.Lock()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k): return None
opener = urllib.request.build_opener(NoRedirect)
def status(req):
    try:
        with opener.open(req, timeout=30) as r: return r.status, r.read().decode()
    except urllib.error.HTTPError as e: return e.code, ""
    except Exception: return 0, ""
def resident(n):
    ip = f"192.0.2.{n + 1}"
    while time.time() < stop:
        t = time.time()
        code, page = status(urllib.request.Request(url + "/surveys/2026-midterm", headers={"X-Forwarded-For": ip}))
        ok = acked = False
        if code == 200:
            key = re.search(r'name="_key" value="([^"]+)"', page).group(1)
            body = urllib.parse.urlencode([("_key", key), ("age_band", "age_30_39"), ("area", "jr_south"), ("v1_online_procedures", "4")]).encode()
            code2, _ = status(urllib.request.Request(url + "/surveys/2026-midterm", data=body, headers={"X-Forwarded-For": ip}))
            ok = acked = code2 == 303
        with lock: results.append((ok, time.time() - t, acked))
        time.sleep(0.05)
threads = [threading.Thread(target=resident, args=(i,)) for i in range(8)]
for th in threads: th.start()
for th in threads: th.join()
lat = sorted(r[1] for r in results)
ok = sum(r[0] for r in results)
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
print(f"{len(results)} {ok} {q(0.5):.1f} {q(0.99):.1f} {lat[-1]*1000:.1f} {sum(r[2] for r in results)}")
EOF
wait "$W1" "$W2" 2>/dev/null || true
read -r cycles ok p50 p99 max acked < "$work/residents.txt"
RSS_PEAK=$(awk '/VmHWM/ {print $2}' "/proc/$SVC/status")
RSS_MAX=$(sort -n "$work/rss.txt" | tail -1)
RSS_AFTER=$(awk '/VmRSS/ {print $2}' "/proc/$SVC/status")
stored=$(python3 - "$DB_URL" <<'EOF'
import sys, subprocess
u = sys.argv[1]
if u.startswith("sqlite://"):
    import sqlite3; print(sqlite3.connect(u[len("sqlite://"):]).execute("select count(*) from responses").fetchone()[0])
else:
    print(subprocess.run(["psql", u, "-tAc", "select count(*) from responses"], capture_output=True, text=True).stdout.strip())
EOF
)
flood() { python3 -c '
import re, sys
t = open(sys.argv[1]).read()
req = re.search(r"(\d+) requests in", t).group(1)
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print(f"{req} requests, {bad.group(1) if bad else 0} answered other than 2xx/3xx (429, 503, 401)")' "$1"; }

echo "== $(date -u +%Y-%m-%d) $(nproc) CPUs, $SECS s, ${DB_URL%%:*}"
echo "sign-in flood: $(flood "$work/wrk_sign_in.txt")"
echo "code flood:    $(flood "$work/wrk_codes.txt")"
echo "residents: $ok of $cycles form+answer cycles succeeded ($(python3 -c "print(f'{100*$ok/max(1,$cycles):.1f}')") %), p50 $p50 ms, p99 $p99 ms, max $max ms"
echo "stored responses: $stored (acknowledged $acked)"
echo "memory: idle $((RSS_IDLE / 1024)) MiB, peak $((RSS_PEAK / 1024)) MiB (VmHWM; sampled max $((RSS_MAX / 1024)) MiB), after $((RSS_AFTER / 1024)) MiB"
grep -c "" "$work/service.log" >/dev/null
[ "$stored" -ge "$acked" ] || { echo "MISMATCH: $acked acknowledged, $stored stored" >&2; exit 1; }
