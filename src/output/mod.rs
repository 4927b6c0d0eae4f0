//! Writing the output directory safely. A first build goes into a fresh sibling directory,
//! which takes the output's place once it is complete; a build over an earlier one changes only
//! the files that differ, under a journal (`journal`). Either way a failed build leaves the
//! previous output as it was, and nothing from an earlier build survives a successful one.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

mod journal;
mod staging;

pub use staging::Staging;

/// Marks a directory as a testimony build, so a later build may replace it. A directory
/// without it is never deleted.
pub const MARKER: &str = ".testimony-output";

/// Why the output directory was not written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "the output directory {} is the site itself or contains it; building there would delete the site",
        .0.display()
    )]
    IsTheSite(PathBuf),
    #[error("the output directory {} is inside the site's {folder}/ folder", .path.display())]
    InsideTheSite { path: PathBuf, folder: &'static str },
    #[error(
        "the output directory {} contains a content/ folder: it looks like a site, not a build",
        .0.display()
    )]
    LooksLikeASite(PathBuf),
    #[error(
        "the output directory {} already holds files that testimony did not write; they would be deleted",
        .0.display()
    )]
    NotABuild(PathBuf),
    /// A file's path would climb out of the output directory (or is empty).
    #[error("refusing to write `{0}`: it is not a plain path inside the output directory")]
    UnsafePath(String),
    #[error(
        "another build of {} is running (process {pid}); wait for it to finish, then build again",
        .output.display()
    )]
    Busy { output: PathBuf, pid: String },
    #[error("cannot write {}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        error: io::Error,
    },
}

impl OutputError {
    /// Whether the output was refused before anything was written (a usage error), rather
    /// than writing failed.
    pub fn is_refusal(&self) -> bool {
        !matches!(self, OutputError::Io { .. } | OutputError::Busy { .. })
    }
}

pub(super) fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |error| OutputError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Refuses output directories that are the site, hold content, or hold the site.
pub fn check_output_dir(site_dir: &Path, output: &Path) -> Result<(), OutputError> {
    let site = absolute(site_dir);
    let out = absolute(output);
    if out == site || site.starts_with(&out) {
        return Err(OutputError::IsTheSite(output.to_path_buf()));
    }
    for protected in ["content", "themes"] {
        if out.starts_with(site.join(protected)) {
            return Err(OutputError::InsideTheSite {
                path: output.to_path_buf(),
                folder: protected,
            });
        }
    }
    if out.join("content").exists() {
        return Err(OutputError::LooksLikeASite(output.to_path_buf()));
    }
    if out.is_dir() && !out.join(MARKER).exists() && !is_empty_dir(&out) {
        return Err(OutputError::NotABuild(output.to_path_buf()));
    }
    Ok(())
}

fn is_empty_dir(path: &Path) -> bool {
    fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_none())
}

/// An absolute, `..`-free form of a path, without requiring it to exist.
fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    // Resolve symbolic links of the part that exists, then normalize the rest.
    let mut existing = joined.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut out = fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        out.push(name);
    }
    let mut normal = PathBuf::new();
    for component in out.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

/// A folder files are written into, each through the same check: a path must be relative and
/// may not climb out of it.
#[derive(Debug, Clone)]
pub struct Folder {
    root: PathBuf,
}

impl Folder {
    pub fn new(root: impl Into<PathBuf>) -> Folder {
        Folder { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the file at `path` (relative, plain) lives.
    pub fn path_of(&self, path: &str) -> Result<PathBuf, OutputError> {
        let relative = Path::new(path);
        let plain = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !plain || path.is_empty() {
            return Err(OutputError::UnsafePath(path.to_owned()));
        }
        Ok(self.root.join(relative))
    }

    /// Writes one file, making the folders it needs.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let full = self.path_of(path)?;
        if let Some(dir) = full.parent() {
            fs::create_dir_all(dir).map_err(io_error(dir))?;
        }
        fs::write(&full, bytes).map_err(io_error(&full))
    }

    /// Deletes one file (gone already is fine), and the folders it leaves empty.
    pub fn remove(&self, path: &str) -> Result<(), OutputError> {
        let full = self.path_of(path)?;
        if let Err(error) = fs::remove_file(&full)
            && error.kind() != io::ErrorKind::NotFound
        {
            return Err(OutputError::Io { path: full, error });
        }
        remove_empty_folders(&self.root, path);
        Ok(())
    }
}
/// Removes the folders that `file` (relative to `root`) was in, from the innermost out, while
/// they are empty.
pub(super) fn remove_empty_folders(root: &Path, file: &str) {
    let full = root.join(file);
    let mut dir = full.parent();
    // Removing a folder that is not empty fails, and stops the climb.
    while let Some(parent) = dir.filter(|dir| *dir != root && dir.starts_with(root)) {
        if fs::remove_dir(parent).is_err() {
            break;
        }
        dir = parent.parent();
    }
}

/// Deletes a folder and everything in it, the files on all cores at once: an old build of a
/// big archive is a hundred thousand files.
pub(super) fn remove_tree(dir: &Path) -> io::Result<()> {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().try_for_each(fs::remove_file)?;
    fs::remove_dir_all(dir)
}
