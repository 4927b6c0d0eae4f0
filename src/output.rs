//! Writing the output directory safely: everything goes into a fresh sibling directory, which
//! replaces the old output only once it is complete. A failed build leaves the previous output
//! as it was, and nothing from an earlier build survives a successful one.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::hash::{BuildHasher, RandomState};
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

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
        remove_empty_folders(&self.root, path);
        Ok(())
    }
}

/// A build in progress, written so that a failed or interrupted build leaves the previous output
/// as it was.
///
/// A first build goes into a temporary sibling of the output, `.<name>.building-<pid>`, which
/// takes the output's place once it is complete. A build over an earlier one updates it in
/// place: a file whose bytes are unchanged is left alone (its inode and modification time too),
/// a changed or new file is written into the scratch folder, and only at the end are those moved
/// in and the files the site no longer has moved out, into `.<name>.old-<pid>`. The list of
/// moves goes first into `.<name>.journal-<pid>`; until the journal is deleted every move can be
/// undone, and is, if one fails or the build is killed before the end.
///
/// Each build holds a lock on `.<name>.lock-<pid>` while it runs, and one build of an output
/// runs at a time: a second one stops and says so. A build that was killed (SIGKILL, a power
/// cut) cannot clean up after itself, so every build starts by clearing what an earlier one left
/// beside the same output: a journal's moves are undone, an output set aside by a build killed
/// mid-swap (`.<name>.old-<pid>`, with no output in its place) is put back, and the scratch
/// folders are deleted, so the previous output is never lost. The scratch names are what the
/// `.gitignore` of `testimony init` ignores.
pub struct Staging {
    target: PathBuf,
    temp: Folder,
    /// The earlier build being updated, when there is one.
    previous: Option<Previous>,
    scratch: Scratch,
    /// The folders of the scratch space made so far, by the hash of their path: each is made
    /// once, not again for every file it holds (see [`Staging::make_dir`]).
    made: Mutex<HashSet<u64>>,
    hasher: RandomState,
    /// Held until the build is committed or dropped.
    _lock: fs::File,
    committed: bool,
}

/// The earlier build that a build updates.
struct Previous {
    folder: Folder,
    /// Its files, by "/"-separated path.
    files: HashSet<String>,
    /// Each path the new build put, and the name its bytes were written under in the scratch
    /// folder when they differ from the earlier file's (or there was none): a number, so that
    /// the scratch folder is one flat folder, with no folders to make and remove for each file.
    put: Mutex<HashMap<String, Option<usize>>>,
    /// How many files went into the scratch folder so far: the next one's number.
    written: AtomicUsize,
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

    fn journal(&self) -> PathBuf {
        self.parent
            .join(format!(".{}.journal-{}", self.name, self.pid))
    }

    fn lock(&self) -> PathBuf {
        self.parent
            .join(format!(".{}.lock-{}", self.name, self.pid))
    }

    /// The scratch spaces of earlier builds of the same output: their pids.
    fn others(&self) -> BTreeSet<String> {
        let prefixes =
            ["building-", "old-", "journal-", "lock-"].map(|kind| format!(".{}.{kind}", self.name));
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

    /// Clears what the builds of `pids` left; refuses to go on while one is still running (its
    /// lock is held).
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
                return Err(OutputError::Busy {
                    output: target.to_path_buf(),
                    pid: other.pid,
                });
            }
            let (old, building, journal) = (other.old(), other.building(), other.journal());
            if journal.exists() {
                // Killed while updating the output: undo the moves it made.
                let moves = read_journal(&journal).map_err(io_error(&journal))?;
                Update {
                    output: target,
                    old: &old,
                    new: &building,
                }
                .undo(&moves)
                .map_err(io_error(target))?;
                fs::remove_file(&journal).map_err(io_error(&journal))?;
            } else if old.is_dir() && !target.exists() {
                // Killed between setting the output aside and putting the new one in its place.
                fs::rename(&old, target).map_err(io_error(&old))?;
            }
            for dir in [building, old] {
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
        // From here on, dropping it removes the lock and the scratch folder.
        let mut staging = Staging {
            target: target.to_path_buf(),
            temp: Folder::new(scratch.building()),
            previous: None,
            scratch,
            made: Mutex::new(HashSet::new()),
            hasher: RandomState::new(),
            _lock: lock,
            committed: false,
        };
        staging.scratch.clear_leftovers(target)?;

        let temp = staging.temp.root().to_path_buf();
        if temp.exists() {
            fs::remove_dir_all(&temp).map_err(io_error(&temp))?;
        }
        fs::create_dir(&temp).map_err(io_error(&temp))?;
        fs::write(temp.join(MARKER), b"").map_err(io_error(&temp))?;
        if target.join(MARKER).is_file() {
            let files = files_of(target).map_err(io_error(target))?;
            staging.previous = files.map(|mut files| {
                // The marker stays, and says the output is still a build.
                files.remove(MARKER);
                Previous {
                    folder: Folder::new(target),
                    files,
                    put: Mutex::default(),
                    written: AtomicUsize::new(0),
                }
            });
        }
        Ok(staging)
    }

