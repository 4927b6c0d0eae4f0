//! Rendering: Tera set up once with the theme's templates, and one typed context per page.

pub mod pages;
pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

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

    /// Told, before the first `put`, how many pages, feeds, data and theme files are coming
    /// (for a progress bar).
    fn expect(&self, _files: u64) {}
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

        let mut copies = fingerprinted_copies(&theme.static_files)?;
        let mut assets = Vec::new();
        let mut urls = HashMap::new();
        for (path, bytes) in &theme.static_files {
            let (fingerprinted, copy) = copies.remove(path).expect("each static file has a copy");
            urls.insert(path.clone(), format!("{}{fingerprinted}", site.root));
            assets.push(OutputFile::new(path.clone(), bytes.clone()));
            assets.push(OutputFile::new(fingerprinted, copy));
        }
        tera.register_function("asset_url", AssetUrl { urls });
        Ok(Renderer {
            tera,
            site,
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

/// Each static file's fingerprinted copy under `assets/`: its path and bytes. A JavaScript
/// module's copy imports the copies of its neighbours: each relative specifier (`./dom.js`)
/// names the fingerprinted file instead (`./dom.<hash>.js`), and is rewritten before the
/// importer's own fingerprint is taken, so a changed module changes the fingerprint of every
/// module importing it. The plain copies keep their imports, which resolve to plain paths.
fn fingerprinted_copies(
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<BTreeMap<String, (String, Vec<u8>)>, Diagnostic> {
    let mut copies = BTreeMap::new();
    for path in files.keys() {
        fingerprint_copy(path, files, &mut copies, &mut Vec::new())?;
    }
    Ok(copies)
}

/// Fingerprints `path` after the modules it imports; `importing` is the chain of importers
/// that led to it, to refuse a circle (fingerprints that would have to name each other).
fn fingerprint_copy(
    path: &str,
    files: &BTreeMap<String, Vec<u8>>,
    copies: &mut BTreeMap<String, (String, Vec<u8>)>,
    importing: &mut Vec<String>,
) -> Result<(), Diagnostic> {
    if copies.contains_key(path) {
        return Ok(());
    }
    let bytes = &files[path];
    let source = match std::str::from_utf8(bytes) {
        Ok(source) if path.ends_with(".js") || path.ends_with(".mjs") => source,
        _ => {
            copies.insert(path.to_owned(), (fingerprint(path, bytes), bytes.clone()));
            return Ok(());
        }
    };
    importing.push(path.to_owned());
    let mut copy = String::with_capacity(source.len());
    let mut copied = 0;
    for range in relative_imports(source) {
        let specifier = &source[range.clone()];
        let target = resolve_import(path, specifier)
            .filter(|target| files.contains_key(target))
            .ok_or_else(|| {
                Diagnostic::error(
                    "themes",
                    format!(
                        "the static file `{path}` imports `{specifier}`, which the theme does \
                         not have"
                    ),
                )
                .hint(
                    "a module imports the theme's other static files by relative paths, such \
                     as './x.js'",
                )
            })?;
        if importing.contains(&target) {
            let circle = importing.join(" -> ");
            return Err(Diagnostic::error(
                "themes",
                format!("the static files {circle} -> {target} import one another in a circle"),
            )
            .hint(
                "fingerprinted modules cannot name one another in a circle: move what they \
                 share into a module of its own",
            ));
        }
        fingerprint_copy(&target, files, copies, importing)?;
        let folder = specifier
            .rfind('/')
            .map_or("", |slash| &specifier[..=slash]);
        let name = copies[&target].0.rsplit('/').next().unwrap_or_default();
        copy.push_str(&source[copied..range.start]);
        copy.push_str(folder);
        copy.push_str(name);
        copied = range.end;
    }
    copy.push_str(&source[copied..]);
    importing.pop();
    copies.insert(
        path.to_owned(),
        (fingerprint(path, copy.as_bytes()), copy.into_bytes()),
    );
    Ok(())
}

/// The static file a relative specifier names from the module at `importer`: `./x.js` from
/// `search/worker.js` is `search/x.js`. `None` for one that climbs out of the theme.
fn resolve_import(importer: &str, specifier: &str) -> Option<String> {
    let mut parts: Vec<&str> = importer.split('/').collect();
    parts.pop();
    for part in specifier.split('/') {
        match part {
            "." => {}
            ".." => {
                parts.pop()?;
            }
            "" => return None,
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
}

/// Where a JavaScript module names another by a relative path: the byte ranges of the
/// specifiers (between the quotes) of `import … from './x.js'`, `export … from '../y.js'`,
/// `import './z.js'` and `import('./z.js')`. Comments, strings and template literals are
/// skipped. (Regular expression literals are not told from division: a quote inside one can
/// hide an import on the rest of its line.)
fn relative_imports(source: &str) -> Vec<Range<usize>> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    // `import` or `from`, when only blanks (and, after `import`, a `(`) have come since.
    let mut keyword: Option<&str> = None;
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let word_byte = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$';
        if rest.starts_with(b"//") {
            at += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        } else if rest.starts_with(b"/*") {
            let end = rest[2..].windows(2).position(|pair| pair == b"*/");
            at += end.map_or(rest.len(), |end| end + 4);
        } else if let quote @ (b'\'' | b'"' | b'`') = rest[0] {
            let mut end = 1;
            while end < rest.len() && rest[end] != quote && (quote == b'`' || rest[end] != b'\n') {
                end += if rest[end] == b'\\' { 2 } else { 1 };
            }
            let closed = rest.get(end) == Some(&quote);
            let text = at + 1..at + end.min(rest.len());
            if closed && quote != b'`' && keyword.is_some() {
                let specifier = &source[text.clone()];
                if specifier.starts_with("./") || specifier.starts_with("../") {
                    found.push(text);
                }
            }
            keyword = None;
            at += end + 1;
        } else if word_byte(&rest[0]) {
            let len = rest
                .iter()
                .position(|b| !word_byte(b))
                .unwrap_or(rest.len());
            let word = &source[at..at + len];
            let property = at > 0 && bytes[at - 1] == b'.';
            keyword = (!property && (word == "import" || word == "from")).then_some(word);
            at += len;
        } else {
            if !(rest[0].is_ascii_whitespace() || (rest[0] == b'(' && keyword == Some("import"))) {
                keyword = None;
            }
            at += 1;
        }
    }
    found
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn relative_imports_are_found_outside_comments_and_strings() {
        let source = "import { a } from './a.js';\nimport \"../b.js\";\n\
            export * from './c.mjs'; const d = import( './d.js');\n\
            // import './no.js'\n/* from './no.js' */ const s = 'from ./no.js';\n\
            const t = \"import './no.js'\"; x.import('./no.js'); y = `from './no.js'`;\n\
            import e from 'bare'; import f from '/absolute.js'; import g from /* ? */ './g.js';";
        let found: Vec<&str> = relative_imports(source)
            .into_iter()
            .map(|range| &source[range])
            .collect();
        assert_eq!(found, ["./a.js", "../b.js", "./c.mjs", "./d.js", "./g.js"]);
    }

    #[test]
    fn fingerprinted_modules_import_fingerprinted_modules() {
        let files = |dom: &str| {
            BTreeMap::from([
                (
                    "search/search.js".to_owned(),
                    b"import { el } from './dom.js';\nimport '../lib/x.js';\n".to_vec(),
                ),
                ("search/dom.js".to_owned(), dom.as_bytes().to_vec()),
                ("lib/x.js".to_owned(), b"export {};\n".to_vec()),
                ("style.css".to_owned(), b"p{}".to_vec()),
            ])
        };
        let copies = fingerprinted_copies(&files("export const el = 1;\n")).unwrap();
        let (dom, x, search) = (
            &copies["search/dom.js"].0,
            &copies["lib/x.js"].0,
            &copies["search/search.js"],
        );
        let name = |path: &str| path.rsplit('/').next().unwrap().to_owned();
        assert_eq!(
            String::from_utf8_lossy(&search.1),
            format!(
                "import {{ el }} from './{}';\nimport '../lib/{}';\n",
                name(dom),
                name(x)
            )
        );
        assert_eq!(search.0, fingerprint("search/search.js", &search.1));
        assert_eq!(
            copies["style.css"],
            (fingerprint("style.css", b"p{}"), b"p{}".to_vec())
        );
        // A changed module changes the fingerprint of its importer, and of nothing else.
        let changed = fingerprinted_copies(&files("export const el = 2;\n")).unwrap();
        assert_ne!(changed["search/dom.js"].0, *dom);
        assert_ne!(changed["search/search.js"].0, search.0);
        assert_eq!(changed["lib/x.js"].0, *x);
    }

    #[test]
    fn importing_a_missing_file_or_in_a_circle_is_an_error() {
        let theme = |files: &[(&str, &str)]| -> BTreeMap<String, Vec<u8>> {
            files
                .iter()
                .map(|(path, text)| (path.to_string(), text.as_bytes().to_vec()))
                .collect()
        };
        let error = |files| fingerprinted_copies(&theme(files)).unwrap_err().message;
        assert!(error(&[("a.js", "import './gone.js';")]).contains("`./gone.js`"));
        assert!(error(&[("a.js", "import '../a.js';")]).contains("`../a.js`"));
        let circle = error(&[("a.js", "import './b.js';"), ("b.js", "import './a.js';")]);
        assert!(circle.contains("a.js -> b.js -> a.js"), "{circle}");
    }

    #[test]
    fn the_built_in_modules_copies_import_each_other() {
        let copies = fingerprinted_copies(&Theme::built_in().static_files).unwrap();
        let written: Vec<&String> = copies.values().map(|(path, _)| path).collect();
        let mut imports = 0;
        for (copy_path, bytes) in copies.values() {
            let source = String::from_utf8_lossy(bytes);
            for range in relative_imports(&source) {
                let target = resolve_import(copy_path, &source[range]);
                assert!(
                    target.as_ref().is_some_and(|t| written.contains(&t)),
                    "{copy_path} imports {target:?}, which is not written"
                );
                imports += 1;
            }
        }
        assert!(imports > 0, "the search page's modules import one another");
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
