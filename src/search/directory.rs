//! A read-only tantivy [`Directory`] whose files are handed to it as bytes: by the JS worker
//! (which fetched them) in the browser, by `testimony search` (which read them from `public/`)
//! natively.
//!
//! Every file is an `Arc<dyn FileHandle>`, so a file does not have to be in memory as a whole:
//! a later handle can fetch fixed-size, content-addressed chunks on first read (synchronous
//! fetches are allowed in a Web Worker) and keep them in a cache. Today every file is an
//! [`OwnedBytes`] loaded up front, which is fine for an index of one segment of modest size.

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
}
