//! Checking a built site: every internal link and asset of every page resolves to a file of
//! the output, under the site's path prefix. `testimony check --output DIR` runs it on what will
//! be deployed.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use regex::Regex;
use walkdir::WalkDir;

/// A link that leads nowhere: the page it is on and where it points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct BrokenLink {
    pub page: String,
    pub target: String,
}

/// What a check of a built site found.
#[derive(Debug, Default)]
pub struct LinkReport {
    pub pages: usize,
    pub links: usize,
    pub broken: Vec<BrokenLink>,
}

/// Why a built site could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum LinkCheckError {
    #[error("{} has no index.html: is it a built site? Build it with `testimony build` first", .0.display())]
    NotABuiltSite(PathBuf),
    #[error("cannot read {page}")]
    Read {
        page: String,
        #[source]
        error: io::Error,
    },
}

/// Checks every `href` and `src` of every HTML page under `output_dir`. `root` is the site's
/// path prefix (`/` or `/archive/`): a link outside it is outside the site and is not checked,
/// nor are links to other hosts.
pub fn check_links(output_dir: &Path, root: &str) -> Result<LinkReport, LinkCheckError> {
    let attribute =
        Regex::new(r#"(?i)\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"#)
            .expect("the attribute pattern is valid");
    let files: BTreeSet<String> = WalkDir::new(output_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(output_dir).ok()?;
            Some(relative.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    if !files.contains("index.html") {
        return Err(LinkCheckError::NotABuiltSite(output_dir.to_path_buf()));
    }
    let mut report = LinkReport::default();
    for page in files.iter().filter(|f| f.ends_with(".html")) {
        let html =
            fs::read_to_string(output_dir.join(page)).map_err(|error| LinkCheckError::Read {
                page: page.clone(),
                error,
            })?;
        report.pages += 1;
        for captures in attribute.captures_iter(&html) {
            let raw = captures
                .get(1)
                .or_else(|| captures.get(2))
                .or_else(|| captures.get(3))
                .map_or("", |m| m.as_str());
            let target = raw.replace("&amp;", "&");
            let Some(path) = internal_path(page, &target, root) else {
                continue;
            };
            report.links += 1;
            if !resolves(&files, &path) {
                report.broken.push(BrokenLink {
                    page: page.clone(),
                    target,
                });
            }
        }
    }
    report.broken.sort();
    report.broken.dedup();
    Ok(report)
}

/// The output-relative path a link points to, or `None` for links that leave the site.
fn internal_path(page: &str, target: &str, root: &str) -> Option<String> {
    let target = target.split(['#', '?']).next().unwrap_or_default();
    if target.is_empty() || target.contains(':') || target.starts_with("//") {
        return None;
    }
    let joined = if let Some(absolute) = target.strip_prefix('/') {
        // A site-absolute link must stay under the path prefix; one outside it is reported
        // as broken, since the deployed site cannot answer it.
        let prefix = root.trim_start_matches('/');
        match absolute.strip_prefix(prefix) {
            Some(rest) => rest.to_string(),
            None => return Some(format!("../{absolute}")),
        }
    } else {
        let directory = page.rsplit_once('/').map_or("", |(dir, _)| dir);
        format!("{directory}/{target}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Some(format!("../{joined}"));
                }
            }
            other => parts.push(other),
        }
    }
    let mut path = parts.join("/");
    if joined.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

fn resolves(files: &BTreeSet<String>, path: &str) -> bool {
    files.contains(path) || files.contains(&format!("{path}/index.html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_against_the_page_and_the_prefix() {
        assert_eq!(
            internal_path("index.html", "/archive/schools/", "/archive/").as_deref(),
            Some("schools/index.html")
        );
        assert_eq!(
            internal_path("a/b/index.html", "../c.css", "/").as_deref(),
            Some("a/c.css")
        );
        assert_eq!(
            internal_path("index.html", "/schools/", "/archive/").as_deref(),
            Some("../schools/")
        );
        assert_eq!(
            internal_path("index.html", "https://example.org/", "/"),
            None
        );
        assert_eq!(internal_path("index.html", "#main", "/"), None);
        assert_eq!(
            internal_path("index.html", "/", "/").as_deref(),
            Some("index.html")
        );
    }
}
