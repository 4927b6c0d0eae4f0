//! The search core shared by the generator and the search runtime: one schema and one query
//! engine, compiled natively (indexing, the `testimony search` command) and to wasm32 (the
//! runtime in the reader's browser, crate `testimony-search-runtime`). Cargo, not `cfg`,
//! decides what goes where: the indexer lives in the generator, the wasm exports in the runtime.
//!
//! | module | owns |
//! |---|---|
//! | `schema` | fields, tokenizers, site language → stemmer |
//! | `catalog` | the school table shipped beside the index; typo-tolerant school lookup |
//! | `directory` | a read-only tantivy `Directory` over bytes (files fetched by the runtime) |
//! | `fuzzy` | the one typo-tolerant matcher: edit distance, and "did you mean" |
//! | `bundle` | `search/manifest.json`: which static file holds which index file |
//! | `query` | [`SearchIndex`]: queries, filters with counts, snippets |
//!
//! The index stores no text: a result is a testimony's id and the address of its page, and
//! what a reader sees of a result (title, date, schools, content warnings, and the text its
//! snippet is cut from) is read from that page, which the reader's browser downloads anyway.

pub mod bundle;
pub mod catalog;
pub mod directory;
pub mod fuzzy;
pub mod query;
pub mod schema;
mod words;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use bundle::{HotPiece, MANIFEST_PATH, Manifest, ManifestFile};
pub use catalog::{Catalog, CatalogSchool, FacetLabel, SchoolMatch};
pub use directory::{ChunkCache, ChunkSource, ChunkedFile, StaticDirectory};
pub use query::SearchIndex;
pub use schema::{stemming_language, supported_languages};

/// A school as the index sees it (from the registry, public fields only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchSchool {
    pub slug: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub former_names: Vec<String>,
    /// "primary" | "state-secondary" | "independent" | "college" | "university" | "other"
    pub kind: String,
    /// How readers see the kind: "State secondary school".
    pub kind_label: String,
    pub region: Option<String>,
}

/// One approved, public testimony, as the index sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    pub id: u64,
    pub title: String,
    /// Already prefixed with the site root, e.g. "/archive/testimonies/1042/".
    pub url: String,
    /// "2021-03-28"
    pub published: String,
    pub schools: Vec<SearchSchool>,
    /// Tag slugs.
    pub tags: Vec<String>,
    /// First year of `period`.
    pub year: Option<u64>,
    /// Plain text of the Markdown body (no HTML).
    pub body_text: String,
    /// Content warnings (added to the contract): a result shows them before its snippet, and
    /// the search page hides the snippet until the reader opens it, as the theme does.
    pub content_warnings: Vec<String>,
}

/// A query, as the search page's worker and `testimony search` send it (JSON in the runtime).
/// Every filter is optional; an empty `query` lists everything that passes the filters, newest
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchRequest {
    /// Free text: words (stemmed), "phrases", AND, OR, NOT / -word, +word.
    pub query: String,
    /// A school's slug, name, alias or former name; typos are tolerated.
    pub school: Option<String>,
    /// A school kind, e.g. "state-secondary".
    pub kind: Option<String>,
    /// A region, e.g. "North West".
    pub region: Option<String>,
    /// A tag slug.
    pub tag: Option<String>,
    /// The first year of the period, e.g. 2019.
    pub year: Option<u64>,
    /// How many results to return (0 means the default, 20; at most 200).
    pub limit: usize,
    /// How many results to skip (for "more results").
    pub offset: usize,
    /// Whether to count the filters (true unless asked otherwise). Counting reads every
    /// testimony's filter values, so the search page first asks without, shows the results,
    /// then asks again for the counts.
    pub counts: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            school: None,
            kind: None,
            region: None,
            tag: None,
            year: None,
            limit: 0,
            offset: 0,
            counts: true,
        }
    }
}

/// A school in a result or a resolved filter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolRef {
    pub slug: String,
    pub name: String,
}

/// A piece of a snippet: `mark` pieces are the words that matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnippetPart {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mark: bool,
}

/// One matching testimony: its id and the address of its page, where everything a reader
/// sees of it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub id: u64,
    /// The testimony's page, from the site root, e.g. "/archive/testimonies/1042/".
    pub url: String,
    /// BM25 score (0 when the query is empty and results are newest first).
    pub score: f32,
}

/// A filter value with the number of results it would give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub label: String,
    pub count: u64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub selected: bool,
}

/// Counts per filter. The counts of one filter are computed with every *other* active filter
/// applied, so a reader can switch, say, from one kind of school to another.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub school: Vec<FacetCount>,
    pub kind: Vec<FacetCount>,
    pub region: Vec<FacetCount>,
    pub tag: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    /// How many testimonies match in all.
    pub total: u64,
    pub offset: usize,
    pub results: Vec<SearchHit>,
    /// The school the `school` filter was understood as.
    pub school: Option<SchoolRef>,
    /// Set when the `school` filter matched no school (then there are no results).
    pub unknown_school: Option<String>,
    /// Schools the free-text query looks like (typos tolerated), to offer as a filter.
    pub school_suggestions: Vec<SchoolMatch>,
    /// Whether `facets` was counted (see [`SearchRequest::counts`]); when not, it is empty.
    pub counted: bool,
    pub facets: Facets,
    /// Parts of the query that could not be understood and were ignored, in plain words.
    pub warnings: Vec<String>,
}

/// Something went wrong opening or querying the index, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchError {
    message: String,
}

impl SearchError {
    pub fn new(message: impl Into<String>) -> Self {
        SearchError {
            message: message.into(),
        }
    }

    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SearchError {}

impl From<tantivy::TantivyError> for SearchError {
    fn from(error: tantivy::TantivyError) -> Self {
        SearchError::new(format!("search index error: {error}"))
    }
}

impl From<std::io::Error> for SearchError {
    fn from(error: std::io::Error) -> Self {
        SearchError::new(format!("search index I/O error: {error}"))
    }
}
