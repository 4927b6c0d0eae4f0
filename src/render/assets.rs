//! The theme's static files as the site serves them: each also as a fingerprinted copy under
//! `assets/` (cached for ever by browsers), with JavaScript modules importing each other's
//! fingerprinted copies.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use sha2::{Digest, Sha256};

use crate::diagnostics::Diagnostic;
use crate::routes;

/// `style.css` → `assets/style.<10 hex digits of its SHA-256>.css`.
fn fingerprint(path: &str, bytes: &[u8]) -> String {
    routes::fingerprinted(path, &content_hash(bytes))
}

/// 10 hex digits of a file's SHA-256, for its fingerprinted name.
fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(5)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Each static file's fingerprinted copy under `assets/`: its path and bytes. A JavaScript
/// module's copy imports the copies of its neighbours: each relative specifier (`./dom.js`)
/// names the fingerprinted file instead (`./dom.<hash>.js`), and is rewritten before the
/// importer's own fingerprint is taken, so a changed module changes the fingerprint of every
/// module importing it. The plain copies keep their imports, which resolve to plain paths.
pub(super) fn fingerprinted_copies(
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

/// The bundles that stand in for their entry modules: `search/search.js` is served as
/// `search/search.bundle.js` (tools/bundle/bundle.mjs makes it from that module and those it
/// imports) when the theme has that bundle, unless the site supplies one of the bundled modules
/// but not the bundle, which would then be stale: the modules are served instead.
pub(super) fn standing_bundles(
    files: &BTreeMap<String, Vec<u8>>,
    site_files: &BTreeSet<String>,
) -> BTreeMap<String, String> {
    let mut bundles = BTreeMap::new();
    for entry in files.keys() {
        let Some(stem) = entry.strip_suffix(".js") else {
            continue;
        };
        let bundle = format!("{stem}.bundle.js");
        if !files.contains_key(&bundle) {
            continue;
        }
        let stale = !site_files.contains(&bundle)
            && module_graph(entry, files)
                .iter()
                .any(|module| site_files.contains(module));
        if !stale {
            bundles.insert(entry.clone(), bundle);
        }
    }
    bundles
}

/// `entry` and every module it imports, directly or not (those the theme has).
fn module_graph(entry: &str, files: &BTreeMap<String, Vec<u8>>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut next = vec![entry.to_owned()];
    while let Some(path) = next.pop() {
        let Some(bytes) = files.get(&path) else {
            continue;
        };
        let source = String::from_utf8_lossy(bytes);
        for range in relative_imports(&source) {
            if let Some(target) = resolve_import(&path, &source[range])
                && !found.contains(&target)
            {
                next.push(target);
            }
        }
        found.insert(path);
    }
    found
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::Theme;

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
    fn a_bundle_stands_for_its_modules_unless_the_site_changed_one_of_them() {
        let files: BTreeMap<String, Vec<u8>> = [
            ("search/search.js", "import './dom.js';"),
            ("search/dom.js", "export {};"),
            ("search/search.bundle.js", "/* both */"),
            ("search/other.js", "export {};"),
            ("school-finder.js", "import './search/dom.js';"),
        ]
        .into_iter()
        .map(|(path, text)| (path.to_owned(), text.as_bytes().to_vec()))
        .collect();
        let site = |paths: &[&str]| paths.iter().map(|p| p.to_string()).collect();
        let bundled = BTreeMap::from([(
            "search/search.js".to_owned(),
            "search/search.bundle.js".to_owned(),
        )]);
        assert_eq!(standing_bundles(&files, &site(&[])), bundled);
        assert_eq!(
            standing_bundles(&files, &site(&["search/other.js", "school-finder.js"])),
            bundled
        );
        assert!(standing_bundles(&files, &site(&["search/dom.js"])).is_empty());
        assert!(standing_bundles(&files, &site(&["search/search.js"])).is_empty());
        assert_eq!(
            standing_bundles(&files, &site(&["search/dom.js", "search/search.bundle.js"])),
            bundled
        );
    }

    #[test]
    fn the_built_in_bundles_stand_for_the_search_page_and_its_worker() {
        let theme = Theme::built_in();
        let bundles = standing_bundles(&theme.static_files, &BTreeSet::new());
        assert_eq!(
            bundles.into_iter().collect::<Vec<_>>(),
            [
                ("search/search.js".into(), "search/search.bundle.js".into()),
                ("search/worker.js".into(), "search/worker.bundle.js".into()),
            ]
        );
        // Nothing is left to import: the page loads one script, the worker one.
        for bundle in ["search/search.bundle.js", "search/worker.bundle.js"] {
            let source = String::from_utf8_lossy(&theme.static_files[bundle]);
            assert!(source.contains("// search/"), "{bundle} is esbuild's");
            assert!(
                relative_imports(&source).is_empty(),
                "{bundle} imports nothing"
            );
        }
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
}
