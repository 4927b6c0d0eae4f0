#!/usr/bin/env node
// Runs the testimony binary of this computer's platform package (installed by npm as one of
// the optional dependencies), passing on the arguments, the terminal and the exit status.
// Nothing is downloaded: the binary came with the platform package.
"use strict";

const { spawn } = require("node:child_process");
const path = require("node:path");

const SCOPE = "@testimony-archive";
const PLATFORMS = ["darwin-arm64", "darwin-x64", "linux-arm64", "linux-x64", "win32-x64"];

function binaryPath() {
  const platform = `${process.platform}-${process.arch}`;
  const name = `${SCOPE}/${platform}`;
  let manifest;
  try {
    manifest = require.resolve(`${name}/package.json`);
  } catch {
    const known = PLATFORMS.includes(platform);
    const why = known
      ? `npm did not install ${name}. Installing with --no-optional or --omit=optional ` +
        "leaves it out; install again without that option."
      : `testimony has no binary for this computer (${platform}). ` +
        `It has binaries for ${PLATFORMS.join(", ")}.`;
    fail(why);
  }
  const executable = process.platform === "win32" ? "testimony.exe" : "testimony";
  return path.join(path.dirname(manifest), "bin", executable);
}

function fail(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

const child = spawn(binaryPath(), process.argv.slice(2), {
  stdio: "inherit",
  windowsHide: true,
});

// A signal sent to this launcher alone (a host stopping a build, say) reaches the binary too,
// so that it can clean up before it ends.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (child.exitCode === null) child.kill(signal);
  });
}

child.on("error", (error) => fail(`cannot run ${child.spawnfile}: ${error.message}`));
child.on("exit", (code, signal) => {
  if (signal) {
    // End the same way, so that whoever started us sees the signal.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else {
    process.exit(code ?? 1);
  }
});
