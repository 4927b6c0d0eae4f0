//! Rendering: Tera set up once with the theme's templates, and one typed context per page.

mod assets;
mod memory;
pub mod pages;
pub mod views;

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tera::Tera;

use crate::cache::{self, Key};
use crate::diagnostics::{Diagnostic, error_chain};
use crate::output::OutputError;
use crate::routes::Urls;
use crate::theme::Theme;
pub use memory::PageMemory;
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
    fn put(&self, path: &str, bytes: Vec<u8>) -> Result<(), OutputError>;

    /// Told, before the first `put`, how many pages, feeds, data and theme files are coming
    /// (for a progress bar).
    fn expect(&self, _files: u64) {}

    /// Whether it keeps the pages of an earlier build that are rendered from what they were
    /// (see [`PageMemory`]): only then are pages keyed, which costs a little each.
    fn remembers(&self) -> bool {
        false
    }

    /// Keeps the file at `path` as the earlier build left it, if that file was rendered from
    /// `key` and is as it was: then it is not rendered again. Returns whether it was kept.
    fn keep(&self, _path: &str, _key: &Key) -> bool {
        false
    }

    /// As [`Sink::put`], for a page rendered from `key` (`None`: not keyed).
    fn put_page(&self, path: &str, bytes: Vec<u8>, _key: Option<Key>) -> Result<(), OutputError> {
        self.put(path, bytes)
    }
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
    urls: Urls,
    /// The key of everything every page is rendered from (see [`Renderer::page_key`]); `None`
    /// when pages are not keyed.
    identity: Option<Key>,
    /// Static files, and their fingerprinted copies under `assets/`.
    pub assets: Vec<OutputFile>,
    /// Whether rendered pages still need minifying (see `Renderer::new`).
    minify_pages: bool,
}

impl<'a> Renderer<'a> {
    pub fn new(theme: &Theme, site: SiteView<'a>) -> Result<Renderer<'a>, Diagnostic> {
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        // HTML templates are minified once here, with their Tera syntax kept, instead of every
        // page after rendering: the same compact pages at a fraction of the cost. A template
        // whose Tera tags the minifier would move (a `{% if %}` between attributes, say) is
        // kept as written, and then every page is minified after rendering instead.
        let mut minify_pages = false;
        let templates: Vec<(&str, String)> = theme
            .templates
            .iter()
            .map(|(name, text)| {
                if !name.ends_with(".html") {
                    return (name.as_str(), text.clone());
                }
                let minified = minify_template(text);
                if template_tags(&minified) == template_tags(text) {
                    (name.as_str(), minified)
                } else {
                    minify_pages = true;
                    (name.as_str(), text.clone())
                }
            })
            .collect();
        tera.add_raw_templates(templates.iter().map(|(name, text)| (*name, text.as_str())))
            .map_err(|error| template_error("the theme's templates cannot be read", &error))?;

        let site_urls = Urls::new(site.base_url);
        let mut copies = assets::fingerprinted_copies(&theme.static_files)?;
        let mut assets = Vec::new();
        let mut urls = HashMap::new();
        for (path, bytes) in &theme.static_files {
            let (fingerprinted, copy) = copies.remove(path).expect("each static file has a copy");
            urls.insert(path.clone(), site_urls.link(&fingerprinted));
            assets.push(OutputFile::new(path.clone(), bytes.clone()));
            assets.push(OutputFile::new(fingerprinted, copy));
        }
        // A module with a bundle that stands for it is served as the bundle.
        for (entry, bundle) in
            assets::standing_bundles(&theme.static_files, &theme.site_static_files)
        {
            let bundled = urls[&bundle].clone();
            urls.insert(entry, bundled);
        }
        let identity = identity(&templates, minify_pages, &urls, &site);
        tera.register_function("asset_url", AssetUrl { urls });
        Ok(Renderer {
            tera,
            site,
            urls: site_urls,
            identity,
            assets,
            minify_pages,
        })
    }

    /// A rendered HTML page as it is written: minified, if its templates were not.
    pub fn finish_html(&self, html: String) -> Vec<u8> {
        if self.minify_pages {
            minify_html::minify(html.as_bytes(), &minify_config())
        } else {
            html.into_bytes()
        }
    }

    pub fn site(&self) -> &SiteView<'a> {
        &self.site
    }

