//! A build in progress: where its files go, how it takes the output's place, and what it clears
//! of the builds before it.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::hash::{BuildHasher, RandomState};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use ignore::WalkState;

use super::journal::{self, Move, Update};
use super::{Folder, MARKER, OutputError, io_error, remove_tree};

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
                let moves = journal::read(&journal).map_err(io_error(&journal))?;
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
        if target.join(MARKER).is_file() {
            let files = files_of(target).map_err(io_error(target))?;
            staging.previous = files.map(|files| Previous {
                folder: Folder::new(target),
                files,
                put: Mutex::default(),
                written: AtomicUsize::new(0),
            });
        }
        staging.put(MARKER, b"")?;
        Ok(staging)
    }

    /// Puts one file of the new build in place. When the build being updated has the same bytes
    /// at the same path, its file is left as it is; otherwise the bytes are written into the
    /// scratch folder, to be moved in by [`Staging::commit`]. Returns whether bytes were written.
    pub fn put(&self, path: &str, bytes: &[u8]) -> Result<bool, OutputError> {
        if let Some(previous) = &self.previous {
            let old = previous.folder.path_of(path)?;
            let same = previous.files.contains(path) && holds(&old, bytes);
            let number = (!same).then(|| previous.written.fetch_add(1, Ordering::Relaxed));
            if let Some(number) = number {
                let scratch = self.temp.root().join(number.to_string());
                fs::write(&scratch, bytes).map_err(io_error(&scratch))?;
            }
            locked(&previous.put).insert(path.to_owned(), number);
            return Ok(!same);
        }
        let target = self.temp.path_of(path)?;
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

    /// Leaves the earlier build's file at `path` as it is, as this build's: for a file whose
    /// bytes are known to be the same without comparing them. Returns whether there is one.
    pub fn keep(&self, path: &str) -> bool {
        let Some(previous) = &self.previous else {
            return false;
        };
        if !previous.files.contains(path) {
            return false;
        }
        locked(&previous.put).insert(path.to_owned(), None);
        true
    }

    /// Whether this build updates an earlier one, whose files are compared with the new ones.
    pub fn updates(&self) -> bool {
        self.previous.is_some()
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
            journal::write(&journal, &moves).map_err(io_error(&journal))?;
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

/// Whether the file at `path` is a plain file holding exactly `bytes`. Read a piece at a time
/// into a buffer on the stack: a hundred thousand pages compared, not one of them copied.
fn holds(path: &Path, bytes: &[u8]) -> bool {
    // A symbolic link is never taken as the file: it is replaced.
    let plain =
        fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    if !plain {
        return false;
    }
    let Ok(mut file) = fs::File::open(path) else {
        return false;
    };
    let mut buffer = [0u8; 16 * 1024];
    let mut rest = bytes;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buffer[..n] == rest[..n] => rest = &rest[n..],
            Ok(_) => return false,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
}

/// A mutex's value, even if a thread panicked holding it: these sets and maps stay right.
fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Threads that list the earlier output: each waits for the disk while it reads a folder, so
/// there are more of them than cores. An output of 100,000 testimonies is 90,000 folders.
const LISTERS: usize = 16;

/// The files of the folder at `root`, by "/"-separated path; `None` if a name is not UTF-8 (the
/// build then replaces that folder whole instead of updating it). Folders are read on
/// [`LISTERS`] threads at once: one at a time, an output of 100,000 testimonies that was not in
/// memory took 16–19 s to list, longer than loading the content beside it (10 s).
pub(super) fn files_of(root: &Path) -> io::Result<Option<HashSet<String>>> {
    let files = Mutex::new(HashSet::new());
    let failed: Mutex<Option<io::Error>> = Mutex::new(None);
    let not_utf8 = AtomicBool::new(false);
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .threads(LISTERS)
        .build_parallel();
    walker.run(|| {
        Box::new(|entry| {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let error = error
                        .into_io_error()
                        .unwrap_or_else(|| io::Error::other("a folder could not be listed"));
                    locked(&failed).get_or_insert(error);
                    return WalkState::Quit;
                }
            };
            if entry.depth() == 0 || entry.file_type().is_some_and(|kind| kind.is_dir()) {
                return WalkState::Continue;
            }
            match relative_path(root, entry.path()) {
                Ok(Some(path)) => {
                    locked(&files).insert(path);
                    WalkState::Continue
                }
                Ok(None) => {
                    not_utf8.store(true, Ordering::Relaxed);
                    WalkState::Quit
                }
                Err(error) => {
                    locked(&failed).get_or_insert(error);
                    WalkState::Quit
                }
            }
        })
    });
    if let Some(error) = failed.into_inner().unwrap_or_else(PoisonError::into_inner) {
        return Err(error);
    }
    if not_utf8.into_inner() {
        return Ok(None);
    }
    Ok(Some(
        files.into_inner().unwrap_or_else(PoisonError::into_inner),
    ))
}

/// `path` relative to `root`, "/"-separated; `None` if a name in it is not UTF-8.
fn relative_path(root: &Path, path: &Path) -> io::Result<Option<String>> {
    let relative = path.strip_prefix(root).map_err(io::Error::other)?;
    let mut joined = String::new();
    for part in relative.components() {
        let Some(part) = part.as_os_str().to_str() else {
            return Ok(None);
        };
        if !joined.is_empty() {
            joined.push('/');
        }
        joined.push_str(part);
    }
    Ok(Some(joined))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(self.temp.root());
        }
        let _ = fs::remove_file(self.scratch.lock());
    }
}
