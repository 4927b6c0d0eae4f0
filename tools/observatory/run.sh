#!/usr/bin/env bash
# Security headers: Mozilla's HTTP Observatory against the demo archive served on 127.0.0.1 with
# netlify.toml's headers, then the pages, the search worker and its wasm in Chromium under them.
#
#   bash tools/observatory/run.sh
#
# 1. builds the demo archive (cargo run --release -- build) into public/;
# 2. serves it over plain HTTP (serve.mjs) and scans 127.0.0.1:PORT: every test must pass but
#    the two that only HTTPS can pass (redirection, strict-transport-security), reported apart;
# 3. loads the pages and runs a search in headless Chromium on that server: no console error or
#    warning, no CSP violation (skipped, loudly, without Chromium unless
#    TESTIMONY_REQUIRE_BROWSER is set);
# 4. serves it again over HTTPS with a certificate from a throwaway CA made here with openssl
#    (trusted by the scanner process only, through NODE_EXTRA_CA_CERTS), http:// redirecting to
#    https:// as on Netlify, and scans again: all tests must pass, and the grade is the real
#    host's.
# Exits non-zero when a test that must pass fails. Nothing leaves 127.0.0.1 but npm installs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

work="$(mktemp -d)"
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

# Starts serve.mjs with the given extra arguments and sets $port once it listens.
start_server() {
  node "$here/serve.mjs" --root "$root/public" --config "$root/netlify.toml" "$@" \
    >"$work/serve.log" 2>&1 &
  server_pid=$!
  port=""
  for _ in $(seq 100); do
    port="$(sed -n 's#^listening http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$work/serve.log")"
    [ -n "$port" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  cat "$work/serve.log" >&2
  echo "serve.mjs did not start" >&2
  exit 2
}

echo "== Building the demo archive"
cargo run --release --quiet -- build

if [ ! -d "$here/node_modules/@mdn/mdn-http-observatory" ] || [ ! -d "$here/node_modules/smol-toml" ]; then
  echo "== Installing the Observatory (npm ci --ignore-scripts)"
  (cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

failed=0

echo
echo "== Plain HTTP"
start_server
node "$here/scan.mjs" "127.0.0.1:$port" --json "$work/http.json" || failed=1

echo
echo "== The pages, the search worker and wasm in Chromium under these headers"
chromium="${CHROMIUM:-/usr/bin/chromium}"
browser_dir="$root/tests/browser"
if [ -x "$chromium" ] && [ ! -d "$browser_dir/node_modules/playwright-core" ]; then
  (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error) || true
fi
if [ -x "$chromium" ] && [ -d "$browser_dir/node_modules/playwright-core" ]; then
  node "$here/browser.mjs" "http://127.0.0.1:$port/" locker || failed=1
elif [ -n "${TESTIMONY_REQUIRE_BROWSER:-}" ]; then
  echo "  FAIL: Chromium ($chromium) or playwright-core (tests/browser) is missing"
  failed=1
else
  echo "  *** SKIPPED: Chromium ($chromium) or playwright-core (tests/browser) is missing ***"
fi
stop_server

echo
echo "== HTTPS (throwaway local CA; http:// redirects to https:// as on Netlify)"
if command -v openssl >/dev/null 2>&1; then
  (
    cd "$work"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
      -keyout ca.key -out ca.pem -subj "/CN=testimony observatory throwaway CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout key.pem -out leaf.csr -subj "/CN=127.0.0.1"
    printf '%s\n' "subjectAltName=IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >leaf.ext
    openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 \
      -extfile leaf.ext -out cert.pem
  ) >"$work/openssl.log" 2>&1 || { cat "$work/openssl.log" >&2; exit 2; }
  start_server --tls-cert "$work/cert.pem" --tls-key "$work/key.pem"
  NODE_EXTRA_CA_CERTS="$work/ca.pem" node "$here/scan.mjs" "127.0.0.1:$port" --https \
    --json "$work/https.json" || failed=1
  stop_server
else
  echo "  *** SKIPPED: openssl is missing (apt-get install openssl), so no HTTPS scan ***"
fi

echo
if [ "$failed" -ne 0 ]; then
  echo "Security headers: FAILED (see above)"
  exit 1
fi
echo "Security headers: every test that can pass here passed"
