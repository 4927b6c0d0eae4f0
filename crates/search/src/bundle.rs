//! How the index is laid out as static files under `search/` in the output:
//!
//! ```text
//! search/manifest.json             not hashed: the only file whose name a page knows
//! search/runtime.<hash>.wasm       the search runtime (this crate for wasm32)
//! search/catalog.<hash>.json       school names, aliases, filter labels (see catalog.rs)
//! search/<hash>.<n>.bin            chunk n of a tantivy file (meta.json, <segment>.idx, .term ...)
//! ```
//!
//! `<hash>` is the start of the SHA-256 of the file's bytes (for a chunk: of the whole tantivy
//! file it belongs to), so every file but the manifest can be cached forever and a rebuild only
//! changes the names of files whose bytes changed. Plain GETs of whole files: no HTTP range
//! requests, which some static hosts do not honour.
//!
//! A reader fetches the manifest, the runtime, the catalog and the manifest's `hot` chunks (what
//! opening the index and counting the filters read), then each further chunk the first time a
//! query touches it. Readers check `format` and refuse what they do not know. In the browser
//! the runtime is that reader: the worker's JavaScript knows the manifest only as far as
//! downloading goes (`runtime`, `catalog`, each hot chunk's `path`), and the runtime names
//! every further chunk it asks for.

use serde::{Deserialize, Serialize};

use super::SearchError;
use super::catalog::Catalog;

/// Path of the manifest, relative to the output root.
pub const MANIFEST_PATH: &str = "search/manifest.json";
/// The folder everything lives in, relative to the output root.
pub const SEARCH_DIR: &str = "search";
pub const MANIFEST_FORMAT: u32 = 3;

/// `search/manifest.json`. File names are relative to the manifest's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    /// The search runtime, e.g. "runtime.1a2b3c4d5e6f7a8b9c0d.wasm".
    pub runtime: String,
    pub runtime_bytes: u64,
    /// The catalog, e.g. "catalog.1a2b3c4d5e6f7a8b9c0d.json".
    pub catalog: String,
    pub catalog_bytes: u64,
    /// The tantivy index files; a chunk is named by its file's number here and its own.
    pub index: Vec<ManifestFile>,
    /// Chunks to fetch before opening the index.
    pub hot: Vec<HotChunk>,
    /// Number of testimonies in the index.
    pub doc_count: u64,
}

/// A chunk fetched before the index is opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotChunk {
    /// The number of its file in `index`.
    pub file: u32,
    /// Its number in that file.
    pub chunk: u32,
    /// The static file holding it (`ManifestFile::chunk_file`), so that the browser need not
    /// know how chunks are named.
    pub path: String,
}

/// One tantivy file, cut into chunks of `chunk_size` bytes (the last may be shorter).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// The name tantivy opens, e.g. "meta.json" or "0000…0001.idx".
    pub name: String,
    /// Hex digits of the SHA-256 of the file's bytes: chunk n is "<hash>.<n>.bin".
    pub hash: String,
    pub bytes: u64,
    pub chunk_size: u64,
}

impl ManifestFile {
    pub fn chunk_count(&self) -> u64 {
        self.bytes.div_ceil(self.chunk_size.max(1))
    }

    /// The static file holding chunk `number`, e.g. "1a2b3c4d5e6f7a8b9c0d.3.bin".
    pub fn chunk_file(&self, number: u32) -> String {
        format!("{}.{number}.bin", self.hash)
    }

    /// How many bytes chunk `number` has.
    pub fn chunk_len(&self, number: u32) -> usize {
        let start = u64::from(number) * self.chunk_size;
        self.chunk_size.min(self.bytes.saturating_sub(start)) as usize
    }
}

