//! Writing the index (native only: tantivy's writer needs threads).
//!
//! The index is built in memory, merged into one segment, and handed back as the static files
//! of `bundle.rs`. The same input gives the same bytes: documents are added in id order by one
//! indexing thread, and the random segment id tantivy picks is replaced by one derived from the
//! segment's own bytes (the id only appears in file names and `meta.json`).
//!
//! One file on purpose: the clean build's index and serve's live index write the same
//! documents, chunks and catalog, and keeping them together keeps their bytes alike.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use tantivy::directory::{Directory, RamDirectory};
use tantivy::indexer::NoMergePolicy;
use tantivy::schema::Facet;
use tantivy::{Index, IndexSettings, IndexWriter, TantivyDocument};

use testimony_search::bundle::{
    HotPiece, MANIFEST_FORMAT, MANIFEST_PATH, Manifest, ManifestFile, SEARCH_DIR,
};
use testimony_search::catalog::{CATALOG_FORMAT, Catalog, CatalogSchool, FacetLabel};
use testimony_search::directory::{ChunkCache, ChunkSource};
use testimony_search::schema::{Fields, build_schema, register_tokenizers, stemming_language};
use testimony_search::{SearchDoc, SearchError, SearchIndex};

use super::RUNTIME_WASM;

/// Memory the writer may fill before it writes a segment (all segments are merged at the end).
const WRITER_MEMORY: usize = 128 * 1024 * 1024;
/// Hex digits of SHA-256 in content-addressed file names (80 bits).
const HASH_HEX_LEN: usize = 20;
/// Bytes a chunk of an index file holds (see `chunk_size_for`).
const CHUNK: usize = 16 * 1024;
/// Positions chunks grow with their file, up to this: at most about `POSITIONS_CHUNKS` of them.
const MAX_POSITIONS_CHUNK: usize = 64 * 1024;
const POSITIONS_CHUNKS: usize = 512;

/// Builds the search index of the given (approved, public) testimonies. Returns the files to
/// write, with paths relative to the output root ("search/manifest.json", ...), sorted by path.
///
/// `language` is the site language ("en", "fr-CA", ...); languages without a stemmer are
/// indexed without stemming. Tags are labelled by their slugs ("image-based-abuse" →
/// "Image based abuse"); use [`build_index_with_tag_labels`] to give their real labels.
pub fn build_index(
    docs: &[SearchDoc],
    language: &str,
) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    build_index_with_tag_labels(docs, language, &BTreeMap::new())
}

/// As [`build_index`], with the tag labels of site.yaml (slug → label) for the tag filter.
pub fn build_index_with_tag_labels(
    docs: &[SearchDoc],
    language: &str,
    tag_labels: &BTreeMap<String, String>,
) -> Result<Vec<(String, Vec<u8>)>, SearchError> {
    let stemming = stemming_language(language);
    let mut sorted: Vec<&SearchDoc> = docs.iter().collect();
    sorted.sort_by_key(|doc| doc.id);
    if let Some(pair) = sorted.windows(2).find(|pair| pair[0].id == pair[1].id) {
        return Err(SearchError::new(format!(
            "two testimonies have the id {} in the search index",
            pair[0].id
        )));
    }

    let index_files = write_index(&sorted, stemming)?
        .into_iter()
        .map(|(name, bytes)| (content_hash(&bytes), name, bytes))
        .collect();
    let catalog = build_catalog(&sorted, language, stemming, tag_labels)?;
    let bundled = bundle(index_files, &catalog, &|_| false)?;
    Ok(bundled.files.into_iter().collect())
}

/// The static files of an index: what [`bundle`] gives.
struct Bundled {
    /// The files to write, by path relative to the output root.
    files: BTreeMap<String, Vec<u8>>,
    /// Every file of the index, written now or before.
    paths: Vec<String>,
}

