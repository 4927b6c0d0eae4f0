//! What the lint remembers between runs: the texts in which it found nothing, by hash.
//!
//! Checking a hundred thousand testimonies for names takes a fifth of a build, and after an
//! edit all but a few of them are the texts it found nothing in last time. A text is let
//! through unread only when its key is one the last run kept, and the key is the SHA-256 of
//! everything the verdict depends on: the running program itself (the lint's code and word
//! lists), the site's registered names and accepted words, the text and the findings the
//! moderator accepted in it. A change to any of them gives another key, so the text is read
//! again; nothing is remembered of a text with findings. The file holds keys only, never a word
//! of a testimony, and each run keeps just the keys of the texts it saw: a withdrawn
//! testimony's key is gone after the next build.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use sha2::{Digest, Sha256};

/// Where a site keeps it, relative to the site.
pub const MEMORY_FILE: &str = ".testimony-cache/lint-found-nothing";
/// The file's first line: another format (or another file) is not read.
const HEADER: &[u8] = b"testimony lint: texts it found nothing in, by SHA-256, v1\n";

pub type Key = [u8; 32];

/// The keys of the last run, and those this run keeps.
pub struct Memory {
    file: PathBuf,
    program: Key,
    earlier: HashSet<Key>,
    kept: Mutex<Vec<Key>>,
}

impl Memory {
    /// The memory of the site at `site_dir`. `None` when the running program's file cannot be
    /// looked at (what it is is part of every key): the lint then reads every text.
    pub fn open(site_dir: &Path) -> Option<Memory> {
        let program = *program_identity().as_ref()?;
        let file = site_dir.join(MEMORY_FILE);
        // A missing, unreadable or other file remembers nothing.
        let earlier = fs::read(&file)
            .ok()
            .and_then(|bytes| keys_of(&bytes))
            .unwrap_or_default();
        Some(Memory {
            file,
            program,
            earlier,
            kept: Mutex::default(),
        })
    }

    /// The key of one verdict: `lint` (what the lint was made from), the accepted findings and
    /// the text. Each part is preceded by its length, so that no two inputs run together alike.
    pub(super) fn key(&self, lint: &Key, allow: &[String], text: &str) -> Key {
        let mut hasher = Sha256::new();
        hasher.update(HEADER);
        hasher.update(self.program);
        hasher.update(lint);
        hasher.update((allow.len() as u64).to_le_bytes());
        for part in allow.iter().map(String::as_str).chain([text]) {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        hasher.finalize().into()
    }

    /// Whether the last run found nothing in the text of this key.
    pub(super) fn found_nothing_before(&self, key: &Key) -> bool {
        self.earlier.contains(key)
    }

    /// Keeps `key` (of a text in which nothing was found) for the next run.
    pub(super) fn keep(&self, key: Key) {
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(key);
    }

    /// Writes the keys this run kept, in place of the last run's, sorted. Written beside the
    /// file and renamed over it, so that a run stopped half way leaves the last whole file.
    pub fn save(&self) -> io::Result<()> {
        let mut keys = self
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        keys.sort_unstable();
        keys.dedup();
        if keys.is_empty() && !self.file.exists() {
            return Ok(());
        }
        let folder = self.file.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(folder)?;
        let mut new = tempfile::NamedTempFile::new_in(folder)?;
        let mut bytes = Vec::with_capacity(HEADER.len() + keys.len() * 32);
        bytes.extend_from_slice(HEADER);
        bytes.extend(keys.iter().flatten());
        new.write_all(&bytes)?;
        new.persist(&self.file).map_err(|error| error.error)?;
        Ok(())
    }
}

/// The key of the lists a lint is made from (the names that are never a person's, the words
/// accepted everywhere), each part preceded by its length.
pub(super) fn key_of_lists(known: &[String], accepted: &[String]) -> Key {
    let mut hasher = Sha256::new();
    for list in [known, accepted] {
        hasher.update((list.len() as u64).to_le_bytes());
        for word in list {
            hasher.update((word.len() as u64).to_le_bytes());
            hasher.update(word.as_bytes());
        }
    }
    hasher.finalize().into()
}

/// The keys a file holds, or `None` if it is not one of these files, whole.
fn keys_of(bytes: &[u8]) -> Option<HashSet<Key>> {
    let keys = bytes.strip_prefix(HEADER)?;
    if keys.len() % 32 != 0 {
        return None;
    }
    Some(
        keys.chunks_exact(32)
            .map(|key| key.try_into().expect("32 bytes"))
            .collect(),
    )
}

/// The lint's own code and word lists, as built into this program: a program whose file looks
/// like the last one's (the same size and time, as in images built reproducibly, with times
/// set alike) but whose lint differs still gives other keys.
const LINT_SOURCES: [&str; 6] = [
    include_str!("mod.rs"),
    include_str!("names.rs"),
    include_str!("patterns.rs"),
    include_str!("known.rs"),
    include_str!("names.txt"),
    include_str!("places.txt"),
];

/// What tells the running program from any other, once: its version, its lint's sources, and
/// the file it runs from (device, inode, size and when it was last written, to the
/// nanosecond). A program built or installed again is another file, so the last run's keys are
/// not its keys. (Hashing the
/// file itself would say the same, and take a fifth of a second for a program built for
/// debugging.) On Linux `/proc/self/exe` is the very file running even when another has since
/// been put at its path.
fn program_identity() -> &'static Option<Key> {
    static IDENTITY: OnceLock<Option<Key>> = OnceLock::new();
    IDENTITY.get_or_init(|| {
        let running = Path::new("/proc/self/exe");
        let metadata = match fs::metadata(running) {
            Ok(metadata) => metadata,
            Err(_) => fs::metadata(std::env::current_exe().ok()?).ok()?,
        };
        let written = metadata
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        let mut hasher = Sha256::new();
        hasher.update(env!("CARGO_PKG_VERSION"));
        for source in LINT_SOURCES {
            hasher.update((source.len() as u64).to_le_bytes());
            hasher.update(source);
        }
        hasher.update(metadata.len().to_le_bytes());
        hasher.update(written.as_nanos().to_le_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            hasher.update(metadata.dev().to_le_bytes());
            hasher.update(metadata.ino().to_le_bytes());
        }
        Some(hasher.finalize().into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_cut_short_or_of_another_kind_remembers_nothing() {
        let mut bytes = HEADER.to_vec();
        bytes.extend([7; 64]);
        assert_eq!(keys_of(&bytes).map(|keys| keys.len()), Some(1));
        assert!(keys_of(&bytes[..bytes.len() - 1]).is_none());
        assert!(keys_of(b"something else entirely").is_none());
    }

    #[test]
    fn every_part_of_a_verdict_changes_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let memory = Memory::open(dir.path()).expect("the test program can be read");
        let lint = [1; 32];
        let key = memory.key(&lint, &[], "We met at the gates.");
        assert_eq!(key, memory.key(&lint, &[], "We met at the gates."));
        assert_ne!(key, memory.key(&[2; 32], &[], "We met at the gates."));
        assert_ne!(
            key,
            memory.key(&lint, &["gates".into()], "We met at the gates.")
        );
        assert_ne!(key, memory.key(&lint, &[], "We met at the gate."));
        // The parts cannot slide into one another.
        assert_ne!(
            memory.key(&lint, &["ab".into()], "c"),
            memory.key(&lint, &["a".into()], "bc")
        );
    }
}
