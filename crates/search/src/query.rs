//! Answering queries: the same code natively (`testimony search`, tests) and in the browser.
//!
//! Free text is read by [`words`](super::words) over title, body and school names, with
//! conjunction by default: `bus stop` needs both words, `"bus stop"` the phrase, and
//! `AND`, `OR`, `NOT`, `-word`, `+word` and parentheses work as readers expect. Filters are
//! facet terms; each filter's counts are computed with the *other* filters applied.
//!
//! The browser fetches the index's chunks as a query first reads them, so a query first reads
//! ahead (`prefetch`) what each of its steps will need, and counting the filters, which reads
//! every testimony's filter values, can be asked for separately (`SearchRequest::counts`).
//! Snippets are cut from a result's text as its page shows it ([`SearchIndex::snippet`]): the
//! index holds no text.
//!
//! One engine in one file on purpose: filtering, counting and snippets share the
//! searcher and the catalog, and splitting them would spread one query over several files.

use std::collections::BTreeMap;
use std::sync::Arc;

use tantivy::collector::{Count, FacetCollector, FacetCounts, MultiCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::directory::FileHandle;
use tantivy::query::{AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, SegmentReader, TantivyDocument,
    Term,
};

use super::bundle::{Manifest, ManifestFile, parse_catalog};
use super::catalog::{Catalog, FacetLabel, SchoolMatch, SchoolMatcher};
use super::directory::{ChunkCache, ChunkSource, ChunkedFile, StaticDirectory};
use super::schema::{Fields, names, register_tokenizers};
use super::words::{self, Leaf, TextField};
use super::{
    FacetCount, Facets, SearchError, SearchHit, SearchRequest, SearchResults, SnippetPart,
};

const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 200;
/// Schools listed in the school filter's counts (the selected one is always included).
const MAX_SCHOOL_FACETS: usize = 50;
const SNIPPET_CHARS: usize = 220;
const TITLE_BOOST: f32 = 2.0;
const SCHOOL_NAMES_BOOST: f32 = 1.5;

/// An open index, ready to answer queries.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    catalog: Catalog,
    matcher: SchoolMatcher,
    /// Where the index's chunks are kept, when it is read in chunks.
    chunks: Option<Arc<ChunkCache>>,
}

/// The filters a request can have, one facet field each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dim {
    School,
    Kind,
    Region,
    Tag,
    Year,
}

const DIMS: [Dim; 5] = [Dim::School, Dim::Kind, Dim::Region, Dim::Tag, Dim::Year];

impl Dim {
    fn field_name(self) -> &'static str {
        match self {
            Dim::School => names::SCHOOL,
            Dim::Kind => names::KIND,
            Dim::Region => names::REGION,
            Dim::Tag => names::TAG,
            Dim::Year => names::YEAR,
        }
    }

    fn field(self, fields: &Fields) -> Field {
        match self {
            Dim::School => fields.school,
            Dim::Kind => fields.kind,
            Dim::Region => fields.region,
            Dim::Tag => fields.tag,
            Dim::Year => fields.year,
        }
    }
}

/// Characters of tantivy's query syntax that readers do not mean as syntax (field names,
/// boosts, ranges, wildcards, slop, single-quoted phrases); replaced by spaces, like the
/// tokenizer would.
fn sanitize_query(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ':' | '^' | '[' | ']' | '{' | '}' | '~' | '*' | '\\' | '<' | '>' | '=' | '\'' | '’'
            | '`' => ' ',
            other => other,
        })
        .collect()
}