/// Cuts the index files (content hash, tantivy name, bytes) into chunks and writes the hot
/// file (the catalog, then the hot pieces) and the manifest beside them. A content-addressed
/// file for which `written` holds (a name under `search/`) is listed but not handed back again.
fn bundle(
    index_files: Vec<(String, String, Vec<u8>)>,
    catalog: &Catalog,
    written: &dyn Fn(&str) -> bool,
) -> Result<Bundled, SearchError> {
    let catalog_bytes = serde_json::to_vec(catalog)
        .map_err(|error| SearchError::new(format!("cannot write the search catalog: {error}")))?;
    let mut bundled = Bundled {
        files: BTreeMap::new(),
        paths: Vec::new(),
    };
    let mut add = |name: String, bytes: &dyn Fn() -> Vec<u8>| {
        let path = format!("{SEARCH_DIR}/{name}");
        if !written(&name) {
            bundled.files.insert(path.clone(), bytes());
        }
        bundled.paths.push(path);
    };
    let hashed = |stem: &str, extension: &str, bytes: &[u8]| -> (String, u64) {
        let name = format!("{stem}.{}.{extension}", content_hash(bytes));
        (name, bytes.len() as u64)
    };
    let (runtime, runtime_bytes) = (runtime_file_name(), RUNTIME_WASM.len() as u64);
    add(runtime.clone(), &|| RUNTIME_WASM.to_vec());
    let index: Vec<ManifestFile> = index_files
        .iter()
        .map(|(hash, name, bytes)| ManifestFile {
            name: name.clone(),
            hash: hash.clone(),
            bytes: bytes.len() as u64,
            chunk_size: chunk_size_for(name, bytes.len()) as u64,
        })
        .collect();
    // Shared with the index opened below to find the hot pieces, not copied for it.
    let contents: Arc<Vec<Vec<u8>>> =
        Arc::new(index_files.into_iter().map(|(_, _, b)| b).collect());
    for (file, bytes) in index.iter().zip(contents.iter()) {
        for (number, chunk) in bytes.chunks(file.chunk_size as usize).enumerate() {
            add(file.chunk_file(number as u32), &|| chunk.to_vec());
        }
    }
    let doc_count = catalog.doc_count;
    let hot = hot_pieces(&index, &contents, catalog)?;
    // The catalog first, then the pieces: what opening needs, in one file.
    let catalog_len = catalog_bytes.len() as u64;
    let mut hot_bytes = catalog_bytes;
    for piece in &hot {
        let start = piece.start as usize;
        hot_bytes
            .extend_from_slice(&contents[piece.file as usize][start..start + piece.len as usize]);
    }
    let (hot_file, hot_len) = hashed("hot", "bin", &hot_bytes);
    add(hot_file.clone(), &|| hot_bytes.clone());
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        runtime,
        runtime_bytes,
        catalog_bytes: catalog_len,
        index,
        hot_file,
        hot_bytes: hot_len,
        hot,
        doc_count,
    };
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|error| SearchError::new(format!("cannot write the search manifest: {error}")))?;
    manifest_bytes.push(b'\n');
    bundled
        .files
        .insert(MANIFEST_PATH.to_owned(), manifest_bytes);
    bundled.paths.push(MANIFEST_PATH.to_owned());
    Ok(bundled)
}

/// Testimonies per segment of a [`LiveIndex`]: a change rewrites the segments it touches, so
/// they are kept small.
const LIVE_SEGMENT_DOCS: usize = 250;

/// An index kept in memory with its writer, changed a few testimonies at a time (for
/// `testimony serve`). Its files are not byte for byte those of [`build_index`]: it has a
/// segment per 250 testimonies, and scores may differ in their last digits, but it
/// answers queries alike. A segment that loses a testimony is merged at once, so no file
/// keeps the text of a testimony that was changed or withdrawn.
pub struct LiveIndex {
    ram: RamDirectory,
    index: Index,
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    docs: BTreeMap<u64, SearchDoc>,
    language: String,
    tag_labels: BTreeMap<String, String>,
    /// Content hash of each tantivy file by name: segment files never change once written.
    hashes: BTreeMap<String, String>,
    /// The content-addressed files already handed out.
    written: BTreeSet<String>,
}

/// What changing a [`LiveIndex`] gives: the files to write, and every file the index has now.
pub struct IndexFiles {
    pub changed: Vec<(String, Vec<u8>)>,
    pub all: Vec<String>,
}

impl From<Vec<(String, Vec<u8>)>> for IndexFiles {
    /// The files of a whole new index, all to be written.
    fn from(changed: Vec<(String, Vec<u8>)>) -> IndexFiles {
        let all = changed.iter().map(|(path, _)| path.clone()).collect();
        IndexFiles { changed, all }
    }
}

