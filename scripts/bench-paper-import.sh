#!/usr/bin/env bash
# Vendor import benchmark (issue 19, defect 15): 3,000 paper sheets in one vendor file,
# against a ceiling measured in the same run.
#
#   scripts/bench-paper-import.sh [SHEETS] [ROUNDS] [POSTGRES_SERVER_URL]
#   scripts/bench-paper-import.sh 3000 3 postgres://postgres@127.0.0.1:5432/postgres
#
# Builds the service (release) once. Each round, per backend (SQLite; PostgreSQL with a
# server URL, in a fresh database dropped at the end): a fresh database, SHEETS access
# codes of the 2026-midterm wave (made a postal wave), a vendor file of SHEETS rows keyed
# from the printed box numbers (every question answered, a comment in each row, a
# received_on day), then `citizen-survey paper import` timed from start to exit, and the
# stored paper responses counted (must equal SHEETS). The ceiling is the same file loaded
# into one plain table of text columns of the same database by the database's own bulk
# loader (sqlite3 `.import`, psql `\copy`): no checks, no codes, no mixing. Prints each
# round, then medians: seconds, sheets/s, and the ratio import/ceiling; and whether the
# import stayed under the 3 s goal.
# Needs python3, sqlite3, and psql for PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
SHEETS=${1:-3000}
ROUNDS=${2:-3}
PG_SERVER=${3:-}
GOAL=3.0

cargo build --release --quiet --bin citizen-survey
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/citizen-survey
WAVE=2026-midterm

work=$(mktemp -d)
PG_DB=cs_paper_bench_$$
cleanup() {
    [ -n "$PG_SERVER" ] && psql "$PG_SERVER" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# The definitions: the bundled ones, 2026-midterm as a postal (code) wave.
defs=$work/defs
cp -r survey-definitions "$defs"
python3 - "$defs/waves/$WAVE.toml" <<'EOF'
import sys
t = open("survey-definitions/waves/2026-midterm.toml", encoding="utf-8").read()
c = "closes = 2027-01-31\n"
assert c in t
open(sys.argv[1], "w", encoding="utf-8").write(t.replace(c, c + 'access = "code"\n', 1))
EOF

export SURVEY_DEFINITIONS=$defs SURVEY_TODAY=2026-12-05 RUST_LOG=warn
export PUBLIC_BASE_URL=https://enquete.example.jp

backends=(sqlite)
[ -n "$PG_SERVER" ] && backends+=(postgresql)
pg_url() { python3 -c 'import sys; u=sys.argv[1]; b,_,q=u.partition("?"); i=b.find("/", b.find("//")+2); print((b[:i] if i>0 else b)+"/"+sys.argv[2]+("?"+q if q else ""))' "$PG_SERVER" "$PG_DB"; }
now() { python3 -c 'import time; print(time.monotonic())'; }

results=$work/results.txt
: > "$results"
for round in $(seq 1 "$ROUNDS"); do
    for backend in "${backends[@]}"; do
        if [ "$backend" = sqlite ]; then
            rm -f "$work"/db.sqlite*
            url="sqlite://$work/db.sqlite"
        else
            psql "$PG_SERVER" -qc "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null
            psql "$PG_SERVER" -qc "CREATE DATABASE $PG_DB" >/dev/null
            url=$(pg_url)
        fi
        export DATABASE_URL=$url
        "$BIN" codes generate --wave "$WAVE" --count "$SHEETS" > "$work/codes.csv" 2>"$work/codes.log" \
            || { cat "$work/codes.log" >&2; exit 1; }
        # The vendor file: box numbers as printed, a comment per sheet, received over 10 days.
        python3 - "$work/codes.csv" "$defs/waves/$WAVE.toml" "$work/vendor.csv" <<'EOF'
import csv, sys, tomllib
codes = [r["code"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))]
w = tomllib.load(open(sys.argv[2], "rb"))
header, kinds = ["code", "received_on"], []
for sec in w["sections"]:
    for q in sec["questions"]:
        if q["kind"] == "multiple":
            for o in q["options"]:
                header.append(f'{q["id"]}__{o["code"]}')
                kinds.append(("option", q, o))
        else:
            header.append(q["id"])
            kinds.append((q["kind"], q, None))
