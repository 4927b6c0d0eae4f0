//! The catalog: a small JSON file written beside the index with what the index itself cannot
//! give back cheaply — every school's names, aliases and former names (for the typo-tolerant
//! school filter), and the display labels of the filter values.
//!
//! School matching works on words (lower-cased, accents folded, punctuation ignored): a query
//! matches a name when every query word matches some word of the name, exactly, as the start of
//! the word being typed (the last query word), inside a word, or within a small edit distance
//! ("Northbrige" → "Northbridge"). Slugs, names, aliases and former names are all candidates.

use std::cmp::Ordering;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use super::SchoolRef;
use super::fuzzy::{allowed_typos, edit_distance};
use super::schema::names_analyzer;

/// Written to `search/catalog.<hash>.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Bumped when the file's meaning changes.
    pub format: u32,
    /// The site language the index was built for, as given in site.yaml.
    pub language: String,
    /// The stemmer used ("en"), or `None` when the language has none.
    pub stemming: Option<String>,
    /// Number of testimonies in the index.
    pub doc_count: u64,
    /// A testimony's page from the site root, with `{id}` for its id:
    /// "/archive/testimonies/{id}/".
    pub testimony_url: String,
    /// Schools with at least one indexed testimony, sorted by name.
    pub schools: Vec<CatalogSchool>,
    /// Labels of filter values: `value` is what the index stores, `label` what a reader sees,
    /// `count` the number of testimonies with that value.
    pub kinds: Vec<FacetLabel>,
    pub regions: Vec<FacetLabel>,
    pub tags: Vec<FacetLabel>,
    pub years: Vec<FacetLabel>,
}

pub const CATALOG_FORMAT: u32 = 2;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogSchool {
    pub slug: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_names: Vec<String>,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetLabel {
    pub value: String,
    pub label: String,
    pub count: u64,
}

/// A school that matches what a reader typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolMatch {
    pub slug: String,
    pub name: String,
    /// The alias or former name that matched, when it was not the name itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub matched: Option<String>,
    /// "name" | "alias" | "former_name" | "slug"
    pub matched_as: String,
    /// Testimonies about this school in the whole index.
    pub count: u64,
    /// Higher is better; only meaningful for ordering.
    pub score: u32,
}

/// Words of a name, as the matcher compares them.
pub fn name_words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words
}

/// The cost of matching one query word against one candidate word, in tenths of an edit
/// (lower is better), or `None`.
fn word_cost(query: &[char], candidate: &[char], is_last: bool, mode: MatchMode) -> Option<u32> {
    if query == candidate {
        return Some(0);
    }
    let typeahead = mode == MatchMode::Typeahead;
    if typeahead && is_last && candidate.starts_with(query) {
        return Some(2);
    }
    if typeahead && query.len() >= 3 && candidate.windows(query.len()).any(|w| w == query) {
        return Some(6);
    }
    let allowed = allowed_typos(query.len());
    if allowed == 0 {
        return None;
    }
    let mut best = edit_distance(query, candidate);
    if typeahead && is_last && candidate.len() > query.len() {
        // A typo in a word still being typed: compare with the candidate's start.
        let prefix = edit_distance(query, &candidate[..query.len()]);
        best = best.min(prefix);
    }
    (best <= allowed).then(|| 10 * best as u32 + 1)
}

/// The cost of matching all query words against a candidate's words, or `None`.
fn words_cost(query: &[Vec<char>], candidate: &[Vec<char>], mode: MatchMode) -> Option<u32> {
    if query.is_empty() || candidate.is_empty() {
        return None;
    }
    let mut total = 0;
    for (index, word) in query.iter().enumerate() {
        let is_last = index + 1 == query.len();
        let cost = candidate
            .iter()
            .filter_map(|candidate_word| word_cost(word, candidate_word, is_last, mode))
            .min()?;
        total += cost;
    }
    // Prefer candidates with fewer words the reader did not type.
    let unmatched = candidate.len().saturating_sub(query.len()) as u32;
    Some(total + unmatched)
}

fn chars(words: Vec<String>) -> Vec<Vec<char>> {
    words
        .into_iter()
        .map(|word| word.chars().collect())
        .collect()
}

impl Catalog {
    pub fn school(&self, slug: &str) -> Option<&CatalogSchool> {
        self.schools.iter().find(|school| school.slug == slug)
    }

    pub fn school_ref(&self, slug: &str) -> SchoolRef {
        SchoolRef {
            slug: slug.to_owned(),
            name: self
                .school(slug)
                .map(|school| school.name.clone())
                .unwrap_or_else(|| slug.to_owned()),
        }
    }
}

