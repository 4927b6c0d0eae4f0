//! What a build keeps between runs, in `<site>/.testimony-cache/`: keys only (SHA-256 hashes),
//! never a word of a testimony. The lint keeps the texts it found nothing in
//! (`lint::Memory`), the renderer the pages it need not render again (`render::PageMemory`).
//! Either file may be deleted at any time; the next build then does everything again.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::Path;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

pub type Key = [u8; 32];

/// The keys a file of `header` holds; none if it is missing, unreadable, of another kind or
/// cut short.
pub fn read_keys(file: &Path, header: &[u8]) -> HashSet<Key> {
    fs::read(file)
        .ok()
        .and_then(|bytes| keys_of(&bytes, header))
        .unwrap_or_default()
}

fn keys_of(bytes: &[u8], header: &[u8]) -> Option<HashSet<Key>> {
    let keys = bytes.strip_prefix(header)?;
    if keys.len() % 32 != 0 {
        return None;
    }
    Some(
        keys.chunks_exact(32)
            .map(|key| key.try_into().expect("32 bytes"))
            .collect(),
    )
}

/// Writes `keys`, sorted, after `header`, in place of what `file` held. Written beside the
/// file and renamed over it, so that a run stopped half way leaves the last whole file.
pub fn write_keys(file: &Path, header: &[u8], mut keys: Vec<Key>) -> io::Result<()> {
    keys.sort_unstable();
    keys.dedup();
    if keys.is_empty() && !file.exists() {
        return Ok(());
    }
    let folder = file.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder)?;
    let mut new = tempfile::NamedTempFile::new_in(folder)?;
    let mut bytes = Vec::with_capacity(header.len() + keys.len() * 32);
    bytes.extend_from_slice(header);
    bytes.extend(keys.iter().flatten());
    new.write_all(&bytes)?;
    new.persist(file).map_err(|error| error.error)?;
    Ok(())
}

/// Hashes `parts`, each preceded by its length, so that no two lists of parts run together
/// alike.
pub fn key_of_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> Key {
    let mut hasher = Sha256::new();
    update_with_parts(&mut hasher, parts);
    hasher.finalize().into()
}

/// Feeds `parts` to `hasher`, each preceded by its length (as [`key_of_parts`] does).
pub fn update_with_parts<'a>(hasher: &mut Sha256, parts: impl IntoIterator<Item = &'a [u8]>) {
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
}

/// What tells the running program from any other, once: its version and the file it runs
/// from (device, inode, size and when it was last written, to the nanosecond). A program
/// built or installed again is another file, so the last run's keys are not its keys. (Hashing
/// the file itself would say the same, and take a fifth of a second for a program built for
/// debugging.) On Linux `/proc/self/exe` is the very file running even when another has since
/// been put at its path. `None` when the file cannot be looked at: nothing is then remembered.
pub fn program() -> Option<Key> {
    static IDENTITY: OnceLock<Option<Key>> = OnceLock::new();
    *IDENTITY.get_or_init(|| {
        let running = Path::new("/proc/self/exe");
        let metadata = match fs::metadata(running) {
            Ok(metadata) => metadata,
            Err(_) => fs::metadata(std::env::current_exe().ok()?).ok()?,
        };
        let stamp = Stamp::of(&metadata)?;
        Some(key_of_parts([
            env!("CARGO_PKG_VERSION").as_bytes(),
            &stamp.bytes(),
        ]))
    })
}

/// What tells a file from the one that was at its path before: its size, when it was last
/// written (to the nanosecond) and, on Unix, its device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    written_ns: u128,
    device: u64,
    inode: u64,
}

impl Stamp {
    pub fn of(metadata: &fs::Metadata) -> Option<Stamp> {
        let written = metadata
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        #[cfg(unix)]
        let (device, inode) = {
            use std::os::unix::fs::MetadataExt as _;
            (metadata.dev(), metadata.ino())
        };
        #[cfg(not(unix))]
        let (device, inode) = (0, 0);
        Some(Stamp {
            len: metadata.len(),
            written_ns: written.as_nanos(),
            device,
            inode,
        })
    }

    /// The stamp of the file at `path` (not following a link), if it is one.
    pub fn of_file(path: &Path) -> Option<Stamp> {
        let metadata = fs::symlink_metadata(path).ok()?;
        metadata.is_file().then(|| Stamp::of(&metadata)).flatten()
    }

    pub fn file_len(&self) -> u64 {
        self.len
    }

    pub fn bytes(&self) -> [u8; 40] {
        let mut bytes = [0; 40];
        bytes[..8].copy_from_slice(&self.len.to_le_bytes());
        bytes[8..24].copy_from_slice(&self.written_ns.to_le_bytes());
        bytes[24..32].copy_from_slice(&self.device.to_le_bytes());
        bytes[32..].copy_from_slice(&self.inode.to_le_bytes());
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_cut_short_or_of_another_kind_holds_no_keys() {
        let header = b"a header\n";
        let mut bytes = header.to_vec();
        bytes.extend([7; 64]);
        assert_eq!(keys_of(&bytes, header).map(|keys| keys.len()), Some(1));
        assert!(keys_of(&bytes[..bytes.len() - 1], header).is_none());
        assert!(keys_of(b"something else entirely", header).is_none());
    }

    #[test]
    fn parts_cannot_slide_into_one_another() {
        assert_ne!(
            key_of_parts([b"ab".as_slice(), b"c"]),
            key_of_parts([b"a".as_slice(), b"bc"])
        );
    }

    #[test]
    fn keys_written_are_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("deeper/keys");
        write_keys(&file, b"h\n", vec![[2; 32], [1; 32], [2; 32]]).unwrap();
        assert_eq!(read_keys(&file, b"h\n"), HashSet::from([[1; 32], [2; 32]]));
        assert!(read_keys(&file, b"another header\n").is_empty());
    }
}
