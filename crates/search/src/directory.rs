//! A read-only tantivy [`Directory`] whose files are handed to it as bytes: by the JS worker
//! (which fetched them) in the browser, by `testimony search` (which read them from `public/`)
//! natively.
//!
//! Every file is an `Arc<dyn FileHandle>`, so a file does not have to be in memory as a whole:
//! a [`ChunkedFile`] is cut into fixed-size chunks (static files of their own, see bundle.rs)
//! and fetches each from a [`ChunkSource`] the first time a read touches it, keeping it in a
//! [`ChunkCache`]. In the browser the source notes each chunk it does not hold and fails the
//! read; the worker downloads the chunks noted, all at once, and asks again (see the runtime
//! crate). Natively it reads the chunk files of `public/search/`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::Directory;
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};

/// The index files, by the names tantivy gives them ("meta.json", "<segment>.idx", ...).
#[derive(Clone, Default)]
pub struct StaticDirectory {
    files: Arc<BTreeMap<PathBuf, Arc<dyn FileHandle>>>,
}

impl StaticDirectory {
    /// A directory of files held in memory.
    pub fn from_bytes(files: impl IntoIterator<Item = (String, Vec<u8>)>) -> StaticDirectory {
        StaticDirectory::from_handles(files.into_iter().map(|(name, bytes)| {
            let handle: Arc<dyn FileHandle> = Arc::new(OwnedBytes::new(bytes));
            (name, handle)
        }))
    }

    /// A directory of files read through any [`FileHandle`] (e.g. one that fetches chunks).
    pub fn from_handles(
        files: impl IntoIterator<Item = (String, Arc<dyn FileHandle>)>,
    ) -> StaticDirectory {
        StaticDirectory {
            files: Arc::new(
                files
                    .into_iter()
                    .map(|(name, handle)| (PathBuf::from(name), handle))
                    .collect(),
            ),
        }
    }

    pub fn file_names(&self) -> impl Iterator<Item = &Path> {
        self.files.keys().map(PathBuf::as_path)
    }
}

/// Fetches chunks: `fetch(file, chunk, len)` gives the `len` bytes of chunk number `chunk` of
/// the index file numbered `file` (in the manifest's order).
pub trait ChunkSource: Send + Sync + 'static {
    fn fetch(&self, file: u32, chunk: u32, len: usize) -> io::Result<Vec<u8>>;
}

/// Reads noted by a recording cache: (file, byte range).
type Reads = Mutex<Vec<(u32, Range<usize>)>>;

/// The chunks fetched (or given) so far, shared by every file of an index, and the pieces of
/// files given ahead (the hot file's): a read that lies inside a piece needs no chunk.
pub struct ChunkCache {
    source: Box<dyn ChunkSource>,
    chunks: Mutex<HashMap<(u32, u32), OwnedBytes>>,
    /// By file: (offset in the file, bytes).
    pieces: Mutex<HashMap<u32, Vec<(usize, OwnedBytes)>>>,
    /// Every read, by file and range, when recording (see [`ChunkCache::recording`]).
    reads: Option<Reads>,
    fetched_bytes: AtomicU64,
}

impl ChunkCache {
    pub fn new(source: impl ChunkSource) -> Arc<ChunkCache> {
        ChunkCache::with_reads(source, None)
    }

    /// A cache that also notes every read made through it (see [`ChunkCache::reads`]): how
    /// the indexer learns which bytes opening the index reads.
    pub fn recording(source: impl ChunkSource) -> Arc<ChunkCache> {
        ChunkCache::with_reads(source, Some(Mutex::new(Vec::new())))
    }

    fn with_reads(source: impl ChunkSource, reads: Option<Reads>) -> Arc<ChunkCache> {
        Arc::new(ChunkCache {
            source: Box::new(source),
            chunks: Mutex::new(HashMap::new()),
            pieces: Mutex::new(HashMap::new()),
            reads,
            fetched_bytes: AtomicU64::new(0),
        })
    }

    /// Every read so far, as (file, byte range), when recording; else none.
    pub fn reads(&self) -> Vec<(u32, Range<usize>)> {
        self.reads
            .as_ref()
            .map(|reads| lock(reads).clone())
            .unwrap_or_default()
    }

    /// Puts a chunk fetched ahead of need in the cache.
    pub fn insert(&self, file: u32, chunk: u32, bytes: Vec<u8>) {
        lock(&self.chunks).insert((file, chunk), OwnedBytes::new(bytes));
    }

    /// Puts the bytes of `file` from `offset` on, given ahead (a piece of the hot file).
    pub fn insert_piece(&self, file: u32, offset: usize, bytes: Vec<u8>) {
        lock(&self.pieces)
            .entry(file)
            .or_default()
            .push((offset, OwnedBytes::new(bytes)));
    }

    /// Bytes fetched from the source so far (not counting inserted chunks).
    pub fn fetched_bytes(&self) -> u64 {
        self.fetched_bytes.load(Ordering::Relaxed)
    }

    /// Every chunk held: each one a read has needed so far, and those given ahead.
    pub fn held(&self) -> BTreeSet<(u32, u32)> {
        lock(&self.chunks).keys().copied().collect()
    }

