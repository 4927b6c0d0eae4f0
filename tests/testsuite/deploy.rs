//! The host configurations in `deploy/` say what `netlify.toml` says: the same security headers,
//! and for Cloudflare Pages the same headers for the same paths, so that no host is left with
//! an older policy when one of them changes.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::repo_root;

/// Header name (lower case, as hosts compare them) to value.
type Headers = BTreeMap<String, String>;

/// Path pattern to the headers sent for it.
type Rules = BTreeMap<String, Headers>;

fn read(relative: &str) -> String {
    std::fs::read_to_string(repo_root().join(relative))
        .unwrap_or_else(|error| panic!("{relative}: {error}"))
}

/// The `[[headers]]` rules of netlify.toml.
fn netlify_rules() -> Rules {
    let config: toml::Value = toml::from_str(&read("netlify.toml")).unwrap();
    let mut rules = Rules::new();
    for rule in config["headers"].as_array().unwrap() {
        let values = rule["values"].as_table().unwrap().iter();
        let headers = values
            .map(|(name, value)| (name.to_lowercase(), value.as_str().unwrap().to_string()))
            .collect();
        let pattern = rule["for"].as_str().unwrap().to_string();
        assert!(
            rules.insert(pattern.clone(), headers).is_none(),
            "netlify.toml: {pattern} twice"
        );
    }
    rules
}

/// A `_headers` file as Cloudflare Pages reads it: a line starting with `/` opens a rule,
/// indented `Name: value` lines follow, `#` starts a comment. Cloudflare ignores a line longer
/// than 2,000 characters and takes at most 100 rules; a name given twice in a rule would be
/// joined with a comma, which no value here means.
fn cloudflare_rules(relative: &str) -> Rules {
    let mut rules = Rules::new();
    let mut current: Option<String> = None;
    for (index, line) in read(relative).lines().enumerate() {
        let at = format!("{relative}:{}", index + 1);
        assert!(line.len() <= 2000, "{at}: longer than Cloudflare reads");
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with('/') {
            assert!(
                rules.insert(trimmed.to_string(), Headers::new()).is_none(),
                "{at}: rule twice"
            );
            current = Some(trimmed.to_string());
            continue;
        }
        assert!(
            line.starts_with(char::is_whitespace),
            "{at}: a header line must be indented"
        );
        let rule = current
            .as_ref()
            .unwrap_or_else(|| panic!("{at}: header before any path"));
        let (name, value) = trimmed
            .split_once(':')
            .unwrap_or_else(|| panic!("{at}: no colon"));
        let headers = rules.get_mut(rule).unwrap();
        let previous = headers.insert(name.trim().to_lowercase(), value.trim().to_string());
        assert!(previous.is_none(), "{at}: {name} twice in one rule");
    }
    assert!(
        rules.len() <= 100,
        "{relative}: more rules than Cloudflare takes"
    );
    rules
}

/// `NAME "VALUE"` pairs of the lines of `relative` that start with `directive` (after
/// indentation), as nginx's `add_header` and Apache's `Header always set` write them.
fn quoted_headers(relative: &str, directive: &str) -> Headers {
    let mut headers = Headers::new();
    for line in read(relative).lines() {
        let Some(rest) = line.trim().strip_prefix(directive) else {
            continue;
        };
        let (name, quoted) = rest.trim().split_once(' ').unwrap();
        let value = quoted
            .split('"')
            .nth(1)
            .unwrap_or_else(|| panic!("{relative}: {line}"));
        let previous = headers.insert(name.to_lowercase(), value.to_string());
        assert!(previous.is_none(), "{relative}: {name} twice");
    }
    headers
}

/// Every double-quoted string of `relative` that holds a `max-age`, as the caching rules of the
/// nginx and Apache files write their Cache-Control values (and Apache its HSTS header).
fn quoted_max_ages(relative: &str) -> BTreeSet<String> {
    let text = read(relative);
    let quoted = text
        .lines()
        .flat_map(|line| line.split('"').skip(1).step_by(2));
    quoted
        .filter(|s| s.contains("max-age="))
        .map(str::to_string)
        .collect()
}

#[test]
fn cloudflare_pages_headers_are_netlify_toml_headers() {
    assert_eq!(
        cloudflare_rules("deploy/cloudflare-pages/_headers"),
        netlify_rules(),
        "deploy/cloudflare-pages/_headers and netlify.toml differ"
    );
}

#[test]
fn nginx_and_apache_send_netlify_toml_headers() {
    let netlify = netlify_rules();
    let security = &netlify["/*"];
    assert!(security.contains_key("content-security-policy"));
    for (file, directive) in [
        ("deploy/nginx/testimony-headers.conf", "add_header "),
        ("deploy/apache/testimony.conf", "Header always set "),
        ("deploy/apache/.htaccess", "Header always set "),
    ] {
        assert_eq!(
            &quoted_headers(file, directive),
            security,
            "{file} and netlify.toml differ"
        );
    }

    // The caching rules are written in each server's own terms; their values must be the same.
    let mut max_ages: BTreeSet<String> = netlify
        .values()
        .filter_map(|headers| headers.get("cache-control").cloned())
        .collect();
    assert_eq!(max_ages.len(), 2, "immutable files and the search manifest");
    for file in [
        "deploy/nginx/testimony.conf",
        "deploy/nginx/testimony-archive.conf",
    ] {
        assert_eq!(
            quoted_max_ages(file),
            max_ages,
            "{file} and netlify.toml differ"
        );
    }
    max_ages.insert(security["strict-transport-security"].clone());
    for file in ["deploy/apache/testimony.conf", "deploy/apache/.htaccess"] {
        assert_eq!(
            quoted_max_ages(file),
            max_ages,
            "{file} and netlify.toml differ"
        );
    }
}
