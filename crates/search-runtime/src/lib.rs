//! The search runtime: the shared search core (`testimony-search`) compiled to
//! `wasm32-unknown-unknown` by the generator's `build.rs`, which embeds it in the native tool.
//! On any other target this crate is empty.
//!
//! Its interface to JavaScript: plain `extern "C"` functions over linear memory, no
//! wasm-bindgen. `themes/default/static/search/runtime-bridge.js`, in the search worker, is
//! the only caller.
//!
//! Protocol (all strings UTF-8, all JSON):
//!
//! 1. For each of the manifest's `hot` chunks, fetched ahead: `ptr = tm_alloc(len)`, copy the
//!    bytes there, `tm_add_chunk(file, chunk, ptr, len)` — the runtime takes ownership.
//! 2. `tm_open(manifest_ptr, manifest_len, catalog_ptr, catalog_len)` with the manifest's and
//!    the catalog's bytes.
//! 3. `tm_search(request_ptr, request_len)` with a `SearchRequest` as JSON;
//!    `tm_suggest_schools(request_ptr, request_len)` with `{"text": "...", "limit": 8}`.
//!
//! The runtime imports one function, `env.tm_fetch(path_ptr, path_len, ptr, len) -> i32`: JS
//! fetches the chunk in the static file named by the UTF-8 at `path_ptr..+path_len` (relative
//! to the manifest, as the manifest's own file names are), synchronously (a Web Worker may),
//! writes its `len` bytes at `ptr` and returns 0, or returns 1 when it cannot. It is called
//! during `tm_search` the first time a query reads a chunk that is not cached yet, and must not
//! call the runtime. The runtime names the chunk, so JS need not know how chunks are named.
//!
//! `tm_open` checks the manifest (its `format` among the rest) and answers `doc_count`, the
//! `catalog`, and `unfiltered`: what a search with no words and no filters answers, which a
//! page can show without asking.
//!
//! Every call but `tm_alloc`/`tm_free` returns 0 on success and 1 on failure, and leaves its
//! answer — the result, or `{"error": "..."}` — as JSON at `tm_output_ptr()` for
//! `tm_output_len()` bytes, valid until the next call. Bad input gives an error, never a trap.
//! (A trap — an out-of-memory, say — leaves the instance unusable; the worker then starts a new
//! one.)

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use testimony_search::bundle::{Manifest, ManifestFile, parse_catalog};
use testimony_search::directory::{ChunkCache, ChunkSource};
use testimony_search::{Catalog, SearchError, SearchIndex, SearchRequest, SearchResults};

#[link(wasm_import_module = "env")]
unsafe extern "C" {
    /// Writes the `len` bytes of the chunk in static file `path` at `ptr`; 0 on success.
    fn tm_fetch(path_ptr: *const u8, path_len: usize, ptr: *mut u8, len: usize) -> i32;
}

/// Chunks fetched by the worker through `tm_fetch`, named after the manifest's files.
struct Worker {
    files: Vec<ManifestFile>,
}

impl ChunkSource for Worker {
    fn fetch(&self, file: u32, chunk: u32, len: usize) -> std::io::Result<Vec<u8>> {
        let path = self
            .files
            .get(file as usize)
            .map(|f| f.chunk_file(chunk))
            .ok_or_else(|| {
                std::io::Error::other("the search index names a file it does not have")
            })?;
        let mut bytes = vec![0; len];
        // SAFETY: `path` is readable and `bytes` is `len` writable bytes; JS writes at most
        // `len` there and does not call back into the runtime.
        let status = unsafe { tm_fetch(path.as_ptr(), path.len(), bytes.as_mut_ptr(), len) };
        if status == 0 {
            Ok(bytes)
        } else {
            Err(std::io::Error::other(
                "a part of the search index could not be downloaded; check the connection and \
                 try again",
            ))
        }
    }
}

#[derive(Default)]
struct Runtime {
    /// Chunks given ahead of `tm_open`: (file, chunk, bytes).
    pending: Vec<(u32, u32, Vec<u8>)>,
    index: Option<SearchIndex>,
    output: Vec<u8>,
}

thread_local! {
    static RUNTIME: RefCell<Runtime> = RefCell::new(Runtime::default());
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SuggestRequest {
    text: String,
    #[serde(default)]
    limit: usize,
}

#[derive(Serialize)]
struct Opened {
    doc_count: u64,
    catalog: Catalog,
    unfiltered: SearchResults,
}

#[derive(Serialize)]
struct ErrorAnswer<'a> {
    error: &'a str,
}

/// Stores an answer (or an error) as the output; returns the status code.
fn answer<T: Serialize>(runtime: &mut Runtime, result: Result<T, SearchError>) -> i32 {
    let (json, status) = match result.and_then(|value| {
        serde_json::to_vec(&value)
            .map_err(|error| SearchError::new(format!("cannot encode the answer: {error}")))
    }) {
        Ok(json) => (json, 0),
        Err(error) => (
            serde_json::to_vec(&ErrorAnswer {
                error: error.message(),
            })
            .unwrap_or_else(|_| b"{\"error\":\"unknown error\"}".to_vec()),
            1,
        ),
    };
    runtime.output = json;
    status
}

/// The bytes at `ptr..ptr+len`, which JS wrote after `tm_alloc`.
///
/// # Safety
/// `ptr` must point to `len` initialised bytes (or `len` must be 0).
unsafe fn input<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 || ptr.is_null() {
        &[]
    } else {
        // SAFETY: the caller promises `ptr..ptr+len` is initialised memory it owns.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }
}

fn parse_json<'a, T: Deserialize<'a>>(bytes: &'a [u8], what: &str) -> Result<T, SearchError> {
    serde_json::from_slice(bytes).map_err(|error| SearchError::new(format!("bad {what}: {error}")))
}

