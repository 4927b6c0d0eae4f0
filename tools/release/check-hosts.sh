#!/usr/bin/env bash
# shellcheck disable=SC2016  # the node -e programs are JavaScript, in single quotes on purpose
# Checks a release the way a campaign meets it, with the hosts' own command-line tools, on this
# machine only (127.0.0.1, no other network):
#
#   bash tools/release/check-hosts.sh
#
# 1. packs the npm packages (tools/release/npm-pack.sh) and publishes them to a local npm
#    registry (verdaccio, on 127.0.0.1);
# 2. with no cargo or rustc on PATH and npm pointed at that registry: installs the package as
#    the README says, makes a repository with `npx ... init`, fills it with a generated archive
#    of 1,000 testimonies and builds it, timing each step and measuring the install;
# 3. builds a fresh init'ed repository with Netlify's CLI (`netlify build --offline`, the build
#    command of its netlify.toml);
# 4. serves the result with Cloudflare's CLI (`wrangler pages dev public`, which applies
#    `_headers`) and runs the browser checks of tests/browser/ against it in headless Chromium:
#    no console error or CSP violation on any kind of page, the quick exit, search, and axe.
#
# Needs Node.js 20+, npm, Chromium (apt-get install chromium) and a release build:
#   TESTIMONY_BINARY=path   the testimony binary to pack (default: cargo build --release)
#   GENERATE=path           the generator example (default: cargo build --release --example)
# The tools are installed into the work folder with npm: verdaccio 6.8.0 (with node-fetch 2.7.0,
# as it needs), netlify-cli and wrangler at the versions below. Exits non-zero on any failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

NETLIFY_CLI_VERSION=26.2.0
WRANGLER_VERSION=4.86.0
VERDACCIO_PORT="${VERDACCIO_PORT:-4873}"
WRANGLER_PORT="${WRANGLER_PORT:-8788}"
work="${CHECK_HOSTS_WORK:-$(mktemp -d)}"
mkdir -p "$work"
echo "== Working in $work"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

step() { echo; echo "== $*"; }
seconds() { node -e 'console.log(((Date.now() - Number(process.argv[1])) / 1000).toFixed(1))' "$1"; }
now() { node -p 'Date.now()'; }

# The binaries: built here unless given.
if [ -z "${TESTIMONY_BINARY:-}" ] || [ -z "${GENERATE:-}" ]; then
  step "Building the release binary and the archive generator"
  cargo build --release --locked --bin testimony --example generate
fi
binary="${TESTIMONY_BINARY:-${CARGO_TARGET_DIR:-$root/target}/release/testimony}"
generate="${GENERATE:-${CARGO_TARGET_DIR:-$root/target}/release/examples/generate}"
version="$("$binary" --version | cut -d' ' -f2)"
package="@testimony-archive/testimony@$version"

step "Installing the hosts' tools into $work/tools"
mkdir -p "$work/tools"
cat >"$work/tools/package.json" <<EOF
{
  "private": true,
  "dependencies": {
    "verdaccio": "6.8.0",
    "netlify-cli": "$NETLIFY_CLI_VERSION",
    "wrangler": "$WRANGLER_VERSION"
  },
  "overrides": { "node-fetch": "2.7.0" }
}
EOF
(cd "$work/tools" && npm install --no-audit --no-fund --loglevel=error)
tools="$work/tools/node_modules/.bin"
# tests/browser's playwright-core and axe-core.
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

step "Packing the npm packages"
TESTIMONY_BINARY="$binary" TESTIMONY_NPM_OUT="$work/npm" bash tools/release/npm-pack.sh |
  tee "$work/tarballs"

step "Publishing them to a local registry on 127.0.0.1:$VERDACCIO_PORT"
registry="http://127.0.0.1:$VERDACCIO_PORT/"
mkdir -p "$work/registry"
cat >"$work/registry/config.yaml" <<EOF
storage: $work/registry/storage
auth:
  htpasswd:
    file: $work/registry/htpasswd
uplinks: {}
packages:
  '**':
    access: \$all
    publish: \$authenticated
