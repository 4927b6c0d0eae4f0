//! Loading a site's `content/`: walking it in a fixed order, reading each file, checking it,
//! and handing on only what may be published.

pub mod posts;
pub mod schools;
pub mod testimony;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::NaiveDate;
use rayon::prelude::*;
use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::lint::{Lint, Memory};
use crate::markdown;
use crate::model::{Archive, PublicTestimony, SchoolRegistry};
use crate::source::SourceFile;
use testimony::{Status, TestimonyRecord};

/// What loading found: the public archive, and warnings that did not stop it.
pub struct Loaded {
    pub archive: Archive,
    pub warnings: Diagnostics,
    pub counts: StatusCounts,
}

/// How many testimonies of each status were read (numbers only, for the summary line).
#[derive(Debug, Default, Clone, Copy)]
pub struct StatusCounts {
    pub approved: usize,
    pub pending: usize,
    pub rejected: usize,
    pub withdrawn: usize,
    /// The day the longest-waiting pending testimony came in, as far as is known.
    pub oldest_pending: Option<NaiveDate>,
}

/// Loads and checks everything under `site_dir/content`. Every mistake is collected; any
/// error means no archive. `base_url`, when given, replaces the one in site.yaml. Writes
/// nothing: the lint lets through what the last build found nothing in, and remembers nothing.
pub fn load(site_dir: &Path, base_url: Option<&str>) -> Result<Loaded, Diagnostics> {
    load_files(site_dir, base_url, false).map(|(loaded, _)| loaded)
}

/// As [`load`], and then the lint's memory is saved for the next run: what `build` loads.
pub fn load_remembering(site_dir: &Path, base_url: Option<&str>) -> Result<Loaded, Diagnostics> {
    load_files(site_dir, base_url, true).map(|(loaded, _)| loaded)
}

/// Only `site.yaml` and `schools.yaml`, checked: what commands that change content (such as
/// `import`) need to know.
pub fn load_settings(site_dir: &Path) -> Result<(SiteConfig, SchoolRegistry), Diagnostics> {
    let reader = Reader::new(site_dir);
    let content = site_dir.join("content");
    let config = reader
        .required(&content.join("site.yaml"))
        .and_then(|file| SiteConfig::parse(&file));
    let registry = reader
        .required(&content.join("schools.yaml"))
        .and_then(|file| schools::parse(&file));
    match (config, registry) {
        (Ok(config), Ok(registry)) => Ok((config, registry)),
        (config, registry) => {
            let mut diagnostics = Diagnostics::new();
            diagnostics.extend(config.err().unwrap_or_default());
            diagnostics.extend(registry.err().unwrap_or_default());
            Err(diagnostics)
        }
    }
}

/// As [`load_remembering`], also handing back what each testimony file gave, so that a rebuild
/// may read again only the files that changed (serve's incremental rebuild).
pub fn load_keeping_files(
    site_dir: &Path,
    base_url: Option<&str>,
) -> Result<(Loaded, TestimonyFiles), Diagnostics> {
    load_files(site_dir, base_url, true)
}

