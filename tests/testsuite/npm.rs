//! `npx testimony` with nothing but Node.js: the npm packages that `tools/release/npm-pack.sh`
//! writes (the main package and this platform's, holding this test run's binary) are installed
//! into an empty folder by npm with no network (an empty cache, `--offline`, a registry nobody
//! answers) and with a PATH that has node and npm but no cargo or rustc; then `npx testimony`
//! makes a new site, builds it and searches it. Where Node.js or npm is missing the test says
//! loudly that it was skipped, unless TESTIMONY_REQUIRE_NPM is set (as CI sets it).

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{Run, repo_root};

/// The first `name` on the test's own PATH.
fn find_on_path(name: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// `None` when `test` can run node, npm and npx here; otherwise why not, said loudly (or a
/// panic, where npm tests are required).
pub fn unavailable(test: &str) -> Option<String> {
    let runs = |program: &str| {
        Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success())
    };
    let reason = ["node", "npm", "npx"]
        .into_iter()
        .find(|program| !runs(program))
        .map(|program| format!("`{program}` was not found (install Node.js 18+ with npm)"));
    if let Some(why) = &reason {
        skip(test, why);
    }
    reason
}

/// Says loudly that `test` was skipped because of `why`; a panic where npm tests are required
/// (TESTIMONY_REQUIRE_NPM).
pub fn skip(test: &str, why: &str) {
    assert!(
        std::env::var_os("TESTIMONY_REQUIRE_NPM").is_none(),
        "{test} is required here, but {why}"
    );
    eprintln!();
    eprintln!("==================================================================");
    eprintln!("SKIPPED: {test}: {why}.");
    eprintln!("==================================================================");
    eprintln!();
}

/// Runs a prepared command and says everything about it when it fails.
#[track_caller]
fn run(command: &mut Command) -> Run {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
    let run = Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(
        output.status.success(),
        "{command:?} in {:?} exited with {}:\n--- stdout\n{}\n--- stderr\n{}",
        command.get_current_dir(),
        run.code,
        run.stdout,
        run.stderr
    );
    run
}

/// A copy of this test run's binary, without its debug information when `strip` is here (a
/// debug build is some 300 MB, which npm would take a minute to pack).
fn small_binary(dir: &Path) -> PathBuf {
    let binary = dir.join("testimony");
    let stripped = Command::new("strip")
        .arg("-o")
        .arg(&binary)
        .arg(env!("CARGO_BIN_EXE_testimony"))
        .status()
        .is_ok_and(|status| status.success());
    if !stripped {
        fs::copy(env!("CARGO_BIN_EXE_testimony"), &binary).unwrap();
    }
    binary
}

/// A folder for PATH holding links to node, npm, npx and sh (which npx runs commands with),
/// and nothing else.
fn node_only_bin(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    fs::create_dir_all(&bin).unwrap();
    let path = std::env::var_os("PATH").unwrap_or_default();
    for program in ["node", "npm", "npx", "sh"] {
        let target =
            find_on_path(program, &path).unwrap_or_else(|| panic!("`{program}` is not on PATH"));
        std::os::unix::fs::symlink(fs::canonicalize(&target).unwrap(), bin.join(program)).unwrap();
    }
    for program in ["cargo", "rustc", "rustup"] {
        assert_eq!(
            find_on_path(program, bin.as_os_str()),
            None,
            "{program} must not be on the test's PATH"
        );
    }
    bin
}

/// `program ARGS` in `cwd` with an environment of only what npm needs, and no network.
fn node_command(temp: &Path, bin: &Path, cwd: &Path, program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(bin.join(program));
    command
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", bin)
        .env("HOME", temp.join("home"))
        .env("NO_COLOR", "1")
        .env("npm_config_cache", temp.join("npm-cache"))
        .env("npm_config_userconfig", temp.join("home/.npmrc"))
        .env("npm_config_offline", "true")
        .env("npm_config_audit", "false")
        .env("npm_config_fund", "false")
        .env("npm_config_update_notifier", "false")
        // Port 9 (discard) on this machine: any request that escapes --offline fails.
        .env("npm_config_registry", "http://127.0.0.1:9/");
    command
}

