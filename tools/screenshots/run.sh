#!/usr/bin/env bash
# The README's screenshots (docs/screenshots/*.png), taken again from the demo archive:
#
#   bash tools/screenshots/run.sh
#
# builds the release binary and, with it, the demo archive into a temporary folder, then
# serves that folder on 127.0.0.1 and photographs four pages in headless Chromium (shoot.mjs,
# with the browser tests' playwright-core; CHROMIUM overrides /usr/bin/chromium).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== Building the demo archive with the release binary"
cargo build --release --quiet
target/release/testimony build --quiet --output "$work/public"

chromium="${CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "Chromium was not found at $chromium (apt-get install chromium)" >&2
  exit 2
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

echo "== Photographing it"
node "$here/shoot.mjs" "$work/public" "$root/docs/screenshots"
