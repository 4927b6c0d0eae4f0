//! The URL contract (DESIGN.md §4): which files the site has, each rendered from its view.
//!
//! Pages are rendered in parallel (rayon) and handed to a [`Sink`] as soon as each is done, so
//! a big archive is never held in memory as HTML.
//!
//! Longer than most files on purpose: one method per kind of page, side by side, so that a
//! new kind of page is added (and reviewed against DESIGN.md §4) in one place; the paths
//! themselves come from `routes`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use super::views::{
    FeedEntry, FeedView, PageView, PagerView, SchoolRecord, SchoolView, SitemapEntry, TagView,
    TestimonyView, UpdateView, rfc3339,
};
use super::{RenderError, Renderer, Sink};
use crate::model::{Archive, PublicTestimony, SchoolId};
use crate::routes::{self, Pagination, Urls};

/// Most URLs one sitemap file may list (sitemaps.org); more are split under a sitemap index.
pub const SITEMAP_LIMIT: usize = 50_000;

/// Which of the site's pages and feeds to render.
pub trait Selection: Sync {
    /// Whether to render the file at `path` (relative to the output root, e.g.
    /// `schools/x/index.html`, see [`routes::file_of`]). Every page and feed of the site is asked about, rendered or
    /// not; data files (`schools.json`, the sitemap, `robots.txt`) are always rendered.
    fn wants(&self, path: &str) -> bool;
}

/// Every page and feed.
pub struct Everything;

impl Selection for Everything {
    fn wants(&self, _: &str) -> bool {
        true
    }
}

/// Renders every page, feed and data file of the site, and the theme's static files, into
/// `sink`. Returns the number of schools with published testimonies.
pub fn render_all(
    archive: &Archive,
    renderer: &Renderer,
    sink: &dyn Sink,
) -> Result<usize, RenderError> {
    render_selected(archive, renderer, sink, &Everything)
}

/// As [`render_all`], rendering only the pages and feeds `selection` wants.
pub fn render_selected(
    archive: &Archive,
    renderer: &Renderer,
    sink: &dyn Sink,
    selection: &dyn Selection,
) -> Result<usize, RenderError> {
    let site = SiteWriter {
        archive,
        by_school: archive.by_school(),
        by_tag: archive.by_tag(),
        renderer,
        urls: archive.config.urls(),
        sink,
        selection,
        sitemap: Mutex::new(Vec::new()),
    };
    sink.expect(site.file_count() + renderer.assets.len() as u64);
    site.home()?;
    site.testimonies()?;
    site.schools()?;
    site.tags()?;
    site.updates()?;
    site.pages()?;
    site.search()?;
    site.not_found()?;
    site.sitemap_and_robots()?;
    for asset in &renderer.assets {
        sink.put(&asset.path, asset.bytes.clone())?;
    }
    Ok(site.by_school.len())
}

/// A paginated list of testimonies: their ids as the list shows them (newest first), and the
/// path of its feed, if it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntries {
    pub ids: Vec<u64>,
    pub feed: Option<String>,
}

/// Every paginated list of testimonies the site has, by its path: all testimonies, each
/// school's (with its feed) and each tag's.
pub fn lists(archive: &Archive) -> BTreeMap<String, ListEntries> {
    let ids = |list: &[&PublicTestimony]| list.iter().map(|t| t.id).collect();
    let mut lists = BTreeMap::new();
    lists.insert(
        routes::TESTIMONIES.to_owned(),
        ListEntries {
            ids: archive.testimonies.iter().map(|t| t.id).collect(),
            feed: None,
        },
    );
    for (school, list) in archive.by_school() {
        let path = routes::school(&archive.schools.get(school).slug);
        let feed = Some(routes::feed(&path));
        lists.insert(
            path,
            ListEntries {
                ids: ids(&list),
                feed,
            },
        );
    }
    for (tag, list) in archive.by_tag() {
        let entries = ListEntries {
            ids: ids(&list),
            feed: None,
        };
        lists.insert(routes::tag(tag), entries);
    }
    lists
}

struct SiteWriter<'a> {
    archive: &'a Archive,
    /// Each school's and each tag's published testimonies, newest first: computed once, used
    /// by several pages.
    by_school: BTreeMap<SchoolId, Vec<&'a PublicTestimony>>,
    by_tag: BTreeMap<&'a str, Vec<&'a PublicTestimony>>,
    renderer: &'a Renderer<'a>,
    urls: Urls,
    sink: &'a dyn Sink,
    selection: &'a dyn Selection,
    sitemap: Mutex<Vec<SitemapEntry>>,
}