#[cfg(unix)]
#[test]
fn npx_testimony_inits_builds_and_searches_a_site_with_only_node_installed() {
    if unavailable("the npm package test").is_some() {
        return;
    }
    let temp = tempfile::tempdir().unwrap();
    let temp = temp.path();
    for dir in ["home", "npm-cache", "app", "npm"] {
        fs::create_dir_all(temp.join(dir)).unwrap();
    }
    fs::write(temp.join("home/.npmrc"), "").unwrap();

    // The packages, as a release writes them, holding this run's binary.
    let packed = run(Command::new("bash")
        .arg(repo_root().join("tools/release/npm-pack.sh"))
        .env("TESTIMONY_BINARY", small_binary(temp))
        .env("TESTIMONY_NPM_OUT", temp.join("npm")));
    let tarballs: Vec<&str> = packed.stdout.lines().collect();
    assert_eq!(tarballs.len(), 2, "{}", packed.stdout);
    let version = env!("CARGO_PKG_VERSION");
    assert!(
        tarballs[0].ends_with(&format!("/testimony-archive-testimony-{version}.tgz")),
        "{tarballs:?}"
    );
    assert!(
        tarballs[1].ends_with(&format!("-{version}.tgz")),
        "{tarballs:?}"
    );

    let bin = node_only_bin(temp);
    let app = temp.join("app");
    let npm = |args: &[&str]| run(&mut node_command(temp, &bin, &app, "npm", args));
    let npx = |args: &[&str]| node_command(temp, &bin, &app, "npx", args);

    let mut install = vec!["install", "--loglevel=error"];
    install.extend(&tarballs);
    npm(&install);
    // The launcher, and one platform package: no other was downloaded, nothing compiled.
    let installed = app.join("node_modules/@testimony-archive");
    let mut packages: Vec<String> = fs::read_dir(&installed)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    packages.sort();
    assert_eq!(packages.len(), 2, "{packages:?}");
    assert!(packages.contains(&"testimony".to_string()), "{packages:?}");

    let said = run(&mut npx(&["testimony", "--version"]));
    assert_eq!(said.stdout.trim(), format!("testimony {version}"));

    let init = run(&mut npx(&["testimony", "init", "site"]));
    assert!(init.stdout.contains("site"), "{}", init.stdout);
    let build = run(&mut npx(&["testimony", "build", "--site", "site"]));
    assert!(
        build.stdout.contains("Built 2 published testimonies"),
        "{}",
        build.stdout
    );
    let public = app.join("site/public");
    for file in [
        "index.html",
        "testimonies/1001/index.html",
        "schools/elderbrook-academy/index.html",
        "search/index.html",
        "search/manifest.json",
    ] {
        assert!(public.join(file).is_file(), "the build wrote no {file}");
    }
    assert!(
        !public.join("testimonies/1003/index.html").exists(),
        "the pending sample testimony was published"
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(public.join("search/manifest.json")).unwrap())
            .unwrap();
    assert!(manifest.is_object(), "{manifest}");

    let search = run(&mut npx(&[
        "testimony",
        "search",
        "tutor",
        "--site",
        "site",
        "--json",
    ]));
    let found: serde_json::Value = serde_json::from_str(&search.stdout).unwrap();
    let ids: Vec<u64> = found["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1001], "{}", search.stdout);

    // The launcher passes the binary's exit status on: 2 for a usage error, 1 for content.
    let usage = npx(&["testimony", "build", "--no-such-option"])
        .output()
        .unwrap();
    assert_eq!(usage.status.code(), Some(2), "{usage:?}");
    fs::write(
        app.join("site/content/testimonies/1001.md"),
        "no front matter\n",
    )
    .unwrap();
    let broken = npx(&["testimony", "check", "--site", "site"])
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(1), "{broken:?}");
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("1001.md"),
        "{broken:?}"
    );
}
