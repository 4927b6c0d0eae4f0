//! The URL contract (DESIGN.md §4): which files the site has, each rendered from its view.

use std::collections::BTreeMap;

use serde::Serialize;

use super::views::{
    FeedEntry, FeedView, PageView, PagerView, SchoolRecord, SchoolView, SitemapEntry, TagView,
    TestimonyView, UpdateView, page_url, rfc3339,
};
use super::{OutputFile, Renderer};
use crate::diagnostics::Diagnostic;
use crate::model::{Archive, PublicTestimony, SchoolId};

/// Renders every page, feed and data file of the site.
pub fn render_all(archive: &Archive, renderer: &Renderer) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut site = SiteWriter {
        archive,
        by_school: archive.by_school(),
        renderer,
        root: renderer.site().root.clone(),
        files: Vec::new(),
        sitemap: Vec::new(),
    };
    site.home()?;
    site.testimonies()?;
    site.schools()?;
    site.tags()?;
    site.updates()?;
    site.pages()?;
    site.search()?;
    site.not_found()?;
    site.sitemap_and_robots()?;
    Ok(site.files)
}

struct SiteWriter<'a> {
    archive: &'a Archive,
    /// Each school's published testimonies, newest first: computed once, used by several pages.
    by_school: BTreeMap<SchoolId, Vec<&'a PublicTestimony>>,
    renderer: &'a Renderer<'a>,
    root: String,
    files: Vec<OutputFile>,
    sitemap: Vec<SitemapEntry>,
}

#[derive(Serialize)]
struct ListFields<'a> {
    testimonies: Vec<TestimonyView<'a>>,
    pager: Option<PagerView>,
    total: usize,
}

impl<'a> SiteWriter<'a> {
    /// Renders an HTML page at `path` (e.g. `schools/x/`, or `` for home) into `path/index.html`.
    fn html<T: Serialize>(
        &mut self,
        path: &str,
        template: &str,
        section: &str,
        title: &str,
        lastmod: Option<String>,
        fields: T,
    ) -> Result<(), Diagnostic> {
        let html = self.renderer.page(template, section, title, path, fields)?;
        self.files
            .push(OutputFile::new(format!("{path}index.html"), minify(&html)));
        self.sitemap.push(SitemapEntry {
            loc: format!("{}{path}", self.archive.config.base_url),
            lastmod,
        });
        Ok(())
    }

