//! Writing the output directory safely: everything goes into a fresh sibling directory, which
//! replaces the old output only once it is complete. A failed build leaves the previous output
//! as it was, and nothing from an earlier build survives a successful one.

use std::collections::{BTreeSet, HashSet};
use std::fs;
use std::hash::{BuildHasher, RandomState};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

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
        !matches!(self, OutputError::Io { .. })
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
        // Removing a folder that is not empty fails, and stops the climb.
        let mut dir = full.parent();
        while let Some(parent) = dir.filter(|dir| *dir != self.root.as_path()) {
            if fs::remove_dir(parent).is_err() {
                break;
            }
            dir = parent.parent();
        }
        Ok(())
    }
}

/// A build in progress: a temporary sibling of the output directory, `.<name>.building-<pid>`,
/// which replaces the output only once it is complete. Files unchanged since the build it
/// replaces are hard links to that build's files (see [`Staging::put`]), so publishing writes
/// only what changed, and a failed or interrupted build still leaves the previous output as it
/// was.
///
/// Each build holds a lock on `.<name>.lock-<pid>` while it runs. A build that was killed
/// (SIGKILL, a power cut) cannot clean up after itself, so every build starts by clearing what
/// an earlier one left beside the same output: scratch folders whose lock is free are deleted,
/// and an output set aside by a build killed mid-commit (`.<name>.old-<pid>`, with no output in
/// its place) is put back first, so the previous output is never lost. The scratch names are
/// what the `.gitignore` of `testimony init` ignores.
pub struct Staging {
    target: PathBuf,
    temp: Folder,
    /// The build being replaced, when there is one: a file whose bytes are unchanged is linked
    /// from it instead of written again.
    previous: Option<Folder>,
    scratch: Scratch,
    /// The folders of the new build made so far, by the hash of their path: each is made
    /// once, not again for every file it holds (see [`Staging::make_dir`]).
    made: Mutex<HashSet<u64>>,
    hasher: RandomState,
    /// Held until the build is committed or dropped.
    _lock: fs::File,
    committed: bool,
}

/// The names of one build's scratch space beside the output.
struct Scratch {
    parent: PathBuf,
    name: String,
    pid: String,
}

impl Scratch {
    fn building(&self) -> PathBuf {
        self.parent
            .join(format!(".{}.building-{}", self.name, self.pid))
    }

    fn old(&self) -> PathBuf {
        self.parent.join(format!(".{}.old-{}", self.name, self.pid))
    }

    fn lock(&self) -> PathBuf {
        self.parent
            .join(format!(".{}.lock-{}", self.name, self.pid))
    }

    /// The scratch spaces of earlier builds of the same output: their pids.
    fn others(&self) -> BTreeSet<String> {
        let prefixes = ["building-", "old-", "lock-"].map(|kind| format!(".{}.{kind}", self.name));
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return BTreeSet::new();
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let file_name = entry.file_name().to_string_lossy().into_owned();
                prefixes
                    .iter()
                    .find_map(|prefix| file_name.strip_prefix(prefix.as_str()))
                    .map(str::to_owned)
            })
            .filter(|pid| *pid != self.pid)
            .collect()
    }

    /// Clears what the builds of `pids` left, unless one is still running (its lock is held).
    fn clear_leftovers(&self, target: &Path) -> Result<(), OutputError> {
        for pid in self.others() {
            let other = Scratch {
                parent: self.parent.clone(),
                name: self.name.clone(),
                pid,
            };
            let lock_path = other.lock();
            let lock = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&lock_path)
                .ok();
            if lock.as_ref().is_some_and(|file| file.try_lock().is_err()) {
                continue; // that build is still running
            }
            let old = other.old();
            if old.is_dir() && !target.exists() {
                fs::rename(&old, target).map_err(io_error(&old))?;
            }
            for dir in [other.building(), old] {
                if dir.exists() {
                    remove_tree(&dir).map_err(io_error(&dir))?;
                }
            }
            drop(lock);
            if lock_path.exists() {
                fs::remove_file(&lock_path).map_err(io_error(&lock_path))?;
            }
        }
        Ok(())
    }
}

impl Staging {
    pub fn new(target: &Path) -> Result<Staging, OutputError> {
        let parent = match target.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(io_error(&parent))?;
        let scratch = Scratch {
            parent,
            name: target
                .file_name()
                .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned()),
            pid: std::process::id().to_string(),
        };
        let lock_path = scratch.lock();
        let lock = fs::File::create(&lock_path).map_err(io_error(&lock_path))?;
        lock.lock().map_err(io_error(&lock_path))?;
        scratch.clear_leftovers(target)?;

        let temp = scratch.building();
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(io_error(&temp))?;
        }
        fs::create_dir(&temp).map_err(io_error(&temp))?;
        fs::write(temp.join(MARKER), b"").map_err(io_error(&temp))?;
        let previous = target.join(MARKER).is_file().then(|| Folder::new(target));
        Ok(Staging {
            target: target.to_path_buf(),
            temp: Folder::new(temp),
            previous,
            scratch,
            made: Mutex::new(HashSet::new()),
            hasher: RandomState::new(),
            _lock: lock,
            committed: false,
        })
    }

    /// Puts one file of the new build in place. When the build being replaced has the same
    /// bytes at the same path, its file is hard-linked instead of written again: unchanged files
    /// keep their inode and modification time, and only changed ones are written. (Where the
    /// file system has no hard links, the file is written.) Returns whether bytes were written.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<bool, OutputError> {
        let target = self.temp.path_of(path)?;
        if let Some(previous) = &self.previous {
            let old = previous.path_of(path)?;
            let same = fs::metadata(&old)
                .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
                && fs::read(&old).is_ok_and(|old_bytes| old_bytes == bytes);
            if same {
                if let Some(dir) = target.parent() {
                    self.make_dir(dir)?;
                }
                if fs::hard_link(&old, &target).is_ok() {
                    return Ok(false);
                }
            }
        }
        if let Some(dir) = target.parent() {
            self.make_dir(dir)?;
        }
        match fs::write(&target, bytes) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => {
                // Two folders' paths hashed alike, and this one was never made: make it now.
                self.temp.write(path, bytes)?
            }
            written => written.map_err(io_error(&target))?,
        }
        Ok(true)
    }

    /// Makes the folder `dir` of the new build, and those it is in, unless this build made it
    /// already: a folder of several files costs one `mkdir`, not one for every file.
    fn make_dir(&self, dir: &Path) -> Result<(), OutputError> {
        let hash = self.hasher.hash_one(dir);
        if self.made_dirs().contains(&hash) {
            return Ok(());
        }
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        self.made_dirs().insert(hash);
        Ok(())
    }

    fn made_dirs(&self) -> std::sync::MutexGuard<'_, HashSet<u64>> {
        // The list stays right even if a thread panicked holding it: it only saves a mkdir.
        self.made
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Puts the finished build in place of the old output.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let temp = self.temp.root();
        let old = self.scratch.old();
        let had_old = self.target.exists();
        if had_old {
            fs::rename(&self.target, &old).map_err(io_error(&self.target))?;
        }
        if let Err(error) = fs::rename(temp, &self.target) {
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
            let _ = fs::remove_dir_all(self.temp.root());
        }
        let _ = fs::remove_file(self.scratch.lock());
    }
}
