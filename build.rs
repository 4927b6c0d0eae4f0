//! Builds the search runtime — the workspace's `testimony-search-runtime` crate for
//! `wasm32-unknown-unknown` — so the native binary can embed it (`src/search/mod.rs`,
//! `RUNTIME_WASM`) and `cargo build` alone gives a tool that writes a working search page.
//!
//! The nested cargo:
//! - is the `CARGO` that runs this script (the same toolchain), with an environment scrubbed of
//!   what the outer build set for *its* target (flags, wrappers such as clippy-driver, the target
//!   dir), plus getrandom's custom-backend cfg;
//! - uses its own target dir, `<outer target dir>/search-runtime`, or it would wait forever on the
//!   outer build's lock; debug, release, test and clippy builds share it;
//! - always builds `--release` (size and speed matter in the browser; tantivy in debug is slow).
//!
//! `rerun-if-changed` lists only what the runtime is built from, so ordinary edits elsewhere do
//! not rebuild it. Set `TESTIMONY_SEARCH_RUNTIME_WASM=/path/to/runtime.wasm` to embed a runtime
//! built elsewhere instead.
//!
//! When binaryen's `wasm-opt` is on the PATH (`npm install -g binaryen`, as CI and the release
//! workflow do), or named by `TESTIMONY_WASM_OPT`, the runtime is shrunk with `wasm-opt -Oz`
//! (its result kept beside the build, by the input's hash, so an unchanged runtime is not
//! optimised twice). Without it the runtime works the same and is some 15% bigger; a release
//! build says so.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const RUNTIME_PACKAGE: &str = "testimony-search-runtime";
const PREBUILT: &str = "TESTIMONY_SEARCH_RUNTIME_WASM";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const OUTPUT_NAME: &str = "search-runtime.wasm";
const WASM_OPT: &str = "TESTIMONY_WASM_OPT";
/// The WebAssembly features rustc's wasm32 target emits, which wasm-opt must accept.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-sign-ext",
    "--enable-nontrapping-float-to-int",
    "--enable-mutable-globals",
    "--enable-multivalue",
    "--enable-reference-types",
];

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=crates/search");
    println!("cargo:rerun-if-changed=crates/search-runtime");
    println!("cargo:rerun-if-changed=vendor");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-changed=rust-toolchain.toml");
    println!("cargo:rerun-if-env-changed={PREBUILT}");
    println!("cargo:rerun-if-env-changed={WASM_OPT}");

    match build_runtime() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nerror: cannot build the search runtime (wasm32).\n\n{message}\n");
            ExitCode::FAILURE
        }
    }
}

fn build_runtime() -> Result<(), String> {
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
    let destination = out_dir.join(OUTPUT_NAME);

    if let Some(prebuilt) = env::var_os(PREBUILT).filter(|p| !p.is_empty()) {
        std::fs::copy(&prebuilt, &destination).map_err(|error| {
            format!(
                "{PREBUILT} is set to {}, which cannot be copied: {error}",
                Path::new(&prebuilt).display()
            )
        })?;
        return Ok(());
    }

    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").ok_or("CARGO_MANIFEST_DIR is not set")?);
    let cargo = env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let rustc = env::var_os("RUSTC").unwrap_or_else(|| OsString::from("rustc"));
    check_wasm_sysroot(&rustc)?;

    let target_dir = outer_target_dir(&out_dir).join("search-runtime");
    let mut command = Command::new(&cargo);
    command
        .current_dir(&manifest_dir)
        .args(["build", "--package", RUNTIME_PACKAGE, "--lib", "--release"])
        .args(["--target", WASM_TARGET])
        .arg("--manifest-path")
        .arg(manifest_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target_dir);
    for variable in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        "CARGO_BUILD_RUSTC_WRAPPER",
        "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    ] {
        command.env_remove(variable);
    }
    command
        // getrandom's "custom" backend: the runtime provides it (crates/search-runtime).
        .env(
            "CARGO_ENCODED_RUSTFLAGS",
            "--cfg\x1fgetrandom_backend=\"custom\"",
        )
        // A small, fast runtime: whole-program optimisation, no debug info or symbols.
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "z")
        .env("CARGO_PROFILE_RELEASE_LTO", "true")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_STRIP", "true")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort");

    let status = command
        .status()
        .map_err(|error| format!("could not run {}: {error}", Path::new(&cargo).display()))?;
    if !status.success() {
        return Err(format!(
            "`cargo build --package {RUNTIME_PACKAGE} --lib --release --target {WASM_TARGET}` \
             failed ({status}); its output is above."
        ));
    }
    let built = target_dir
        .join(WASM_TARGET)
        .join("release")
        .join(format!("{}.wasm", RUNTIME_PACKAGE.replace('-', "_")));
    let built = optimised(&built, &target_dir)?;
    std::fs::copy(&built, &destination).map_err(|error| {
        format!(
            "the runtime build succeeded but {} cannot be copied: {error}",
            built.display()
        )
    })?;
    Ok(())
}

