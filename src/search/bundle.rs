//! How the index is laid out as static files under `search/` in the output:
//!
//! ```text
//! search/manifest.json             not hashed: the only file whose name a page knows
//! search/runtime.<hash>.wasm       the search runtime (this crate for wasm32)
//! search/catalog.<hash>.json       school names, aliases, filter labels (see catalog.rs)
//! search/<hash>.bin                one per tantivy file (meta.json, <segment>.idx, .term ...)
//! ```
//!
//! `<hash>` is the start of the SHA-256 of the file's bytes, so every file but the manifest can
//! be cached forever and a rebuild only changes the names of files whose bytes changed. Plain
//! GETs of whole files: no HTTP range requests, which some static hosts do not honour.
//!
//! A later format can split large files into content-addressed chunks (a `chunks` list per
//! file); readers of this format check `format` and refuse what they do not know.

use serde::{Deserialize, Serialize};

use super::SearchError;
use super::catalog::Catalog;

/// Path of the manifest, relative to the output root.
pub const MANIFEST_PATH: &str = "search/manifest.json";
/// The folder everything lives in, relative to the output root.
#[cfg(feature = "native")]
pub const SEARCH_DIR: &str = "search";
pub const MANIFEST_FORMAT: u32 = 1;

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
    /// The tantivy index files.
    pub index: Vec<ManifestFile>,
    /// Number of testimonies in the index.
    pub doc_count: u64,
}

/// One tantivy file and the static file that holds its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// The name tantivy opens, e.g. "meta.json" or "0000…0001.idx".
    pub name: String,
    /// The static file, e.g. "1a2b3c4d5e6f7a8b9c0d.bin".
    pub file: String,
    pub bytes: u64,
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
        for name in manifest
            .index
            .iter()
            .map(|file| file.file.as_str())
            .chain([manifest.runtime.as_str(), manifest.catalog.as_str()])
        {
            if !is_plain_file_name(name) {
                return Err(SearchError::new(format!(
                    "{MANIFEST_PATH} names a file outside the search folder: {name:?}"
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
        let manifest = br#"{"format":1,"runtime":"../x.wasm","runtime_bytes":1,
            "catalog":"c.json","catalog_bytes":1,"index":[],"doc_count":0}"#;
        assert!(Manifest::parse(manifest).is_err());
    }

    #[test]
    fn refuses_unknown_formats() {
        let manifest = br#"{"format":99,"runtime":"r.wasm","runtime_bytes":1,
            "catalog":"c.json","catalog_bytes":1,"index":[],"doc_count":0}"#;
        let error = Manifest::parse(manifest).unwrap_err();
        assert!(error.message().contains("rebuild the site"), "{error}");
    }
}
