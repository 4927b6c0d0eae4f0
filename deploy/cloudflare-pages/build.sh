#!/bin/sh
# Cloudflare Pages build command: sh deploy/cloudflare-pages/build.sh
# Cloudflare's build image has no Rust: install it with rustup (stable and the wasm32 target of
# the search runtime, as rust-toolchain.toml asks), build the archive with site.yaml's
# base_url, and put the security headers in the published folder.
set -eu

if ! command -v cargo >/dev/null 2>&1; then
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
    sh -s -- -y --profile minimal --default-toolchain stable --target wasm32-unknown-unknown
  # shellcheck source=/dev/null
  . "$HOME/.cargo/env"
fi

cargo run --release -- build "$@"
cp deploy/cloudflare-pages/_headers public/_headers
