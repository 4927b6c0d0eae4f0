//! Full-text search, the generator's side: it writes the index ([`build_index`], `indexer`) and
//! answers `testimony search` from a built site (`local`). The schema, catalog, directory,
//! manifest and query engine are the crate `testimony-search`, shared with the runtime that
//! runs them in the reader's browser (crate `testimony-search-runtime`, compiled to wasm32 by
//! `build.rs` and embedded here as [`RUNTIME_WASM`]).

mod indexer;
mod local;

pub use testimony_search::*;

pub use indexer::{
    IndexFiles, LiveIndex, build_index, build_index_with_tag_labels, runtime_file_name,
};
pub use local::{Found, ShownResult, format_results_text, open_output_dir, search_output_dir};

/// The search runtime, compiled for `wasm32-unknown-unknown` by `build.rs`.
pub const RUNTIME_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/search-runtime.wasm"));