#[derive(Serialize)]
struct ListFields<'a> {
    testimonies: Vec<TestimonyView<'a>>,
    pager: Option<PagerView>,
    total: usize,
}

impl<'a> SiteWriter<'a> {
    /// How many pages, feeds and data files a full render writes (without a sitemap split).
    fn file_count(&self) -> u64 {
        let pages = |n: usize| Pagination::new(self.archive.config.per_page, n).pages() as u64;
        let schools: u64 = self.by_school.values().map(|l| pages(l.len()) + 1).sum();
        let tags = self.by_tag.len() as u64;
        let testimonies = self.archive.testimonies.len();
        let fixed = 10 + self.archive.updates.len() + self.archive.pages.len();
        testimonies as u64 + pages(testimonies) + schools + tags + fixed as u64
    }

    /// Renders an HTML page at `path` (e.g. `schools/x/`, or `` for home) into its file.
    fn html<T: Serialize>(
        &self,
        path: &str,
        template: &str,
        section: &str,
        title: &str,
        lastmod: Option<String>,
        fields: T,
    ) -> Result<(), RenderError> {
        if self.skipped(path, &lastmod) {
            return Ok(());
        }
        let file = routes::file_of(path);
        let key = self
            .sink
            .remembers()
            .then(|| {
                self.renderer
                    .page_key(template, section, title, path, &fields)
            })
            .flatten();
        if !key.is_some_and(|key| self.sink.keep(&file, &key)) {
            let html = self.renderer.page(template, section, title, path, fields)?;
            self.sink
                .put_page(&file, self.renderer.finish_html(html), key)?;
        }
        self.add_to_sitemap(path, lastmod);
        Ok(())
    }

    /// Whether the page at `path` is left unrendered; it stays in the sitemap all the same.
    /// Asked before a page's view is built, which costs more than the question.
    fn skipped(&self, path: &str, lastmod: &Option<String>) -> bool {
        if self.selection.wants(&routes::file_of(path)) {
            return false;
        }
        self.add_to_sitemap(path, lastmod.clone());
        true
    }

    fn add_to_sitemap(&self, path: &str, lastmod: Option<String>) {
        self.sitemap
            .lock()
            .expect("no page panicked while holding the sitemap")
            .push(SitemapEntry {
                loc: self.urls.absolute(path),
                lastmod,
            });
    }

    fn view(&self, testimony: &'a PublicTestimony) -> TestimonyView<'a> {
        TestimonyView::new(self.archive, &self.urls, testimony)
    }

    /// `base`, `base/page/2/` ...: a paginated list of testimonies.
    fn paginated<T: Serialize>(
        &self,
        base: &str,
        template: &str,
        section: &str,
        title: &str,
        testimonies: &[&'a PublicTestimony],
        extra: impl Fn() -> T + Sync,
    ) -> Result<(), RenderError> {
        let pagination = Pagination::new(self.archive.config.per_page, testimonies.len());
        let total_pages = pagination.pages();
        (1..=total_pages).into_par_iter().try_for_each(|number| {
            let chunk = &testimonies[pagination.range(number)];
            let path = routes::list_page(base, number);
            let lastmod = chunk.first().map(|t| t.published.to_string());
            if self.skipped(&path, &lastmod) {
                return Ok(());
            }
            let list = ListFields {
                testimonies: chunk.iter().map(|t| self.view(t)).collect(),
                pager: PagerView::new(&self.urls.link(base), number, total_pages),
                total: testimonies.len(),
            };
            let page_title = if number == 1 {
                title.to_string()
            } else {
                format!("{title} (page {number} of {total_pages})")
            };
            self.html(
                &path,
                template,
                section,
                &page_title,
                lastmod,
                Merged {
                    list,
                    extra: extra(),
                },
            )
        })
    }

    fn home(&self) -> Result<(), RenderError> {
        #[derive(Serialize)]
        struct Counts {
            testimonies: usize,
            schools: usize,
        }
        #[derive(Serialize)]
        struct Home<'a> {
            counts: Counts,
            latest_updates: Vec<UpdateView<'a>>,
            latest_testimonies: Vec<TestimonyView<'a>>,
            letters: Vec<Letter>,
        }
        let home = Home {
            counts: Counts {
                testimonies: self.archive.testimonies.len(),
                schools: self.by_school.len(),
            },
            latest_updates: self
                .archive
                .updates
                .iter()
                .take(3)
                .map(|u| UpdateView::new(&self.urls, u))
                .collect(),
            latest_testimonies: self
                .archive
                .testimonies
                .iter()
                .take(5)
                .map(|t| self.view(t))
                .collect(),
            letters: self.school_groups().into_keys().map(Letter::new).collect(),
        };
        self.html(routes::HOME, "index.html", "home", "", None, home)
    }

    fn testimonies(&self) -> Result<(), RenderError> {
        let all: Vec<&PublicTestimony> = self.archive.testimonies.iter().collect();
        self.paginated(
            routes::TESTIMONIES,
            "testimonies.html",
            "testimonies",
            "All testimonies",
            &all,
            || (),
        )?;
        #[derive(Serialize)]
        struct One<'a> {
            testimony: TestimonyView<'a>,
        }
        self.archive
            .testimonies
            .par_iter()
            .try_for_each(|testimony| {
                let path = routes::testimony(testimony.id);
                let lastmod = Some(testimony.published.to_string());
                if self.skipped(&path, &lastmod) {
                    return Ok(());
                }
                let fields = One {
                    testimony: self.view(testimony),
                };
                self.html(
                    &path,
                    "testimony.html",
                    "testimony",
                    &testimony.title,
                    lastmod,
                    fields,
                )
            })
    }

