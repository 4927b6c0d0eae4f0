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
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use sha2::{Digest, Sha256};

use crate::cache;
pub use crate::cache::Key;

/// Where a site keeps it, relative to the site.
pub const MEMORY_FILE: &str = ".testimony-cache/lint-found-nothing";
/// The file's first line: another format (or another file) is not read.
const HEADER: &[u8] = b"testimony lint: texts it found nothing in, by SHA-256, v1\n";

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
        let program = *lint_program().as_ref()?;
        let file = site_dir.join(MEMORY_FILE);
        Some(Memory {
            earlier: cache::read_keys(&file, HEADER),
            file,
            program,
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
        cache::update_with_parts(
            &mut hasher,
            allow.iter().map(String::as_bytes).chain([text.as_bytes()]),
        );
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

    /// Writes the keys this run kept, in place of the last run's.
    pub fn save(&self) -> io::Result<()> {
        let keys = self
            .kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        cache::write_keys(&self.file, HEADER, keys)
    }
}

/// The key of the lists a lint is made from (the names that are never a person's, the words
/// accepted everywhere), each part preceded by its length.
pub(super) fn key_of_lists(known: &[String], accepted: &[String]) -> Key {
    let mut hasher = Sha256::new();
    for list in [known, accepted] {
        hasher.update((list.len() as u64).to_le_bytes());
        cache::update_with_parts(&mut hasher, list.iter().map(String::as_bytes));
    }
    hasher.finalize().into()
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

/// The running program (`cache::program`) and its lint's sources, once.
fn lint_program() -> &'static Option<Key> {
    static IDENTITY: OnceLock<Option<Key>> = OnceLock::new();
    IDENTITY.get_or_init(|| {
        let program = cache::program()?;
        Some(cache::key_of_parts(
            [program.as_slice()]
                .into_iter()
                .chain(LINT_SOURCES.iter().map(|source| source.as_bytes())),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