fn load_files(
    site_dir: &Path,
    base_url: Option<&str>,
    save_memory: bool,
) -> Result<(Loaded, TestimonyFiles), Diagnostics> {
    let mut diagnostics = Diagnostics::new();
    let reader = Reader::new(site_dir);
    let content = site_dir.join("content");
    let (mut config, registry) = load_settings(site_dir)?;

    if let Some(url) = base_url {
        match crate::config::normalize_base_url(url) {
            Ok(url) => config.base_url = url,
            Err(problem) => {
                diagnostics.push(Diagnostic::error(
                    "--base-url",
                    format!("--base-url {problem}"),
                ));
                return Err(diagnostics);
            }
        }
    }
    if base_url.is_none() && !config.base_url_set {
        diagnostics.push(
            Diagnostic::warning(
                "content/site.yaml",
                format!(
                    "site.yaml has no `base_url`, so feeds, the sitemap and schools.json give addresses at {}",
                    crate::config::DEFAULT_BASE_URL
                ),
            )
            .hint("add a line such as `base_url: https://example.org/` with the address the archive will live at, or build with --base-url"),
        );
    }
    let root = config.root();
    let mut lint = Lint::for_site(
        registry.all().iter().flat_map(|school| school.names()),
        &config.lint.accept,
    );
    if let Some(memory) = Memory::open(site_dir) {
        lint = lint.remembering(memory);
    }
    let mut files: BTreeMap<PathBuf, TestimonyFile> = reader
        .each_markdown(&content.join("testimonies"), &mut diagnostics, |file, _| {
            Ok(check_testimony(site_dir, file, &config, &registry, &lint))
        })
        .into_iter()
        .collect();
    if save_memory && let Some(memory) = lint.memory() {
        // Only ever saves time: a site folder that cannot be written to is checked in full
        // the next time, as it was this time.
        let _ = memory.save();
    }
    let updates = reader.each_markdown(&content.join("updates"), &mut diagnostics, |file, stem| {
        posts::parse_update(file, stem, &root)
    });
    let pages = reader.each_markdown(&content.join("pages"), &mut diagnostics, |file, stem| {
        posts::parse_page(file, stem, &root)
    });
    check_unique_page_slugs(&pages, &mut diagnostics);
    // What the rest of the content found, testimony files apart.
    let other = diagnostics.clone();
    let counts = check_testimony_files(&files, &mut diagnostics);

    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let testimonies = files
        .values_mut()
        .filter_map(|file| file.as_mut().ok()?.public.take())
        .collect();
    let support_html = markdown::render_trusted(&config.support, &root);
    let archive = Archive::new(
        config,
        support_html,
        registry,
        testimonies,
        updates
            .into_iter()
            .filter_map(|(_, update)| update)
            .collect(),
        pages.into_iter().map(|(_, page)| page).collect(),
    );
    let loaded = Loaded {
        archive,
        warnings: diagnostics,
        counts,
    };
    Ok((loaded, TestimonyFiles { lint, files, other }))
}

/// Every file under `content/testimonies/` (relative to the site) with the `id:` of its front
/// matter when one reads as a number, read without checking anything else: a file with a
/// mistake elsewhere still holds its id. Sorted by path.
pub fn testimony_ids(site_dir: &Path) -> Vec<(PathBuf, Option<u64>)> {
    WalkDir::new(site_dir.join("content").join("testimonies"))
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let id = front_matter_id(entry.path());
            let path = entry
                .path()
                .strip_prefix(site_dir)
                .unwrap_or(entry.path())
                .to_path_buf();
            (path, id)
        })
        .collect()
}

/// The takedown log, relative to the site: the ids of withdrawn testimonies, the day and the
/// private reason (written by `testimony withdraw`, never published).
pub const TAKEDOWN_LOG: &str = "content/takedowns.yaml";

/// The ids the takedown log holds: withdrawn once, never given again.
pub fn withdrawn_ids(site_dir: &Path) -> Vec<u64> {
    #[derive(serde::Deserialize)]
    struct Entry {
        id: u64,
    }
    fs::read_to_string(site_dir.join(TAKEDOWN_LOG))
        .ok()
        .and_then(|text| serde_yaml::from_str::<Vec<Entry>>(&text).ok())
        .map(|entries| entries.into_iter().map(|entry| entry.id).collect())
        .unwrap_or_default()
}

/// One more than the highest id any testimony file or the takedown log holds.
pub fn next_free_id(site_dir: &Path) -> u64 {
    let files = testimony_ids(site_dir).into_iter().filter_map(|(_, id)| id);
    let withdrawn = withdrawn_ids(site_dir);
    files.chain(withdrawn).max().unwrap_or(0) + 1
}

/// The day a file last changed, in local time (it is only shown to volunteers).
fn file_day(path: &Path) -> Option<NaiveDate> {
    let modified = fs::metadata(path).ok()?.modified().ok()?;
    Some(chrono::DateTime::<chrono::Local>::from(modified).date_naive())
}