    fn view(&self, testimony: &'a PublicTestimony) -> TestimonyView<'a> {
        TestimonyView::new(self.archive, &self.root, testimony)
    }

    /// `base`, `base/page/2/` ...: a paginated list of testimonies.
    fn paginated<T: Serialize>(
        &mut self,
        base: &str,
        template: &str,
        section: &str,
        title: &str,
        testimonies: &[&'a PublicTestimony],
        extra: impl Fn() -> T,
    ) -> Result<(), Diagnostic> {
        let per_page = self.archive.config.per_page;
        let chunks: Vec<&[&PublicTestimony]> = if testimonies.is_empty() {
            vec![&[]]
        } else {
            testimonies.chunks(per_page).collect()
        };
        let total_pages = chunks.len();
        for (index, chunk) in chunks.into_iter().enumerate() {
            let number = index + 1;
            let url_base = format!("{}{base}", self.root);
            let list = ListFields {
                testimonies: chunk.iter().map(|t| self.view(t)).collect(),
                pager: PagerView::new(&url_base, number, total_pages),
                total: testimonies.len(),
            };
            let path = page_url(base, number);
            let page_title = if number == 1 {
                title.to_string()
            } else {
                format!("{title} (page {number} of {total_pages})")
            };
            let lastmod = chunk.first().map(|t| t.published.to_string());
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
            )?;
        }
        Ok(())
    }

    fn home(&mut self) -> Result<(), Diagnostic> {
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
                .map(|u| UpdateView::new(&self.root, u))
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
        self.html("", "index.html", "home", "", None, home)
    }

    fn testimonies(&mut self) -> Result<(), Diagnostic> {
        let all: Vec<&PublicTestimony> = self.archive.testimonies.iter().collect();
        self.paginated(
            "testimonies/",
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
        for testimony in &self.archive.testimonies {
            let path = format!("testimonies/{}/", testimony.id);
            let fields = One {
                testimony: self.view(testimony),
            };
            self.html(
                &path,
                "testimony.html",
                "testimony",
                &testimony.title,
                Some(testimony.published.to_string()),
                fields,
            )?;
        }
        Ok(())
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
                &self.root,
                school,
                testimonies.len(),
            ));
        }
        for schools in groups.values_mut() {
            schools.sort_by_key(|s| s.name.to_lowercase());
        }
        groups
    }

    fn schools(&mut self) -> Result<(), Diagnostic> {
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
            "schools/",
            "schools.html",
            "schools",
            "Schools A–Z",
            None,
            Index { groups, total },
        )?;

        let mut records = Vec::new();
        // Taken out while its pages are written (they need `self` mutably), then put back.
        let by_school = std::mem::take(&mut self.by_school);
        for (&id, testimonies) in &by_school {
            let school = self.archive.schools.get(id);
            let base = format!("schools/{}/", school.slug);
            let root = self.root.clone();
            let view = || SchoolView::new(&root, school, testimonies.len());
            #[derive(Serialize)]
            struct SchoolFields<'a> {
                school: SchoolView<'a>,
            }
            self.paginated(
                &base,
                "school.html",
                "school",
                &school.name,
                testimonies,
                || SchoolFields { school: view() },
            )?;
            let feed = self.feed(
                &format!("{} — {}", school.name, self.archive.config.title),
                &format!("{base}atom.xml"),
                &base,
                testimonies,
            );
            self.feed_file(&format!("{base}atom.xml"), feed)?;
            records.push(SchoolRecord {
                name: &school.name,
                slug: &school.slug,
                url: format!("{}{base}", self.archive.config.base_url),
                kind: school.kind.slug(),
                region: school.region.as_deref(),
                aliases: &school.aliases,
                former_names: &school.former_names,
                urn: school.urn.as_deref(),
                count: testimonies.len(),
                feed_url: format!("{}{base}atom.xml", self.archive.config.base_url),
            });
        }
        self.by_school = by_school;
        records.sort_by_key(|record| record.name.to_lowercase());
        let json = serde_json::to_vec_pretty(&records).expect("school records serialize");
        self.files.push(OutputFile::new("schools.json", json));
        Ok(())
    }

    fn tags(&mut self) -> Result<(), Diagnostic> {
        let archive = self.archive;
        let root = self.root.clone();
        let by_tag = archive.by_tag();
        let tag_view = |slug: &'a str, count: usize| TagView {
            slug,
            label: archive.config.tags.get(slug).map_or(slug, String::as_str),
            url: format!("{root}tags/{slug}/"),
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
        self.html("tags/", "tags.html", "tags", "Tags", None, tags)?;
        #[derive(Serialize)]
        struct TagFields<'a> {
            tag: TagView<'a>,
        }
        for (slug, testimonies) in &by_tag {
            let label = self
                .archive
                .config
                .tags
                .get(*slug)
                .map_or(*slug, String::as_str);
            self.paginated(
                &format!("tags/{slug}/"),
                "tag.html",
                "tag",
                label,
                testimonies,
                || TagFields {
                    tag: tag_view(slug, testimonies.len()),
                },
            )?;
        }
        Ok(())
    }

    fn updates(&mut self) -> Result<(), Diagnostic> {
        let root = self.root.clone();
        #[derive(Serialize)]
        struct Updates<'a> {
            updates: Vec<UpdateView<'a>>,
        }
        let list = Updates {
            updates: self
                .archive
                .updates
                .iter()
                .map(|u| UpdateView::new(&root, u))
                .collect(),
        };
        self.html("updates/", "updates.html", "updates", "Updates", None, list)?;
        #[derive(Serialize)]
        struct One<'a> {
            update: UpdateView<'a>,
        }
        for update in &self.archive.updates {
            let path = format!("updates/{}/", update.slug);
            self.html(
                &path,
                "update.html",
                "update",
                &update.title,
                Some(update.date.to_string()),
                One {
                    update: UpdateView::new(&root, update),
                },
            )?;
        }
        let base = &self.archive.config.base_url;
        let entries: Vec<FeedEntry> = self
            .archive
            .updates
            .iter()
            .map(|u| FeedEntry {
                title: &u.title,
                id: format!("{base}updates/{}/", u.slug),
                url: format!("{base}updates/{}/", u.slug),
                published: rfc3339(u.date),
                updated: rfc3339(u.date),
                summary: u.summary.clone().unwrap_or_default(),
                content_html: &u.content_html,
            })
            .collect();
        let feed = FeedView {
            title: format!("Updates — {}", self.archive.config.title),
            id: format!("{base}updates/"),
            self_url: format!("{base}updates/atom.xml"),
            alternate_url: format!("{base}updates/"),
            updated: entries
                .first()
                .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone()),
            entries,
        };
        self.feed_file("updates/atom.xml", feed)
    }

    fn pages(&mut self) -> Result<(), Diagnostic> {
        #[derive(Serialize)]
        struct One<'a> {
            page: PageView<'a>,
        }
        for page in &self.archive.pages {
            let path = format!("{}/", page.slug);
            let view = PageView {
                title: &page.title,
                slug: &page.slug,
                url: format!("{}{path}", self.root),
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

    /// The search page needs no list of its own: the index's catalog carries the schools.
    fn search(&mut self) -> Result<(), Diagnostic> {
        self.html("search/", "search.html", "search", "Search", None, ())
    }

    fn not_found(&mut self) -> Result<(), Diagnostic> {
        let html = self
            .renderer
            .page("404.html", "404", "Page not found", "404.html", ())?;
        self.files.push(OutputFile::new("404.html", minify(&html)));
        Ok(())
    }

    fn feed(
        &self,
        title: &str,
        self_path: &str,
        page_path: &str,
        testimonies: &[&'a PublicTestimony],
    ) -> FeedView<'a> {
        let base = &self.archive.config.base_url;
        let entries: Vec<FeedEntry> = testimonies
            .iter()
            .take(50)
            .map(|t| FeedEntry {
                title: &t.title,
                id: format!("{base}testimonies/{}/", t.id),
                url: format!("{base}testimonies/{}/", t.id),
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
            id: format!("{base}{page_path}"),
            self_url: format!("{base}{self_path}"),
            alternate_url: format!("{base}{page_path}"),
            updated: entries
                .first()
                .map_or_else(|| "1970-01-01T00:00:00Z".to_string(), |e| e.updated.clone()),
            entries,
        }
    }

    fn feed_file(&mut self, path: &str, feed: FeedView) -> Result<(), Diagnostic> {
        #[derive(Serialize)]
        struct Feed<'a> {
            feed: FeedView<'a>,
        }
        let xml = self
            .renderer
            .page("atom.xml", "feed", "", path, Feed { feed })?;
        self.files.push(OutputFile::new(path, xml));
        Ok(())
    }

    fn sitemap_and_robots(&mut self) -> Result<(), Diagnostic> {
        #[derive(Serialize)]
        struct Sitemap {
            entries: Vec<SitemapEntry>,
        }
        let mut entries = std::mem::take(&mut self.sitemap);
        entries.sort_by(|a, b| a.loc.cmp(&b.loc));
        let xml = self.renderer.page(
            "sitemap.xml",
            "sitemap",
            "",
            "sitemap.xml",
            Sitemap { entries },
        )?;
        self.files.push(OutputFile::new("sitemap.xml", xml));
        #[derive(Serialize)]
        struct Robots {
            sitemap_url: String,
        }
        let robots = Robots {
            sitemap_url: format!("{}sitemap.xml", self.archive.config.base_url),
        };
        let text = self
            .renderer
            .page("robots.txt", "robots", "", "robots.txt", robots)?;
        self.files.push(OutputFile::new("robots.txt", text));
        Ok(())
    }
}

/// A feed entry's summary: the content warnings first, when there are any, so a feed reader
/// never shows the text unannounced.
fn feed_summary(testimony: &PublicTestimony) -> String {
    if testimony.content_warnings.is_empty() {
        crate::markdown::excerpt(&testimony.body_text, 40)
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

fn minify(html: &str) -> Vec<u8> {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    minify_html::minify(html.as_bytes(), &cfg)
}
