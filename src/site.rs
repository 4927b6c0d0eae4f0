//! The build: load → validate → model → render → index → write, each stage timed.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::cache::Key;
use crate::config::normalize_base_url;
use crate::content::{self, StatusCounts};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Archive, PublicTestimony};
use crate::output::{self, OutputError, Staging};
use crate::progress::{Progress, Silent};
use crate::render::pages::{self, Everything, Selection};
use crate::render::{PageMemory, RenderError, Renderer, Sink, views::SiteView};
use crate::routes;
use crate::search::{self, IndexFiles, SearchDoc, SearchError, SearchSchool};
use crate::theme::Theme;

/// What `build` was asked to do, resolved.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site_dir: PathBuf,
    pub output_dir: PathBuf,
    pub base_url: Option<String>,
}

/// What a successful run did.
#[derive(Debug, Default)]
pub struct Report {
    pub counts: StatusCounts,
    pub schools: usize,
    pub files_written: usize,
    pub bytes_written: u64,
    /// Of `files_written`, those whose bytes differ from the build replaced.
    pub files_rewritten: usize,
    /// Of `files_written`, the pages left as the build replaced wrote them, unrendered,
    /// because they are rendered from what they were (see `render::PageMemory`).
    pub pages_left: usize,
    pub warnings: Diagnostics,
    /// Each stage's name and how long it took.
    pub stages: Vec<(&'static str, Duration)>,
}

/// Why a build (or a check) stopped.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Mistakes in the site's content or theme, each with its file and line (exit status 1).
    #[error("{0}")]
    Content(Diagnostics),
    /// `--base-url` is not an address a site can live at (exit status 2).
    #[error("--base-url {0}")]
    BaseUrl(String),
    /// The output directory was refused (exit status 2), or writing it failed (1).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The search index could not be built (exit status 1).
    #[error("the search index could not be built")]
    Search(#[from] SearchError),
}

impl BuildError {
    /// 1 for content mistakes and failed writes, 2 for usage errors.
    pub fn exit_status(&self) -> u8 {
        match self {
            BuildError::BaseUrl(_) => 2,
            BuildError::Output(error) if error.is_refusal() => 2,
            _ => 1,
        }
    }
}

impl From<Diagnostic> for BuildError {
    fn from(diagnostic: Diagnostic) -> Self {
        let mut all = Diagnostics::new();
        all.push(diagnostic);
        BuildError::Content(all)
    }
}

impl From<RenderError> for BuildError {
    fn from(error: RenderError) -> Self {
        match error {
            RenderError::Template(diagnostic) => diagnostic.into(),
            RenderError::Output(error) => error.into(),
        }
    }
}

struct Timer {
    stages: Vec<(&'static str, Duration)>,
    last: Instant,
}

impl Timer {
    fn new() -> Self {
        Timer {
            stages: Vec::new(),
            last: Instant::now(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.last));
        self.last = now;
    }
}

/// What the search index receives: the public view of each published testimony.
pub(crate) fn search_docs(archive: &Archive) -> Vec<SearchDoc> {
    archive
        .testimonies
        .iter()
        .map(|testimony| search_doc(archive, testimony))
        .collect()
}

/// The search index's view of one published testimony.
pub(crate) fn search_doc(archive: &Archive, testimony: &PublicTestimony) -> SearchDoc {
    search_doc_with_text(archive, testimony, testimony.body_text.clone())
}

/// What the search index of a clean build receives. The index is the only reader of the
/// testimonies' plain text, so it takes the text out of the archive instead of a copy: a
/// hundred thousand testimonies' words held once, not twice. Pages render from the rest.
fn take_search_docs(archive: &mut Archive) -> Vec<SearchDoc> {
    let texts: Vec<String> = archive
        .testimonies
        .iter_mut()
        .map(|testimony| std::mem::take(&mut testimony.body_text))
        .collect();
    archive
        .testimonies
        .iter()
        .zip(texts)
        .map(|(testimony, text)| search_doc_with_text(archive, testimony, text))
        .collect()
}

fn search_doc_with_text(
    archive: &Archive,
    testimony: &PublicTestimony,
    body_text: String,
) -> SearchDoc {
    SearchDoc {
        id: testimony.id,
        title: testimony.title.clone(),
        url: archive.config.urls().link(&routes::testimony(testimony.id)),
        published: testimony.published.to_string(),
        schools: testimony
            .schools
            .iter()
            .map(|&id| {
                let school = archive.schools.get(id);
                SearchSchool {
                    slug: school.slug.clone(),
                    name: school.name.clone(),
                    aliases: school.aliases.clone(),
                    former_names: school.former_names.clone(),
                    kind: school.kind.slug().to_string(),
                    kind_label: school.kind.label().to_string(),
                    region: school.region.clone(),
                }
            })
            .collect(),
        tags: testimony.tags.clone(),
        year: testimony.period.map(|period| u64::from(period.from)),
        body_text,
        content_warnings: testimony.content_warnings.clone(),
    }
}

/// Checks everything and writes nothing.
pub fn check(site_dir: &std::path::Path) -> Result<Report, BuildError> {
    let loaded = content::load(site_dir, None).map_err(BuildError::Content)?;
    let theme = Theme::load(site_dir, &loaded.archive.config.theme)?;
    Renderer::new(&theme, SiteView::new(&loaded.archive))?;
    let unerased = content::testimony::is_unerased;
    if loaded.warnings.iter().any(unerased) {
        let mut refused = Diagnostics::new();
        for diagnostic in loaded.warnings.iter() {
            let mut diagnostic = diagnostic.clone();
            if unerased(&diagnostic) {
                diagnostic.severity = crate::diagnostics::Severity::Error;
            }
            refused.push(diagnostic);
        }
        return Err(BuildError::Content(refused));
    }
    Ok(Report {
        counts: loaded.counts,
        schools: loaded.archive.by_school().len(),
        warnings: loaded.warnings,
        ..Report::default()
    })
}

/// Builds the site into `options.output_dir`, replacing what was there only on success.
pub fn build(options: &BuildOptions) -> Result<Report, BuildError> {
    build_with_progress(options, &Silent)
}

/// Threads that write the build's files over an earlier build. Each file is first compared
/// with the one it replaces, which must be read back; when the earlier output is not in memory
/// (a build after a pause) that is a wait for the disk, and done where the pages are rendered
/// it kept the cores waiting: rendering 100,000 testimonies took 10.8 s instead of 5.6–6.2 s.
const WRITERS: usize = 16;
/// Files rendered and not yet written, at most: renderers wait when the writers are this far
/// behind, so the pages waiting hold little memory.
const WAITING: usize = 256;

/// What a build put into its output, counted as it goes.
#[derive(Default)]
struct Written {
    files: AtomicUsize,
    bytes: AtomicU64,
    /// Files whose bytes changed since the previous build (or all, for a first build).
    rewritten: AtomicUsize,
    /// Pages left unrendered as the previous build wrote them.
    left: AtomicUsize,
}

impl Written {
    fn put(&self, staging: &Staging, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        if staging.put(path, bytes)? {
            self.rewritten.fetch_add(1, Ordering::Relaxed);
        }
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Counts a file of `len` bytes left as the earlier build wrote it.
    fn left(&self, len: u64) {
        self.left.fetch_add(1, Ordering::Relaxed);
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(len, Ordering::Relaxed);
    }

    /// Puts each file that `files` gives into `staging` until the senders are gone, or until a
    /// put fails (then every writer stops, and the build fails with this error).
    fn write_each(
        &self,
        staging: &Staging,
        files: &crossbeam_channel::Receiver<(String, Vec<u8>)>,
        failed: &AtomicBool,
    ) -> Result<(), OutputError> {
        for (path, bytes) in files {
            if failed.load(Ordering::Relaxed) {
                break;
            }
            if let Err(error) = self.put(staging, &path, &bytes) {
                failed.store(true, Ordering::Relaxed);
                return Err(error);
            }
        }
        Ok(())
    }
}

/// Puts each rendered file into the build: where it was rendered, or, when there are writers,
/// by handing it to them.
struct StagingSink<'a> {
    staging: &'a Staging,
    written: &'a Written,
    writers: Option<crossbeam_channel::Sender<(String, Vec<u8>)>>,
    progress: &'a dyn Progress,
    /// The pages of the earlier build, for a build that keeps those rendered from what they
    /// were.
    memory: Option<&'a PageMemory>,
}

impl Sink for StagingSink<'_> {
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), OutputError> {
        match &self.writers {
            // Refused only once a writer has failed; its error is then the build's.
            Some(writers) => drop(writers.send((path.to_owned(), bytes))),
            None => self.written.put(self.staging, path, &bytes)?,
        }
        self.progress.advance(1);
        Ok(())
    }

