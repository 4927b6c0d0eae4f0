//! Rebuilding a served site after a change, doing only what the change needs.
//!
//! An [`Engine`] keeps, between rebuilds, what each testimony file gave, the archive, the theme,
//! the search index with its writer, and a hash of every file it wrote. A change to a few
//! `content/testimonies/**.md` files reads and checks only those (the duplicate-id check and
//! the counts still run over every file), re-renders the pages that show or count them, updates
//! the search index in place, and writes only files whose bytes changed; files the site no
//! longer has are deleted. Any other change, or any doubt, rebuilds everything, the same way
//! `testimony build` does. Either way the output holds the files a full build would write:
//! the pages byte for byte, the search index as files that answer queries alike.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fs;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::content::{self, StatusCounts, TestimonyFile, TestimonyFiles};
use crate::diagnostics::Diagnostics;
use crate::model::{self, Archive};
use crate::output::{Folder, OutputError};
use crate::progress::Silent;
use crate::render::pages::{self, ListEntries, Selection};
use crate::render::views::SiteView;
use crate::render::{Renderer, Sink};
use crate::routes::{self, Pagination};
use crate::search::{LiveIndex, SearchDoc};
use crate::site::{self, BuildError, BuildOptions};
use crate::theme::Theme;

/// The folder every testimony lives under, relative to the site.
const TESTIMONIES: &str = "content/testimonies";

/// What changed since the last rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Changes {
    /// Anything, as far as is known: rebuild everything.
    #[default]
    Everything,
    /// These files, relative to the site directory (created, edited, renamed or deleted).
    Files(BTreeSet<PathBuf>),
}

impl Changes {
    /// The changes of `paths` (absolute, or relative to the current directory) in the site at
    /// `site_dir`: files, or everything when a path is outside the site.
    pub fn of_paths(site_dir: &Path, paths: impl IntoIterator<Item = PathBuf>) -> Changes {
        let canonical = fs::canonicalize(site_dir).unwrap_or_else(|_| site_dir.to_path_buf());
        let mut files = BTreeSet::new();
        for path in paths {
            let relative = path
                .strip_prefix(&canonical)
                .or_else(|_| path.strip_prefix(site_dir));
            match relative {
                Ok(relative) => files.insert(relative.to_path_buf()),
                Err(_) => return Changes::Everything,
            };
        }
        Changes::Files(files)
    }

    /// Adds `other` to these changes.
    pub fn merge(&mut self, other: Changes) {
        match (&mut *self, other) {
            (Changes::Files(files), Changes::Files(more)) => files.extend(more),
            (this, _) => *this = Changes::Everything,
        }
    }
}

/// What a rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Whether only changed testimony files were read again.
    pub incremental: bool,
    /// How many testimony files were read again (incremental rebuilds only).
    pub files_read: usize,
    pub counts: StatusCounts,
    pub warnings: Diagnostics,
    pub files_written: usize,
    pub files_deleted: usize,
    pub elapsed: Duration,
}

/// Rebuilds a site into an output folder of its own, as incrementally as it safely can.
pub struct Engine {
    options: BuildOptions,
    /// What the last successful load kept; `None` until one succeeded, and after any failure
    /// that is not a testimony file's own mistake.
    kept: Option<Kept>,
    /// A hash of each file in the output folder, as last written.
    written: HashMap<String, u64>,
}

struct Kept {
    archive: Archive,
    theme: Theme,
    testimonies: TestimonyFiles,
    /// Files whose published testimony is not in the archive yet (it joins once the content
    /// has no errors).
    pending: BTreeSet<PathBuf>,
    /// Ids of testimonies changed, added or removed since the output was last written.
    affected: BTreeSet<u64>,
    /// Each paginated list's testimonies (by path, e.g. `schools/x/`), as last written.
    lists: BTreeMap<String, ListEntries>,
    search: LiveIndex,
}

impl Engine {
    /// An engine writing into `options.output_dir`, which it owns: files it did not write
    /// there are left alone, but it must not be shared with another build.
    pub fn new(options: BuildOptions) -> Engine {
        Engine {
            options,
            kept: None,
            written: HashMap::new(),
        }
    }

    /// Brings the output up to date with `changes`. On a content mistake the output is left as
    /// it was, and the next rebuild picks up from there.
    pub fn rebuild(&mut self, changes: &Changes) -> Result<Rebuilt, BuildError> {
        let started = Instant::now();
        let testimony_files = match changes {
            Changes::Files(files) => testimony_changes(&self.options.site_dir, files),
            Changes::Everything => None,
        };
        let result = match (self.kept.take(), testimony_files) {
            (Some(kept), Some(files)) => self.incremental(kept, &files),
            _ => self.full(),
        };
        result.map(|mut rebuilt| {
            rebuilt.elapsed = started.elapsed();
            rebuilt
        })
    }