    /// Puts one file of the new build in place. When the build being updated has the same bytes
    /// at the same path, its file is left as it is; otherwise the bytes are written into the
    /// scratch folder, to be moved in by [`Staging::commit`]. Returns whether bytes were written.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<bool, OutputError> {
        let target = self.temp.path_of(path)?;
        if let Some(previous) = &self.previous {
            let old = previous.folder.path_of(path)?;
            let same = previous.files.contains(path)
                && fs::symlink_metadata(&old)
                    .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
                && fs::read(&old).is_ok_and(|old_bytes| old_bytes == bytes);
            let number = (!same).then(|| previous.written.fetch_add(1, Ordering::Relaxed));
            if let Some(number) = number {
                let scratch = self.temp.root().join(number.to_string());
                fs::write(&scratch, bytes).map_err(io_error(&scratch))?;
            }
            locked(&previous.put).insert(path.to_owned(), number);
            return Ok(!same);
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

    /// Makes the folder `dir` of the scratch space, and those it is in, unless this build made
    /// it already: a folder of several files costs one `mkdir`, not one for every file.
    fn make_dir(&self, dir: &Path) -> Result<(), OutputError> {
        let hash = self.hasher.hash_one(dir);
        if locked(&self.made).contains(&hash) {
            return Ok(());
        }
        fs::create_dir_all(dir).map_err(io_error(dir))?;
        locked(&self.made).insert(hash);
        Ok(())
    }

    /// Puts the finished build in place of the old output.
    pub fn commit(mut self) -> Result<(), OutputError> {
        match self.previous.take() {
            Some(previous) => self.update(previous)?,
            None => self.swap()?,
        }
        self.committed = true;
        Ok(())
    }

    /// Replaces the output (if any) with the scratch folder, whole.
    fn swap(&self) -> Result<(), OutputError> {
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
        if had_old {
            remove_tree(&old).map_err(io_error(&old))?;
        }
        Ok(())
    }

    /// Moves the new and changed files into the earlier output and the files it should no
    /// longer have out of it, undoing every move if one fails.
    fn update(&self, previous: Previous) -> Result<(), OutputError> {
        let put = previous
            .put
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let mut moves: Vec<Move> = previous
            .files
            .iter()
            .filter(|path| !put.contains_key(*path))
            .map(|path| Move::Gone(path.clone()))
            .collect();
        for (path, number) in put {
            match number {
                Some(number) if previous.files.contains(&path) => {
                    moves.push(Move::Changed(path, number));
                }
                Some(number) => moves.push(Move::New(path, number)),
                None => {}
            }
        }
        // Files gone first: a folder may become a file, or a file a folder.
        moves.sort_unstable();
        let (journal, old) = (self.scratch.journal(), self.scratch.old());
        let update = Update {
            output: &self.target,
            old: &old,
            new: self.temp.root(),
        };
        if !moves.is_empty() {
            write_journal(&journal, &moves).map_err(io_error(&journal))?;
            if let Err(error) = update.apply(&moves) {
                // Put back what was moved; should that fail too, the next build does it.
                if update.undo(&moves).is_ok() && fs::remove_file(&journal).is_ok() {
                    let _ = remove_tree(&old);
                }
                return Err(io_error(&self.target)(error));
            }
            // Done: from here on the new build stands.
            fs::remove_file(&journal).map_err(io_error(&journal))?;
        }
        for dir in [self.temp.root(), old.as_path()] {
            if dir.exists() {
                remove_tree(dir).map_err(io_error(dir))?;
            }
        }
        Ok(())
    }
}

/// A mutex's value, even if a thread panicked holding it: these sets and maps stay right.
fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The files of the folder at `root`, by "/"-separated path; `None` if a name is not UTF-8 (the
/// build then replaces that folder whole instead of updating it).
fn files_of(root: &Path) -> io::Result<Option<HashSet<String>>> {
    let mut files = HashSet::new();
    for entry in walkdir::WalkDir::new(root).min_depth(1) {
        let entry = entry?;
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry.path().strip_prefix(root).map_err(io::Error::other)?;
        let mut path = String::new();
        for part in relative.components() {
            let Some(part) = part.as_os_str().to_str() else {
                return Ok(None);
            };
            if !path.is_empty() {
                path.push('/');
            }
            path.push_str(part);
        }
        files.insert(path);
    }
    Ok(Some(files))
}

/// One step of updating an earlier output, as its journal records it. A file moved out goes
/// into the old folder under its step's number in the journal; a file moved in comes from the
/// scratch folder, under the number it was written as.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Move {
    /// A file the new build does not have: moved out.
    Gone(String),
    /// A file whose bytes changed: the earlier one moved out, the new one in.
    Changed(String, usize),
    /// A file the earlier build did not have: moved in.
    New(String, usize),
}

/// The last line of a journal written whole; without it, no move was made yet.
const JOURNAL_END: &str = "end";

/// Writes the journal of `moves`, a line each (`-`, `~ N` or `+ N`, then the path as a JSON
/// string), and waits until it is on disk: a build killed after this can be undone.
fn write_journal(path: &Path, moves: &[Move]) -> io::Result<()> {
    let mut text = String::new();
    for step in moves {
        let (mark, file) = match step {
            Move::Gone(file) => ("-".to_owned(), file),
            Move::Changed(file, number) => (format!("~ {number}"), file),
            Move::New(file, number) => (format!("+ {number}"), file),
        };
        text.push_str(&mark);
        text.push(' ');
        text.push_str(&serde_json::to_string(file).map_err(io::Error::other)?);
        text.push('\n');
    }
    text.push_str(JOURNAL_END);
    text.push('\n');
    let mut file = fs::File::create(path)?;
    io::Write::write_all(&mut file, text.as_bytes())?;
    file.sync_all()
}

/// The moves of a journal; none if it was not written whole (no move was made).
fn read_journal(path: &Path) -> io::Result<Vec<Move>> {
    let text = fs::read_to_string(path)?;
    let mut lines: Vec<&str> = text.lines().collect();
    if lines.pop() != Some(JOURNAL_END) {
        return Ok(Vec::new());
    }
    let unreadable = |line: &str| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the build journal has a line it cannot read: {line}"),
        )
    };
    lines
        .into_iter()
        .map(|line| {
            let (mark, rest) = line.split_once(' ').ok_or_else(|| unreadable(line))?;
            let number = |rest: &str| -> io::Result<(usize, String)> {
                let (number, file) = rest.split_once(' ').ok_or_else(|| unreadable(line))?;
                let number = number.parse().map_err(|_| unreadable(line))?;
                Ok((
                    number,
                    serde_json::from_str(file).map_err(|_| unreadable(line))?,
                ))
            };
            match mark {
                "-" => Ok(Move::Gone(
                    serde_json::from_str(rest).map_err(|_| unreadable(line))?,
                )),
                "~" => number(rest).map(|(number, file)| Move::Changed(file, number)),
                "+" => number(rest).map(|(number, file)| Move::New(file, number)),
                _ => Err(unreadable(line)),
            }
        })
        .collect()
}

