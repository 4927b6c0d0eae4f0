//! Any bytes as a testimony file: decoding, front matter splitting, typed parsing against the
//! demo site's tags and schools, the identifying-details lint, publishing, and the text of every
//! diagnostic on the way. None of it may panic, and a published body may hold no script.

#![no_main]

use std::path::PathBuf;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use testimony::config::SiteConfig;
use testimony::content::schools;
use testimony::source::SourceFile;
use testimony::content::testimony::TestimonyRecord;
use testimony::diagnostics::Diagnostic;
use testimony::lint::Lint;
use testimony::model::SchoolRegistry;

/// The demo archive's configuration and registry, so that the seeds taken from its
/// testimonies resolve their tags and schools and reach the lint and the renderer.
struct Site {
    config: SiteConfig,
    registry: SchoolRegistry,
    lint: Lint,
}

static SITE: LazyLock<Site> = LazyLock::new(|| {
    let file = |path: &str, text: &str| SourceFile {
        path: path.into(),
        text: text.to_string(),
    };
    let config = SiteConfig::parse(&file(
        "content/site.yaml",
        include_str!("../../content/site.yaml"),
    ))
    .expect("the demo site.yaml is valid");
    let registry = schools::parse(&file(
        "content/schools.yaml",
        include_str!("../../content/schools.yaml"),
    ))
    .expect("the demo schools.yaml is valid");
    let lint = Lint::new(registry.all().iter().flat_map(|school| school.names()));
    Site {
        config,
        registry,
        lint,
    }
});

/// Formats a diagnostic as the command line would: the excerpt slices its source line by column.
fn show(diagnostic: &Diagnostic) {
    let text = diagnostic.to_string();
    assert!(text.contains(&diagnostic.message));
}

fuzz_target!(|bytes: &[u8]| {
    let site = &*SITE;
    let file =
        match SourceFile::decode(PathBuf::from("content/testimonies/fuzz.md"), bytes.to_vec()) {
            Ok(file) => file,
            Err(diagnostic) => return show(&diagnostic),
        };
    // The same text as site.yaml and schools.yaml: their parsers share the YAML diagnostics.
    if let Err(diagnostics) = SiteConfig::parse(&file) {
        diagnostics.iter().for_each(show);
    }
    if let Err(diagnostics) = schools::parse(&file) {
        diagnostics.iter().for_each(show);
    }
    match file.split_front_matter() {
        Ok((yaml, body)) => {
            assert!(body.first_line >= 2);
            // Field positions are looked up for messages on any document.
            let _ = yaml.key_position("title");
            let _ = yaml.value_position("schools", "x");
        }
        Err(diagnostic) => show(&diagnostic),
    }
    let record = match TestimonyRecord::parse(&file, &site.config, &site.registry) {
        Ok(record) => record,
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            return diagnostics.iter().for_each(show);
        }
    };
    record.lint(&file, &site.lint).iter().for_each(show);
    if let Some(public) = record.publish() {
        assert!(!public.body_html.contains("<script"));
    }
});
