#!/usr/bin/env bash
# The postal side of a mailing, rehearsed end to end on a fresh SQLite database, as a city
# runs it (docs/operating.md, "Postal random-sample waves"): a refused run without
# PUBLIC_BASE_URL, a 見本 rehearsal, the real codes with spares, the letters from the
# printer's CSV printed to PDF by headless Chromium, every letter's QR code decoded by
# zbarimg and compared with the CSV, the postcard, voided spares and undeliverable letters,
# and 回収状況. Prints what it did; keeps its folder with REHEARSAL_KEEP=1.
#
#   scripts/mailing-rehearsal.sh [COUNT]        # COUNT letters (default 20) + 2 spares
#
# Needs chromium, pdftoppm (poppler-utils), zbarimg (zbar-tools) and fonts-noto-cjk.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-20}
WAVE=2026-midterm
cargo build --quiet --bin citizen-survey
BIN=$(pwd)/${CARGO_TARGET_DIR:-target}/debug/citizen-survey
work=$(mktemp -d)
cleanup() { if [ -n "${REHEARSAL_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT

# A copy of the bundled definitions with the mid-term wave made postal.
cp -r survey-definitions "$work/defs"
sed -i 's/^closes = 2027-01-31$/closes = 2027-01-31\naccess = "code"/' "$work/defs/waves/$WAVE.toml"
export SURVEY_DEFINITIONS=$work/defs DATABASE_URL=sqlite://$work/survey.db
unset PUBLIC_BASE_URL
"$BIN" check >/dev/null

echo "== 1. without PUBLIC_BASE_URL: refused, nothing stored"
if "$BIN" codes generate --wave $WAVE --count "$COUNT" --output "$work/refused.csv" 2>"$work/refused.txt"; then
    echo "FAILED: generate accepted the default address"; exit 1
fi
sed 's/^/   /' "$work/refused.txt"

echo "== 2. a rehearsal: 見本 SAMPLE on every row and page"
"$BIN" codes generate --wave $WAVE --count 2 --output "$work/rehearsal.csv" --rehearsal 2>/dev/null
"$BIN" codes sheet --wave $WAVE --codes "$work/rehearsal.csv" --output "$work/rehearsal.html" --rehearsal 2>/dev/null
echo "   $(grep -c '<p class="sample">' "$work/rehearsal.html") of 2 rehearsal letters marked"

echo "== 3. the mailing: PUBLIC_BASE_URL first"
export PUBLIC_BASE_URL=https://survey.city.example
"$BIN" codes generate --wave $WAVE --count $((COUNT + 2)) --label 本送付 --output "$work/mailing-1.csv"
"$BIN" codes sheet --wave $WAVE --codes "$work/mailing-1.csv" --output "$work/letters.html"
"$BIN" codes postcard --wave $WAVE --output "$work/postcard.html"
for f in letters postcard; do
    chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
        --user-data-dir="$work/chromium" --print-to-pdf="$work/$f.pdf" "$work/$f.html" 2>/dev/null
done
pages=$(pdfinfo "$work/letters.pdf" | awk '/^Pages:/ {print $2}')
echo "   letters.pdf: $pages pages for $((COUNT + 2)) letters"
[ "$pages" = $((COUNT + 2)) ] || { echo "FAILED: not one page per letter"; exit 1; }

echo "== 4. every letter's QR code, as printed, decodes to its CSV row's url"
pdftoppm -r 150 -png "$work/letters.pdf" "$work/page"
tail -n +2 "$work/mailing-1.csv" | tr -d '\r' | cut -d, -f2 >"$work/urls.txt"
: >"$work/decoded.txt"
for png in $(ls "$work"/page-*.png | sort -V); do
    zbarimg --quiet --raw -Sdisable -Sqrcode.enable "$png" 2>/dev/null >>"$work/decoded.txt"
done
if diff -q "$work/urls.txt" "$work/decoded.txt" >/dev/null; then
    echo "   $(wc -l <"$work/decoded.txt") of $(wc -l <"$work/urls.txt") QR codes equal the CSV's url"
else
    echo "FAILED: decoded QR codes differ from the CSV"; diff "$work/urls.txt" "$work/decoded.txt"; exit 1
fi

echo "== 5. spares never mailed, one letter returned undeliverable"
tail -n +2 "$work/mailing-1.csv" | tr -d '\r' | cut -d, -f1 >"$work/codes.txt"
tail -n 2 "$work/codes.txt" >"$work/spares.txt"
head -n 1 "$work/codes.txt" >"$work/returned.txt"
"$BIN" codes void --wave $WAVE --codes "$work/spares.txt" --reason spare 2>&1 | grep voided | sed 's/^/   /'
"$BIN" codes void --wave $WAVE --codes "$work/returned.txt" --reason undeliverable 2>&1 | grep voided | sed 's/^/   /'

echo "== 6. 回収状況"
"$BIN" codes status --wave $WAVE 2>/dev/null | sed 's/^/   /'
echo "ok"