    /// The bytes of `range` of `file` when a piece given ahead holds all of them.
    fn in_pieces(&self, file: u32, range: &Range<usize>) -> Option<OwnedBytes> {
        let pieces = lock(&self.pieces);
        pieces.get(&file)?.iter().find_map(|(offset, bytes)| {
            (range.start >= *offset && range.end <= offset + bytes.len())
                .then(|| bytes.slice(range.start - offset..range.end - offset))
        })
    }

    fn note_read(&self, file: u32, range: &Range<usize>) {
        if let Some(reads) = &self.reads {
            lock(reads).push((file, range.clone()));
        }
    }

    fn get(&self, file: u32, chunk: u32, len: usize) -> io::Result<OwnedBytes> {
        if let Some(bytes) = lock(&self.chunks).get(&(file, chunk)) {
            return Ok(bytes.clone());
        }
        let bytes = self.source.fetch(file, chunk, len)?;
        if bytes.len() != len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a part of the search index has {} bytes instead of {len}; rebuild the site",
                    bytes.len()
                ),
            ));
        }
        self.fetched_bytes.fetch_add(len as u64, Ordering::Relaxed);
        let bytes = OwnedBytes::new(bytes);
        lock(&self.chunks).insert((file, chunk), bytes.clone());
        Ok(bytes)
    }
}

/// A lock whose holder panicked still guards whole data (every write is one insert): keep
/// using it.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One index file of `len` bytes, cut into chunks of `chunk_size` (the last may be shorter).
pub struct ChunkedFile {
    cache: Arc<ChunkCache>,
    file: u32,
    len: usize,
    chunk_size: usize,
}

impl ChunkedFile {
    pub fn new(cache: Arc<ChunkCache>, file: u32, len: usize, chunk_size: usize) -> ChunkedFile {
        ChunkedFile {
            cache,
            file,
            len,
            chunk_size: chunk_size.max(1),
        }
    }

    fn chunk(&self, number: usize) -> io::Result<OwnedBytes> {
        let start = number * self.chunk_size;
        let len = self.chunk_size.min(self.len - start);
        let number = u32::try_from(number)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "chunk number too large"))?;
        self.cache.get(self.file, number, len)
    }
}

impl fmt::Debug for ChunkedFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChunkedFile(file {}, {} bytes)", self.file, self.len)
    }
}

impl tantivy::HasLen for ChunkedFile {
    fn len(&self) -> usize {
        self.len
    }
}

impl FileHandle for ChunkedFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.start > range.end || range.end > self.len {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("read of {range:?} past the end of a {}-byte file", self.len),
            ));
        }
        if range.is_empty() {
            return Ok(OwnedBytes::empty());
        }
        self.cache.note_read(self.file, &range);
        if let Some(bytes) = self.cache.in_pieces(self.file, &range) {
            return Ok(bytes);
        }
        let size = self.chunk_size;
        let (first, last) = (range.start / size, (range.end - 1) / size);
        if first == last {
            let offset = first * size;
            return Ok(self
                .chunk(first)?
                .slice(range.start - offset..range.end - offset));
        }
        // Every chunk is asked for, even after one fails: a source that fetches on demand then
        // learns all the chunks of a long read at once, not one a round.
        let chunks: Vec<io::Result<OwnedBytes>> =
            (first..=last).map(|number| self.chunk(number)).collect();
        let mut out = Vec::with_capacity(range.len());
        for (number, chunk) in (first..=last).zip(chunks) {
            let chunk = chunk?;
            let offset = number * size;
            let from = range.start.max(offset) - offset;
            let to = range.end.min(offset + chunk.len()) - offset;
            out.extend_from_slice(&chunk.as_slice()[from..to]);
        }
        Ok(OwnedBytes::new(out))
    }
}

impl fmt::Debug for StaticDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticDirectory")
            .field("files", &self.files.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn read_only(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!(
            "the search index is read-only here (tried to change {})",
            path.display()
        ),
    )
}