fn front_matter_id(path: &Path) -> Option<u64> {
    let bytes = fs::read(path).ok()?;
    let file = SourceFile::decode(path.to_path_buf(), bytes).ok()?;
    let (front_matter, _) = file.split_front_matter().ok()?;
    front_matter.top_level_value("id")?.parse().ok()
}

/// What the testimony files gave, by file as shown to volunteers, in the order they are read.
pub struct TestimonyFiles {
    /// The identifying-details lint, set up with the registry's school names.
    pub lint: Lint,
    pub files: BTreeMap<PathBuf, TestimonyFile>,
    /// What the rest of `content/` found: warnings only, since the load succeeded.
    pub other: Diagnostics,
}

/// One testimony file, read and checked: its mistakes, or what it holds.
pub type TestimonyFile = Result<CheckedTestimony, Vec<Diagnostic>>;

/// A testimony file that passed its own checks (duplicate ids are checked across files).
#[derive(Debug)]
pub struct CheckedTestimony {
    pub id: u64,
    pub status: Status,
    id_line: usize,
    id_line_text: String,
    /// Warnings of the lint (a pending testimony's findings).
    pub findings: Vec<Diagnostic>,
    /// For a pending testimony: the day it came in, or else the day its file last changed.
    pub waiting_since: Option<NaiveDate>,
    /// The public view, for an approved testimony, until the archive takes it.
    pub public: Option<PublicTestimony>,
}

/// Reads and checks the testimony at `path` (relative to `site_dir`, as shown to volunteers).
pub fn read_testimony(
    site_dir: &Path,
    path: &Path,
    config: &SiteConfig,
    registry: &SchoolRegistry,
    lint: &Lint,
) -> TestimonyFile {
    let file = Reader::new(site_dir)
        .read(&site_dir.join(path))
        .map_err(|d| vec![d])?;
    check_testimony(site_dir, &file, config, registry, lint)
}

fn check_testimony(
    site_dir: &Path,
    file: &SourceFile,
    config: &SiteConfig,
    registry: &SchoolRegistry,
    lint: &Lint,
) -> TestimonyFile {
    let mut record = TestimonyRecord::parse(file, config, registry)?;
    let mut findings = std::mem::take(&mut record.warnings);
    findings.extend(record.lint(file, lint));
    findings.extend(record.unerased(file));
    if findings.iter().any(Diagnostic::is_error) {
        return Err(findings);
    }
    let waiting_since = (record.status == Status::Pending)
        .then(|| {
            record
                .imported()
                .or_else(|| file_day(&site_dir.join(&file.path)))
        })
        .flatten();
    Ok(CheckedTestimony {
        id: record.id,
        status: record.status,
        id_line: record.id_line,
        id_line_text: std::mem::take(&mut record.id_line_text),
        findings,
        waiting_since,
        public: record.publish(),
    })
}

/// Adds each file's mistakes and findings to `diagnostics`, and an error for each id used by
/// an earlier file too; counts the testimonies of each status.
pub fn check_testimony_files(
    files: &BTreeMap<PathBuf, TestimonyFile>,
    diagnostics: &mut Diagnostics,
) -> StatusCounts {
    let mut first_use: BTreeMap<u64, &Path> = BTreeMap::new();
    let mut counts = StatusCounts::default();
    let next_free = files
        .values()
        .filter_map(|file| Some(file.as_ref().ok()?.id))
        .max()
        .unwrap_or(0)
        + 1;
    for (path, file) in files {
        let checked = match file {
            Ok(checked) => checked,
            Err(errors) => {
                diagnostics.extend(errors.iter().cloned());
                continue;
            }
        };
        diagnostics.extend(checked.findings.iter().cloned());
        if let Some(first) = first_use.get(&checked.id) {
            diagnostics.push(
                Diagnostic::error(path.clone(), format!("the id {} is used twice", checked.id))
                    .at_line(checked.id_line, 1, &checked.id_line_text)
                    .hint(format!(
                        "{} has it too; give this testimony the next free id, {next_free}",
                        first.display()
                    )),
            );
            continue;
        }
        first_use.insert(checked.id, path);
        match checked.status {
            Status::Approved => counts.approved += 1,
            Status::Pending => {
                counts.pending += 1;
                counts.oldest_pending = match (counts.oldest_pending, checked.waiting_since) {
                    (Some(oldest), Some(day)) => Some(oldest.min(day)),
                    (oldest, day) => oldest.or(day),
                };
            }
            Status::Rejected => counts.rejected += 1,
            Status::Withdrawn => counts.withdrawn += 1,
        }
    }
    counts
}