    /// The key of what the page at `path` is rendered from: the program, the theme and the
    /// shared values (the renderer's identity), `template`, and the values [`Renderer::page`]
    /// gives it. The same key, the same bytes. `None` when pages are not keyed.
    pub fn page_key<T: Serialize>(
        &self,
        template: &str,
        section: &str,
        page_title: &str,
        path: &str,
        fields: &T,
    ) -> Option<Key> {
        let identity = self.identity?;
        let mut hasher = Sha256::new();
        cache::update_with_parts(
            &mut hasher,
            [
                &identity[..],
                template.as_bytes(),
                section.as_bytes(),
                page_title.as_bytes(),
                path.as_bytes(),
            ],
        );
        // The last part, so it needs no length.
        serde_json::to_writer(HashWriter(&mut hasher), fields).ok()?;
        Some(hasher.finalize().into())
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
            canonical_url: self.urls.absolute(path),
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

/// Tera's functions whose result is not the same from one build to the next (the time, a random
/// number, the environment): a theme that calls one has its pages rendered every time.
static UNREPEATABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:now|get_random|get_env)\s*\(").expect("the pattern is valid")
});

/// The key of what every page is rendered from: the running program, the templates as Tera
/// has them, whether pages are minified after, the static files' addresses and the shared
/// values. `None` when the program cannot be told or a template calls an [`UNREPEATABLE`]
/// function.
fn identity(
    templates: &[(&str, String)],
    minify_pages: bool,
    asset_urls: &HashMap<String, String>,
    site: &SiteView,
) -> Option<Key> {
    if templates
        .iter()
        .any(|(_, text)| UNREPEATABLE.is_match(text))
    {
        return None;
    }
    let program = cache::program()?;
    let site = serde_json::to_vec(site).ok()?;
    let mut urls: Vec<_> = asset_urls.iter().collect();
    urls.sort();
    let minified = [minify_pages as u8];
    let mut parts: Vec<&[u8]> = vec![b"pages v1", &program, &minified, &site];
    for (name, text) in templates {
        parts.extend([name.as_bytes(), text.as_bytes()]);
    }
    for (path, url) in urls {
        parts.extend([path.as_bytes(), url.as_bytes()]);
    }
    Some(cache::key_of_parts(parts))
}

/// Feeds what is written to it to a hash.
struct HashWriter<'a>(&'a mut Sha256);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An HTML template, minified by minify-html with its `{{ }}`, `{% %}` and `{# #}` kept.
fn minify_template(text: &str) -> String {
    let mut cfg = minify_config();
    cfg.preserve_brace_template_syntax = true;
    String::from_utf8_lossy(&minify_html::minify(text.as_bytes(), &cfg)).into_owned()
}

fn minify_config() -> minify_html::Cfg {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    cfg.keep_input_type_text_attr = true;
    cfg
}

/// A template's `{{ }}`, `{% %}` and `{# #}`: those in text, in order, and all of them, sorted;
/// and how many sit in an element outside quotes. Minifying may reorder an element's attributes
/// (moving the tags inside their values along with them) but must change none of these. In
/// particular it must not unquote an attribute value holding a tag (`title="{{t}}"` →
/// `title={{t}}`): the value rendered there could then end the attribute and start another.
#[derive(Debug, PartialEq, Eq)]
struct TemplateTags<'t> {
    in_text: Vec<&'t str>,
    all: Vec<&'t str>,
    unquoted_in_elements: usize,
}

fn template_tags(text: &str) -> TemplateTags<'_> {
    let mut tags = TemplateTags {
        in_text: Vec::new(),
        all: Vec::new(),
        unquoted_in_elements: 0,
    };
    let (mut in_element, mut quote) = (false, None);
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let close = match (c, chars.peek().map(|&(_, next)| next)) {
            ('{', Some('{')) => Some("}}"),
            ('{', Some('%')) => Some("%}"),
            ('{', Some('#')) => Some("#}"),
            _ => None,
        };
        if let Some(close) = close {
            let end = text[at + 2..]
                .find(close)
                .map_or(text.len(), |end| at + 2 + end + 2);
            let tag = &text[at..end];
            tags.all.push(tag);
            if !in_element {
                tags.in_text.push(tag);
            } else if quote.is_none() {
                tags.unquoted_in_elements += 1;
            }
            while chars.peek().is_some_and(|&(next, _)| next < end) {
                chars.next();
            }
            continue;
        }
        match (in_element, quote, c) {
            (false, _, '<') => {
                in_element = chars
                    .peek()
                    .is_some_and(|&(_, next)| next.is_ascii_alphabetic() || next == '/');
            }
            (true, Some(open), c) if c == open => quote = None,
            (true, None, '"' | '\'') => quote = Some(c),
            (true, None, '>') => in_element = false,
            _ => {}
        }
    }
    tags.all.sort_unstable();
    tags
}

