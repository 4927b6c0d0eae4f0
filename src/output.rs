//! Writing the output directory safely: everything goes into a fresh sibling directory, which
//! replaces the old output only once it is complete. A failed build leaves the previous output
//! as it was, and nothing from an earlier build survives a successful one.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

/// Marks a directory as a testimony build, so a later build may replace it. A directory
/// without it is never deleted.
pub const MARKER: &str = ".testimony-output";

#[derive(Debug)]
pub enum OutputError {
    /// The output directory would destroy or publish something it must not.
    Refused(String),
    Io {
        path: PathBuf,
        error: io::Error,
    },
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Refused(why) => write!(f, "{why}"),
            OutputError::Io { path, error } => {
                write!(f, "cannot write {}: {error}", path.display())
            }
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
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
        return Err(OutputError::Refused(format!(
            "the output directory {} is the site itself or contains it; building there would delete the site",
            output.display()
        )));
    }
    for protected in ["content", "themes"] {
        if out.starts_with(site.join(protected)) {
            return Err(OutputError::Refused(format!(
                "the output directory {} is inside the site's {protected}/ folder",
                output.display()
            )));
        }
    }
    if out.join("content").exists() {
        return Err(OutputError::Refused(format!(
            "the output directory {} contains a content/ folder: it looks like a site, not a build",
            output.display()
        )));
    }
    if out.is_dir() && !out.join(MARKER).exists() && !is_empty_dir(&out) {
        return Err(OutputError::Refused(format!(
            "the output directory {} already holds files that testimony did not write; they would be deleted",
            output.display()
        )));
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

/// A build in progress: a temporary sibling of the output directory.
pub struct Staging {
    target: PathBuf,
    temp: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging, OutputError> {
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io_error(&parent))?;
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let temp = parent.join(format!(".{name}.building-{}", std::process::id()));
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(io_error(&temp))?;
        }
        fs::create_dir(&temp).map_err(io_error(&temp))?;
        fs::write(temp.join(MARKER), b"").map_err(io_error(&temp))?;
        Ok(Staging {
            target: target.to_path_buf(),
            temp,
            committed: false,
        })
    }

    /// Writes one file; `path` is relative and may not climb out of the output.
    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let relative = Path::new(path);
        let safe = relative
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !safe || path.is_empty() {
            return Err(OutputError::Refused(format!(
                "refusing to write `{path}`: it is not a plain path inside the output directory"
            )));
        }
        let full = self.temp.join(relative);
        if let Some(dir) = full.parent() {
            fs::create_dir_all(dir).map_err(io_error(dir))?;
        }
        fs::write(&full, bytes).map_err(io_error(&full))
    }

    /// Puts the finished build in place of the old output.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let old = self.temp.with_file_name(format!(
            ".{}.old-{}",
            self.target
                .file_name()
                .unwrap_or_default()
                .to_string_lossy(),
            std::process::id()
        ));
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(io_error(&self.target))?;
        }
        if let Err(error) = fs::rename(&self.temp, &self.target) {
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            return Err(OutputError::Io {
                path: self.target.clone(),
                error,
            });
        }
        self.committed = true;
        if had_old {
            remove_tree(&old).map_err(io_error(&old))?;
        }
        Ok(())
    }
}

/// Deletes a folder and everything in it, the files on all cores at once: an old build of a
/// big archive is a hundred thousand files.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| !entry.file_type().is_dir())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.par_iter().try_for_each(fs::remove_file)?;
    fs::remove_dir_all(dir)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.temp);
        }
    }
}