/// The three folders an update moves files between: the output, the old folder that takes
/// what leaves it, and the scratch folder that holds what comes in.
struct Update<'a> {
    output: &'a Path,
    old: &'a Path,
    new: &'a Path,
}

impl Update<'_> {
    fn apply(&self, moves: &[Move]) -> io::Result<()> {
        fs::create_dir_all(self.old)?;
        for (at, step) in moves.iter().enumerate() {
            match step {
                Move::Gone(file) => {
                    self.move_out(file, at)?;
                    remove_empty_folders(self.output, file);
                }
                Move::Changed(file, number) => {
                    self.move_out(file, at)?;
                    fs::rename(self.new.join(number.to_string()), self.output.join(file))?;
                }
                Move::New(file, number) => {
                    let to = self.output.join(file);
                    if let Some(dir) = to.parent() {
                        fs::create_dir_all(dir)?;
                    }
                    fs::rename(self.new.join(number.to_string()), to)?;
                }
            }
        }
        Ok(())
    }

    /// Moves the earlier build's `file`, step `at` of the journal, into the old folder.
    fn move_out(&self, file: &str, at: usize) -> io::Result<()> {
        fs::rename(self.output.join(file), self.old.join(at.to_string()))
    }

    /// Undoes whichever of `moves` were made, last first: the output is as it was before.
    fn undo(&self, moves: &[Move]) -> io::Result<()> {
        let exists = |path: &Path| fs::symlink_metadata(path).is_ok();
        for (at, step) in moves.iter().enumerate().rev() {
            match step {
                Move::New(file, number) => {
                    if !exists(&self.new.join(number.to_string())) {
                        match fs::remove_file(self.output.join(file)) {
                            Err(error) if error.kind() != io::ErrorKind::NotFound => {
                                return Err(error);
                            }
                            _ => remove_empty_folders(self.output, file),
                        }
                    }
                }
                Move::Changed(file, _) | Move::Gone(file) => {
                    let from = self.old.join(at.to_string());
                    if exists(&from) {
                        let to = self.output.join(file);
                        if let Some(dir) = to.parent() {
                            fs::create_dir_all(dir)?;
                        }
                        fs::rename(from, to)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Removes the folders that `file` (relative to `root`) was in, from the innermost out, while
/// they are empty.
fn remove_empty_folders(root: &Path, file: &str) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file under `root`, with its bytes.
    fn tree(root: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = files_of(root)
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|path| {
                let bytes = fs::read(root.join(&path)).unwrap();
                (path, bytes)
            })
            .collect();
        files.sort();
        files
    }

    fn write(root: &Path, path: &str, text: &str) {
        let full = root.join(path);
        fs::create_dir_all(full.parent().unwrap()).unwrap();
        fs::write(full, text).unwrap();
    }

    /// An output and an update of it: a file gone (and with it its folder), a folder that
    /// becomes a file, a changed file, and a new one in a new folder.
    fn update_fixture(dir: &Path) -> (PathBuf, PathBuf, PathBuf, Vec<Move>) {
        let (output, old, new) = (dir.join("public"), dir.join("old"), dir.join("new"));
        write(&output, "index.html", "home, before");
        write(&output, "gone/index.html", "a page withdrawn");
        write(&output, "feed/index.xml", "a folder that becomes a file");
        write(&output, "about/index.html", "about");
        // The scratch folder is flat: each file under the number it was written as.
        write(&new, "0", "home, after");
        write(&new, "1", "a file now");
        write(&new, "2", "a new page");
        let mut moves = vec![
            Move::New("schools/new/index.html".into(), 2),
            Move::Changed("index.html".into(), 0),
            Move::Gone("gone/index.html".into()),
            Move::Gone("feed/index.xml".into()),
            Move::New("feed".into(), 1),
        ];
        moves.sort_unstable();
        (output, old, new, moves)
    }

    #[test]
    fn an_update_gives_the_new_build_and_leaves_no_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        let (output, old, new, moves) = update_fixture(dir.path());
        let update = Update {
            output: &output,
            old: &old,
            new: &new,
        };
        update.apply(&moves).unwrap();
        let files: Vec<String> = tree(&output).into_iter().map(|(path, _)| path).collect();
        assert_eq!(
            files,
            [
                "about/index.html",
                "feed",
                "index.html",
                "schools/new/index.html"
            ]
        );
        assert_eq!(fs::read(output.join("index.html")).unwrap(), b"home, after");
        assert!(!output.join("gone").exists());
    }

    #[test]
    fn an_update_stopped_at_any_point_is_undone_whole() {
        // Stopped after each whole move, and halfway through each changed file's two renames.
        for (whole, half) in (0..=5).flat_map(|n| [(n, false), (n, true)]) {
            let dir = tempfile::tempdir().unwrap();
            let (output, old, new, moves) = update_fixture(dir.path());
            let before = tree(&output);
            let update = Update {
                output: &output,
                old: &old,
                new: &new,
            };
            update.apply(&moves[..whole]).unwrap();
            if half && let Some(Move::Changed(file, _)) = moves.get(whole) {
                update.move_out(file, whole).unwrap();
            }
            write_journal(&dir.path().join("journal"), &moves).unwrap();
            let journal = read_journal(&dir.path().join("journal")).unwrap();
            assert_eq!(journal, moves);
            update.undo(&journal).unwrap();
            assert_eq!(
                tree(&output),
                before,
                "stopped after {whole} moves (half: {half})"
            );
        }
    }

    #[test]
    fn a_journal_not_written_whole_has_no_moves() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal");
        fs::write(&path, "- \"index.html\"\n~ 0 \"abo").unwrap();
        assert_eq!(read_journal(&path).unwrap(), Vec::new());
        fs::write(&path, "? \"index.html\"\nend\n").unwrap();
        assert!(read_journal(&path).is_err());
    }
}