listen: 127.0.0.1:$VERDACCIO_PORT
max_body_size: 300mb
log: { type: stdout, format: pretty, level: error }
EOF
"$tools/verdaccio" --config "$work/registry/config.yaml" >"$work/registry/log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do curl -sf "$registry-/ping" >/dev/null && break; sleep 1; done
token="$(curl -sf -X PUT -H 'content-type: application/json' \
  -d '{"name":"release-check","password":"release-check"}' \
  "${registry}-/user/org.couchdb.user:release-check" | node -p 'JSON.parse(require("fs").readFileSync(0)).token')"
printf 'registry=%s\n//127.0.0.1:%s/:_authToken=%s\n' "$registry" "$VERDACCIO_PORT" "$token" >"$work/publish.npmrc"
tac "$work/tarballs" | while read -r tarball; do
  NPM_CONFIG_USERCONFIG="$work/publish.npmrc" npm publish --access public --loglevel=error "$tarball"
done

# What a campaign's computer and the hosts' build images have: Node.js and the usual system
# tools. Not cargo, not rustc.
clean_path="$work/prefix/bin:$tools:/usr/local/bin:/usr/bin:/bin"
for program in cargo rustc; do
  if PATH="$clean_path" command -v "$program" >/dev/null; then
    echo "$program is on the clean PATH: $(PATH="$clean_path" command -v "$program")" >&2
    exit 1
  fi
done
campaign_env=(env -i HOME="$work/home" PATH="$clean_path" LANG=C.UTF-8
  NPM_CONFIG_REGISTRY="$registry" NPM_CONFIG_CACHE="$work/npm-cache"
  NPM_CONFIG_PREFIX="$work/prefix" NPM_CONFIG_UPDATE_NOTIFIER=false
  NETLIFY_TELEMETRY_DISABLED=1 WRANGLER_SEND_METRICS=false)
# A command in that environment. (Servers are started as "${campaign_env[@]}" COMMAND &, so
# that $! is the server itself, not a subshell, and stopping it stops the server.)
campaign() { "${campaign_env[@]}" "$@"; }
mkdir -p "$work/home" "$work/prefix" "$work/campaigns"

step "The README's install: npm install --global @testimony-archive/testimony"
start="$(now)"
campaign npm install --global --no-audit --no-fund --loglevel=error "$package"
install_s="$(seconds "$start")"
install_size="$(du -sh "$work/prefix/lib/node_modules" | cut -f1)"
campaign testimony --version

step "The README's everyday loop, from a clean folder"
(
  cd "$work/campaigns"
  campaign testimony init my-archive >/dev/null
  cd my-archive
  new_file="$(campaign testimony new testimony)"
  # What a volunteer does next: the school, the text, then approval.
  sed -i -e 's/^schools: \[\]/schools: [elderbrook-academy]/' \
    -e 's/^status: pending /status: approved /' \
    -e 's/^# published: YYYY-MM-DD /published: 2024-03-01 /' \
    -e 's/^Paste the testimony here.*/A locker room story, told to a form tutor./' "$new_file"
  campaign testimony check
  "${campaign_env[@]}" testimony serve --port 1112 >"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 60); do curl -sf http://127.0.0.1:1112/ >/dev/null && break; sleep 1; done
  curl -sf http://127.0.0.1:1112/testimonies/1004/ | grep -q "A locker room story"
  kill "$serve_pid"
  wait "$serve_pid" || true
  campaign testimony build
  campaign testimony search locker | grep -q "#1004"
  echo "new, check, serve, approve, build and search worked"
)