    fn expect(&self, files: u64) {
        self.progress.stage("Writing pages", files);
    }

    fn remembers(&self) -> bool {
        self.memory.is_some()
    }

    fn keep(&self, path: &str, key: &Key) -> bool {
        let Some(memory) = self.memory else {
            return false;
        };
        let Some(stamp) = memory.unchanged(path, key) else {
            return false;
        };
        if !self.staging.keep(path) {
            return false;
        }
        memory.left(path, *key, stamp);
        self.written.left(stamp.file_len());
        self.progress.advance(1);
        true
    }

    fn put_page(&self, path: &str, bytes: Vec<u8>, key: Option<Key>) -> Result<(), OutputError> {
        if let (Some(memory), Some(key)) = (self.memory, key) {
            memory.rendered(path, key);
        }
        self.put(path, bytes)
    }
}

/// Runs `render` with a sink that puts its files into `staging`: on [`WRITERS`] threads of
/// their own when the build updates an earlier one, where they are rendered when it is a first
/// build (whose files only go into the page cache, with nothing to wait for). Returns what
/// `render` gave, or the first error of a writer.
fn writing<T>(
    staging: &Staging,
    memory: Option<&PageMemory>,
    progress: &dyn Progress,
    render: impl FnOnce(&dyn Sink) -> Result<T, BuildError>,
) -> Result<(T, Written), BuildError> {
    let written = Written::default();
    let failed = AtomicBool::new(false);
    let (rendered, writers) = std::thread::scope(|scope| {
        let (sender, receiver) = crossbeam_channel::bounded(WAITING);
        let writers = if staging.updates() { WRITERS } else { 0 };
        let writers: Vec<_> = (0..writers)
            .map_while(|i| {
                let receiver = receiver.clone();
                let (written, failed) = (&written, &failed);
                std::thread::Builder::new()
                    .name(format!("output-writer-{i}"))
                    .spawn_scoped(scope, move || {
                        written.write_each(staging, &receiver, failed)
                    })
                    .ok()
            })
            .collect();
        drop(receiver);
        let sink = StagingSink {
            staging,
            written: &written,
            // None for a first build, or when there are no threads to spare.
            writers: (!writers.is_empty()).then_some(sender),
            progress,
            memory,
        };
        let rendered = render(&sink);
        // The writers finish what is waiting, then stop.
        drop(sink);
        let mut first_error = Ok(());
        for writer in writers {
            let result = writer.join().expect("the output writers do not panic");
            if first_error.is_ok() {
                first_error = result;
            }
        }
        (rendered, first_error)
    });
    let rendered = rendered?;
    writers?;
    Ok((rendered, written))
}

