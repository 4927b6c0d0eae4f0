#!/bin/sh
# Cloudflare Pages: the build command is `sh cloudflare-pages/build.sh`, the build output
# directory `public`. It builds the archive with testimony {{testimony_version}} from npm
# (Cloudflare's build image has Node.js) for base_url in content/site.yaml, then puts the
# security headers into the published folder, which every build replaces.
set -eu

npx --yes @testimony-archive/testimony@{{testimony_version}} build "$@"
cp cloudflare-pages/_headers public/_headers
