//! How the index is laid out as static files under `search/` in the output:
//!
//! ```text
//! search/manifest.json             not hashed: the only file whose name a page knows
//! search/runtime.<hash>.wasm       the search runtime (this crate for wasm32)
//! search/hot.<hash>.bin            the catalog (school names, aliases, filter labels: JSON,
//!                                  see catalog.rs), then the hot pieces (below), one after
//!                                  another, in one file
//! search/<hash>.<n>.bin            chunk n of a tantivy file (meta.json, <segment>.idx, .term ...)
//! ```
//!
//! `<hash>` is the start of the SHA-256 of the file's bytes (for a chunk: of the whole tantivy
//! file it belongs to), so every file but the manifest can be cached forever and a rebuild only
//! changes the names of files whose bytes changed. Plain GETs of whole files: no HTTP range
//! requests, which some static hosts do not honour.
//!
//! A reader fetches the manifest, then the runtime and the hot file at once (the `hot` pieces
//! are the byte ranges opening the index and any query with words read), then the further
//! chunks a query touches, each the first time. Readers check `format` and refuse what they do
//! not know. In the browser the runtime is that reader: the worker's JavaScript knows the
//! manifest only as far as downloading goes (`runtime`, `hot_file`), and the runtime names
//! every further chunk it asks for.

use serde::{Deserialize, Serialize};

use super::SearchError;
use super::catalog::Catalog;

/// Path of the manifest, relative to the output root.
pub const MANIFEST_PATH: &str = "search/manifest.json";
/// The folder everything lives in, relative to the output root.
pub const SEARCH_DIR: &str = "search";
pub const MANIFEST_FORMAT: u32 = 5;

/// `search/manifest.json`. File names are relative to the manifest's folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    /// The search runtime, e.g. "runtime.1a2b3c4d5e6f7a8b9c0d.wasm".
    pub runtime: String,
    pub runtime_bytes: u64,
    /// The length of the catalog, which the hot file starts with.
    pub catalog_bytes: u64,
    /// The tantivy index files; a chunk is named by its file's number here and its own.
    pub index: Vec<ManifestFile>,
    /// The file holding the catalog, then the `hot` pieces one after another, e.g.
    /// "hot.1a2b3c4d5e6f7a8b9c0d.bin".
    pub hot_file: String,
    pub hot_bytes: u64,
    /// The pieces in `hot_file`, in its order after the catalog: fetched before the index is
    /// opened.
    pub hot: Vec<HotPiece>,
    /// Number of testimonies in the index.
    pub doc_count: u64,
}

/// The hot file, cut as its manifest says.
#[derive(Debug, PartialEq, Eq)]
pub struct HotFile<'a> {
    /// The catalog's JSON (see [`parse_catalog`]).
    pub catalog: &'a [u8],
    /// Each hot piece with its bytes.
    pub pieces: Vec<(HotPiece, &'a [u8])>,
}

/// Bytes of an index file fetched before the index is opened, as part of the hot file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotPiece {
    /// The number of its file in `index`.
    pub file: u32,
    /// Where in that file it starts.
    pub start: u64,
    pub len: u64,
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
    /// The hot file's bytes cut into the catalog's and the hot pieces'.
    pub fn split_hot<'a>(&self, bytes: &'a [u8]) -> Result<HotFile<'a>, SearchError> {
        if bytes.len() as u64 != self.hot_bytes {
            return Err(SearchError::new(
                "a downloaded part of the search index does not match its manifest; reload the \
                 page",
            ));
        }
        // Parse checked that the lengths add up to the file's.
        let (catalog, mut rest) = bytes.split_at(self.catalog_bytes as usize);
        let mut pieces = Vec::with_capacity(self.hot.len());
        for hot in &self.hot {
            let (piece, after) = rest.split_at(hot.len as usize);
            pieces.push((*hot, piece));
            rest = after;
        }
        Ok(HotFile { catalog, pieces })
    }

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
        for name in [manifest.runtime.as_str(), manifest.hot_file.as_str()] {
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
        let mut hot_bytes: u64 = manifest.catalog_bytes;
        for hot in &manifest.hot {
            let inside = manifest.index.get(hot.file as usize).is_some_and(|f| {
                hot.start
                    .checked_add(hot.len)
                    .is_some_and(|end| end <= f.bytes)
            });
            if !inside {
                return Err(SearchError::new(format!(
                    "{MANIFEST_PATH} lists bytes past the end of an index file ({}, {}, {}); \
                     rebuild the site",
                    hot.file, hot.start, hot.len
                )));
            }
            hot_bytes = hot_bytes.saturating_add(hot.len);
        }
        if hot_bytes != manifest.hot_bytes {
            return Err(SearchError::new(format!(
                "{MANIFEST_PATH} gives the hot file {} bytes but its catalog and chunks have \
                 {hot_bytes}; rebuild the site",
                manifest.hot_bytes
            )));
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

    fn manifest(hot: &str, hot_bytes: u64, runtime: &str) -> String {
        format!(
            r#"{{"format":5,"runtime":"{runtime}","runtime_bytes":1,
            "catalog_bytes":2,"index":[{{"name":"meta.json","hash":"ab12","bytes":6,
            "chunk_size":4}}],"hot_file":"hot.bin","hot_bytes":{hot_bytes},"hot":{hot},
            "doc_count":0}}"#
        )
    }

    #[test]
    fn refuses_paths_outside_the_search_folder() {
        assert!(is_plain_file_name("0a1b.bin"));
        assert!(!is_plain_file_name("../secret"));
        assert!(!is_plain_file_name("a/b.bin"));
        assert!(!is_plain_file_name(""));
        assert!(Manifest::parse(manifest("[]", 2, "r.wasm").as_bytes()).is_ok());
        assert!(Manifest::parse(manifest("[]", 2, "../x.wasm").as_bytes()).is_err());
        let bad_hash = manifest("[]", 2, "r.wasm").replace("ab12", "../../etc");
        assert!(Manifest::parse(bad_hash.as_bytes()).is_err());
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
    fn the_hot_file_is_cut_into_the_catalog_and_the_pieces_it_lists() {
        let hot = r#"[{"file":0,"start":4,"len":2},{"file":0,"start":0,"len":3}]"#;
        let parsed = Manifest::parse(manifest(hot, 7, "r.wasm").as_bytes()).unwrap();
        let cut = parsed.split_hot(b"{}efabc").unwrap();
        let piece = |start, len| HotPiece {
            file: 0,
            start,
            len,
        };
        assert_eq!(cut.catalog, b"{}");
        assert_eq!(
            cut.pieces,
            [(piece(4, 2), &b"ef"[..]), (piece(0, 3), &b"abc"[..])]
        );
        assert!(parsed.split_hot(b"{}efab").is_err());
        // Lengths that do not add up, or bytes past the end of their file, are refused.
        assert!(Manifest::parse(manifest(hot, 5, "r.wasm").as_bytes()).is_err());
        let past_the_end = r#"[{"file":0,"start":5,"len":2}]"#;
        assert!(Manifest::parse(manifest(past_the_end, 4, "r.wasm").as_bytes()).is_err());
    }

    #[test]
    fn refuses_unknown_formats() {
        let unknown = manifest("[]", 2, "r.wasm").replace(r#""format":5"#, r#""format":99"#);
        let error = Manifest::parse(unknown.as_bytes()).unwrap_err();
        assert!(error.message().contains("rebuild the site"), "{error}");
    }
}
