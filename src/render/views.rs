//! The typed, public views templates receive. They borrow from the public archive only, so
//! nothing private can reach a template: there is no field to put it in.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Archive, Page, PublicTestimony, School, Update};
use crate::routes::{self, Urls};

/// Site-wide values every template gets as `site`.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub base_url: &'a str,
    pub root: String,
    pub quick_exit_url: &'a str,
    pub support_html: &'a str,
    pub menu: Vec<LinkView>,
}

impl<'a> SiteView<'a> {
    pub fn new(archive: &'a Archive) -> Self {
        let config = &archive.config;
        let urls = config.urls();
        let mut menu: Vec<&Page> = archive.pages.iter().filter(|p| p.menu.is_some()).collect();
        menu.sort_by(|a, b| a.menu.cmp(&b.menu).then(a.title.cmp(&b.title)));
        SiteView {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            base_url: &config.base_url,
            quick_exit_url: &config.quick_exit_url,
            support_html: &archive.support_html,
            menu: menu
                .into_iter()
                .map(|page| LinkView {
                    title: page.title.clone(),
                    url: urls.link(&routes::page(&page.slug)),
                })
                .collect(),
            root: urls.root().to_string(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct LinkView {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct SchoolLink<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct TagLink<'a> {
    pub slug: &'a str,
    pub label: &'a str,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct TestimonyView<'a> {
    pub id: u64,
    pub title: &'a str,
    pub url: String,
    pub published: String,
    pub published_human: String,
    pub period: Option<String>,
    pub schools: Vec<SchoolLink<'a>>,
    pub tags: Vec<TagLink<'a>>,
    pub content_warnings: &'a [String],
    pub excerpt: &'a str,
    pub body_html: &'a str,
}

impl<'a> TestimonyView<'a> {
    pub fn new(archive: &'a Archive, urls: &Urls, testimony: &'a PublicTestimony) -> Self {
        TestimonyView {
            id: testimony.id,
            title: &testimony.title,
            url: urls.link(&routes::testimony(testimony.id)),
            published: testimony.published.to_string(),
            published_human: human_date(testimony.published),
            period: testimony.period.map(|p| p.to_string()),
            schools: testimony
                .schools
                .iter()
                .map(|&id| {
                    let school = archive.schools.get(id);
                    SchoolLink {
                        name: &school.name,
                        slug: &school.slug,
                        url: urls.link(&routes::school(&school.slug)),
                    }
                })
                .collect(),
            tags: testimony
                .tags
                .iter()
                .map(|slug| TagLink {
                    slug,
                    label: archive
                        .config
                        .tags
                        .get(slug)
                        .map_or(slug.as_str(), String::as_str),
                    url: urls.link(&routes::tag(slug)),
                })
                .collect(),
            content_warnings: &testimony.content_warnings,
            excerpt: &testimony.excerpt,
            body_html: &testimony.body_html,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SchoolView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub feed_url: String,
    pub search_url: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub region: Option<&'a str>,
    pub aliases: &'a [String],
    pub former_names: &'a [String],
    pub count: usize,
}

impl<'a> SchoolView<'a> {
    pub fn new(urls: &Urls, school: &'a School, count: usize) -> Self {
        let path = routes::school(&school.slug);
        SchoolView {
            name: &school.name,
            slug: &school.slug,
            feed_url: urls.link(&routes::feed(&path)),
            search_url: urls.link(&routes::school_search(&school.slug)),
            url: urls.link(&path),
            kind: school.kind.slug(),
            kind_label: school.kind.label(),
            region: school.region.as_deref(),
            aliases: &school.aliases,
            former_names: &school.former_names,
            count,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TagView<'a> {
    pub slug: &'a str,
    pub label: &'a str,
    pub url: String,
    /// The search page filtered to this topic.
    pub search_url: String,
    pub count: usize,
}

#[derive(Debug, Serialize)]
pub struct UpdateView<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub date: String,
    pub date_human: String,
    pub summary: Option<&'a str>,
    pub content_html: &'a str,
}

impl<'a> UpdateView<'a> {
    pub fn new(urls: &Urls, update: &'a Update) -> Self {
        UpdateView {
            title: &update.title,
            slug: &update.slug,
            url: urls.link(&routes::update(&update.slug)),
            date: update.date.to_string(),
            date_human: human_date(update.date),
            summary: update.summary.as_deref(),
            content_html: &update.content_html,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub content_html: &'a str,
}

#[derive(Debug, Serialize)]
pub struct PagerView {
    pub current: usize,
    pub total: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PagerLink>,
}

#[derive(Debug, Serialize)]
pub struct PagerLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

impl PagerView {
    /// `None` when everything fits on one page. `base` is the first page's link.
    ///
    /// `pages` holds the pages a pager shows, in order: the first and the last, two on each
    /// side of the current one, and pages 2 and `total - 1` where they stand for a gap. Not
    /// every page: a list of 2,000 pages would otherwise give each of its pages 2,000 links to
    /// weigh, four million for the list.
    pub fn new(base: &str, current: usize, total: usize) -> Option<PagerView> {
        if total <= 1 {
            return None;
        }
        let url = |n: usize| routes::list_page(base, n);
        let near = current.saturating_sub(2).max(1)..=(current + 2).min(total);
        let mut numbers: Vec<usize> = [1, 2, total - 1, total]
            .into_iter()
            .chain(near)
            .filter(|n| (1..=total).contains(n))
            .collect();
        numbers.sort_unstable();
        numbers.dedup();
        Some(PagerView {
            current,
            total,
            prev_url: (current > 1).then(|| url(current - 1)),
            next_url: (current < total).then(|| url(current + 1)),
            pages: numbers
                .into_iter()
                .map(|number| PagerLink {
                    number,
                    url: url(number),
                    current: number == current,
                })
                .collect(),
        })
    }
}

#[derive(Debug, Serialize)]
pub struct FeedView<'a> {
    pub title: String,
    pub id: String,
    pub self_url: String,
    pub alternate_url: String,
    pub updated: String,
    pub entries: Vec<FeedEntry<'a>>,
}

#[derive(Debug, Serialize)]
pub struct FeedEntry<'a> {
    pub title: &'a str,
    pub id: String,
    pub url: String,
    pub published: String,
    pub updated: String,
    pub summary: String,
    pub content_html: &'a str,
}

#[derive(Debug, Serialize)]
pub struct SitemapEntry {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// One entry of `/schools.json`: what readers' tools and journalists need.
#[derive(Debug, Serialize)]
pub struct SchoolRecord<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub kind: &'static str,
    pub region: Option<&'a str>,
    pub aliases: &'a [String],
    pub former_names: &'a [String],
    pub urn: Option<&'a str>,
    pub count: usize,
    pub feed_url: String,
}

/// "28 March 2021".
pub fn human_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// Midnight UTC of a day, as Atom wants it.
pub fn rfc3339(date: NaiveDate) -> String {
    format!("{date}T00:00:00Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the default theme's pager shows of a page number: a link, a gap, or nothing.
    fn shown(number: usize, current: usize, total: usize) -> Option<bool> {
        let link = number == 1 || number == total || number.abs_diff(current) <= 2;
        let gap = number == 2 || number + 1 == total;
        (link || gap).then_some(link)
    }

    #[test]
    fn a_pager_holds_every_page_a_pager_shows() {
        for total in 2..=12 {
            for current in 1..=total {
                let pager = PagerView::new("/t/", current, total).unwrap();
                let all: Vec<(usize, bool)> = (1..=total)
                    .filter_map(|n| shown(n, current, total).map(|link| (n, link)))
                    .collect();
                let held: Vec<(usize, bool)> = pager
                    .pages
                    .iter()
                    .filter_map(|p| shown(p.number, current, total).map(|link| (p.number, link)))
                    .collect();
                assert_eq!(held, all, "page {current} of {total}");
                assert!(
                    pager
                        .pages
                        .iter()
                        .all(|p| p.current == (p.number == current))
                );
            }
        }
        assert_eq!(PagerView::new("/t/", 900, 1800).unwrap().pages.len(), 9);
    }
}