fn check_unique_page_slugs(pages: &[(PathBuf, crate::model::Page)], diagnostics: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for (path, page) in pages {
        if let Some(first) = seen.insert(&page.slug, path) {
            diagnostics.push(
                Diagnostic::error(
                    path.clone(),
                    format!("two pages have the slug `{}`", page.slug),
                )
                .hint(format!(
                    "{} has it too; give one of them another `slug:`",
                    first.display()
                )),
            );
        }
    }
}

/// Threads that read content files: they spend their time waiting for the disk, so there are
/// more of them than cores, to keep a disk's queue full.
const READERS: usize = 16;
/// Content files read ahead of those being parsed.
const READ_AHEAD: usize = 1024;

struct Reader<'a> {
    site_dir: &'a Path,
    /// The threads that read content files, made at the first [`Reader::read_ahead`] and kept
    /// for the folders after it; `None` inside if they could not be made.
    readers: OnceLock<Option<rayon::ThreadPool>>,
}

impl<'a> Reader<'a> {
    fn new(site_dir: &'a Path) -> Self {
        Reader {
            site_dir,
            readers: OnceLock::new(),
        }
    }

    fn relative(&self, path: &Path) -> PathBuf {
        crate::source::relative(self.site_dir, path)
    }

    fn read(&self, path: &Path) -> Result<SourceFile, Diagnostic> {
        let shown = self.relative(path);
        let bytes = fs::read(path).map_err(|error| {
            Diagnostic::error(shown.clone(), format!("this file cannot be read: {error}"))
                .hint("check that the file exists and that you may read it")
        })?;
        SourceFile::decode(shown, bytes)
    }

    fn required(&self, path: &Path) -> Result<SourceFile, Vec<Diagnostic>> {
        if !path.is_file() {
            let shown = self.relative(path);
            return Err(vec![Diagnostic::error(shown, "this file is missing").hint(
                "is this the site's folder? Run the command inside it or pass --site DIR; `testimony init DIR` creates a new site",
            )]);
        }
        self.read(path).map_err(|d| vec![d])
    }

    /// Parses every `.md` file under `dir` (any depth, sorted), collecting mistakes. A missing
    /// folder is no mistake: a site may have no updates. Files are parsed in parallel while the
    /// next ones are read ([`Reader::read_ahead`]); results and mistakes keep the files' order.
    fn each_markdown<T: Send>(
        &self,
        dir: &Path,
        diagnostics: &mut Diagnostics,
        parse: impl Fn(&SourceFile, &str) -> Result<T, Vec<Diagnostic>> + Sync,
    ) -> Vec<(PathBuf, T)> {
        let found = self.walk(dir);
        let mut out = Vec::with_capacity(found.len());
        self.read_ahead(found, |batch| {
            let parsed: Vec<Result<(PathBuf, T), Vec<Diagnostic>>> = batch
                .into_par_iter()
                .map(|read| {
                    let (shown, stem, file) = read.map_err(|d| vec![d])?;
                    parse(&file, &stem).map(|value| (shown, value))
                })
                .collect();
            for result in parsed {
                match result {
                    Ok(value) => out.push(value),
                    Err(errors) => diagnostics.extend(errors),
                }
            }
        });
        out
    }

