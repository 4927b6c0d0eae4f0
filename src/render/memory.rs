//! What the renderer remembers between builds: which page files it left, rendered from what.
//!
//! After an edit, a build over an earlier output renders a hundred thousand pages to find the
//! few whose bytes differ. A page is the same bytes when it is rendered from the same things:
//! the same program, theme and shared values, the same template and the same values of its
//! own ([`super::Renderer::page_key`] hashes them all). So each build keeps, for each page
//! file it leaves, a key of its path, what it was rendered from and the file as it left it
//! (size, time written, device and inode), and the next build leaves a page's file as it is,
//! unrendered, only when that key is one of them: the same values, and the very file the last
//! build left, untouched since. Anything else, a file edited by hand or written by another
//! build, a changed template or a testimony shown differently, renders the page again.
//!
//! The file holds keys only, never a path or a word: each is a SHA-256 hash. A build keeps
//! just the keys of the pages it has, so a withdrawn testimony's page is gone from it too.
//!
//! A file's time is as fine as the kernel keeps it. Where that clock moves only every few
//! milliseconds (older kernels), a file rewritten in place to as many bytes within the same
//! tick as the build wrote it would pass for the build's own; only a program racing the build
//! could do that.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use crate::cache::{self, Key, Stamp};

/// Where a site keeps it, relative to the site.
const MEMORY_FILE: &str = ".testimony-cache/pages";
/// The file's first line: another format (or another file) is not read.
const HEADER: &[u8] =
    b"testimony pages: each page file by what it was rendered from, by SHA-256, v1\n";

/// The pages of the last build of an output, and those of this one.
pub struct PageMemory {
    file: PathBuf,
    /// The output folder the pages are in.
    output: PathBuf,
    earlier: HashSet<Key>,
    /// Each page file this build leaves, the key of what it was rendered from and, for a file
    /// left as it was, its stamp (the others are looked at once they are in place).
    pages: Mutex<Vec<(String, Key, Option<Stamp>)>>,
}

impl PageMemory {
    /// The memory of the site at `site_dir`, for its pages in `output`.
    pub fn open(site_dir: &Path, output: &Path) -> PageMemory {
        let file = site_dir.join(MEMORY_FILE);
        PageMemory {
            earlier: cache::read_keys(&file, HEADER),
            file,
            output: output.to_path_buf(),
            pages: Mutex::default(),
        }
    }

    /// Whether the file at `path` (relative to the output) is the one the last build left,
    /// rendered from `key`. Returns the file's stamp when it is.
    pub fn unchanged(&self, path: &str, key: &Key) -> Option<Stamp> {
        let stamp = Stamp::of_file(&self.output.join(path))?;
        self.earlier
            .contains(&entry(path, key, &stamp))
            .then_some(stamp)
    }

    /// Notes that this build leaves the file at `path` as the last build left it.
    pub fn left(&self, path: &str, key: Key, stamp: Stamp) {
        self.note(path, key, Some(stamp));
    }

    /// Notes that this build renders the file at `path` from `key`.
    pub fn rendered(&self, path: &str, key: Key) {
        self.note(path, key, None);
    }

    fn note(&self, path: &str, key: Key, stamp: Option<Stamp>) {
        self.pages
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path.to_owned(), key, stamp));
    }

    /// Writes the keys of this build's pages, in place of the last build's. Call once the
    /// build's files are in place in the output: a rendered file's key holds its stamp there.
    pub fn save(self) -> io::Result<()> {
        let pages = self
            .pages
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let output = &self.output;
        let keys = pages
            .par_iter()
            .filter_map(|(path, key, stamp)| {
                let stamp = stamp.or_else(|| Stamp::of_file(&output.join(path)))?;
                Some(entry(path, key, &stamp))
            })
            .collect();
        cache::write_keys(&self.file, HEADER, keys)
    }
}

/// The key of one page file: its path, what it was rendered from, and the file.
fn entry(path: &str, key: &Key, stamp: &Stamp) -> Key {
    cache::key_of_parts([HEADER, path.as_bytes(), key, &stamp.bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_left_unrendered_only_while_its_file_and_key_are_the_last_build_s() {
        let site = tempfile::tempdir().unwrap();
        let output = site.path().join("public");
        std::fs::create_dir_all(output.join("a")).unwrap();
        std::fs::write(output.join("a/index.html"), "<p>one</p>").unwrap();
        let memory = PageMemory::open(site.path(), &output);
        assert_eq!(memory.unchanged("a/index.html", &[1; 32]), None);
        memory.rendered("a/index.html", [1; 32]);
        memory.save().unwrap();

        let memory = PageMemory::open(site.path(), &output);
        let left = memory.unchanged("a/index.html", &[1; 32]);
        assert_eq!(left.map(|stamp| stamp.file_len()), Some(10));
        assert_eq!(memory.unchanged("a/index.html", &[2; 32]), None);
        assert_eq!(memory.unchanged("b/index.html", &[1; 32]), None);
        // Left again by this build: the next one may leave it too.
        memory.left("a/index.html", [1; 32], left.unwrap());
        memory.save().unwrap();
        let memory = PageMemory::open(site.path(), &output);
        assert!(memory.unchanged("a/index.html", &[1; 32]).is_some());

        // Rewritten in place with as many bytes: another time written, so another file.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(output.join("a/index.html"))
            .unwrap();
        std::io::Write::write_all(&mut &file, b"<p>two</p>").unwrap();
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(1);
        file.set_modified(later).unwrap();
        assert_eq!(memory.unchanged("a/index.html", &[1; 32]), None);
        // Deleted: nothing to leave.
        std::fs::remove_file(output.join("a/index.html")).unwrap();
        assert_eq!(memory.unchanged("a/index.html", &[1; 32]), None);
    }
}
