//! What volunteers do to the content between submissions and the archive: take a survivor's
//! words down (`withdraw`), bring submissions in from a form's export (`import`), and read,
//! approve, reject and redact the pending queue on a local page (`desk`). Each
//! rewrites content files atomically, so an interrupted command never leaves half a file.

pub mod desk;
pub mod import;
pub mod withdraw;

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a moderation command changed nothing (or not everything it meant to).
#[derive(Debug, thiserror::Error)]
pub enum ModerationError {
    #[error("{} has no content/site.yaml: run this inside a site, or pass --site DIR", .0.display())]
    NotASite(PathBuf),
    #[error("no testimony has the id {0}")]
    NoSuchTestimony(u64),
    #[error("the id {id} is used by more than one file: {}; give each its own id first", .files.join(", "))]
    DuplicateId { id: u64, files: Vec<String> },
    #[error("cannot read {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        error: io::Error,
    },
    #[error("cannot write {}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        error: io::Error,
    },
    #[error("{}: {message}", .path.display())]
    Export { path: PathBuf, message: String },
    /// site.yaml or schools.yaml has mistakes (exit status 1).
    #[error("{0}")]
    Content(crate::diagnostics::Diagnostics),
}

/// Refuses a directory that is not a site.
pub(crate) fn require_site(site_dir: &Path) -> Result<(), ModerationError> {
    if site_dir.join("content").join("site.yaml").is_file() {
        Ok(())
    } else {
        Err(ModerationError::NotASite(site_dir.to_path_buf()))
    }
}

/// Replaces the file at `path` with `text` in one step: written beside it, flushed to disk,
/// then renamed over it, so a reader (or a crash) sees the old file or the new, never half.
pub fn write_atomically(path: &Path, text: &[u8]) -> Result<(), ModerationError> {
    let write_error = |error| ModerationError::Write {
        path: path.to_path_buf(),
        error,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(write_error)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.writing-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(text)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result.map_err(write_error)
}
