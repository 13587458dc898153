#!/usr/bin/env bash
# Sampling benchmark: generates a synthetic register extract (frame) of ROWS residents —
# id, name, address, birth date, sex, area, in Shift_JIS (as register systems write it)
# and sorted by area and address — makes a plan of N letters with a minimum per area
# from the frame's own counts, then runs `citizen-survey sample draw` (release build)
# and prints wall time and peak memory (max RSS). For the memory curve it also draws
# from frames of a quarter and half the size: memory must stay nearly flat (the frame is
# streamed; only 16 bytes per record are kept, to find duplicate ids).
#
#   scripts/bench-sample.sh [ROWS] [N]          (defaults 400000 and 3000)
#
# Target (issue 24): a 400,000-row frame in < 2 s with flat memory. Needs python3 and
# /usr/bin/time (GNU time). Nothing is written outside a temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-400000}
N=${2:-3000}

cargo build --release --bin citizen-survey
TARGET=${CARGO_TARGET_DIR:-target}
BIN=$TARGET/release/citizen-survey

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# frame ROWS FILE: a Shift_JIS frame sorted by area, then address.
frame() {
    python3 - "$1" "$2" <<'PY'
import random, sys
rows, path = int(sys.argv[1]), sys.argv[2]
rnd = random.Random(20261001)
areas = [("jr_south", 0.13), ("katayama_kishibe", 0.17), ("toyotsu_esaka_minamisuita", 0.22),
         ("senriyama_saiji", 0.17), ("yamada_senrioka", 0.16), ("senri_nt_banpaku_handai", 0.15)]
towns = ["泉町", "寿町", "片山町", "岸部中", "豊津町", "江坂町", "千里山西", "佐井寺", "山田東", "千里丘上", "古江台", "津雲台"]
family = ["山田", "田中", "佐藤", "鈴木", "高橋", "伊藤", "渡辺", "中村", "小林", "加藤", "吉田", "金", "朴", "李", "阮"]
given = ["花子", "太郎", "美咲", "翔太", "陽菜", "大輝", "結衣", "蓮", "さくら", "健一"]
out = []
for i in range(rows):
    r, acc = rnd.random(), 0.0
    for code, p in areas:
        acc += p
        if r < acc:
            break
    town = rnd.choice(towns)
    addr = f"吹田市{town}{rnd.randint(1, 9)}丁目{rnd.randint(1, 40)}番{rnd.randint(1, 30)}号"
    born = f"{rnd.randint(1925, 2008)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
    out.append((code, addr, f"{rnd.choice(family)} {rnd.choice(given)}", born, rnd.choice("FM")))
out.sort()
ids = rnd.sample(range(10**9, 10**10), rows)
with open(path, "w", encoding="cp932", newline="") as f:
    f.write("住民番号,氏名,住所,生年月日,性別,area\r\n")
    for rid, (code, addr, name, born, sex) in zip(ids, out):
        f.write(f"{rid},{name},{addr},{born},{sex},{code}\r\n")
PY
}

printf '%-9s %-26s %9s %12s\n' rows step seconds "max RSS"
for rows in $((ROWS / 4)) $((ROWS / 2)) "$ROWS"; do
    frame "$rows" "$work/frame-$rows.csv"
    /usr/bin/time -f '%e %M' -o "$work/time" "$BIN" sample plan --frame "$work/frame-$rows.csv" \
        --id-column 住民番号 --by area --n "$N" --allocation min=300 --expected-rate 0.45 \
        --output "$work/plan-$rows.csv" 2>"$work/plan.log"
    read -r seconds kib <"$work/time"
    printf '%-9s %-26s %9s %9d MiB\n' "$rows" "plan --frame (count)" "$seconds" $((kib / 1024))
    /usr/bin/time -f '%e %M' -o "$work/time" "$BIN" sample draw --frame "$work/frame-$rows.csv" \
        --id-column 住民番号 --plan "$work/plan-$rows.csv" --seed 20261001 \
        --output "$work/draw-$rows" 2>"$work/draw.log"
    read -r seconds kib <"$work/time"
    selected=$(($(wc -l <"$work/draw-$rows/selected_ids.csv") - 1))
    printf '%-9s %-26s %9s %9d MiB  (%d selected, %d MiB frame)\n' "$rows" "draw" "$seconds" \
        $((kib / 1024)) "$selected" $(($(stat -c %s "$work/frame-$rows.csv") / 1048576))
done
echo
cat "$work/plan.log"
