//! Every output path of the site (DESIGN.md §4) and the pagination maths, in one place. Views,
//! pages, the build and serve's rebuild ask here; nothing else formats a path.
//!
//! A path is relative to the site's root, without the base URL's prefix: `schools/x/` is a
//! page (written to `schools/x/index.html`, see [`file_of`]), `schools/x/atom.xml` a file.
//! [`Urls`] turns a path into a link (with the prefix) or an absolute URL.

use std::ops::Range;

pub const HOME: &str = "";
pub const TESTIMONIES: &str = "testimonies/";
pub const SCHOOLS: &str = "schools/";
pub const TAGS: &str = "tags/";
pub const UPDATES: &str = "updates/";
pub const SEARCH: &str = "search/";
pub const NOT_FOUND: &str = "404.html";
pub const SCHOOLS_JSON: &str = "schools.json";
pub const SITEMAP: &str = "sitemap.xml";
pub const ROBOTS: &str = "robots.txt";

/// The first segments of the site's own paths: a campaign page may not take them as its slug.
pub const RESERVED_SLUGS: &[&str] = &[
    "testimonies",
    "schools",
    "tags",
    "updates",
    "search",
    "assets",
    "404",
    "page",
    "sitemap",
    "sitemaps",
    "robots",
];

/// `testimonies/1042/`
pub fn testimony(id: u64) -> String {
    format!("{TESTIMONIES}{id}/")
}

/// `schools/<slug>/`
pub fn school(slug: &str) -> String {
    format!("{SCHOOLS}{slug}/")
}

/// `tags/<slug>/`
pub fn tag(slug: &str) -> String {
    format!("{TAGS}{slug}/")
}

/// `updates/<slug>/`
pub fn update(slug: &str) -> String {
    format!("{UPDATES}{slug}/")
}

/// `<slug>/`: a campaign page.
pub fn page(slug: &str) -> String {
    format!("{slug}/")
}

/// The Atom feed of a list page: `schools/<slug>/atom.xml`, `updates/atom.xml`.
pub fn feed(list: &str) -> String {
    format!("{list}atom.xml")
}

/// The search page, filtered to one school: `search/?school=<slug>`.
pub fn school_search(slug: &str) -> String {
    format!("{SEARCH}?school={slug}")
}

/// The search page, filtered to one topic: `search/?tag=<slug>`.
pub fn tag_search(slug: &str) -> String {
    format!("{SEARCH}?tag={slug}")
}

/// Part `number` (from 1) of a sitemap too long for one file: `sitemaps/<number>.xml`.
pub fn sitemap_part(number: usize) -> String {
    format!("sitemaps/{number}.xml")
}

/// A static file's fingerprinted copy, cached for ever by browsers:
/// `style.css` → `assets/style.<hash>.css`.
pub fn fingerprinted(path: &str, hash: &str) -> String {
    let (stem, extension) = match path.rsplit_once('.') {
        Some((stem, extension)) if !stem.ends_with('/') => (stem, format!(".{extension}")),
        _ => (path, String::new()),
    };
    format!("assets/{stem}.{hash}{extension}")
}

/// The file a page is written to: `schools/x/` → `schools/x/index.html`, `` → `index.html`.
pub fn file_of(page: &str) -> String {
    format!("{page}index.html")
}

/// Page `number` (from 1) of the list at `base`: page 1 is the list's own path, page N is
/// `<base>page/N/`. `base` may be a path or a link.
pub fn list_page(base: &str, number: usize) -> String {
    if number == 1 {
        base.to_string()
    } else {
        format!("{base}page/{number}/")
    }
}

/// How a list of `len` entries is cut into pages of `per_page`: an empty list still has one
/// (empty) page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pagination {
    per_page: usize,
    len: usize,
}

impl Pagination {
    pub fn new(per_page: usize, len: usize) -> Pagination {
        Pagination {
            per_page: per_page.max(1),
            len,
        }
    }

    /// How many pages there are (at least 1).
    pub fn pages(&self) -> usize {
        self.len.div_ceil(self.per_page).max(1)
    }

    /// The entries on page `number` (from 1); empty past the end.
    pub fn range(&self, number: usize) -> Range<usize> {
        let start = ((number.max(1) - 1) * self.per_page).min(self.len);
        start..(start + self.per_page).min(self.len)
    }
}

/// `a-z`, `0-9` and single hyphens inside: safe as one URL path segment.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
}

/// Links and absolute URLs of paths, for a site at `base_url`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls {
    /// The path prefix of the base URL, starting and ending with `/`.
    root: String,
    /// Absolute, ending in `/`.
    base_url: String,
}

impl Urls {
    /// `base_url` is absolute and ends in `/` (as `SiteConfig::base_url` is).
    pub fn new(base_url: &str) -> Urls {
        Urls {
            root: root_of(base_url),
            base_url: base_url.to_string(),
        }
    }

    /// The link to `path` from any page of the site: `/archive/schools/x/`.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.root)
    }

    /// The absolute URL of `path`: `https://example.org/archive/schools/x/`.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The link to the site's root: `/archive/`.
    pub fn root(&self) -> &str {
        &self.root
    }
}

/// `https://host/archive/` → `/archive/`; `https://host/` → `/`.
pub fn root_of(base_url: &str) -> String {
    let without_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match without_scheme.find('/') {
        Some(index) => without_scheme[index..].to_string(),
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_cut_into_pages_with_page_one_at_the_list_itself() {
        let pages = Pagination::new(50, 120);
        assert_eq!(pages.pages(), 3);
        assert_eq!(pages.range(1), 0..50);
        assert_eq!(pages.range(3), 100..120);
        assert_eq!(pages.range(4), 120..120);
        assert_eq!(Pagination::new(50, 0).pages(), 1);
        assert_eq!(Pagination::new(50, 0).range(1), 0..0);
        assert_eq!(list_page("schools/x/", 1), "schools/x/");
        assert_eq!(list_page("schools/x/", 2), "schools/x/page/2/");
    }

    #[test]
    fn links_carry_the_base_urls_prefix() {
        let urls = Urls::new("https://example.org/archive/");
        assert_eq!(urls.link(&school("x")), "/archive/schools/x/");
        assert_eq!(
            urls.absolute(&feed(&school("x"))),
            "https://example.org/archive/schools/x/atom.xml"
        );
        assert_eq!(file_of(HOME), "index.html");
        assert_eq!(
            fingerprinted("search/worker.js", "0a1b2c3d4e"),
            "assets/search/worker.0a1b2c3d4e.js"
        );
        assert_eq!(root_of("https://example.org/"), "/");
    }

    #[test]
    fn no_page_slug_can_take_a_path_of_the_sites_own() {
        let own = [
            TESTIMONIES.to_string(),
            SCHOOLS.to_string(),
            TAGS.to_string(),
            UPDATES.to_string(),
            SEARCH.to_string(),
            NOT_FOUND.to_string(),
            SITEMAP.to_string(),
            ROBOTS.to_string(),
            sitemap_part(1),
            fingerprinted("style.css", "0"),
            list_page("x/", 2).trim_start_matches("x/").to_string(),
        ];
        for path in own {
            let first = path.split(['/', '.']).next().unwrap();
            assert!(RESERVED_SLUGS.contains(&first), "{first} of {path}");
        }
    }

    #[test]
    fn slugs_are_single_safe_path_segments() {
        assert!(is_valid_slug("how-to-report"));
        assert!(!is_valid_slug("../etc"));
        assert!(!is_valid_slug("About"));
        assert!(!is_valid_slug(""));
        assert!(!is_valid_slug("a--b"));
    }
}