    /// Schools with at least one published testimony, grouped by initial letter, A–Z.
    fn school_groups(&self) -> BTreeMap<String, Vec<SchoolView<'a>>> {
        let mut groups: BTreeMap<String, Vec<SchoolView<'a>>> = BTreeMap::new();
        for (&id, testimonies) in &self.by_school {
            let school = self.archive.schools.get(id);
            let letter = school
                .name
                .chars()
                .find(|c| c.is_alphanumeric())
                .map(|c| c.to_uppercase().collect::<String>())
                .filter(|l| l.chars().all(|c| c.is_ascii_alphabetic()))
                .unwrap_or_else(|| "#".to_string());
            groups.entry(letter).or_default().push(SchoolView::new(
                &self.urls,
                school,
                testimonies.len(),
            ));
        }
        for schools in groups.values_mut() {
            schools.sort_by_key(|s| s.name.to_lowercase());
        }
        groups
    }

    fn schools(&self) -> Result<(), RenderError> {
        #[derive(Serialize)]
        struct Group<'a> {
            letter: String,
            anchor: String,
            schools: Vec<SchoolView<'a>>,
        }
        #[derive(Serialize)]
        struct Index<'a> {
            groups: Vec<Group<'a>>,
            total: usize,
        }
        let groups: Vec<Group> = self
            .school_groups()
            .into_iter()
            .map(|(letter, schools)| Group {
                anchor: Letter::new(letter.clone()).anchor,
                letter,
                schools,
            })
            .collect();
        let total = groups.iter().map(|g| g.schools.len()).sum();
        self.html(
            routes::SCHOOLS,
            "schools.html",
            "schools",
            "Schools A–Z",
            None,
            Index { groups, total },
        )?;

        #[derive(Serialize)]
        struct SchoolFields<'a> {
            school: SchoolView<'a>,
        }
        let by_school: Vec<_> = self.by_school.iter().collect();
        let mut records = by_school
            .into_par_iter()
            .map(|(&id, testimonies)| {
                let school = self.archive.schools.get(id);
                let base = routes::school(&school.slug);
                let view = || SchoolView::new(&self.urls, school, testimonies.len());
                self.paginated(
                    &base,
                    "school.html",
                    "school",
                    &school.name,
                    testimonies,
                    || SchoolFields { school: view() },
                )?;
                let feed_path = routes::feed(&base);
                if self.selection.wants(&feed_path) {
                    let feed = self.feed(
                        &format!("{} — {}", school.name, self.archive.config.title),
                        &feed_path,
                        &base,
                        testimonies,
                    );
                    self.feed_file(&feed_path, feed)?;
                }
                Ok(SchoolRecord {
                    name: &school.name,
                    slug: &school.slug,
                    url: self.urls.absolute(&base),
                    kind: school.kind.slug(),
                    region: school.region.as_deref(),
                    aliases: &school.aliases,
                    former_names: &school.former_names,
                    urn: school.urn.as_deref(),
                    count: testimonies.len(),
                    feed_url: self.urls.absolute(&feed_path),
                })
            })
            .collect::<Result<Vec<_>, RenderError>>()?;
        records.sort_by_key(|record| record.name.to_lowercase());
        let json = serde_json::to_vec_pretty(&records).expect("school records serialize");
        Ok(self.sink.put(routes::SCHOOLS_JSON, json)?)
    }

    fn tags(&self) -> Result<(), RenderError> {
        let archive = self.archive;
        let urls = &self.urls;
        let by_tag = &self.by_tag;
        let tag_view = |slug: &'a str, count: usize| TagView {
            slug,
            label: archive.config.tags.get(slug).map_or(slug, String::as_str),
            url: urls.link(&routes::tag(slug)),
            search_url: urls.link(&routes::tag_search(slug)),
            count,
        };
        #[derive(Serialize)]
        struct Tags<'a> {
            tags: Vec<TagView<'a>>,
        }
        let tags = Tags {
            tags: by_tag
                .iter()
                .map(|(slug, list)| tag_view(slug, list.len()))
                .collect(),
        };
        self.html(routes::TAGS, "tags.html", "tags", "Tags", None, tags)?;
        #[derive(Serialize)]
        struct TagFields<'a> {
            tag: TagView<'a>,
        }
        // A topic's page lists its newest testimonies, one page of them, and offers the search
        // filtered by the topic for the rest: every topic of every testimony paginated would be
        // several pages per testimony, which a 100,000-testimony archive cannot spare within
        // the 100,000 files a host takes. Every testimony is still listed, without scripts, in
        // the list of all testimonies and on its schools' pages.
        let per_page = self.archive.config.per_page.max(1);
        by_tag.par_iter().try_for_each(|(slug, testimonies)| {
            let label = self
                .archive
                .config
                .tags
                .get(*slug)
                .map_or(*slug, String::as_str);
            self.paginated(
                &routes::tag(slug),
                "tag.html",
                "tag",
                label,
                &testimonies[..testimonies.len().min(per_page)],
                || TagFields {
                    tag: tag_view(slug, testimonies.len()),
                },
            )
        })
    }

    fn updates(&self) -> Result<(), RenderError> {
        let urls = &self.urls;
        #[derive(Serialize)]
        struct Updates<'a> {
            updates: Vec<UpdateView<'a>>,
        }
        let list = Updates {
            updates: self
                .archive
                .updates
                .iter()
                .map(|u| UpdateView::new(urls, u))
                .collect(),
        };
        self.html(
            routes::UPDATES,
            "updates.html",
            "updates",
            "Updates",
            None,
            list,
        )?;
        #[derive(Serialize)]
        struct One<'a> {
            update: UpdateView<'a>,
        }
        for update in &self.archive.updates {
            let path = routes::update(&update.slug);
            self.html(
                &path,
                "update.html",
                "update",
                &update.title,
                Some(update.date.to_string()),
                One {
                    update: UpdateView::new(urls, update),
                },
            )?;
        }
        let entries: Vec<FeedEntry> = self
            .archive
            .updates
            .iter()
            .map(|u| FeedEntry {
                title: &u.title,
                id: urls.absolute(&routes::update(&u.slug)),
                url: urls.absolute(&routes::update(&u.slug)),
                published: rfc3339(u.date),
                updated: rfc3339(u.date),
                summary: u.summary.clone().unwrap_or_default(),
                content_html: &u.content_html,
            })
            .collect();
        let feed_path = routes::feed(routes::UPDATES);
        let feed = FeedView {
            title: format!("Updates — {}", self.archive.config.title),
            id: urls.absolute(routes::UPDATES),
            self_url: urls.absolute(&feed_path),
            alternate_url: urls.absolute(routes::UPDATES),
            updated: entries
                .first()
                .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone()),
            entries,
        };
        if !self.selection.wants(&feed_path) {
            return Ok(());
        }
        self.feed_file(&feed_path, feed)
    }

    fn pages(&self) -> Result<(), RenderError> {
        #[derive(Serialize)]
        struct One<'a> {
            page: PageView<'a>,
        }
        for page in &self.archive.pages {
            let path = routes::page(&page.slug);
            let view = PageView {
                title: &page.title,
                slug: &page.slug,
                url: self.urls.link(&path),
                content_html: &page.content_html,
            };
            self.html(
                &path,
                "page.html",
                "page",
                &page.title,
                None,
                One { page: view },
            )?;
        }
        Ok(())
    }

    /// The search page needs no list of its own: the index's catalog carries the schools. It
    /// preloads the search runtime, whose name only the build knows.
    fn search(&self) -> Result<(), RenderError> {
        #[derive(Serialize)]
        struct SearchPage {
            search_runtime: String,
        }
        let runtime = format!("{}{}", routes::SEARCH, crate::search::runtime_file_name());
        let fields = SearchPage {
            search_runtime: self.archive.config.urls().link(&runtime),
        };
        self.html(
            routes::SEARCH,
            "search.html",
            "search",
            "Search",
            None,
            fields,
        )
    }

    fn not_found(&self) -> Result<(), RenderError> {
        if !self.selection.wants(routes::NOT_FOUND) {
            return Ok(());
        }
        let html =
            self.renderer
                .page("404.html", "404", "Page not found", routes::NOT_FOUND, ())?;
        Ok(self
            .sink
            .put(routes::NOT_FOUND, self.renderer.finish_html(html))?)
    }

    fn feed(
        &self,
        title: &str,
        self_path: &str,
        page_path: &str,
        testimonies: &[&'a PublicTestimony],
    ) -> FeedView<'a> {
        let urls = &self.urls;
        let entries: Vec<FeedEntry> = testimonies
            .iter()
            .take(50)
            .map(|t| FeedEntry {
                title: &t.title,
                id: urls.absolute(&routes::testimony(t.id)),
                url: urls.absolute(&routes::testimony(t.id)),
                published: rfc3339(t.published),
                updated: rfc3339(t.published),
                summary: feed_summary(t),
                content_html: if t.content_warnings.is_empty() {
                    &t.body_html
                } else {
                    ""
                },
            })
            .collect();
        FeedView {
            title: title.to_string(),
            id: urls.absolute(page_path),
            self_url: urls.absolute(self_path),
            alternate_url: urls.absolute(page_path),
            updated: entries
                .first()
                .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone()),
            entries,
        }
    }

    fn feed_file(&self, path: &str, feed: FeedView) -> Result<(), RenderError> {
        #[derive(Serialize)]
        struct Feed<'a> {
            feed: FeedView<'a>,
        }
        let xml = self
            .renderer
            .page("atom.xml", "feed", "", path, Feed { feed })?;
        Ok(self.sink.put(path, xml.into_bytes())?)
    }

    /// `sitemap.xml`, split into `sitemaps/N.xml` under a sitemap index when there are more
    /// URLs than one sitemap may list; and `robots.txt`, which names it.
    fn sitemap_and_robots(&self) -> Result<(), RenderError> {
        #[derive(Serialize)]
        struct Sitemap<'a> {
            entries: &'a [SitemapEntry],
        }
        #[derive(Serialize)]
        struct SitemapIndex {
            sitemaps: Vec<String>,
        }
        let mut entries = std::mem::take(
            &mut *self
                .sitemap
                .lock()
                .expect("no page panicked while holding the sitemap"),
        );
        entries.sort_by(|a, b| a.loc.cmp(&b.loc));
        if entries.len() <= SITEMAP_LIMIT {
            self.text_file(
                routes::SITEMAP,
                "sitemap.xml",
                Sitemap { entries: &entries },
            )?;
        } else {
            let mut sitemaps = Vec::new();
            for (index, part) in entries.chunks(SITEMAP_LIMIT).enumerate() {
                let path = routes::sitemap_part(index + 1);
                self.text_file(&path, "sitemap.xml", Sitemap { entries: part })?;
                sitemaps.push(self.urls.absolute(&path));
            }
            self.text_file(
                routes::SITEMAP,
                "sitemap_index.xml",
                SitemapIndex { sitemaps },
            )?;
        }
        #[derive(Serialize)]
        struct Robots {
            sitemap_url: String,
        }
        let robots = Robots {
            sitemap_url: self.urls.absolute(routes::SITEMAP),
        };
        self.text_file(routes::ROBOTS, "robots.txt", robots)
    }

    /// A file rendered from a template as it is, not minified (XML, text).
    fn text_file<T: Serialize>(
        &self,
        path: &str,
        template: &str,
        fields: T,
    ) -> Result<(), RenderError> {
        let text = self.renderer.page(template, "", "", path, fields)?;
        Ok(self.sink.put(path, text.into_bytes())?)
    }
}

/// A feed entry's summary: the content warnings first, when there are any, so a feed reader
/// never shows the text unannounced.
fn feed_summary(testimony: &PublicTestimony) -> String {
    if testimony.content_warnings.is_empty() {
        testimony.excerpt.clone()
    } else {
        format!(
            "Content warning: {}. Open the testimony to read it.",
            testimony.content_warnings.join(", ")
        )
    }
}

#[derive(Serialize)]
struct Letter {
    letter: String,
    anchor: String,
}

impl Letter {
    fn new(letter: String) -> Letter {
        let anchor = if letter == "#" {
            "other".to_string()
        } else {
            letter.to_lowercase()
        };
        Letter { letter, anchor }
    }
}

/// A list's fields and a page's own, side by side in one context.
#[derive(Serialize)]
struct Merged<L: Serialize, E: Serialize> {
    #[serde(flatten)]
    list: L,
    #[serde(flatten)]
    extra: E,
}