/// How strictly a query word must match a word of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MatchMode {
    /// Typeahead: the last word may be the start of a word, any word may be inside a word.
    Typeahead,
    /// Whole words only (typos tolerated).
    WholeWords,
}

/// One name of a school, split into words once.
#[derive(Debug, Clone)]
struct Candidate {
    text: String,
    kind: &'static str,
    words: Vec<Vec<char>>,
}

#[derive(Debug, Clone)]
struct MatcherSchool {
    slug: String,
    name: String,
    count: u64,
    candidates: Vec<Candidate>,
}

/// The catalog's schools, prepared for matching what readers type. Build it once per index.
#[derive(Debug, Clone)]
pub struct SchoolMatcher {
    schools: Vec<MatcherSchool>,
    /// For each word, how many schools have it in one of their names.
    word_schools: HashMap<Vec<char>, u32>,
}

/// A word shared by more schools than this ("academy", "school") does not name a school.
const DISTINCTIVE_WORD_MAX_SCHOOLS: u32 = 3;

impl SchoolMatcher {
    pub fn new(catalog: &Catalog) -> SchoolMatcher {
        let mut analyzer = names_analyzer();
        let mut word_schools: HashMap<Vec<char>, u32> = HashMap::new();
        let schools = catalog
            .schools
            .iter()
            .map(|school| {
                let mut names: Vec<(&str, &'static str)> = vec![(school.name.as_str(), "name")];
                names.extend(school.aliases.iter().map(|alias| (alias.as_str(), "alias")));
                names.extend(
                    school
                        .former_names
                        .iter()
                        .map(|n| (n.as_str(), "former_name")),
                );
                names.push((school.slug.as_str(), "slug"));
                let candidates: Vec<Candidate> = names
                    .into_iter()
                    .map(|(text, kind)| Candidate {
                        text: text.to_owned(),
                        kind,
                        words: chars(name_words(&mut analyzer, text)),
                    })
                    .collect();
                let mut distinct: Vec<&Vec<char>> =
                    candidates.iter().flat_map(|c| c.words.iter()).collect();
                distinct.sort();
                distinct.dedup();
                for word in distinct {
                    *word_schools.entry(word.clone()).or_default() += 1;
                }
                MatcherSchool {
                    slug: school.slug.clone(),
                    name: school.name.clone(),
                    count: school.count,
                    candidates,
                }
            })
            .collect();
        SchoolMatcher {
            schools,
            word_schools,
        }
    }

    /// Schools matching `text`, best first: for the school filter's typeahead.
    pub fn suggest(&self, text: &str, limit: usize) -> Vec<SchoolMatch> {
        self.matches(text, limit, MatchMode::Typeahead)
    }

    /// The slug a filter value means: a slug, or the best match for a name, alias or former
    /// name (typos tolerated). `None` when nothing is close.
    pub fn resolve(&self, text: &str) -> Option<String> {
        let trimmed = text.trim();
        if let Some(school) = self.schools.iter().find(|s| s.slug == trimmed) {
            return Some(school.slug.clone());
        }
        self.suggest(trimmed, 1).into_iter().next().map(|m| m.slug)
    }

    /// Schools the free-text query names as a whole: every word matches a word of the school's
    /// name, an alias or a former name (typos tolerated), and one of them is distinctive (not
    /// "academy"). For a "search within this school?" offer.
    pub fn named_by(&self, query: &str, limit: usize) -> Vec<SchoolMatch> {
        let mut analyzer = names_analyzer();
        let words = chars(name_words(&mut analyzer, query));
        if words.is_empty() || words.len() > 6 {
            return Vec::new();
        }
        let distinctive = |word: &Vec<char>| {
            self.word_schools.iter().any(|(known, schools)| {
                *schools <= DISTINCTIVE_WORD_MAX_SCHOOLS
                    && word_cost(word, known, false, MatchMode::WholeWords).is_some()
            })
        };
        if !words.iter().any(distinctive) {
            return Vec::new();
        }
        self.matches(query, limit, MatchMode::WholeWords)
    }

    fn matches(&self, text: &str, limit: usize, mode: MatchMode) -> Vec<SchoolMatch> {
        let mut analyzer = names_analyzer();
        let query = chars(name_words(&mut analyzer, text));
        if query.is_empty() {
            return Vec::new();
        }
        let mut matches: Vec<SchoolMatch> = self
            .schools
            .iter()
            .filter_map(|school| best_match(&query, school, mode))
            .collect();
        matches.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(b.count.cmp(&a.count))
                .then_with(|| compare_names(&a.name, &b.name))
                .then_with(|| a.slug.cmp(&b.slug))
        });
        matches.truncate(limit);
        matches
    }
}

