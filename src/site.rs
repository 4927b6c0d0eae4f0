//! The build: load → validate → model → render → index → write, each stage timed.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::config::normalize_base_url;
use crate::content::{self, StatusCounts};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::{Archive, PublicTestimony};
use crate::output::{self, OutputError, Staging};
use crate::progress::{Progress, Silent};
use crate::render::{self, RenderError, Renderer, Sink, views::SiteView};
use crate::search::{self, SearchDoc, SearchSchool};
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
    pub warnings: Diagnostics,
    /// Each stage's name and how long it took.
    pub stages: Vec<(&'static str, Duration)>,
}

#[derive(Debug)]
pub enum BuildError {
    /// Mistakes in the site's content or theme (exit status 1).
    Content(Diagnostics),
    /// The command was asked for something it must not do (exit status 2).
    Usage(String),
    /// Writing failed (exit status 1).
    Output(String),
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

impl From<OutputError> for BuildError {
    fn from(error: OutputError) -> Self {
        match error {
            OutputError::Refused(why) => BuildError::Usage(why),
            io @ OutputError::Io { .. } => BuildError::Output(io.to_string()),
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
    SearchDoc {
        id: testimony.id,
        title: testimony.title.clone(),
        url: format!("{}testimonies/{}/", archive.config.root(), testimony.id),
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
                    region: school.region.clone(),
                }
            })
            .collect(),
        tags: testimony.tags.clone(),
        year: testimony.period.map(|period| u64::from(period.from)),
        body_text: testimony.body_text.clone(),
        content_warnings: testimony.content_warnings.clone(),
    }
}

/// Checks everything and writes nothing.
pub fn check(site_dir: &std::path::Path) -> Result<Report, BuildError> {
    let loaded = content::load(site_dir, None).map_err(BuildError::Content)?;
    let theme = Theme::load(site_dir, &loaded.archive.config.theme)?;
    Renderer::new(&theme, SiteView::new(&loaded.archive))?;
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

/// Writes each rendered file into the staging directory at once, counting what it wrote.
struct StagingSink<'a> {
    staging: &'a Staging,
    progress: &'a dyn Progress,
    files: AtomicUsize,
    bytes: AtomicU64,
}

impl Sink for StagingSink<'_> {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.staging.write(path, bytes)?;
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        self.progress.advance(1);
        Ok(())
    }

    fn expect(&self, files: u64) {
        self.progress.stage("Writing pages", files);
    }
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
        normalize_base_url(url)
            .map_err(|problem| BuildError::Usage(format!("--base-url {problem}")))?;
    }
    progress.stage("Reading content", 0);
    let loaded = content::load(&options.site_dir, options.base_url.as_deref())
        .map_err(BuildError::Content)?;
    let archive = &loaded.archive;
    timer.lap("load and validate");

    let theme = Theme::load(&options.site_dir, &archive.config.theme)?;
    let renderer = Renderer::new(&theme, SiteView::new(archive))?;
    let staging = Staging::new(&options.output_dir)?;
    let sink = StagingSink {
        staging: &staging,
        progress,
        files: AtomicUsize::new(0),
        bytes: AtomicU64::new(0),
    };
    let started = Instant::now();
    let (rendered, indexed) = std::thread::scope(|scope| {
        let index = scope.spawn(|| {
            let started = Instant::now();
            let files = search::build_index_with_tag_labels(
                &search_docs(archive),
                &archive.config.language,
                &archive.config.tags,
            );
            (files, started.elapsed())
        });
        let rendered = render::pages::render_all(archive, &renderer, &sink);
        let indexed = index.join().expect("the search indexer does not panic");
        (rendered, indexed)
    });
    let schools = rendered?;
    let render_time = started.elapsed();
    let (index, index_time) = indexed;
    let index = index.map_err(|error| {
        BuildError::Output(format!("the search index could not be built: {error}"))
    })?;
    progress.stage("Writing the search index", index.len() as u64);
    for (path, bytes) in &index {
        sink.put(path, bytes)?;
    }
    let (files_written, bytes_written) = (sink.files.into_inner(), sink.bytes.into_inner());
    staging.commit()?;
    timer.lap("render, index and write");
    timer.stages.insert(1, ("  render pages", render_time));
    timer.stages.insert(2, ("  search index", index_time));

    Ok(Report {
        counts: loaded.counts,
        schools,
        files_written,
        bytes_written,
        warnings: loaded.warnings,
        stages: timer.stages,
    })
}
