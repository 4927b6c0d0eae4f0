//! The archive as the rest of the build sees it: the school registry and only what may be
//! published. Nothing in this module can hold a moderation note or an unapproved testimony:
//! the loader builds these public types from approved testimonies alone.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use testimony_search::fuzzy;

use crate::config::SiteConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SchoolKind {
    Primary,
    StateSecondary,
    Independent,
    College,
    University,
    Other,
}

impl SchoolKind {
    pub fn slug(self) -> &'static str {
        match self {
            SchoolKind::Primary => "primary",
            SchoolKind::StateSecondary => "state-secondary",
            SchoolKind::Independent => "independent",
            SchoolKind::College => "college",
            SchoolKind::University => "university",
            SchoolKind::Other => "other",
        }
    }

    /// "State secondary school": one wording, for pages and (through the search documents)
    /// the search filters.
    pub fn label(self) -> &'static str {
        match self {
            SchoolKind::Primary => "Primary school",
            SchoolKind::StateSecondary => "State secondary school",
            SchoolKind::Independent => "Independent school",
            SchoolKind::College => "College",
            SchoolKind::University => "University",
            SchoolKind::Other => "Other",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct School {
    pub name: String,
    pub slug: String,
    pub kind: SchoolKind,
    pub region: Option<String>,
    pub aliases: Vec<String>,
    pub former_names: Vec<String>,
    pub urn: Option<String>,
}

impl School {
    /// Every name a reader or moderator may use for this school.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str())
            .chain(std::iter::once(self.slug.as_str()))
            .chain(self.aliases.iter().map(String::as_str))
            .chain(self.former_names.iter().map(String::as_str))
    }
}

/// Index of a school in the registry.
pub type SchoolId = usize;

/// The outcome of looking a school reference up.
#[derive(Debug, PartialEq, Eq)]
pub enum SchoolMatch {
    One(SchoolId),
    None,
    Ambiguous(Vec<SchoolId>),
}

/// All registered schools, with a lookup by any of their names.
#[derive(Debug, Default)]
pub struct SchoolRegistry {
    schools: Vec<School>,
    by_key: BTreeMap<String, Vec<SchoolId>>,
}

impl SchoolRegistry {
    pub fn new(schools: Vec<School>) -> Self {
        let mut by_key: BTreeMap<String, Vec<SchoolId>> = BTreeMap::new();
        for (id, school) in schools.iter().enumerate() {
            for name in school.names() {
                let ids = by_key.entry(match_key(name)).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        SchoolRegistry { schools, by_key }
    }

    pub fn get(&self, id: SchoolId) -> &School {
        &self.schools[id]
    }

    pub fn all(&self) -> &[School] {
        &self.schools
    }

    /// Matches a slug, name, alias or former name, ignoring case and punctuation.
    pub fn resolve(&self, reference: &str) -> SchoolMatch {
        match self.by_key.get(&match_key(reference)).map(Vec::as_slice) {
            None | Some([]) => SchoolMatch::None,
            Some([one]) => SchoolMatch::One(*one),
            Some(many) => SchoolMatch::Ambiguous(many.to_vec()),
        }
    }

    /// The registered names closest to a reference that matched nothing, best first.
    pub fn closest(&self, reference: &str, count: usize) -> Vec<&School> {
        let key = match_key(reference);
        let keys: Vec<(SchoolId, String)> = self
            .schools
            .iter()
            .enumerate()
            .flat_map(|(id, school)| school.names().map(move |name| (id, match_key(name))))
            .collect();
        let mut closest: Vec<SchoolId> =
            fuzzy::ranked(&key, keys.iter().map(|(id, name)| (*id, name.as_str())));
        let mut seen = std::collections::BTreeSet::new();
        closest.retain(|id| seen.insert(*id));
        closest
            .into_iter()
            .take(count)
            .map(|id| &self.schools[id])
            .collect()
    }
}

/// Lower-case letters and digits only: "St. Anne's" and "st-annes" are the same key.
pub fn match_key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A published testimony: the allowlisted fields only.
#[derive(Debug, Clone)]
pub struct PublicTestimony {
    pub id: u64,
    pub title: String,
    pub published: NaiveDate,
    pub schools: Vec<SchoolId>,
    pub period: Option<Period>,
    /// Tag slugs, each in the site's vocabulary.
    pub tags: Vec<String>,
    pub content_warnings: Vec<String>,
    /// Safe HTML (untrusted Markdown rendered by `markdown::render_untrusted`).
    pub body_html: String,
    /// Plain text for the search index. A clean build moves it into the index's documents
    /// before pages render (`site::take_search_docs`): no page may show it.
    pub body_text: String,
    /// The first words of `body_text`, as lists and feeds show them: made once, not on every
    /// page that shows the testimony.
    pub excerpt: String,
}

/// The archive's order of testimonies: newest first (published date, then id).
pub fn newest_first(a: &PublicTestimony, b: &PublicTestimony) -> std::cmp::Ordering {
    b.published.cmp(&a.published).then(b.id.cmp(&a.id))
}

/// When it happened: a year or a range of years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: u16,
    pub to: u16,
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}–{}", self.from, self.to)
        }
    }
}

