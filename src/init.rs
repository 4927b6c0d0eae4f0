//! `testimony init DIR`: a new campaign repository with sample content and what each static host
//! needs to build and publish it (`src/scaffold/`). The theme is built into the binary, so a new
//! site needs nothing else to build, and the hosts' build commands run this same version of
//! `testimony` from npm: none of them needs a Rust toolchain.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

static SCAFFOLD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold");

/// Where the scaffold's files name the release they install; replaced by this binary's version,
/// so a repository made by `testimony init` builds with the version that made it.
const VERSION_MARK: &str = "{{testimony_version}}";

/// The scaffold keeps its `.gitignore` under another name: inside this repository, git would
/// read it as the ignore file of `src/scaffold/` itself.
const RENAMED: &[(&str, &str)] = &[("gitignore", ".gitignore")];

/// Why `init` wrote nothing, or not everything.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("{} already has a content/ folder; choose an empty or new directory", .0.display())]
    AlreadyASite(PathBuf),
    #[error("cannot write {}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        error: io::Error,
    },
}

/// The files of a new repository, relative to its root, as `init` writes them.
fn scaffold_files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = crate::embedded::files(&SCAFFOLD)
        .into_iter()
        .map(|file| {
            let mut relative = file.path().to_path_buf();
            if let Some((_, to)) = RENAMED.iter().find(|(from, _)| relative == Path::new(from)) {
                relative = PathBuf::from(to);
            }
            let bytes = match file.contents_utf8() {
                Some(text) => text
                    .replace(VERSION_MARK, env!("CARGO_PKG_VERSION"))
                    .into_bytes(),
                None => file.contents().to_vec(),
            };
            (relative, bytes)
        })
        .collect();
    files.sort();
    files
}

/// Writes the sample site into `dir`, which must not already hold a site. Files that already
/// exist there are left as they are. Returns the files written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, InitError> {
    if dir.join("content").exists() {
        return Err(InitError::AlreadyASite(dir.to_path_buf()));
    }
    let mut written = Vec::new();
    for (relative, bytes) in scaffold_files() {
        let path = dir.join(&relative);
        if path.exists() {
            continue;
        }
        let write_error = |error| InitError::Write {
            path: path.clone(),
            error,
        };
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(write_error)?;
        }
        fs::write(&path, bytes).map_err(write_error)?;
        written.push(relative);
    }
    Ok(written)
}
