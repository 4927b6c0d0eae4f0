//! The typed, public views templates receive. They borrow from the public archive only, so
//! nothing private can reach a template: there is no field to put it in.

use chrono::NaiveDate;
use serde::Serialize;

use crate::markdown::excerpt;
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
    pub excerpt: String,
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
            excerpt: excerpt(&testimony.body_text, 40),
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
    pub fn new(base: &str, current: usize, total: usize) -> Option<PagerView> {
        if total <= 1 {
            return None;
        }
        let url = |n: usize| routes::list_page(base, n);
        Some(PagerView {
            current,
            total,
            prev_url: (current > 1).then(|| url(current - 1)),
            next_url: (current < total).then(|| url(current + 1)),
            pages: (1..=total)
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
