//! The search runtime's interface to JavaScript: plain `extern "C"` functions over linear
//! memory, no wasm-bindgen. `themes/default/static/search/worker.js` is the only caller.
//!
//! Protocol (all strings UTF-8, all JSON):
//!
//! 1. For each index file of the manifest: `ptr = tm_alloc(len)`, copy the bytes there,
//!    `tm_add_file(name_ptr, name_len, ptr, len)` — the runtime takes ownership of the bytes.
//! 2. `tm_open(catalog_ptr, catalog_len)` with the catalog file's bytes.
//! 3. `tm_search(request_ptr, request_len)` with a `SearchRequest` as JSON;
//!    `tm_suggest_schools(request_ptr, request_len)` with `{"text": "...", "limit": 8}`.
//!
//! Every call but `tm_alloc`/`tm_free` returns 0 on success and 1 on failure, and leaves its
//! answer — the result, or `{"error": "..."}` — as JSON at `tm_output_ptr()` for
//! `tm_output_len()` bytes, valid until the next call. Bad input gives an error, never a trap.
//! (A trap — an out-of-memory, say — leaves the instance unusable; the worker then starts a new
//! one.)

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use super::bundle::parse_catalog;
use super::{SearchError, SearchIndex, SearchRequest, StaticDirectory};

#[derive(Default)]
struct Runtime {
    pending: Vec<(String, Vec<u8>)>,
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
    catalog: super::Catalog,
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

/// Frees memory from `tm_alloc` that was not handed to `tm_add_file`.
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

/// Adds one index file. Takes ownership of `data` (from `tm_alloc(data_len)`, filled);
/// `name` stays the caller's.
///
/// # Safety
/// `name_ptr..+name_len` must be readable; `data_ptr`/`data_len` must be one filled
/// `tm_alloc(data_len)` allocation not used again by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tm_add_file(
    name_ptr: *const u8,
    name_len: usize,
    data_ptr: *mut u8,
    data_len: usize,
) -> i32 {
    // SAFETY: per the contract above.
    let name = unsafe { input(name_ptr, name_len) };
    let data = if data_ptr.is_null() {
        Vec::new()
    } else {
        // SAFETY: per the contract above, a filled allocation of capacity `data_len`.
        unsafe { Vec::from_raw_parts(data_ptr, data_len, data_len) }
    };
    RUNTIME.with_borrow_mut(|runtime| {
        let result = match std::str::from_utf8(name) {
            Ok(name) if !name.is_empty() => {
                runtime.pending.push((name.to_owned(), data));
                Ok(())
            }
            _ => Err(SearchError::new("an index file name is empty or not UTF-8")),
        };
        answer(runtime, result)
    })
}

/// Opens the index from the files added so far and the catalog given here.
///
/// # Safety
/// `catalog_ptr..+catalog_len` must be readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tm_open(catalog_ptr: *const u8, catalog_len: usize) -> i32 {
    // SAFETY: per the contract above.
    let catalog = unsafe { input(catalog_ptr, catalog_len) };
    RUNTIME.with_borrow_mut(|runtime| {
        let files = std::mem::take(&mut runtime.pending);
        let result = parse_catalog(catalog).and_then(|catalog| {
            let index = SearchIndex::open(StaticDirectory::from_bytes(files), catalog)?;
            let opened = Opened {
                doc_count: index.doc_count(),
                catalog: index.catalog().clone(),
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
/// it deterministic and free of JS imports. getrandom 0.3 and 0.4 both call this symbol, with
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