/// The runtime shrunk by `wasm-opt -Oz`, when wasm-opt is there; else the runtime as built.
fn optimised(built: &Path, target_dir: &Path) -> Result<PathBuf, String> {
    use std::hash::{Hash, Hasher};

    let wasm_opt = env::var_os(WASM_OPT)
        .filter(|path| !path.is_empty())
        .unwrap_or_else(|| OsString::from("wasm-opt"));
    let found = Command::new(&wasm_opt)
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !found {
        if env::var("PROFILE").as_deref() == Ok("release") {
            println!(
                "cargo:warning=wasm-opt (binaryen) was not found, so the search runtime is not \
                 shrunk: install it with `npm install -g binaryen` for a smaller search page"
            );
        }
        return Ok(built.to_path_buf());
    }
    let bytes = std::fs::read(built)
        .map_err(|error| format!("cannot read {}: {error}", built.display()))?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut hasher);
    let output = target_dir.join(format!("runtime-{:016x}.opt.wasm", hasher.finish()));
    if output.is_file() {
        return Ok(output);
    }
    let partial = output.with_extension("partial");
    let status = Command::new(&wasm_opt)
        .arg("-Oz")
        .args(WASM_FEATURES)
        .arg(built)
        .arg("-o")
        .arg(&partial)
        .status()
        .map_err(|error| format!("could not run wasm-opt: {error}"))?;
    if !status.success() {
        return Err(format!(
            "`wasm-opt -Oz {}` failed ({status}); its output is above. Unset {WASM_OPT} or take \
             wasm-opt off the PATH to build without it.",
            built.display()
        ));
    }
    std::fs::rename(&partial, &output)
        .map_err(|error| format!("cannot write {}: {error}", output.display()))?;
    Ok(output)
}

/// The wasm32 standard library must be installed; `CARGO` bypasses rustup, which would
/// otherwise install it from rust-toolchain.toml.
fn check_wasm_sysroot(rustc: &OsString) -> Result<(), String> {
    let output = Command::new(rustc)
        .args(["--print", "sysroot"])
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .output()
        .map_err(|error| {
            format!(
                "could not run {} to find the sysroot: {error}",
                Path::new(rustc).display()
            )
        })?;
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let wasm_lib = Path::new(&sysroot)
        .join("lib")
        .join("rustlib")
        .join(WASM_TARGET)
        .join("lib");
    if output.status.success() && !wasm_lib.is_dir() && !install_wasm_target() {
        return Err(format!(
            "The Rust standard library for {WASM_TARGET} is not installed \
             (no {}).\nInstall it with:\n\n    rustup target add {WASM_TARGET}\n",
            wasm_lib.display()
        ));
    }
    Ok(())
}

/// Where rustup does not install rust-toolchain.toml's targets by itself (as with
/// `RUSTUP_AUTO_INSTALL=0`), adds the wasm32 target to the toolchain in use, so that
/// `cargo build` alone works on a fresh machine. Returns whether it did.
fn install_wasm_target() -> bool {
    let Some(toolchain) = env::var_os("RUSTUP_TOOLCHAIN") else {
        return false;
    };
    println!(
        "cargo:warning=installing the {WASM_TARGET} target for the search runtime (rustup target add {WASM_TARGET})"
    );
    Command::new("rustup")
        .args(["target", "add", WASM_TARGET, "--toolchain"])
        .arg(toolchain)
        .status()
        .is_ok_and(|status| status.success())
}

/// The outer build's target dir. OUT_DIR is `<target>/[<triple>/]<profile>/build/<pkg>-<hash>/out`;
/// cargo marks the target dir's root with `CACHEDIR.TAG`.
fn outer_target_dir(out_dir: &Path) -> PathBuf {
    out_dir
        .ancestors()
        .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        .or_else(|| out_dir.ancestors().nth(4))
        .unwrap_or(out_dir)
        .to_path_buf()
}