step "From npx to a built archive of 1,000 testimonies"
"$generate" --testimonies 1000 --schools 50 --out "$work/generated-1k" >/dev/null
# As a new computer would: no global install, an empty npm cache, so npx downloads the package.
fresh() {
  env -i HOME="$work/home" PATH="/usr/local/bin:/usr/bin:/bin" LANG=C.UTF-8 \
    NPM_CONFIG_REGISTRY="$registry" NPM_CONFIG_CACHE="$work/fresh-cache" \
    NPM_CONFIG_PREFIX="$work/fresh-prefix" NPM_CONFIG_UPDATE_NOTIFIER=false "$@"
}
rm -rf "$work/fresh-cache" "$work/fresh-prefix"
cd "$work/campaigns"
start="$(now)"
fresh npx --yes "$package" init big >/dev/null
init_s="$(seconds "$start")"
rm -rf big/content
cp -r "$work/generated-1k/content" big/content
start="$(now)"
fresh npx --yes "$package" build --site big
build_s="$(seconds "$start")"

step "Netlify: netlify build --offline in a new repository"
campaign npx --yes "$package" init netlify-site >/dev/null
cd netlify-site
git init -q && git add -A && git -c user.name=check -c user.email=check@example.org commit -qm init
start="$(now)"
campaign "$tools/netlify" build --offline | tee "$work/netlify.log"
netlify_s="$(seconds "$start")"
grep -q "Netlify Build Complete" "$work/netlify.log"
[ -f public/index.html ] && [ -f public/search/manifest.json ]

step "Cloudflare: wrangler pages dev public, with _headers"
cp cloudflare-pages/_headers public/_headers
# workerd refuses a compatibility date newer than itself; any date since 2024 serves the same.
"${campaign_env[@]}" "$tools/wrangler" pages dev public --ip 127.0.0.1 --port "$WRANGLER_PORT" \
  --compatibility-date 2025-01-01 >"$work/wrangler.log" 2>&1 &
pids+=($!)
base="http://127.0.0.1:$WRANGLER_PORT/"
for _ in $(seq 90); do curl -sf "$base" >/dev/null && break; sleep 1; done
curl -sfI "$base" | tee "$work/headers.txt"
grep -qi "^content-security-policy: default-src 'none'" "$work/headers.txt"
grep -qi "^x-frame-options: DENY" "$work/headers.txt"
curl -sfI "${base}search/manifest.json" | grep -qi "^cache-control: public, max-age=0, must-revalidate"

cd "$root/tests/browser"
step "Browser: every kind of page, the quick exit, no console error or CSP violation"
node quick-exit.mjs "${base%/}" / /testimonies/ /testimonies/1001/ /testimonies/1002/ /schools/ \
  /schools/elderbrook-academy/ /tags/harassment/ /updates/ /about/ /privacy/ /search/ |
  tail -n 1 >"$work/quick-exit.json"
node -e '
  const pages = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  let bad = 0;
  for (const p of pages) {
    const ok = p.clickExit === p.shiftExit && p.problems.length === 0;
    if (!ok) bad++;
    console.log(`${ok ? "ok  " : "FAIL"} ${p.path} exit ${p.clickExit} problems ${JSON.stringify(p.problems)}`);
  }
  process.exit(bad ? 1 : 0);
' "$work/quick-exit.json"

step "Browser: search"
node search.mjs "$base" tutor school | tail -n 1 >"$work/search.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`"tutor": ${r.firstStatus} ${r.firstLinks}; "school": ${r.secondStatus} ${r.secondLinks}; problems ${JSON.stringify(r.problems)}`);
  process.exit(r.firstLinks.length && r.secondLinks.length && !r.problems.length ? 0 : 1);
' "$work/search.json"

step "Browser: axe-core, WCAG A and AA"
node axe.mjs "$base" school | tail -n 1 >"$work/axe.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.pages} checks, ${r.rulesPassed} rules passed, ${r.violations} violations, problems ${JSON.stringify(r.problems)}`);
  process.exit(r.violations || r.problems.length ? 1 : 0);
' "$work/axe.json"

step "Summary"
echo "testimony $version from the local registry, no cargo or rustc on PATH"
echo "npm install --global: ${install_s} s, node_modules ${install_size}"
echo "npx init (cold npm cache, download included): ${init_s} s; npx build of 1,000 testimonies: ${build_s} s"
echo "netlify build --offline: ${netlify_s} s, complete"
echo "wrangler pages dev: headers applied; browser checks passed"