impl Directory for StaticDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| OpenReadError::FileDoesNotExist(path.to_path_buf()))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        if self.files.contains_key(path) {
            Err(DeleteError::IoError {
                io_error: Arc::new(read_only(path)),
                filepath: path.to_path_buf(),
            })
        } else {
            Err(DeleteError::FileDoesNotExist(path.to_path_buf()))
        }
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.files.contains_key(path))
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let handle = self.get_file_handle(path)?;
        let bytes =
            handle
                .read_bytes(0..handle.len())
                .map_err(|io_error| OpenReadError::IoError {
                    io_error: Arc::new(io_error),
                    filepath: path.to_path_buf(),
                })?;
        Ok(bytes.as_slice().to_vec())
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    /// Nobody writes, so there is nothing to lock against.
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    /// The files never change (`ReloadPolicy::Manual`): nothing to watch.
    fn watch(&self, _watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_refuses_writes() {
        let directory = StaticDirectory::from_bytes([("meta.json".to_owned(), b"{}".to_vec())]);
        assert_eq!(
            directory.atomic_read(Path::new("meta.json")).unwrap(),
            b"{}"
        );
        assert!(directory.exists(Path::new("meta.json")).unwrap());
        assert!(matches!(
            directory.atomic_read(Path::new(".managed.json")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
        assert!(directory.atomic_write(Path::new("x"), b"").is_err());
        assert!(directory.open_write(Path::new("x")).is_err());
        let slice = directory.open_read(Path::new("meta.json")).unwrap();
        assert_eq!(slice.read_bytes().unwrap().as_slice(), b"{}");
    }

    /// Serves chunks of in-memory files, counting fetches.
    struct Counting {
        files: Vec<Vec<u8>>,
        chunk_size: usize,
        fetches: Arc<Mutex<Vec<(u32, u32)>>>,
    }

    impl ChunkSource for Counting {
        fn fetch(&self, file: u32, chunk: u32, len: usize) -> io::Result<Vec<u8>> {
            self.fetches.lock().unwrap().push((file, chunk));
            let data = &self.files[file as usize];
            let start = (chunk as usize * self.chunk_size).min(data.len());
            Ok(data[start..(start + len).min(data.len())].to_vec())
        }
    }

    #[test]
    fn chunked_files_fetch_each_chunk_once_and_read_across_chunks() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
        let fetches = Arc::new(Mutex::new(Vec::new()));
        let cache = ChunkCache::new(Counting {
            files: vec![data.clone()],
            chunk_size: 64,
            fetches: fetches.clone(),
        });
        let file = ChunkedFile::new(cache.clone(), 0, data.len(), 64);
        assert_eq!(file.read_bytes(10..20).unwrap().as_slice(), &data[10..20]);
        assert_eq!(file.read_bytes(60..200).unwrap().as_slice(), &data[60..200]);
        assert_eq!(
            file.read_bytes(960..1000).unwrap().as_slice(),
            &data[960..1000]
        );
        assert_eq!(file.read_bytes(0..1000).unwrap().as_slice(), &data[..]);
        assert!(file.read_bytes(5..5).unwrap().is_empty());
        assert!(file.read_bytes(990..1001).is_err());
        // Chunks 0..=3 for the first two reads, 15 for the third, the rest for the whole file:
        // 16 chunks, each fetched once.
        let mut seen = fetches.lock().unwrap().clone();
        assert_eq!(seen.len(), 16);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 16);
        assert_eq!(cache.fetched_bytes(), 1000);
        assert_eq!(cache.held().len(), 16);
    }

    #[test]
    fn a_chunk_of_the_wrong_size_is_an_error_not_a_misread() {
        let cache = ChunkCache::new(Counting {
            files: vec![vec![1; 100]],
            chunk_size: 64,
            fetches: Arc::default(),
        });
        // The manifest says 128 bytes, so chunk 1 should be 64 bytes, but only 36 come.
        let file = ChunkedFile::new(cache, 0, 128, 64);
        assert!(file.read_bytes(0..10).is_ok());
        let error = file.read_bytes(70..80).unwrap_err();
        assert!(error.to_string().contains("rebuild the site"), "{error}");
    }

    /// Holds nothing: notes each chunk asked for and fails, as the browser's runtime does.
    struct Noting(Arc<Mutex<Vec<(u32, u32)>>>);

    impl ChunkSource for Noting {
        fn fetch(&self, file: u32, chunk: u32, _len: usize) -> io::Result<Vec<u8>> {
            self.0.lock().unwrap().push((file, chunk));
            Err(io::Error::other("not here yet"))
        }
    }

    #[test]
    fn a_long_read_asks_for_all_its_chunks_at_once() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let cache = ChunkCache::new(Noting(asked.clone()));
        let file = ChunkedFile::new(cache.clone(), 0, 1000, 64);
        assert!(file.read_bytes(100..400).is_err());
        assert_eq!(
            *asked.lock().unwrap(),
            [(0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (0, 6)]
        );
        // Once the chunks are there, the same read succeeds.
        for chunk in 1..=6 {
            cache.insert(0, chunk, vec![chunk as u8; 64]);
        }
        let bytes = file.read_bytes(100..400).unwrap();
        assert_eq!(bytes.len(), 300);
        assert_eq!(bytes.as_slice()[0], 1);
        assert_eq!(bytes.as_slice()[299], 6);
    }

    #[test]
    fn pieces_given_ahead_answer_reads_inside_them_and_are_recorded() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let cache = ChunkCache::recording(Noting(asked.clone()));
        cache.insert_piece(0, 900, (0..100).collect());
        let file = ChunkedFile::new(cache.clone(), 0, 1000, 64);
        assert_eq!(
            file.read_bytes(950..960).unwrap().as_slice(),
            &[50, 51, 52, 53, 54, 55, 56, 57, 58, 59]
        );
        assert!(asked.lock().unwrap().is_empty());
        // A read that leaves the piece needs its chunks.
        assert!(file.read_bytes(850..910).is_err());
        assert!(!asked.lock().unwrap().is_empty());
        assert_eq!(cache.reads(), [(0, 950..960), (0, 850..910)]);
    }
}