/// Tera's escaping, but leaving `/` alone: it needs no escaping in HTML or XML, and URLs stay
/// readable in the output.
pub fn escape_html(input: &str) -> String {
    let mut out = String::with_capacity(input.len() + input.len() / 16);
    // The five characters are ASCII, so every byte that is one of them is a whole character:
    // the text between them is copied as it is, a run at a time.
    let mut start = 0;
    for (at, byte) in input.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.push_str(&input[start..at]);
        out.push_str(entity);
        start = at + 1;
    }
    out.push_str(&input[start..]);
    out
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
    Diagnostic::error("themes", format!("{what}: {}", error_chain(error)))
        .hint("check the template named above")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_theme_that_asks_for_the_time_a_random_number_or_the_environment_keys_no_page() {
        let titled = |title| SiteView {
            title,
            description: "",
            language: "en",
            base_url: "https://example.org/",
            root: "/".into(),
            quick_exit_url: "https://example.org/away",
            support_html: "",
            menu: Vec::new(),
        };
        let site = titled("An Archive");
        let urls = HashMap::new();
        let keyed = |template: &str| {
            identity(&[("page.html", template.to_owned())], false, &urls, &site).is_some()
        };
        assert!(keyed("<p>{{ page.title }}</p><p>{{ nowhere }}</p>"));
        for unrepeatable in [
            "{{ now() }}",
            "{{ now (timestamp=true) }}",
            "{{ get_random(end=10) }}",
            "{% set home = get_env(name=\"HOME\") %}",
        ] {
            assert!(!keyed(unrepeatable), "{unrepeatable}");
        }
        // Everything every page is made from is in the key.
        let key = |minify: bool, site: &SiteView| {
            identity(
                &[("page.html", "<p>{{ page.title }}</p>".into())],
                minify,
                &urls,
                site,
            )
        };
        assert_ne!(key(false, &site), key(true, &site));
        assert_ne!(key(false, &site), key(false, &titled("Another Archive")));
    }

    #[test]
    fn escaping_turns_the_five_characters_into_entities_and_keeps_the_rest() {
        assert_eq!(
            escape_html(r#"<img src=x onerror="alert('Zoë & Ana')">/é"#),
            "&lt;img src=x onerror=&quot;alert(&#x27;Zoë &amp; Ana&#x27;)&quot;&gt;/é"
        );
        assert_eq!(escape_html("&&"), "&amp;&amp;");
        assert_eq!(
            escape_html("„no change“ — ünïcödé"),
            "„no change“ — ünïcödé"
        );
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn template_tags_are_found_in_order() {
        let text = r#"<a href="{{ url }}">{% if x %}{# note #}y{% endif %}</a>{ not a tag }"#;
        let tags = template_tags(text);
        assert_eq!(tags.in_text, ["{% if x %}", "{# note #}", "{% endif %}"]);
        assert_eq!(
            tags.all,
            ["{# note #}", "{% endif %}", "{% if x %}", "{{ url }}"]
        );
    }

    #[test]
    fn minifying_a_template_keeps_its_tags_unless_they_sit_between_attributes() {
        let safe = "<p class=\"x\">\n    {% if a %}\n      <b>{{ a }}</b>\n    {% endif %}\n</p>\n";
        let minified = minify_template(safe);
        assert_eq!(template_tags(&minified), template_tags(safe));
        assert!(minified.len() < safe.len(), "{minified}");
        // The minifier reads `{% if %}` between attributes as attributes and moves it.
        let unsafe_template = "<a href=\"/\"{% if a %} aria-current=\"page\"{% endif %}>x</a>";
        let minified = minify_template(unsafe_template);
        assert_ne!(template_tags(&minified), template_tags(unsafe_template));
        // The minifier unquotes `"{{t}}"`: a title rendered there could add attributes.
        let quoted = r#"<a title="{{t}}" href="/x/{{id}}/">x</a>"#;
        assert_eq!(template_tags(quoted).unquoted_in_elements, 0);
        let minified = minify_template(quoted);
        assert_eq!(
            template_tags(&minified).unquoted_in_elements,
            2,
            "{minified}"
        );
        assert_ne!(template_tags(&minified), template_tags(quoted));
    }

    #[test]
    fn every_built_in_template_is_minified_once_not_every_page() {
        for (name, text) in &Theme::built_in().templates {
            if name.ends_with(".html") {
                let minified = minify_template(text);
                assert_eq!(template_tags(&minified), template_tags(text), "{name}");
            }
        }
    }
}