impl LiveIndex {
    /// Indexes `docs` as [`build_index_with_tag_labels`] would, keeping the writer.
    pub fn new(
        docs: Vec<SearchDoc>,
        language: &str,
        tag_labels: &BTreeMap<String, String>,
    ) -> Result<LiveIndex, SearchError> {
        let (ram, index, fields) = create_index(stemming_language(language))?;
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, WRITER_MEMORY)?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let docs: BTreeMap<u64, SearchDoc> = docs.into_iter().map(|doc| (doc.id, doc)).collect();
        for (number, doc) in docs.values().enumerate() {
            writer.add_document(document(&fields, doc))?;
            if (number + 1) % LIVE_SEGMENT_DOCS == 0 {
                writer.commit()?;
            }
        }
        writer.commit()?;
        Ok(LiveIndex {
            ram,
            index,
            writer,
            fields,
            docs,
            language: language.to_owned(),
            tag_labels: tag_labels.clone(),
            hashes: BTreeMap::new(),
            written: BTreeSet::new(),
        })
    }

    /// Removes the testimonies `removed` (ids) and adds or replaces `added`, in one commit.
    pub fn update(&mut self, removed: &[u64], added: Vec<SearchDoc>) -> Result<(), SearchError> {
        let id_term = |id: u64| tantivy::Term::from_field_u64(self.fields.id, id);
        for id in removed.iter().chain(added.iter().map(|doc| &doc.id)) {
            self.writer.delete_term(id_term(*id));
            self.docs.remove(id);
        }
        let before: BTreeSet<_> = self.index.searchable_segment_ids()?.into_iter().collect();
        for doc in added {
            self.writer.add_document(document(&self.fields, &doc))?;
            self.docs.insert(doc.id, doc);
        }
        self.writer.commit()?;
        // Rewrite the segments that lost documents (deleting only marks them), with the new
        // one; new documents alone join the smallest segment, so segments do not pile up.
        let metas = self.index.searchable_segment_metas()?;
        let mut merged: Vec<_> = metas
            .iter()
            .filter(|meta| meta.has_deletes() || !before.contains(&meta.id()))
            .map(|meta| meta.id())
            .collect();
        if merged.len() == 1 {
            let smallest = metas
                .iter()
                .filter(|meta| meta.id() != merged[0])
                .min_by_key(|meta| meta.num_docs());
            merged.extend(smallest.map(|meta| meta.id()));
        }
        if !merged.is_empty() {
            self.writer.merge(&merged).wait()?;
        }
        Ok(())
    }

    /// The static files of the index as it is now; the content-addressed ones handed out
    /// before are listed in `all` but not given again.
    pub fn files(&mut self) -> Result<IndexFiles, SearchError> {
        let metas = self.index.load_metas()?;
        let mut names: BTreeSet<String> = metas
            .list_segment_files()
            .into_iter()
            .filter(|path| self.ram.exists(path).unwrap_or(false))
            .map(|path| path.to_string_lossy().into_owned())
            .collect();
        names.insert("meta.json".to_owned());
        let mut index_files = Vec::with_capacity(names.len());
        for name in names {
            let bytes = read_back(&self.ram, &name)?;
            let hash = match self.hashes.get(&name) {
                Some(hash) if name != "meta.json" => hash.clone(),
                _ => content_hash(&bytes),
            };
            self.hashes.insert(name.clone(), hash.clone());
            index_files.push((hash, name, bytes));
        }
        let stemming = stemming_language(&self.language);
        let docs: Vec<&SearchDoc> = self.docs.values().collect();
        let catalog = build_catalog(&docs, &self.language, stemming, &self.tag_labels)?;
        let written = &self.written;
        let bundled = bundle(index_files, &catalog, &|name| written.contains(name))?;
        // A file the index no longer has is deleted from the output: if the same bytes come
        // back later (two segments can have equal files), they must be handed out again.
        let current: BTreeSet<&str> = bundled
            .paths
            .iter()
            .filter_map(|path| path.strip_prefix(&format!("{SEARCH_DIR}/")))
            .collect();
        self.written.retain(|name| current.contains(name.as_str()));
        self.written.extend(
            bundled
                .files
                .keys()
                .filter(|path| path.as_str() != MANIFEST_PATH)
                .filter_map(|path| path.strip_prefix(&format!("{SEARCH_DIR}/")))
                .map(str::to_owned),
        );
        Ok(IndexFiles {
            changed: bundled.files.into_iter().collect(),
            all: bundled.paths,
        })
    }
}