/// A published campaign update.
#[derive(Debug, Clone)]
pub struct Update {
    pub slug: String,
    pub title: String,
    pub date: NaiveDate,
    pub summary: Option<String>,
    pub content_html: String,
}

/// A campaign page (about, support, privacy ...).
#[derive(Debug, Clone)]
pub struct Page {
    pub slug: String,
    pub title: String,
    pub menu: Option<i64>,
    pub content_html: String,
}

/// Everything that may be published, and nothing else.
#[derive(Debug)]
pub struct Archive {
    pub config: SiteConfig,
    /// The site's support block, rendered.
    pub support_html: String,
    pub schools: SchoolRegistry,
    /// Newest first (published date, then id).
    pub testimonies: Vec<PublicTestimony>,
    /// Newest first.
    pub updates: Vec<Update>,
    /// By slug.
    pub pages: Vec<Page>,
}

impl Archive {
    pub fn new(
        config: SiteConfig,
        support_html: String,
        schools: SchoolRegistry,
        mut testimonies: Vec<PublicTestimony>,
        mut updates: Vec<Update>,
        mut pages: Vec<Page>,
    ) -> Archive {
        testimonies.sort_by(newest_first);
        updates.sort_by(|a, b| b.date.cmp(&a.date).then(a.slug.cmp(&b.slug)));
        pages.sort_by(|a, b| a.slug.cmp(&b.slug));
        Archive {
            config,
            support_html,
            schools,
            testimonies,
            updates,
            pages,
        }
    }

    /// Testimonies of each school that has any, newest first, by school id.
    pub fn by_school(&self) -> BTreeMap<SchoolId, Vec<&PublicTestimony>> {
        let mut map: BTreeMap<SchoolId, Vec<&PublicTestimony>> = BTreeMap::new();
        for testimony in &self.testimonies {
            for &school in &testimony.schools {
                map.entry(school).or_default().push(testimony);
            }
        }
        map
    }

    /// Testimonies of each tag that has any, newest first, by tag slug.
    pub fn by_tag(&self) -> BTreeMap<&str, Vec<&PublicTestimony>> {
        let mut map: BTreeMap<&str, Vec<&PublicTestimony>> = BTreeMap::new();
        for testimony in &self.testimonies {
            for tag in &testimony.tags {
                map.entry(tag.as_str()).or_default().push(testimony);
            }
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school(name: &str, slug: &str, aliases: &[&str]) -> School {
        School {
            name: name.into(),
            slug: slug.into(),
            kind: SchoolKind::Other,
            region: None,
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            former_names: vec![],
            urn: None,
        }
    }

    #[test]
    fn references_match_ignoring_case_and_punctuation() {
        let registry = SchoolRegistry::new(vec![
            school("St. Anne's College", "st-annes-college", &["St Annes"]),
            school(
                "Northbridge Academy",
                "northbridge-academy",
                &["NBA", "Northbridge"],
            ),
            school(
                "North Bridge School",
                "north-bridge-school",
                &["Northbridge"],
            ),
        ]);
        assert_eq!(registry.resolve("st annes college"), SchoolMatch::One(0));
        assert_eq!(registry.resolve("ST-ANNES"), SchoolMatch::One(0));
        assert_eq!(registry.resolve("nba"), SchoolMatch::One(1));
        assert_eq!(
            registry.resolve("Northbridge"),
            SchoolMatch::Ambiguous(vec![1, 2])
        );
        assert_eq!(registry.resolve("Southbridge"), SchoolMatch::None);
        assert_eq!(
            registry.closest("Northbrige Academy", 1)[0].slug,
            "northbridge-academy"
        );
    }
}
