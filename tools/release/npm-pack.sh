#!/usr/bin/env bash
# Writes the npm packages of a testimony release as tarballs: the main package
# (@testimony-archive/testimony, whose `testimony` command runs the platform binary) and one
# platform package (@testimony-archive/<os>-<cpu>, holding the binary).
#
#   bash tools/release/npm-pack.sh
#
# builds the release binary for this computer (`cargo build --release`) and writes both tarballs
# into target/npm/. Settings, all optional:
#
#   TESTIMONY_BINARY=path        take this already built binary instead of building one
#   TESTIMONY_NPM_PLATFORM=name  the platform it is for: linux-x64, linux-arm64, darwin-x64,
#                                darwin-arm64 or win32-x64 (default: this computer's)
#   TESTIMONY_NPM_OUT=dir        where the tarballs go (default: target/npm)
#
# The version of every package is the crate's version in Cargo.toml. It prints the tarballs'
# paths, the main package's first.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

die() {
  echo "npm-pack: $*" >&2
  exit 1
}

command -v node >/dev/null || die "needs Node.js (node), which is not installed"
command -v npm >/dev/null || die "needs npm, which is not installed"

# The crate's version, as Cargo reads it (a workspace's inherited version included).
version="$(cargo metadata --no-deps --format-version 1 --manifest-path "$root/Cargo.toml" |
  node -e '
    let text = "";
    process.stdin.on("data", (chunk) => (text += chunk));
    process.stdin.on("end", () => {
      const crate = JSON.parse(text).packages.find((p) => p.name === "testimony");
      if (!crate) process.exit(1);
      console.log(crate.version);
    });
  ')" || die "cannot read the version of the testimony crate with cargo metadata"

host_platform="$(node -p 'process.platform + "-" + process.arch')"
platform="${TESTIMONY_NPM_PLATFORM:-$host_platform}"
case "$platform" in
  linux-x64 | linux-arm64 | darwin-x64 | darwin-arm64) executable=testimony ;;
  win32-x64) executable=testimony.exe ;;
  *) die "no npm package for the platform $platform" ;;
esac

if [ -n "${TESTIMONY_BINARY:-}" ]; then
  binary="$TESTIMONY_BINARY"
else
  [ "$platform" = "$host_platform" ] ||
    die "cannot build for $platform here: build it there and set TESTIMONY_BINARY"
  cargo build --release --locked --bin testimony
  binary="${CARGO_TARGET_DIR:-$root/target}/release/testimony"
fi
[ -f "$binary" ] || die "no binary at $binary"

# A binary that runs here must say it is this version: a stale build is not packed.
if [ "$platform" = "$host_platform" ]; then
  said="$("$binary" --version)" || die "$binary --version failed"
  [ "$said" = "testimony $version" ] ||
    die "$binary says \"$said\", but Cargo.toml's version is $version"
fi

out="${TESTIMONY_NPM_OUT:-$root/target/npm}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
staging="$out/staging"
rm -rf "$staging"
mkdir -p "$staging/testimony/bin" "$staging/$platform/bin"

# The main package: the launcher, with every version set to this one.
cp npm/testimony/bin/testimony.js "$staging/testimony/bin/"
cp npm/testimony/README.md "$staging/testimony/"
cp LICENSE* "$staging/testimony/" 2>/dev/null || true
node -e '
  const fs = require("node:fs");
  const [from, to, version] = process.argv.slice(1);
  const manifest = JSON.parse(fs.readFileSync(from, "utf8"));
  manifest.version = version;
  for (const name of Object.keys(manifest.optionalDependencies)) {
    manifest.optionalDependencies[name] = version;
  }
  fs.writeFileSync(to, JSON.stringify(manifest, null, 2) + "\n");
' npm/testimony/package.json "$staging/testimony/package.json" "$version"

# The platform package: the binary, named for its os and cpu as npm (and Node) name them.
cp "$binary" "$staging/$platform/bin/$executable"
chmod 755 "$staging/$platform/bin/$executable"
cp LICENSE* "$staging/$platform/" 2>/dev/null || true
sed "s/PLATFORM/$platform/g" npm/platform/README.md >"$staging/$platform/README.md"
node -e '
  const fs = require("node:fs");
  const [from, to, version, platform] = process.argv.slice(1);
  const [os, cpu] = platform.split("-");
  const text = fs.readFileSync(from, "utf8").replaceAll("PLATFORM", platform);
  const manifest = JSON.parse(text);
  Object.assign(manifest, { version, os: [os], cpu: [cpu] });
  fs.writeFileSync(to, JSON.stringify(manifest, null, 2) + "\n");
' npm/platform/package.json "$staging/$platform/package.json" "$version" "$platform"

# The main package is listed first.
for package in testimony "$platform"; do
  file="$(cd "$staging/$package" && npm pack --silent --pack-destination "$out")"
  echo "$out/$file"
done