/// An empty index in memory, with the schema and tokenizers for `stemming`. The RamDirectory
/// handle gives back files with their footers, as written (reading through the index's
/// ManagedDirectory strips them).
fn create_index(stemming: Option<&str>) -> Result<(RamDirectory, Index, Fields), SearchError> {
    let settings = IndexSettings {
        docstore_compress_dedicated_thread: false,
        ..IndexSettings::default()
    };
    let ram = RamDirectory::create();
    let index = Index::builder()
        .schema(build_schema(stemming))
        .settings(settings)
        .open_or_create(ram.clone())?;
    register_tokenizers(&index)?;
    let fields = Fields::from_schema(&index.schema())?;
    Ok((ram, index, fields))
}

fn read_back(directory: &RamDirectory, name: &str) -> Result<Vec<u8>, SearchError> {
    let error = |error: &dyn std::fmt::Display| {
        SearchError::new(format!("cannot read back the search index: {error}"))
    };
    if name == "meta.json" {
        return directory
            .atomic_read(Path::new(name))
            .map_err(|e| error(&e));
    }
    let slice = directory
        .open_read(Path::new(name))
        .map_err(|e| error(&e))?;
    Ok(slice.read_bytes()?.as_slice().to_vec())
}

/// Chunk size of an index file of `len` bytes: 16 KB, but for positions. A word's lookup reads
/// a block of about 4 KB of each text field's dictionary: 16 KB chunks take fewer requests than
/// 8 KB ones for a few KB more on the wire (at 100,000 testimonies, the first search for
/// `corridor` asked for three dictionary chunks instead of four, 3 KB more). Postings and
/// columns are read in runs, where fewer requests serve better than fewer bytes. Positions, two
/// thirds of a big index, are read only by phrases, in long runs: in a big archive their chunks
/// grow (to 64 KB at 100,000 testimonies), which keeps its files within what hosts take
/// (Cloudflare Pages: 100,000 files), while a small archive's phrases still read small chunks.
fn chunk_size_for(name: &str, len: usize) -> usize {
    if name.ends_with(".pos") {
        (len / POSITIONS_CHUNKS)
            .next_power_of_two()
            .clamp(CHUNK, MAX_POSITIONS_CHUNK)
    } else {
        CHUNK
    }
}

/// Reads closer than this are fetched as one piece.
const HOT_GAP: usize = 64;

/// What opening the index and any query with words read (file footers, dictionary indexes,
/// each text field's token count, the body's field lengths, the id column): the byte ranges
/// a reader fetches up front, in one file, found by doing just that on the built index and
/// noting each read. Dictionary blocks, postings and the filters' columns come later, as a
/// query needs them.
fn hot_pieces(
    index: &[ManifestFile],
    contents: &Arc<Vec<Vec<u8>>>,
    catalog: &Catalog,
) -> Result<Vec<HotPiece>, SearchError> {
    struct InMemory(Arc<Vec<Vec<u8>>>, Vec<usize>);
    impl ChunkSource for InMemory {
        fn fetch(&self, file: u32, chunk: u32, len: usize) -> std::io::Result<Vec<u8>> {
            let start = chunk as usize * self.1[file as usize];
            Ok(self.0[file as usize][start..start + len].to_vec())
        }
    }
    let cache = ChunkCache::recording(InMemory(
        Arc::clone(contents),
        index.iter().map(|f| f.chunk_size as usize).collect(),
    ));
    let opened = SearchIndex::from_chunks(index, catalog.clone(), cache.clone())?;
    opened.read_what_every_query_reads()?;
    let mut reads = cache.reads();
    reads.sort_by_key(|(file, range)| (*file, range.start, range.end));
    let mut pieces: Vec<(u32, std::ops::Range<usize>)> = Vec::new();
    for (file, range) in reads {
        match pieces.last_mut() {
            Some((last_file, last)) if *last_file == file && range.start <= last.end + HOT_GAP => {
                last.end = last.end.max(range.end);
            }
            _ => pieces.push((file, range)),
        }
    }
    Ok(pieces
        .into_iter()
        .map(|(file, range)| HotPiece {
            file,
            start: range.start as u64,
            len: range.len() as u64,
        })
        .collect())
}

/// The runtime's file name in `search/`, e.g. "runtime.1a2b3c4d5e6f7a8b9c0d.wasm" (the search
/// page preloads it).
pub fn runtime_file_name() -> String {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| format!("runtime.{}.wasm", content_hash(RUNTIME_WASM)))
        .clone()
}

fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex.truncate(HASH_HEX_LEN);
    hex
}

/// yyyymmdd from "2021-03-28" (0 when the date is not in that form).
fn published_day(published: &str) -> u64 {
    let digits: String = published.chars().filter(char::is_ascii_digit).collect();
    if digits.len() == 8 {
        digits.parse().unwrap_or(0)
    } else {
        0
    }
}

fn facet(value: &str) -> Facet {
    Facet::from_path([value])
}

/// Writes the index in memory; returns its files by tantivy name, segment id made stable.
fn write_index(
    docs: &[&SearchDoc],
    stemming: Option<&str>,
) -> Result<BTreeMap<String, Vec<u8>>, SearchError> {
    let (ram, index, fields) = create_index(stemming)?;
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(1, WRITER_MEMORY)?;
    writer.set_merge_policy(Box::new(NoMergePolicy));
    for doc in docs {
        writer.add_document(document(&fields, doc))?;
    }
    writer.commit()?;
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    writer.wait_merging_threads()?;

    let metas = index.load_metas()?;
    let directory = &ram;
    let mut meta_json = String::from_utf8(read_back(directory, "meta.json")?)
        .map_err(|_| SearchError::new("the search index's meta.json is not UTF-8"))?;

    let all_paths: BTreeSet<_> = metas
        .list_segment_files()
        .into_iter()
        .filter(|path| directory.exists(path).unwrap_or(false))
        .collect();
    let mut files = BTreeMap::new();
    for segment in &metas.segments {
        let old_id = segment.id().uuid_string();
        let paths = all_paths
            .iter()
            .filter(|path| path.to_string_lossy().starts_with(&old_id));
        let mut segment_files = Vec::new();
        let mut hasher = Sha256::new();
        for path in paths {
            let name = path.to_string_lossy().into_owned();
            let bytes = read_back(directory, &name)?;
            let suffix = name.strip_prefix(&old_id).unwrap_or(&name).to_owned();
            hasher.update(suffix.as_bytes());
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(&bytes);
            segment_files.push((suffix, bytes));
        }
        let digest = hasher.finalize();
        let new_id: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        // meta.json spells segment ids with hyphens, file names without.
        meta_json = meta_json
            .replace(&hyphenated(&old_id), &hyphenated(&new_id))
            .replace(&old_id, &new_id);
        for (suffix, bytes) in segment_files {
            files.insert(format!("{new_id}{suffix}"), bytes);
        }
    }
    files.insert("meta.json".to_owned(), meta_json.into_bytes());
    Ok(files)
}

/// "0123456789abcdef0123456789abcdef" → "01234567-89ab-cdef-0123-456789abcdef".
fn hyphenated(simple: &str) -> String {
    if simple.len() != 32 || !simple.is_ascii() {
        return simple.to_owned();
    }
    format!(
        "{}-{}-{}-{}-{}",
        &simple[..8],
        &simple[8..12],
        &simple[12..16],
        &simple[16..20],
        &simple[20..]
    )
}

fn document(fields: &Fields, doc: &SearchDoc) -> TantivyDocument {
    let mut document = TantivyDocument::default();
    document.add_u64(fields.id, doc.id);
    document.add_text(fields.title, &doc.title);
    document.add_text(fields.body, &doc.body_text);
    document.add_u64(fields.published_day, published_day(&doc.published));
    let mut kinds = BTreeSet::new();
    let mut regions = BTreeSet::new();
    for school in &doc.schools {
        document.add_facet(fields.school, facet(&school.slug));
        for name in std::iter::once(&school.name)
            .chain(&school.aliases)
            .chain(&school.former_names)
        {
            document.add_text(fields.school_names, name);
        }
        kinds.insert(school.kind.as_str());
        if let Some(region) = &school.region {
            regions.insert(region.as_str());
        }
    }
    for kind in kinds {
        document.add_facet(fields.kind, facet(kind));
    }
    for region in regions {
        document.add_facet(fields.region, facet(region));
    }
    let tags: BTreeSet<&str> = doc.tags.iter().map(String::as_str).collect();
    for tag in tags {
        document.add_facet(fields.tag, facet(tag));
    }
    if let Some(year) = doc.year {
        document.add_facet(fields.year, facet(&year.to_string()));
    }
    document
}

