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
//! 1. `tm_open(manifest_ptr, manifest_len, hot_ptr, hot_len)` with the bytes of the manifest and
//!    of the manifest's hot file (the catalog, then the bytes opening the index and every query
//!    read). The runtime checks the manifest (its `format` among the rest) and answers
//!    `doc_count`, the `catalog`, and `unfiltered`: what a search with no words and no filters
//!    answers, which a page can show without asking.
//! 2. `tm_search(request_ptr, request_len)` with a `SearchRequest` as JSON;
//!    `tm_snippets(request_ptr, request_len)` with `{"query": "...", "texts": ["...", ...]}`
//!    (the texts of results, from their pages), answering a list of snippets, each a list of
//!    `SnippetPart`; `tm_suggest_schools(request_ptr, request_len)` with
//!    `{"text": "...", "limit": 8}`.
//!
//! The runtime downloads nothing itself. When a call needs chunks of the index it does not
//! hold, it answers status 2 and `{"need": [{"file": f, "chunk": c, "path": "<static file>"}]}`,
//! every chunk that step of the query needs at once (see `SearchIndex`'s prefetch). The worker
//! downloads them all in parallel, hands each over with
//! `ptr = tm_alloc(len)`, copy, `tm_add_chunk(file, chunk, ptr, len)` (the runtime takes
//! ownership), and calls again; a query takes a few such rounds the first time, none once its
//! chunks are held. Paths are relative to the manifest, so JS need not know how chunks are
//! named.
//!
//! Every call but `tm_alloc`/`tm_free` returns 0 on success, 1 on failure and 2 when it needs
//! chunks, and leaves its answer — the result, `{"error": "..."}` or `{"need": [...]}` — as
//! JSON at `tm_output_ptr()` for `tm_output_len()` bytes, valid until the next call. Bad input
//! gives an error, never a trap. (A trap — an out-of-memory, say — leaves the instance
//! unusable; the worker then starts a new one.)

#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use testimony_search::bundle::{Manifest, ManifestFile, parse_catalog};
use testimony_search::directory::{ChunkCache, ChunkSource};
use testimony_search::{Catalog, SearchError, SearchIndex, SearchRequest, SearchResults};

/// The chunks reads asked for that the runtime does not hold, as (file, chunk).
type Missing = Arc<Mutex<BTreeSet<(u32, u32)>>>;

/// A chunk source that holds nothing: each chunk asked for is noted as missing and the read
/// fails. The worker then downloads what was noted (see the protocol above).
struct NoteMissing(Missing);

impl ChunkSource for NoteMissing {
    fn fetch(&self, file: u32, chunk: u32, _len: usize) -> std::io::Result<Vec<u8>> {
        lock(&self.0).insert((file, chunk));
        Err(std::io::Error::other(
            "a part of the search index is still downloading",
        ))
    }
}

fn lock(missing: &Missing) -> std::sync::MutexGuard<'_, BTreeSet<(u32, u32)>> {
    missing
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The open index with what it needs to take chunks handed over later.
struct Open {
    index: SearchIndex,
    files: Vec<ManifestFile>,
    cache: Arc<ChunkCache>,
    missing: Missing,
}

#[derive(Default)]
struct Runtime {
    open: Option<Open>,
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnippetsRequest {
    query: String,
    texts: Vec<String>,
}

#[derive(Serialize)]
struct ErrorAnswer<'a> {
    error: &'a str,
}

/// A chunk the worker is to download.
#[derive(Serialize)]
struct Needed {
    file: u32,
    chunk: u32,
    path: String,
}

#[derive(Serialize)]
struct NeedAnswer {
    need: Vec<Needed>,
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

/// Hands over a chunk the last call said it needed. Takes ownership of `data` (from
/// `tm_alloc(data_len)`, filled).
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
        let result = match &runtime.open {
            None => Err(SearchError::new("the search index is not open yet")),
            Some(open) => {
                let expected = open.files.get(file as usize).map(|f| f.chunk_len(chunk));
                if expected == Some(data.len()) {
                    open.cache.insert(file, chunk, data);
                    lock(&open.missing).remove(&(file, chunk));
                    Ok(())
                } else {
                    Err(SearchError::new(
                        "a downloaded part of the search index does not match its manifest; \
                         reload the page",
                    ))
                }
            }
        };
        answer(runtime, result)
    })
}

/// Opens the index the manifest describes, with its hot file (which holds the catalog).
///
/// # Safety
/// `manifest_ptr..+manifest_len` and `hot_ptr..+hot_len` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tm_open(
    manifest_ptr: *const u8,
    manifest_len: usize,
    hot_ptr: *const u8,
    hot_len: usize,
) -> i32 {
    // SAFETY: per the contract above.
    let (manifest, hot) = unsafe { (input(manifest_ptr, manifest_len), input(hot_ptr, hot_len)) };
    RUNTIME.with_borrow_mut(|runtime| {
        runtime.open = None;
        let result = Manifest::parse(manifest).and_then(|manifest| {
            let hot = manifest.split_hot(hot)?;
            let catalog = parse_catalog(hot.catalog)?;
            let missing = Missing::default();
            let cache = ChunkCache::new(NoteMissing(missing.clone()));
            for (piece, bytes) in hot.pieces {
                cache.insert_piece(piece.file, piece.start as usize, bytes.to_vec());
            }
            let index = SearchIndex::from_chunks(&manifest.index, catalog, cache.clone())?;
            let opened = Opened {
                doc_count: index.doc_count(),
                catalog: index.catalog().clone(),
                unfiltered: index.unfiltered_answer(),
            };
            runtime.open = Some(Open {
                index,
                files: manifest.index,
                cache,
                missing,
            });
            Ok(opened)
        });
        answer(runtime, result)
    })
}

/// Runs `run` on the open index. When its reads asked for chunks the runtime does not hold,
/// the answer is the list of them (status 2), whatever `run` answered.
fn with_index<T: Serialize>(
    request: &[u8],
    run: impl FnOnce(&SearchIndex, &[u8]) -> Result<T, SearchError>,
) -> i32 {
    RUNTIME.with_borrow_mut(|runtime| {
        let Some(open) = &runtime.open else {
            return answer(
                runtime,
                Err::<(), _>(SearchError::new("the search index is not open yet")),
            );
        };
        lock(&open.missing).clear();
        let result = run(&open.index, request);
        let need: Vec<Needed> = std::mem::take(&mut *lock(&open.missing))
            .into_iter()
            .filter_map(|(file, chunk)| {
                let path = open.files.get(file as usize)?.chunk_file(chunk);
                Some(Needed { file, chunk, path })
            })
            .collect();
        if need.is_empty() {
            answer(runtime, result)
        } else {
            answer(runtime, Ok(NeedAnswer { need }));
            2
        }
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

/// Snippets of results' texts (from their pages) for a query: `{"query": "...", "texts":
/// [...]}` in, `[[SnippetPart]]` out, one list a text.
///
/// # Safety
/// `request_ptr..+request_len` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tm_snippets(request_ptr: *const u8, request_len: usize) -> i32 {
    // SAFETY: per the contract above.
    let request = unsafe { input(request_ptr, request_len) };
    with_index(request, |index, request| {
        let request: SnippetsRequest = parse_json(request, "snippet request")?;
        index.snippets(&request.query, request.texts.iter().map(String::as_str))
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
