#!/usr/bin/env bash
# Browser tests: Debian's chromium (installed here if missing) driven by playwright-core
# (from npm) against the real server binary. Used by .ci/run; run by hand the same way:
#   bash tests/browser/run.sh
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v chromium >/dev/null 2>&1; then
  echo "chromium is not installed: installing it from Debian's packages"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk
fi
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
(cd ../.. && cargo build --quiet)
npm test