    fn full(&mut self) -> Result<Rebuilt, BuildError> {
        let (loaded, testimonies) =
            content::load_keeping_files(&self.options.site_dir, self.options.base_url.as_deref())
                .map_err(BuildError::Content)?;
        let archive = loaded.archive;
        let theme = Theme::load(&self.options.site_dir, &archive.config.theme)?;
        let search = LiveIndex::new(
            site::search_docs(&archive),
            &archive.config.language,
            &archive.config.tags,
        )?;
        let mut kept = Kept {
            archive,
            theme,
            testimonies,
            pending: BTreeSet::new(),
            affected: BTreeSet::new(),
            lists: BTreeMap::new(),
            search,
        };
        let (files_written, files_deleted) = self.write(&mut kept, None, None)?;
        self.kept = Some(kept);
        Ok(Rebuilt {
            incremental: false,
            files_read: 0,
            counts: loaded.counts,
            warnings: loaded.warnings,
            files_written,
            files_deleted,
            elapsed: Duration::ZERO,
        })
    }

    fn incremental(
        &mut self,
        mut kept: Kept,
        changed: &BTreeSet<PathBuf>,
    ) -> Result<Rebuilt, BuildError> {
        let site_dir = &self.options.site_dir;
        for path in changed {
            // An approved testimony is in the archive unless it is still pending.
            let was_pending = kept.pending.remove(path);
            if let Some(Ok(old)) = kept.testimonies.files.remove(path) {
                if old.status == content::testimony::Status::Approved && !was_pending {
                    kept.archive.testimonies.retain(|t| t.id != old.id);
                }
                kept.affected.insert(old.id);
            }
            if !site_dir.join(path).exists() {
                continue;
            }
            let archive = &kept.archive;
            let new: TestimonyFile = content::read_testimony(
                site_dir,
                path,
                &archive.config,
                &archive.schools,
                &kept.testimonies.lint,
            );
            if let Ok(new) = &new {
                kept.affected.insert(new.id);
                if new.public.is_some() {
                    kept.pending.insert(path.clone());
                }
            }
            kept.testimonies.files.insert(path.clone(), new);
        }
        let mut diagnostics = kept.testimonies.other.clone();
        let counts = content::check_testimony_files(&kept.testimonies.files, &mut diagnostics);
        if diagnostics.has_errors() {
            self.kept = Some(kept);
            return Err(BuildError::Content(diagnostics));
        }
        for path in std::mem::take(&mut kept.pending) {
            let public = kept
                .testimonies
                .files
                .get_mut(&path)
                .and_then(|file| file.as_mut().ok()?.public.take());
            kept.archive.testimonies.extend(public);
        }
        kept.archive.testimonies.sort_by(model::newest_first);

        let affected: Vec<u64> = kept.affected.iter().copied().collect();
        let published: HashSet<u64> = kept
            .archive
            .testimonies
            .iter()
            .filter(|t| kept.affected.contains(&t.id))
            .map(|t| t.id)
            .collect();
        let added = kept
            .archive
            .testimonies
            .iter()
            .filter(|t| published.contains(&t.id))
            .map(|t| site::search_doc(&kept.archive, t))
            .collect();
        let removed: Vec<u64> = affected
            .iter()
            .copied()
            .filter(|id| !published.contains(id))
            .collect();
        let wanted = wanted_pages(&kept);
        let (files_written, files_deleted) =
            self.write(&mut kept, Some(wanted), Some((removed, added)))?;
        self.kept = Some(kept);
        Ok(Rebuilt {
            incremental: true,
            files_read: changed.len(),
            counts,
            warnings: diagnostics,
            files_written,
            files_deleted,
            elapsed: Duration::ZERO,
        })
    }