impl Manifest {
    pub fn parse(bytes: &[u8]) -> Result<Manifest, SearchError> {
        let manifest: Manifest = serde_json::from_slice(bytes).map_err(|error| {
            SearchError::new(format!(
                "{MANIFEST_PATH} is not a search manifest this version understands ({error}); \
                 rebuild the site"
            ))
        })?;
        if manifest.format != MANIFEST_FORMAT {
            return Err(SearchError::new(format!(
                "{MANIFEST_PATH} has format {} but this version of testimony reads format \
                 {MANIFEST_FORMAT}; rebuild the site",
                manifest.format
            )));
        }
        for name in [manifest.runtime.as_str(), manifest.catalog.as_str()] {
            if !is_plain_file_name(name) {
                return Err(SearchError::new(format!(
                    "{MANIFEST_PATH} names a file outside the search folder: {name:?}"
                )));
            }
        }
        for file in &manifest.index {
            if file.hash.is_empty() || !file.hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(SearchError::new(format!(
                    "{MANIFEST_PATH} gives {:?} a hash that is not hexadecimal: {:?}",
                    file.name, file.hash
                )));
            }
            if file.chunk_size == 0 || file.chunk_count() > u64::from(u32::MAX) {
                return Err(SearchError::new(format!(
                    "{MANIFEST_PATH} gives {:?} an impossible chunk size; rebuild the site",
                    file.name
                )));
            }
        }
        for hot in &manifest.hot {
            let known = manifest.index.get(hot.file as usize).is_some_and(|f| {
                u64::from(hot.chunk) < f.chunk_count() && f.chunk_file(hot.chunk) == hot.path
            });
            if !known {
                return Err(SearchError::new(format!(
                    "{MANIFEST_PATH} lists a chunk that does not exist ({}, {}, {:?}); \
                     rebuild the site",
                    hot.file, hot.chunk, hot.path
                )));
            }
        }
        Ok(manifest)
    }
}

/// A file name with no folder part, so a manifest cannot point anywhere else.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.contains(':')
}

pub fn parse_catalog(bytes: &[u8]) -> Result<Catalog, SearchError> {
    let catalog: Catalog = serde_json::from_slice(bytes).map_err(|error| {
        SearchError::new(format!(
            "the search catalog could not be read ({error}); rebuild the site"
        ))
    })?;
    if catalog.format != super::catalog::CATALOG_FORMAT {
        return Err(SearchError::new(format!(
            "the search catalog has format {}, this version reads {}; rebuild the site",
            catalog.format,
            super::catalog::CATALOG_FORMAT
        )));
    }
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_outside_the_search_folder() {
        assert!(is_plain_file_name("0a1b.bin"));
        assert!(!is_plain_file_name("../secret"));
        assert!(!is_plain_file_name("a/b.bin"));
        assert!(!is_plain_file_name(""));
        let manifest = br#"{"format":3,"runtime":"../x.wasm","runtime_bytes":1,
            "catalog":"c.json","catalog_bytes":1,"index":[],"hot":[],"doc_count":0}"#;
        assert!(Manifest::parse(manifest).is_err());
        let manifest = br#"{"format":3,"runtime":"r.wasm","runtime_bytes":1,
            "catalog":"c.json","catalog_bytes":1,"index":[{"name":"meta.json",
            "hash":"../../etc","bytes":3,"chunk_size":4}],"hot":[],"doc_count":0}"#;
        assert!(Manifest::parse(manifest).is_err());
    }

    #[test]
    fn chunks_cover_each_file_exactly() {
        let file = ManifestFile {
            name: "x.store".into(),
            hash: "ab12".into(),
            bytes: 10_000,
            chunk_size: 4096,
        };
        assert_eq!(file.chunk_count(), 3);
        assert_eq!(
            (0..3).map(|n| file.chunk_len(n)).collect::<Vec<_>>(),
            [4096, 4096, 1808]
        );
        assert_eq!(file.chunk_file(2), "ab12.2.bin");
    }

    #[test]
    fn hot_chunks_carry_the_names_their_files_give_them() {
        let manifest = |path: &str| {
            format!(
                r#"{{"format":3,"runtime":"r.wasm","runtime_bytes":1,"catalog":"c.json",
                "catalog_bytes":1,"index":[{{"name":"meta.json","hash":"ab12","bytes":3,
                "chunk_size":4}}],"hot":[{{"file":0,"chunk":0,"path":"{path}"}}],"doc_count":0}}"#
            )
        };
        assert!(Manifest::parse(manifest("ab12.0.bin").as_bytes()).is_ok());
        assert!(Manifest::parse(manifest("../ab12.0.bin").as_bytes()).is_err());
    }

    #[test]
    fn refuses_unknown_formats() {
        let manifest = br#"{"format":99,"runtime":"r.wasm","runtime_bytes":1,
            "catalog":"c.json","catalog_bytes":1,"index":[],"hot":[],"doc_count":0}"#;
        let error = Manifest::parse(manifest).unwrap_err();
        assert!(error.message().contains("rebuild the site"), "{error}");
    }
}
