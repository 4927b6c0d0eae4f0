//! Fixture sites in temporary directories, and running the real binary on them.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};

use tempfile::TempDir;
use walkdir::WalkDir;

pub struct TestSite {
    _temp: TempDir,
    pub dir: PathBuf,
}

/// What a run of the binary printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn assert_ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success, got:\n{}\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "unexpected exit status:\n{}\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl TestSite {
    /// An empty directory to work in.
    pub fn empty() -> TestSite {
        let temp = TempDir::new().unwrap();
        let dir = temp.path().join("site");
        fs::create_dir_all(&dir).unwrap();
        TestSite { _temp: temp, dir }
    }

    /// A copy of `tests/fixtures/basic`: three approved testimonies, four schools.
    pub fn basic() -> TestSite {
        let site = TestSite::empty();
        copy_dir(&repo_root().join("tests/fixtures/basic"), &site.dir);
        site
    }

    /// A copy of the demo archive at the repository root.
    pub fn demo() -> TestSite {
        let site = TestSite::empty();
        copy_dir(&repo_root().join("content"), &site.dir.join("content"));
        site
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    pub fn write(&self, relative: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.path(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
        self
    }

    /// Runs `testimony ARGS` inside the site directory.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_testimony"))
            .args(args)
            .current_dir(&self.dir)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs `testimony ARGS`, killing it after `seconds`: `None` means it hung.
    pub fn run_with_timeout(&self, args: &[&str], seconds: u64) -> Option<Run> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_testimony"))
            .args(args)
            .current_dir(&self.dir)
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                return None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let output = child.wait_with_output().unwrap();
        Some(Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }

    #[track_caller]
    pub fn build(&self) -> Run {
        self.run(&["build"]).assert_ok()
    }

    /// A built file of `public/`, as text.
    #[track_caller]
    pub fn output(&self, relative: &str) -> String {
        let path = self.path("public").join(relative);
        fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    pub fn has_output(&self, relative: &str) -> bool {
        self.path("public").join(relative).exists()
    }

    /// Every file of a directory, by relative path.
    pub fn files_of(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let relative = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (relative, fs::read(e.path()).unwrap())
            })
            .collect()
    }

    pub fn output_files(&self) -> BTreeMap<String, Vec<u8>> {
        TestSite::files_of(&self.path("public"))
    }

    /// The HTML pages of the output.
    pub fn html_pages(&self) -> Vec<(String, String)> {
        self.output_files()
            .into_iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
            .collect()
    }
}

/// A testimony file with the given front matter lines and body.
pub fn testimony(front_matter: &str, body: &str) -> String {
    format!("---\n{}\n---\n{body}\n", front_matter.trim())
}

/// Starts `testimony ARGS` (a server: `serve`, `moderate`) inside `site`, reads its standard
/// output up to the line with its address, and returns the running child, the address after
/// `http://127.0.0.1:` (`PORT/...`, up to a space), and the rest of its output, which the caller
/// must keep reading so that the server never blocks on a full pipe.
pub fn start_server(
    site: &TestSite,
    args: &[&str],
) -> (Child, String, Lines<BufReader<ChildStdout>>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_testimony"))
        .args(args)
        .current_dir(&site.dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let address = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let rest = line.split("http://127.0.0.1:").nth(1)?;
            Some(rest.split_whitespace().next()?.to_string())
        })
        .unwrap_or_else(|| panic!("`testimony {}` printed no address", args.join(" ")));
    (child, address, lines)
}