with open(sys.argv[3], "w", encoding="utf-8", newline="") as f:
    out = csv.writer(f, lineterminator="\r\n")
    out.writerow(header)
    for i, code in enumerate(codes):
        row = [code, f"2026-11-{10 + i % 10:02d}"]
        for kind, q, o in kinds:
            if q.get("show_if"):
                row.append("")
            elif kind == "scale":
                row.append(str(i % 5 + 1) if i % 7 else "9")
            elif kind == "single":
                row.append(str(i % len(q["options"]) + 1))
            elif kind == "option":
                row.append("1" if q["options"].index(o) == i % len(q["options"]) else "0")
            elif kind == "number":
                row.append(str(q.get("min", 0) + i % 3))
            else:
                row.append(f"窓口の待ち時間が長いので、オンライン申請を増やしてほしい（{i}）。")
        out.writerow(row)
EOF
        t0=$(now)
        "$BIN" paper import --wave "$WAVE" "$work/vendor.csv" >"$work/import.out" 2>"$work/import.err" \
            || { cat "$work/import.err" >&2; exit 1; }
        t1=$(now)
        if [ "$backend" = sqlite ]; then
            stored=$(sqlite3 "$work/db.sqlite" "select count(*) from responses where channel='paper'")
            cols=$(head -1 "$work/vendor.csv" | python3 -c 'import sys; print(", ".join(f"c{i} text" for i in range(len(sys.stdin.read().split(",")))))')
            c0=$(now)
            sqlite3 "$work/db.sqlite" "create table ceiling ($cols)" ".mode csv" ".import --skip 1 $work/vendor.csv ceiling"
            c1=$(now)
            loaded=$(sqlite3 "$work/db.sqlite" "select count(*) from ceiling")
        else
            stored=$(psql "$url" -tAc "select count(*) from responses where channel='paper'")
            cols=$(head -1 "$work/vendor.csv" | python3 -c 'import sys; print(", ".join(f"c{i} text" for i in range(len(sys.stdin.read().split(",")))))')
            psql "$url" -qc "create table ceiling ($cols)"
            c0=$(now)
            psql "$url" -qc "\\copy ceiling from '$work/vendor.csv' with (format csv, header true)"
            c1=$(now)
            loaded=$(psql "$url" -tAc "select count(*) from ceiling")
        fi
        [ "$stored" = "$SHEETS" ] || { echo "$backend: $stored of $SHEETS sheets stored" >&2; cat "$work/import.err" >&2; exit 1; }
        [ "$loaded" = "$SHEETS" ] || { echo "$backend: ceiling loaded $loaded rows" >&2; exit 1; }
        python3 - "$backend" "$round" "$t0" "$t1" "$c0" "$c1" "$SHEETS" >> "$results" <<'EOF'
import sys
b, r, t0, t1, c0, c1, n = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:7]), int(sys.argv[7])
print(b, r, t1 - t0, c1 - c0, n)
EOF
        tail -1 "$results" | awk '{printf "round %s %-10s import %.2f s (%d sheets/s), ceiling %.3f s, ratio %.1f×\n", $2, $1, $3, $5/$3, $4, $3/$4}'
    done
done

python3 - "$results" "$GOAL" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
goal = float(sys.argv[2])
ok = True
for b in dict.fromkeys(r[0] for r in rows):
    mine = [r for r in rows if r[0] == b]
    imp = statistics.median(float(r[2]) for r in mine)
    ceil = statistics.median(float(r[3]) for r in mine)
    n = int(mine[0][4])
    under = imp < goal
    ok &= under
    print(f"{b:10} median: import {imp:.2f} s for {n} sheets ({n / imp:.0f} sheets/s); "
          f"ceiling (bulk load of the same file) {ceil:.3f} s; ratio {imp / ceil:.1f}× the ceiling; "
          f"{'under' if under else 'OVER'} the {goal:.0f} s goal")
sys.exit(0 if ok else 1)
EOF