    /// Reads the files of `found` a batch at a time, on threads that do nothing else, and
    /// hands each batch to `parse` while the next one is being read. When the content is not in
    /// memory (the first build of the day, or a machine that keeps little in its cache),
    /// reading one file at a time on each core kept the cores waiting for the disk: loading
    /// 100,000 testimonies took 10.6 s instead of 4.6 s.
    fn read_ahead(&self, found: Vec<Found>, mut parse: impl FnMut(Vec<Read>) + Send) {
        let read_batch = |batch: Vec<Found>| -> Vec<Read> {
            batch
                .into_par_iter()
                .map(|entry| match entry {
                    Found::Skipped(diagnostic) => Err(diagnostic),
                    Found::Markdown { path, shown, stem } => {
                        self.read(&path).map(|file| (shown, stem, file))
                    }
                })
                .collect()
        };
        let mut batches = found.into_iter().peekable();
        let mut next_batch = || -> Option<Vec<Found>> {
            batches.peek()?;
            Some(batches.by_ref().take(READ_AHEAD).collect())
        };
        let readers = self.readers.get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(READERS)
                .thread_name(|i| format!("content-reader-{i}"))
                .build()
                .ok()
        });
        let Some(readers) = readers else {
            // No threads to spare: each file is read where it is parsed.
            while let Some(batch) = next_batch() {
                parse(read_batch(batch));
            }
            return;
        };
        let mut read = next_batch().map(|batch| readers.install(|| read_batch(batch)));
        while let Some(batch) = read {
            let upcoming = next_batch();
            let ((), next) = rayon::join(
                || parse(batch),
                || upcoming.map(|batch| readers.install(|| read_batch(batch))),
            );
            read = next;
        }
    }

    /// The files under `dir`, sorted, each either a Markdown file to read or the reason it is
    /// left out.
    fn walk(&self, dir: &Path) -> Vec<Found> {
        let mut found = Vec::new();
        if !dir.exists() {
            return found;
        }
        for entry in WalkDir::new(dir).follow_links(false).sort_by_file_name() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    let shown = error
                        .path()
                        .map_or_else(|| self.relative(dir), |p| self.relative(p));
                    found.push(Found::Skipped(
                        Diagnostic::error(shown, format!("this folder cannot be read: {error}"))
                            .hint("check the folder's permissions"),
                    ));
                    continue;
                }
            };
            let path = entry.path();
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_dir() || name.starts_with('.') {
                continue;
            }
            let shown = self.relative(path);
            let skipped = if entry.path_is_symlink() {
                Diagnostic::warning(
                    shown,
                    "this is a symbolic link, which is not followed, so it is left out",
                )
                .hint("copy the file itself into content/")
            } else if !entry.file_type().is_file() {
                // A pipe or device would block or never end: never read one.
                Diagnostic::warning(shown, "this is not a regular file, so it is left out")
                    .hint("content/ should hold only ordinary text files")
            } else if path.extension().and_then(|e| e.to_str()) != Some("md") {
                Diagnostic::warning(
                    shown,
                    "this file is left out: only `.md` files are read here",
                )
                .hint("rename it to end in `.md`, or move it out of content/")
            } else {
                let stem = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                found.push(Found::Markdown {
                    path: path.to_path_buf(),
                    shown,
                    stem,
                });
                continue;
            };
            found.push(Found::Skipped(skipped));
        }
        found
    }
}

/// A content file read (where it is shown, its stem, its text), or why it was not.
type Read = Result<(PathBuf, String, SourceFile), Diagnostic>;

/// One entry of a content folder.
enum Found {
    Markdown {
        path: PathBuf,
        shown: PathBuf,
        stem: String,
    },
    Skipped(Diagnostic),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_cannot_be_read_is_named_with_the_reason() {
        // Root may read any file, so a directory stands in for a file that cannot be read.
        let site = std::env::temp_dir().join(format!("testimony-read-{}", std::process::id()));
        let unreadable = site.join("content/testimonies/locked.md");
        fs::create_dir_all(&unreadable).unwrap();
        let error = Reader::new(&site).read(&unreadable).unwrap_err();
        fs::remove_dir_all(&site).unwrap();
        assert_eq!(error.path, Path::new("content/testimonies/locked.md"));
        assert!(
            error.message.starts_with("this file cannot be read: "),
            "{}",
            error.message
        );
    }
}