impl SearchIndex {
    /// Opens an index from its files and its catalog.
    pub fn open(directory: StaticDirectory, catalog: Catalog) -> Result<SearchIndex, SearchError> {
        let index = Index::open(directory)?;
        register_tokenizers(&index)?;
        let fields = Fields::from_schema(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let matcher = SchoolMatcher::new(&catalog);
        Ok(SearchIndex {
            index,
            reader,
            fields,
            catalog,
            matcher,
            chunks: None,
        })
    }

    /// Bytes of index chunks fetched so far (beyond those given up front): what a reader's
    /// queries have downloaded.
    pub fn fetched_bytes(&self) -> u64 {
        self.chunks
            .as_ref()
            .map_or(0, |cache| cache.fetched_bytes())
    }

    /// Every chunk held so far (needed by a read, or given up front), as (file number in the
    /// manifest, chunk number).
    pub fn chunks_held(&self) -> std::collections::BTreeSet<(u32, u32)> {
        self.chunks
            .as_ref()
            .map(|cache| cache.held())
            .unwrap_or_default()
    }

    /// Opens the index a manifest describes, reading the catalog, the hot file and each chunk
    /// (when a query first needs it) by its file name through `read`, as the browser does.
    pub fn from_manifest(
        manifest: &Manifest,
        read: impl Fn(&str) -> Result<Vec<u8>, SearchError> + Send + Sync + 'static,
    ) -> Result<SearchIndex, SearchError> {
        struct ByName<F> {
            files: Vec<ManifestFile>,
            read: F,
        }
        impl<F> ChunkSource for ByName<F>
        where
            F: Fn(&str) -> Result<Vec<u8>, SearchError> + Send + Sync + 'static,
        {
            fn fetch(&self, file: u32, chunk: u32, _len: usize) -> std::io::Result<Vec<u8>> {
                let file = self.files.get(file as usize).ok_or_else(|| {
                    std::io::Error::other("the search index names a file it does not have")
                })?;
                (self.read)(&file.chunk_file(chunk))
                    .map_err(|error| std::io::Error::other(error.message().to_owned()))
            }
        }
        let hot = read(&manifest.hot_file)?;
        let hot = manifest.split_hot(&hot)?;
        let catalog = parse_catalog(hot.catalog)?;
        let source = ByName {
            files: manifest.index.clone(),
            read,
        };
        let cache = ChunkCache::new(source);
        for (piece, bytes) in hot.pieces {
            cache.insert_piece(piece.file, piece.start as usize, bytes.to_vec());
        }
        SearchIndex::from_chunks(&manifest.index, catalog, cache)
    }

    /// Opens an index whose files (the manifest's `index`) are read chunk by chunk through
    /// `cache`, each chunk fetched the first time a read touches it.
    pub fn from_chunks(
        files: &[ManifestFile],
        catalog: Catalog,
        cache: Arc<ChunkCache>,
    ) -> Result<SearchIndex, SearchError> {
        let handles = files.iter().enumerate().map(|(number, file)| {
            let handle: Arc<dyn FileHandle> = Arc::new(ChunkedFile::new(
                cache.clone(),
                number as u32,
                file.bytes as usize,
                file.chunk_size as usize,
            ));
            (file.name.clone(), handle)
        });
        let mut index = SearchIndex::open(StaticDirectory::from_handles(handles), catalog)?;
        index.chunks = Some(cache);
        Ok(index)
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Number of testimonies in the index.
    /// Everything the index holds, decompressed, one item a line: every stored document as
    /// JSON and every indexed term of every field. For audits: the leak test reads it to show
    /// that nothing unapproved or private is in the index in any form.
    pub fn everything_held(&self) -> Result<String, SearchError> {
        use tantivy::schema::document::Document as _;
        let searcher = self.reader.searcher();
        let schema = self.index.schema();
        let mut out = String::new();
        for segment in searcher.segment_readers() {
            let store = segment.get_store_reader(1)?;
            for doc in store.iter::<TantivyDocument>(segment.alive_bitset()) {
                out.push_str(&doc?.to_json(&schema));
                out.push('\n');
            }
            for (field, entry) in schema.fields() {
                if !entry.is_indexed() {
                    continue;
                }
                let inverted = segment.inverted_index(field)?;
                let mut terms = inverted.terms().stream()?;
                while terms.advance() {
                    out.push_str(&String::from_utf8_lossy(terms.key()));
                    out.push('\n');
                }
            }
        }
        Ok(out)
    }

    pub fn doc_count(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Schools matching what a reader typed in the school filter, best first.
    pub fn suggest_schools(&self, text: &str, limit: usize) -> Vec<SchoolMatch> {
        self.matcher.suggest(text, limit)
    }

    /// What a search with no words and no filters answers, from the catalog alone: how many
    /// testimonies there are and every filter value with its count over the whole archive, but
    /// no results (a search page offers the filters then, not a list of everything). Reads
    /// nothing from the index, so in the browser it downloads nothing.
    pub fn unfiltered_answer(&self) -> SearchResults {
        let counts = |labels: &[FacetLabel]| -> Vec<FacetCount> {
            labels
                .iter()
                .map(|label| FacetCount {
                    value: label.value.clone(),
                    label: label.label.clone(),
                    count: label.count,
                    selected: false,
                })
                .collect()
        };
        SearchResults {
            query: String::new(),
            total: self.doc_count(),
            offset: 0,
            results: Vec::new(),
            school: None,
            unknown_school: None,
            school_suggestions: Vec::new(),
            counted: true,
            facets: Facets {
                school: Vec::new(),
                kind: counts(&self.catalog.kinds),
                region: counts(&self.catalog.regions),
                tag: counts(&self.catalog.tags),
                year: counts(&self.catalog.years),
            },
            warnings: Vec::new(),
        }
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let limit = match request.limit {
            0 => DEFAULT_LIMIT,
            n => n.min(MAX_LIMIT),
        };
        // Past the last result there is nothing to show (and a huge offset must not overflow
        // the collector's arithmetic).
        let offset = request.offset.min(self.doc_count() as usize);
        let searcher = self.reader.searcher();
        let mut results = SearchResults {
            query: request.query.clone(),
            total: 0,
            offset,
            results: Vec::new(),
            school: None,
            unknown_school: None,
            school_suggestions: Vec::new(),
            counted: request.counts,
            facets: Facets::default(),
            warnings: Vec::new(),
        };

        let text_query = self.parse(&request.query).map(|(query, warnings)| {
            results.warnings = warnings;
            query
        });
        if request
            .school
            .as_deref()
            .is_none_or(|s| s.trim().is_empty())
        {
            results.school_suggestions = self.matcher.named_by(&request.query, 3);
        }

        let mut selected: BTreeMap<usize, String> = BTreeMap::new();
        if let Some(school) = request.school.as_deref().filter(|s| !s.trim().is_empty()) {
            match self.matcher.resolve(school) {
                Some(slug) => {
                    results.school = Some(self.catalog.school_ref(&slug));
                    selected.insert(0, slug);
                }
                None => {
                    results.unknown_school = Some(school.to_owned());
                    results.counted = false;
                    return Ok(results);
                }
            }
        }
        let others = [
            (1, request.kind.clone()),
            (2, request.region.clone()),
            (3, request.tag.clone()),
            (4, request.year.map(|year| year.to_string())),
        ];
        for (dim, value) in others {
            if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                selected.insert(dim, value.trim().to_owned());
            }
        }

        let filter_terms: Vec<(usize, Term)> = selected
            .iter()
            .map(|(&dim, value)| {
                let field = DIMS[dim].field(&self.fields);
                (
                    dim,
                    Term::from_facet(field, &Facet::from_path([value.as_str()])),
                )
            })
            .collect();
        let query_without = |skip: Option<usize>| -> Box<dyn Query> {
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            if let Some(query) = &text_query {
                clauses.push((Occur::Must, query.box_clone()));
            }
            for (dim, term) in &filter_terms {
                if Some(*dim) != skip {
                    let filter = Leaf::term(term.clone(), IndexRecordOption::Basic);
                    clauses.push((
                        Occur::Must,
                        Box::new(ConstScoreQuery::new(Box::new(filter), 0.0)),
                    ));
                }
            }
            if clauses.is_empty() {
                Box::new(AllQuery)
            } else {
                Box::new(BooleanQuery::new(clauses))
            }
        };

        let terms: Vec<Term> = filter_terms.iter().map(|(_, term)| term.clone()).collect();
        self.prefetch(&searcher, text_query.as_deref(), &terms);

        // One pass: the page of results, the total, and the counts of unfiltered dimensions.
        let query = query_without(None);
        let mut facet_collector = MultiCollector::new();
        let mut facet_handles = Vec::new();
        if request.counts {
            for (index, dim) in DIMS.iter().enumerate() {
                if !selected.contains_key(&index) {
                    facet_handles.push((index, facet_collector.add_collector(facet_for(*dim))));
                }
            }
        }
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let (hits, total, mut facet_fruit): (Vec<(f32, DocAddress)>, usize, _) = if text_query
            .is_some()
        {
            let (hits, total, fruit) =
                searcher.search(&*query, &(top.order_by_score(), Count, facet_collector))?;
            (hits, total, fruit)
        } else {
            let newest_first = top.order_by_fast_field::<u64>(names::PUBLISHED_DAY, Order::Desc);
            let (hits, total, fruit) =
                searcher.search(&*query, &(newest_first, Count, facet_collector))?;
            (
                hits.into_iter()
                    .map(|(_, address)| (0.0, address))
                    .collect(),
                total,
                fruit,
            )
        };
        results.total = total as u64;
        if request.counts {
            let mut counts: BTreeMap<usize, FacetCounts> = BTreeMap::new();
            for (index, handle) in facet_handles {
                counts.insert(index, handle.extract(&mut facet_fruit));
            }
            // One more pass per active filter, without that filter.
            for &index in selected.keys() {
                let fruit =
                    searcher.search(&*query_without(Some(index)), &facet_for(DIMS[index]))?;
                counts.insert(index, fruit);
            }
            results.facets = self.facets(&counts, &selected);
        }
        let mut ids = IdColumns::default();
        for (score, address) in hits {
            let id = ids.id(&searcher, address)?;
            results.results.push(SearchHit {
                id,
                url: self.catalog.testimony_url.replace("{id}", &id.to_string()),
                score,
            });
        }
        Ok(results)
    }

    /// Reads what every query with words reads, whatever its words: each text field's
    /// dictionary index and token count, the body's field lengths, and the id column. The
    /// indexer does this on the built index to learn the chunks a reader fetches up front.
    pub fn read_what_every_query_reads(&self) -> Result<(), SearchError> {
        let searcher = self.reader.searcher();
        for segment in searcher.segment_readers() {
            for (field, _) in self.text_fields() {
                segment.inverted_index(field)?;
            }
            self.read_lengths_and_ids(segment)?;
        }
        Ok(())
    }

    /// Reads the body's field lengths (for scores) and the id column (for results) of
    /// `segment`; both are tried even when the first read fails.
    fn read_lengths_and_ids(&self, segment: &SegmentReader) -> Result<(), SearchError> {
        let lengths = segment.get_fieldnorms_reader(self.fields.body).map(drop);
        let ids = segment.fast_fields().u64(names::ID).map(drop);
        lengths?;
        ids?;
        Ok(())
    }

    /// Reads, ahead, what answering a query of `text_query` and `filters` (facet terms) will
    /// read, carrying on past reads that fail: a reader whose chunks are fetched on demand (the
    /// browser's) then learns every chunk one step of the query needs at once — the dictionary
    /// blocks of all its words, then all their postings — instead of one chunk a round trip.
    /// Natively it only reads earlier.
    fn prefetch(&self, searcher: &Searcher, text_query: Option<&dyn Query>, filters: &[Term]) {
        let mut terms: Vec<(Term, bool)> = filters.iter().map(|t| (t.clone(), false)).collect();
        if let Some(query) = text_query {
            query.query_terms(&mut |term, positions| terms.push((term.clone(), positions)));
        }
        for segment in searcher.segment_readers() {
            let _ = self.read_lengths_and_ids(segment);
            if text_query.is_none() {
                let _ = segment.fast_fields().u64(names::PUBLISHED_DAY);
            }
            let infos: Vec<_> = terms
                .iter()
                .filter_map(|(term, positions)| {
                    let inverted = segment.inverted_index(term.field()).ok()?;
                    let info = inverted.get_term_info(term).ok()??;
                    Some((inverted, info, *positions))
                })
                .collect();
            for (inverted, info, positions) in infos {
                let option = if positions {
                    IndexRecordOption::WithFreqsAndPositions
                } else {
                    IndexRecordOption::WithFreqs
                };
                let _ = inverted.read_postings_from_terminfo(&info, option);
            }
        }
    }

    /// A snippet of `text` (a result's text, as its page shows it) for the free-text `query`:
    /// the passage where the query's words are densest, the words marked, "…" where the text
    /// was cut; the start of the text when the query has no words in it.
    pub fn snippet(&self, query: &str, text: &str) -> Result<Vec<SnippetPart>, SearchError> {
        Ok(self.snippets(query, [text])?.pop().unwrap_or_default())
    }

    /// As [`SearchIndex::snippet`], for each of `texts`: the query is read, and its words
    /// weighed, once for them all.
    pub fn snippets<'t>(
        &self,
        query: &str,
        texts: impl IntoIterator<Item = &'t str>,
    ) -> Result<Vec<Vec<SnippetPart>>, SearchError> {
        let generator = match self.parse(query) {
            Some((query, _)) => {
                let searcher = self.reader.searcher();
                let mut generator = SnippetGenerator::create(&searcher, &*query, self.fields.body)?;
                generator.set_max_num_chars(SNIPPET_CHARS);
                Some(generator)
            }
            None => None,
        };
        Ok(texts
            .into_iter()
            .map(|text| {
                let snippet = generator
                    .as_ref()
                    .map(|generator| generator.snippet(text))
                    .filter(|snippet| !snippet.highlighted().is_empty());
                match snippet {
                    Some(snippet) => highlighted_parts(&snippet, text),
                    None => vec![SnippetPart {
                        text: opening(text, SNIPPET_CHARS),
                        mark: false,
                    }],
                }
            })
            .collect())
    }

    /// The free-text query, with what could not be understood in plain words; `None` when
    /// it has no words.
    fn parse(&self, text: &str) -> Option<(Box<dyn Query>, Vec<String>)> {
        let text = sanitize_query(text);
        let mut text_fields = Vec::new();
        for (field, boost) in self.text_fields() {
            // Every text field has its analyzer registered when the index is opened.
            let analyzer = self.index.tokenizer_for_field(field).ok()?;
            text_fields.push(TextField {
                field,
                boost,
                analyzer,
            });
        }
        let (query, warnings) = words::parse(&text, &mut text_fields);
        query.map(|query| (query, warnings))
    }

    /// The fields free text is looked for in, each with its boost.
    fn text_fields(&self) -> [(Field, f32); 3] {
        [
            (self.fields.title, TITLE_BOOST),
            (self.fields.body, 1.0),
            (self.fields.school_names, SCHOOL_NAMES_BOOST),
        ]
    }

    fn facets(
        &self,
        counts: &BTreeMap<usize, FacetCounts>,
        selected: &BTreeMap<usize, String>,
    ) -> Facets {
        let counted = |index: usize| -> BTreeMap<String, u64> {
            counts
                .get(&index)
                .map(|counts| {
                    counts
                        .get(Facet::root())
                        .map(|(facet, count)| (facet.to_path().join("/"), count))
                        .collect()
                })
                .unwrap_or_default()
        };
        let from_labels = |index: usize, labels: &[FacetLabel]| -> Vec<FacetCount> {
            let counts = counted(index);
            let chosen = selected.get(&index);
            let mut list: Vec<FacetCount> = labels
                .iter()
                .map(|label| FacetCount {
                    value: label.value.clone(),
                    label: label.label.clone(),
                    count: counts.get(&label.value).copied().unwrap_or(0),
                    selected: chosen == Some(&label.value),
                })
                .collect();
            if let Some(chosen) = chosen.filter(|c| !labels.iter().any(|l| &&l.value == c)) {
                list.push(FacetCount {
                    value: chosen.clone(),
                    label: chosen.clone(),
                    count: 0,
                    selected: true,
                });
            }
            list
        };

        let school_counts = counted(0);
        let chosen_school = selected.get(&0);
        let mut schools: Vec<FacetCount> = school_counts
            .iter()
            .map(|(slug, &count)| FacetCount {
                value: slug.clone(),
                label: self.catalog.school_ref(slug).name,
                count,
                selected: chosen_school == Some(slug),
            })
            .collect();
        schools.sort_by(|a, b| {
            b.selected
                .cmp(&a.selected)
                .then(b.count.cmp(&a.count))
                .then_with(|| a.label.to_lowercase().cmp(&b.label.to_lowercase()))
        });
        schools.truncate(MAX_SCHOOL_FACETS);
        if let Some(slug) = chosen_school.filter(|slug| !school_counts.contains_key(*slug)) {
            schools.insert(
                0,
                FacetCount {
                    value: slug.clone(),
                    label: self.catalog.school_ref(slug).name,
                    count: 0,
                    selected: true,
                },
            );
        }
        Facets {
            school: schools,
            kind: from_labels(1, &self.catalog.kinds),
            region: from_labels(2, &self.catalog.regions),
            tag: from_labels(3, &self.catalog.tags),
            year: from_labels(4, &self.catalog.years),
        }
    }
}

/// The id column of each segment a page of results comes from, opened once.
#[derive(Default)]
struct IdColumns {
    columns: BTreeMap<u32, Column<u64>>,
}

impl IdColumns {
    fn id(&mut self, searcher: &Searcher, address: DocAddress) -> Result<u64, SearchError> {
        let column = match self.columns.get(&address.segment_ord) {
            Some(column) => column,
            None => {
                let segment = searcher.segment_reader(address.segment_ord);
                let column = segment.fast_fields().u64(names::ID)?;
                self.columns.entry(address.segment_ord).or_insert(column)
            }
        };
        column.first(address.doc_id).ok_or_else(|| {
            SearchError::new("a testimony in the search index has no id; rebuild the site")
        })
    }
}

fn facet_for(dim: Dim) -> FacetCollector {
    let mut collector = FacetCollector::for_field(dim.field_name());
    collector.add_facet(Facet::root());
    collector
}

/// A snippet cut into plain and highlighted pieces, with "…" where the text was cut.
fn highlighted_parts(snippet: &Snippet, text: &str) -> Vec<SnippetPart> {
    let fragment = snippet.fragment();
    let range = snippet.fragment_range();
    // Only words were cut away when what lies outside the fragment has letters or digits.
    let words_in =
        |outside: Option<&str>| outside.is_some_and(|s| s.chars().any(char::is_alphanumeric));
    let before = text.get(..range.start);
    let after = text.get(range.end..);
    let mut parts = Vec::new();
    let mut push = |text: &str, mark: bool| {
        if !text.is_empty() {
            parts.push(SnippetPart {
                text: text.to_owned(),
                mark,
            });
        }
    };
    if words_in(before) {
        push("…", false);
    } else {
        push(before.unwrap_or_default().trim_start(), false);
    }
    let mut at = 0;
    for highlight in snippet.highlighted() {
        let (start, end) = (
            highlight.start.min(fragment.len()),
            highlight.end.min(fragment.len()),
        );
        if start < at || !fragment.is_char_boundary(start) || !fragment.is_char_boundary(end) {
            continue;
        }
        push(&fragment[at..start], false);
        push(&fragment[start..end], true);
        at = end;
    }
    push(&fragment[at..], false);
    if words_in(after) {
        push("…", false);
    } else {
        push(after.unwrap_or_default().trim_end(), false);
    }
    parts
}

/// The first `max_chars` characters of a text, cut at a space, with "…" when cut.
fn opening(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max_chars) {
        None => text.to_owned(),
        Some((cut, _)) => {
            let head = &text[..cut];
            let head = head
                .rsplit_once(char::is_whitespace)
                .map_or(head, |(h, _)| h);
            format!("{}…", head.trim_end())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openings_are_cut_at_a_space() {
        assert_eq!(opening("short text", 50), "short text");
        assert_eq!(opening("one two three four", 9), "one two…");
    }

    #[test]
    fn query_syntax_readers_do_not_mean_is_ignored() {
        assert_eq!(sanitize_query("note: it's"), "note  it s");
        assert_eq!(sanitize_query("\"bus stop\" -late"), "\"bus stop\" -late");
    }
}