/// The address of a testimony's page with `{id}` for its id, which every document's `url`
/// must follow: results are found by id, and their pages by this.
fn testimony_url(docs: &[&SearchDoc]) -> Result<String, SearchError> {
    let mut template: Option<String> = None;
    for doc in docs {
        let found = doc
            .url
            .strip_suffix(&format!("/{}/", doc.id))
            .map(|prefix| format!("{prefix}/{{id}}/"));
        match (&template, found) {
            (_, None) => {
                return Err(SearchError::new(format!(
                    "testimony {}'s address {:?} does not end in its id",
                    doc.id, doc.url
                )));
            }
            (None, Some(found)) => template = Some(found),
            (Some(known), Some(found)) if *known != found => {
                return Err(SearchError::new(format!(
                    "testimony {}'s address {:?} does not follow {known:?}",
                    doc.id, doc.url
                )));
            }
            _ => {}
        }
    }
    Ok(template.unwrap_or_default())
}

fn build_catalog(
    docs: &[&SearchDoc],
    language: &str,
    stemming: Option<&str>,
    tag_labels: &BTreeMap<String, String>,
) -> Result<Catalog, SearchError> {
    let mut schools: BTreeMap<&str, CatalogSchool> = BTreeMap::new();
    let mut kinds: BTreeMap<&str, u64> = BTreeMap::new();
    let mut kind_labels: BTreeMap<&str, &str> = BTreeMap::new();
    let mut regions: BTreeMap<&str, u64> = BTreeMap::new();
    let mut tags: BTreeMap<&str, u64> = BTreeMap::new();
    let mut years: BTreeMap<u64, u64> = BTreeMap::new();
    for doc in docs {
        let mut doc_kinds = BTreeSet::new();
        let mut doc_regions = BTreeSet::new();
        let mut doc_schools = BTreeSet::new();
        for school in &doc.schools {
            let entry = schools
                .entry(school.slug.as_str())
                .or_insert_with(|| CatalogSchool {
                    slug: school.slug.clone(),
                    name: school.name.clone(),
                    aliases: school.aliases.clone(),
                    former_names: school.former_names.clone(),
                    kind: school.kind.clone(),
                    region: school.region.clone(),
                    count: 0,
                });
            if doc_schools.insert(school.slug.as_str()) {
                entry.count += 1;
            }
            doc_kinds.insert(school.kind.as_str());
            kind_labels.insert(school.kind.as_str(), school.kind_label.as_str());
            if let Some(region) = &school.region {
                doc_regions.insert(region.as_str());
            }
        }
        for kind in doc_kinds {
            *kinds.entry(kind).or_default() += 1;
        }
        for region in doc_regions {
            *regions.entry(region).or_default() += 1;
        }
        let doc_tags: BTreeSet<&str> = doc.tags.iter().map(String::as_str).collect();
        for tag in doc_tags {
            *tags.entry(tag).or_default() += 1;
        }
        if let Some(year) = doc.year {
            *years.entry(year).or_default() += 1;
        }
    }
    let mut schools: Vec<CatalogSchool> = schools.into_values().collect();
    schools.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let labelled = |values: BTreeMap<&str, u64>, label: &dyn Fn(&str) -> String| {
        let mut list: Vec<FacetLabel> = values
            .into_iter()
            .map(|(value, count)| FacetLabel {
                value: value.to_owned(),
                label: label(value),
                count,
            })
            .collect();
        list.sort_by_key(|a| a.label.to_lowercase());
        list
    };
    Ok(Catalog {
        format: CATALOG_FORMAT,
        language: language.to_owned(),
        stemming: stemming.map(str::to_owned),
        doc_count: docs.len() as u64,
        testimony_url: testimony_url(docs)?,
        schools,
        kinds: labelled(kinds, &|kind| {
            kind_labels
                .get(kind)
                .map_or_else(|| humanize_slug(kind), |label| (*label).to_owned())
        }),
        regions: labelled(regions, &str::to_owned),
        tags: labelled(tags, &|slug| {
            tag_labels
                .get(slug)
                .cloned()
                .unwrap_or_else(|| humanize_slug(slug))
        }),
        years: years
            .into_iter()
            .rev()
            .map(|(year, count)| FacetLabel {
                value: year.to_string(),
                label: year.to_string(),
                count,
            })
            .collect(),
    })
}

/// "image-based-abuse" → "Image based abuse": the label of a tag nobody gave a label.
fn humanize_slug(slug: &str) -> String {
    let spaced = slug.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