fn compare_names(a: &str, b: &str) -> Ordering {
    a.to_lowercase().cmp(&b.to_lowercase()).then(a.cmp(b))
}

fn best_match(query: &[Vec<char>], school: &MatcherSchool, mode: MatchMode) -> Option<SchoolMatch> {
    let mut best: Option<(u32, &Candidate)> = None;
    for candidate in &school.candidates {
        let Some(mut cost) = words_cost(query, &candidate.words, mode) else {
            continue;
        };
        if candidate.kind != "name" {
            // On equal cost, show the school under its name.
            cost += 1;
        }
        if best.is_none_or(|(best_cost, _)| cost < best_cost) {
            best = Some((cost, candidate));
        }
    }
    let (cost, candidate) = best?;
    Some(SchoolMatch {
        slug: school.slug.clone(),
        name: school.name.clone(),
        matched: (candidate.kind == "alias" || candidate.kind == "former_name")
            .then(|| candidate.text.clone()),
        matched_as: candidate.kind.to_owned(),
        count: school.count,
        score: 1000u32.saturating_sub(cost),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let school = |slug: &str, name: &str, aliases: &[&str], former: &[&str]| CatalogSchool {
            slug: slug.to_owned(),
            name: name.to_owned(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            former_names: former.iter().map(|s| s.to_string()).collect(),
            kind: "state-secondary".to_owned(),
            region: None,
            count: 1,
        };
        let mut schools = vec![
            school(
                "northbridge-academy",
                "Northbridge Academy",
                &["Northbridge", "NBA"],
                &["Northbridge High School"],
            ),
            school(
                "hollowmere-grammar-school",
                "Hollowmere Grammar School",
                &[],
                &[],
            ),
            school("southgate-college", "Southgate College", &[], &[]),
        ];
        schools.sort_by(|a, b| a.slug.cmp(&b.slug));
        Catalog {
            schools,
            ..Catalog::default()
        }
    }

    fn resolved(text: &str) -> Option<String> {
        SchoolMatcher::new(&catalog()).resolve(text)
    }

    fn suggest(text: &str) -> Vec<SchoolMatch> {
        SchoolMatcher::new(&catalog()).suggest(text, 5)
    }

    #[test]
    fn resolves_slugs_names_aliases_and_former_names() {
        assert_eq!(
            resolved("northbridge-academy").as_deref(),
            Some("northbridge-academy")
        );
        assert_eq!(
            resolved("Northbridge Academy").as_deref(),
            Some("northbridge-academy")
        );
        assert_eq!(resolved("nba").as_deref(), Some("northbridge-academy"));
        assert_eq!(
            resolved("Northbridge High School").as_deref(),
            Some("northbridge-academy")
        );
        assert_eq!(
            resolved("hollowmere").as_deref(),
            Some("hollowmere-grammar-school")
        );
    }

    #[test]
    fn tolerates_typos() {
        assert_eq!(
            resolved("Northbrige").as_deref(),
            Some("northbridge-academy")
        );
        assert_eq!(
            resolved("northbrdige acadmey").as_deref(),
            Some("northbridge-academy")
        );
        assert_eq!(
            resolved("Holowmere").as_deref(),
            Some("hollowmere-grammar-school")
        );
        assert_eq!(resolved("Zzyzx"), None);
        assert_eq!(resolved(""), None);
    }

    #[test]
    fn typeahead_matches_the_start_of_a_word() {
        let found = suggest("north");
        assert_eq!(found[0].slug, "northbridge-academy");
        let found = suggest("gram");
        assert_eq!(found[0].slug, "hollowmere-grammar-school");
    }

    #[test]
    fn reports_which_alias_matched() {
        let found = suggest("NBA");
        assert_eq!(found[0].matched.as_deref(), Some("NBA"));
        assert_eq!(found[0].matched_as, "alias");
        let found = suggest("Northbridge High");
        assert_eq!(found[0].matched_as, "former_name");
    }

    #[test]
    fn a_query_names_a_school_only_by_distinctive_whole_words() {
        let matcher = SchoolMatcher::new(&catalog());
        let named = |q: &str| {
            matcher
                .named_by(q, 3)
                .into_iter()
                .map(|m| m.slug)
                .collect::<Vec<_>>()
        };
        assert_eq!(named("Northbrige"), ["northbridge-academy"]);
        assert_eq!(named("NBA"), ["northbridge-academy"]);
        assert!(named("north").is_empty());
        assert!(named("bus stop").is_empty());
    }
}