/// Allocates `len` bytes for JS to write into. Returns null when out of memory.
#[unsafe(no_mangle)]
pub extern "C" fn tm_alloc(len: usize) -> *mut u8 {
    let mut buffer: Vec<u8> = Vec::new();
    if buffer.try_reserve_exact(len).is_err() {
        return std::ptr::null_mut();
    }
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr
}

/// Frees memory from `tm_alloc` that was not handed to `tm_add_chunk`.
///
/// # Safety
/// `ptr` and `len` must come from one `tm_alloc(len)` call, and be freed once.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tm_free(ptr: *mut u8, len: usize) {
    if !ptr.is_null() {
        // SAFETY: per the contract above, this is the allocation of `tm_alloc(len)`.
        drop(unsafe { Vec::from_raw_parts(ptr, 0, len) });
    }
}

/// Adds one chunk fetched ahead. Takes ownership of `data` (from `tm_alloc(data_len)`, filled).
///
/// # Safety
/// `data_ptr`/`data_len` must be one filled `tm_alloc(data_len)` allocation not used again by
/// the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tm_add_chunk(
    file: u32,
    chunk: u32,
    data_ptr: *mut u8,
    data_len: usize,
) -> i32 {
    let data = if data_ptr.is_null() {
        Vec::new()
    } else {
        // SAFETY: per the contract above, a filled allocation of capacity `data_len`.
        unsafe { Vec::from_raw_parts(data_ptr, data_len, data_len) }
    };
    RUNTIME.with_borrow_mut(|runtime| {
        runtime.pending.push((file, chunk, data));
        answer(runtime, Ok(()))
    })
}

/// Opens the index the manifest describes, with the chunks added so far and the catalog.
///
/// # Safety
/// `manifest_ptr..+manifest_len` and `catalog_ptr..+catalog_len` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tm_open(
    manifest_ptr: *const u8,
    manifest_len: usize,
    catalog_ptr: *const u8,
    catalog_len: usize,
) -> i32 {
    // SAFETY: per the contract above.
    let (manifest, catalog) = unsafe {
        (
            input(manifest_ptr, manifest_len),
            input(catalog_ptr, catalog_len),
        )
    };
    RUNTIME.with_borrow_mut(|runtime| {
        let chunks = std::mem::take(&mut runtime.pending);
        let result = Manifest::parse(manifest).and_then(|manifest| {
            let catalog = parse_catalog(catalog)?;
            let cache = ChunkCache::new(Worker {
                files: manifest.index.clone(),
            });
            for (file, chunk, bytes) in chunks {
                let expected = manifest
                    .index
                    .get(file as usize)
                    .map(|f| f.chunk_len(chunk));
                if expected != Some(bytes.len()) {
                    return Err(SearchError::new(
                        "a downloaded part of the search index does not match its manifest; \
                         reload the page",
                    ));
                }
                cache.insert(file, chunk, bytes);
            }
            let index = SearchIndex::from_chunks(&manifest.index, catalog, cache)?;
            let opened = Opened {
                doc_count: index.doc_count(),
                catalog: index.catalog().clone(),
                unfiltered: index.unfiltered_answer(),
            };
            runtime.index = Some(index);
            Ok(opened)
        });
        answer(runtime, result)
    })
}

fn with_index<T: Serialize>(
    request: &[u8],
    run: impl FnOnce(&SearchIndex, &[u8]) -> Result<T, SearchError>,
) -> i32 {
    RUNTIME.with_borrow_mut(|runtime| {
        let result = match &runtime.index {
            Some(index) => run(index, request),
            None => Err(SearchError::new("the search index is not open yet")),
        };
        answer(runtime, result)
    })
}

/// Runs a query: a `SearchRequest` as JSON in, `SearchResults` as JSON out.
///
/// # Safety
/// `request_ptr..+request_len` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tm_search(request_ptr: *const u8, request_len: usize) -> i32 {
    // SAFETY: per the contract above.
    let request = unsafe { input(request_ptr, request_len) };
    with_index(request, |index, request| {
        let request: SearchRequest = parse_json(request, "search request")?;
        index.search(&request)
    })
}

/// School typeahead: `{"text": "northbrige", "limit": 8}` in, `[SchoolMatch]` out.
///
/// # Safety
/// `request_ptr..+request_len` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tm_suggest_schools(request_ptr: *const u8, request_len: usize) -> i32 {
    // SAFETY: per the contract above.
    let request = unsafe { input(request_ptr, request_len) };
    with_index(request, |index, request| {
        let request: SuggestRequest = parse_json(request, "suggestion request")?;
        let limit = if request.limit == 0 {
            8
        } else {
            request.limit.min(50)
        };
        Ok(index.suggest_schools(&request.text, limit))
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn tm_output_ptr() -> *const u8 {
    RUNTIME.with_borrow(|runtime| runtime.output.as_ptr())
}

#[unsafe(no_mangle)]
pub extern "C" fn tm_output_len() -> usize {
    RUNTIME.with_borrow(|runtime| runtime.output.len())
}

/// getrandom's "custom" backend (selected by build.rs with `--cfg getrandom_backend="custom"`).
/// The runtime only reads an index and never needs random numbers; saying "unsupported" keeps
/// it deterministic and free of randomness imports. getrandom 0.3 and 0.4 both call this symbol, with
/// layout-identical error types.
///
/// # Safety
/// Called by getrandom with a writable `dest..dest+len`; writes nothing.
#[unsafe(no_mangle)]
unsafe extern "Rust" fn __getrandom_v03_custom(
    _dest: *mut u8,
    _len: usize,
) -> Result<(), getrandom_03::Error> {
    Err(getrandom_03::Error::UNSUPPORTED)
}