    /// Renders the pages in `wanted` (every page when `None`) and the data files while the
    /// search index takes `search_change` (ids removed, testimonies added or replaced); writes
    /// the files whose bytes changed and deletes what the site no longer has. Returns how many
    /// files were written and deleted.
    fn write(
        &mut self,
        kept: &mut Kept,
        wanted: Option<HashSet<String>>,
        search_change: Option<(Vec<u64>, Vec<SearchDoc>)>,
    ) -> Result<(usize, usize), BuildError> {
        let output = Folder::new(&self.options.output_dir);
        fs::create_dir_all(output.root()).map_err(|error| OutputError::Io {
            path: output.root().to_path_buf(),
            error,
        })?;
        let renderer = Renderer::new(&kept.theme, SiteView::new(&kept.archive))?;
        let selection = Recorder {
            wanted,
            asked: Mutex::new(Vec::new()),
        };
        let sink = ChangedOnly {
            output: &output,
            written: Mutex::new(std::mem::take(&mut self.written)),
            put: Mutex::new(Vec::new()),
            count: AtomicUsize::new(0),
        };
        let search = &mut kept.search;
        let rendered = site::render_and_index(
            &kept.archive,
            &renderer,
            &sink,
            &selection,
            move || {
                if let Some((removed, added)) = search_change {
                    search.update(&removed, added)?;
                }
                search.files()
            },
            &Silent,
        );
        // What was written stays known, even when a later file failed.
        let mut written = sink.written.into_inner().unwrap_or_default();
        let index_files = match rendered {
            Ok(rendered) => rendered.index_files,
            Err(error) => {
                self.written = written;
                return Err(error);
            }
        };
        // Every page the site has was asked about, rendered or not (one not rendered is still
        // there from before); everything else in the output is stale.
        let mut present: HashSet<String> = selection
            .asked
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .collect();
        present.extend(sink.put.into_inner().unwrap_or_default());
        present.extend(index_files);
        let stale: Vec<String> = written
            .keys()
            .filter(|path| !present.contains(*path))
            .cloned()
            .collect();
        for path in &stale {
            output.remove(path)?;
            written.remove(path);
        }
        self.written = written;
        kept.lists = pages::lists(&kept.archive);
        kept.affected.clear();
        Ok((sink.count.into_inner(), stale.len()))
    }
}

/// The changed testimony files among `files`, or `None` when anything else changed (or a
/// change is not a plain file), which needs a full rebuild. Files whose names start with a dot
/// are never read, so their changes are none.
fn testimony_changes(site_dir: &Path, files: &BTreeSet<PathBuf>) -> Option<BTreeSet<PathBuf>> {
    let mut changed = BTreeSet::new();
    for path in files {
        let name = path.file_name()?.to_string_lossy();
        if !path.starts_with(TESTIMONIES) {
            return None;
        }
        if name.starts_with('.') {
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            return None;
        }
        match fs::symlink_metadata(site_dir.join(path)) {
            Ok(metadata) if metadata.is_file() => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            // A symbolic link, a folder named like a file, a file that cannot be looked at:
            // the full build knows what to say about each.
            _ => return None,
        }
        changed.insert(path.clone());
    }
    Some(changed)
}

/// The pages and feeds a change of the testimonies in `kept.affected` alters: their own pages,
/// the pages that count testimonies or schools, and each page of a list whose entries or total
/// changed (with the list's feed).
fn wanted_pages(kept: &Kept) -> HashSet<String> {
    let mut wanted: HashSet<String> = [routes::HOME, routes::SCHOOLS, routes::TAGS]
        .into_iter()
        .map(routes::file_of)
        .collect();
    for &id in &kept.affected {
        wanted.insert(routes::file_of(&routes::testimony(id)));
    }
    let per_page = kept.archive.config.per_page;
    let empty = Vec::new();
    for (path, list) in pages::lists(&kept.archive) {
        let (new, old) = (&list.ids, kept.lists.get(&path).map_or(&empty, |l| &l.ids));
        let (new_pages, old_pages) = (
            Pagination::new(per_page, new.len()),
            Pagination::new(per_page, old.len()),
        );
        let mut changed = false;
        for number in 1..=new_pages.pages() {
            let entries = &new[new_pages.range(number)];
            let differs = old.len() != new.len()
                || entries != &old[old_pages.range(number)]
                || entries.iter().any(|id| kept.affected.contains(id));
            if differs {
                wanted.insert(routes::file_of(&routes::list_page(&path, number)));
                changed = true;
            }
        }
        if let Some(feed) = list.feed.filter(|_| changed) {
            wanted.insert(feed);
        }
    }
    wanted
}

/// Renders what it is given (everything when `wanted` is `None`), noting every page asked
/// about: the pages the site has.
struct Recorder {
    wanted: Option<HashSet<String>>,
    asked: Mutex<Vec<String>>,
}

impl Selection for Recorder {
    fn wants(&self, path: &str) -> bool {
        self.asked
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_owned());
        self.wanted
            .as_ref()
            .is_none_or(|wanted| wanted.contains(path))
    }
}

/// Writes a file into the output only when its bytes differ from what is there.
struct ChangedOnly<'a> {
    output: &'a Folder,
    written: Mutex<HashMap<String, u64>>,
    put: Mutex<Vec<String>>,
    count: AtomicUsize,
}

impl Sink for ChangedOnly<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), OutputError> {
        let mut hasher = std::hash::DefaultHasher::new();
        bytes.hash(&mut hasher);
        let hash = hasher.finish();
        self.put
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path.to_owned());
        let unchanged = self
            .written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(path)
            == Some(&hash);
        if unchanged {
            return Ok(());
        }
        self.output.write(path, &bytes)?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_owned(), hash);
        self.count.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
