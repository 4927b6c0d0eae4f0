//! Rendering: Tera set up once with the theme's templates, and one typed context per page.

pub mod pages;
pub mod views;

use std::collections::HashMap;

use serde::Serialize;
use sha2::{Digest, Sha256};
use tera::Tera;

use crate::diagnostics::Diagnostic;
use crate::output::OutputError;
use crate::theme::Theme;
use views::SiteView;

/// A file of the built site: its path relative to the output root, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Self {
        OutputFile {
            path: path.into(),
            bytes: bytes.into(),
        }
    }
}

/// Where rendered files go as soon as each is ready; called from many threads at once.
pub trait Sink: Sync {
    /// Takes the file at `path` (relative to the output root).
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), OutputError>;
}

/// Why rendering stopped: a template failed, or a file could not be written.
#[derive(Debug)]
pub enum RenderError {
    Template(Diagnostic),
    Output(OutputError),
}

impl From<Diagnostic> for RenderError {
    fn from(diagnostic: Diagnostic) -> Self {
        RenderError::Template(diagnostic)
    }
}

impl From<OutputError> for RenderError {
    fn from(error: OutputError) -> Self {
        RenderError::Output(error)
    }
}

/// What every page's context has, beside its own fields.
#[derive(Serialize)]
struct PageContext<'a, T: Serialize> {
    site: &'a SiteView<'a>,
    section: &'a str,
    page_title: &'a str,
    canonical_url: String,
    #[serde(flatten)]
    fields: T,
}

pub struct Renderer<'a> {
    tera: Tera,
    site: SiteView<'a>,
    /// Static files, and their fingerprinted copies under `assets/`.
    pub assets: Vec<OutputFile>,
}

impl<'a> Renderer<'a> {
    pub fn new(theme: &Theme, site: SiteView<'a>) -> Result<Renderer<'a>, Diagnostic> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        tera.add_raw_templates(
            theme
                .templates
                .iter()
                .map(|(name, text)| (name.as_str(), text.as_str())),
        )
        .map_err(|error| template_error("the theme's templates cannot be read", &error))?;

        let mut assets = Vec::new();
        let mut urls = HashMap::new();
        for (path, bytes) in &theme.static_files {
            let fingerprinted = fingerprint(path, bytes);
            urls.insert(path.clone(), format!("{}{fingerprinted}", site.root));
            assets.push(OutputFile::new(path.clone(), bytes.clone()));
            assets.push(OutputFile::new(fingerprinted, bytes.clone()));
        }
        tera.register_function("asset_url", AssetUrl { urls });
        Ok(Renderer { tera, site, assets })
    }

    pub fn site(&self) -> &SiteView<'a> {
        &self.site
    }

    /// Renders `template` with the shared values and `fields`, for the page at `path`
    /// (relative to the site root, e.g. `schools/x/`).
    pub fn page<T: Serialize>(
        &self,
        template: &str,
        section: &str,
        page_title: &str,
        path: &str,
        fields: T,
    ) -> Result<String, Diagnostic> {
        let context = PageContext {
            site: &self.site,
            section,
            page_title,
            canonical_url: format!("{}{path}", self.site.base_url),
            fields,
        };
        let context = tera::Context::from_serialize(&context).map_err(|error| {
            template_error(&format!("`{template}` cannot be given its values"), &error)
        })?;
        self.tera
            .render(template, &context)
            .map_err(|error| template_error(&format!("the template `{template}` failed"), &error))
    }
}

/// Tera's escaping, but leaving `/` alone: it needs no escaping in HTML or XML, and URLs stay
/// readable in the output.
fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

/// `style.css` → `assets/style.<10 hex digits of sha-256>.css`.
fn fingerprint(path: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    let (stem, extension) = match path.rsplit_once('.') {
        Some((stem, extension)) if !stem.ends_with('/') => (stem, format!(".{extension}")),
        _ => (path, String::new()),
    };
    format!("assets/{stem}.{hash}{extension}")
}

struct AssetUrl {
    urls: HashMap<String, String>,
}

impl tera::Function for AssetUrl {
    fn call(&self, args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        let path = args
            .get("path")
            .and_then(tera::Value::as_str)
            .ok_or("asset_url needs a `path`, such as asset_url(path=\"style.css\")")?;
        self.urls
            .get(path.trim_start_matches('/'))
            .map(|url| tera::Value::String(url.clone()))
            .ok_or_else(|| format!("asset_url: the theme has no static file `{path}`").into())
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// A Tera error with its whole chain, which is where the useful part is.
fn template_error(what: &str, error: &dyn std::error::Error) -> Diagnostic {
    let mut message = format!("{what}: {error}");
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    Diagnostic::error("themes", message).hint("check the template named above")
}