/// What [`render_and_index`] did.
pub(crate) struct Rendered {
    /// Schools with published testimonies.
    pub schools: usize,
    /// Every file of the search index, written now or before.
    pub index_files: Vec<String>,
    pub render_time: Duration,
    pub index_time: Duration,
}

/// The one render-and-index step of every build, clean or incremental: renders the pages
/// `selection` wants into `sink` while `index` builds or updates the search index on a thread
/// of its own, then puts the index's new files into `sink` too.
pub(crate) fn render_and_index(
    archive: &Archive,
    renderer: &Renderer,
    sink: &dyn Sink,
    selection: &dyn Selection,
    index: impl FnOnce() -> Result<IndexFiles, SearchError> + Send,
    progress: &dyn Progress,
) -> Result<Rendered, BuildError> {
    let (rendered, (indexed, index_time)) = std::thread::scope(|scope| {
        let index = scope.spawn(|| {
            let started = Instant::now();
            (index(), started.elapsed())
        });
        let started = Instant::now();
        let rendered = pages::render_selected(archive, renderer, sink, selection)
            .map(|schools| (schools, started.elapsed()));
        (
            rendered,
            index.join().expect("the search indexer does not panic"),
        )
    });
    let (schools, render_time) = rendered?;
    let IndexFiles { changed, all } = indexed?;
    progress.stage("Writing the search index", changed.len() as u64);
    // Tens of thousands of chunks: written on all cores, as pages are.
    changed
        .into_par_iter()
        .try_for_each(|(path, bytes)| sink.put(&path, bytes))?;
    Ok(Rendered {
        schools,
        index_files: all,
        render_time,
        index_time,
    })
}
/// As [`build`], telling `progress` of each stage. Pages are rendered and written in parallel
/// while the search index is built on a thread of its own.
pub fn build_with_progress(
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Report, BuildError> {
    let result = build_stages(options, progress);
    progress.finish();
    result
}

fn build_stages(options: &BuildOptions, progress: &dyn Progress) -> Result<Report, BuildError> {
    let mut timer = Timer::new();
    output::check_output_dir(&options.site_dir, &options.output_dir)?;
    if let Some(url) = &options.base_url {
        normalize_base_url(url).map_err(BuildError::BaseUrl)?;
    }
    progress.stage("Reading content", 0);
    // The scratch space is made while the content loads: making it lists every file of an
    // earlier output, one folder at a time on one core, which before held up the loading.
    // Both finish before either's error is told, so that what an interrupted build left is
    // cleared even if this one fails.
    let (staging, loaded) = rayon::join(
        || Staging::new(&options.output_dir),
        || content::load_remembering(&options.site_dir, options.base_url.as_deref()),
    );
    let staging = staging?;
    let mut loaded = loaded.map_err(BuildError::Content)?;
    let docs = take_search_docs(&mut loaded.archive);
    let archive = &loaded.archive;
    timer.lap("load and validate");

    let theme = Theme::load(&options.site_dir, &archive.config.theme)?;
    let renderer = Renderer::new(&theme, SiteView::new(archive))?;
    // Pages are keyed only over an earlier build, where keys spare rendering; a first build
    // would pay for keys without using them. Its memory is then empty, and the next build
    // renders every page (and keys them).
    let memory = PageMemory::open(&options.site_dir, &options.output_dir);
    let remembering = staging.updates().then_some(&memory);
    let (rendered, written) = writing(&staging, remembering, progress, |sink| {
        render_and_index(
            archive,
            &renderer,
            sink,
            &Everything,
            move || {
                let files = search::build_index_with_tag_labels(
                    &docs,
                    &archive.config.language,
                    &archive.config.tags,
                )?;
                Ok(IndexFiles::from(files))
            },
            progress,
        )
    })?;
    let files_written = written.files.into_inner();
    let bytes_written = written.bytes.into_inner();
    let files_rewritten = written.rewritten.into_inner();
    let pages_left = written.left.into_inner();
    staging.commit()?;
    // Kept only once the files are in place. Should it fail, the next build renders every page.
    let _ = memory.save();
    timer.lap("render, index and write");
    timer
        .stages
        .insert(1, ("  render pages", rendered.render_time));
    timer
        .stages
        .insert(2, ("  search index", rendered.index_time));

    Ok(Report {
        counts: loaded.counts,
        schools: rendered.schools,
        files_written,
        bytes_written,
        files_rewritten,
        pages_left,
        warnings: loaded.warnings,
        stages: timer.stages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_cannot_be_written_over_an_earlier_build_fails_it_and_leaves_that_build() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let first = Staging::new(&output).unwrap();
        first.put("index.html", b"the first build").unwrap();
        first.commit().unwrap();

        let staging = Staging::new(&output).unwrap();
        assert!(staging.updates());
        let result = writing(&staging, None, &Silent, |sink| {
            sink.put("index.html", b"the second build".to_vec())?;
            sink.put("../beside.html", b"outside the output".to_vec())?;
            for n in 0..WAITING * 4 {
                sink.put(&format!("page-{n}.html"), b"more".to_vec())?;
            }
            Ok(())
        });
        match result {
            Err(BuildError::Output(OutputError::UnsafePath(path))) => {
                assert_eq!(path, "../beside.html");
            }
            Err(other) => panic!("the wrong error: {other}"),
            Ok(_) => panic!("the build went on after a file could not be written"),
        }
        drop(staging);
        assert_eq!(
            std::fs::read(output.join("index.html")).unwrap(),
            b"the first build"
        );
        assert!(!dir.path().join("beside.html").exists());
        assert!(!output.join("page-0.html").exists());
    }
}
