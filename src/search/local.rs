//! `testimony search`: the browser's query code, run natively on a built site's output folder.
//! As on the search page, what a result shows (title, date, schools, content warnings, the
//! text its snippet is cut from) is read from the testimony's own page.

use std::fmt::Write as _;
use std::path::Path;

use scraper::{Html, Selector};
use serde::Serialize;

use testimony_search::bundle::{MANIFEST_PATH, Manifest, SEARCH_DIR};
use testimony_search::{SearchError, SearchIndex, SearchRequest, SearchResults, SnippetPart};

use crate::routes;

/// Opens the index a build wrote to `output_dir` (e.g. `public/`).
pub fn open_output_dir(output_dir: &Path) -> Result<SearchIndex, SearchError> {
    let manifest_path = output_dir.join(MANIFEST_PATH);
    let manifest_bytes = std::fs::read(&manifest_path).map_err(|error| {
        if error.kind() == std::io::ErrorKind::NotFound {
            SearchError::new(format!(
                "there is no search index in {}: {} is missing. Run `testimony build` first, \
                 or pass the folder the site was built to with --output.",
                output_dir.display(),
                manifest_path.display()
            ))
        } else {
            SearchError::new(format!("cannot read {}: {error}", manifest_path.display()))
        }
    })?;
    let manifest = Manifest::parse(&manifest_bytes)?;
    let search_dir = output_dir.join(SEARCH_DIR);
    let shown = output_dir.display().to_string();
    SearchIndex::from_manifest(&manifest, move |name| {
        let path = search_dir.join(name);
        std::fs::read(&path).map_err(|error| {
            SearchError::new(format!(
                "the search index in {shown} is incomplete: cannot read {} ({error}). Rebuild the site.",
                path.display()
            ))
        })
    })
}

/// A result as `testimony search` shows it: the hit, and what its page says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownResult {
    pub id: u64,
    pub url: String,
    pub score: f32,
    pub title: String,
    pub published: String,
    pub schools: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub content_warnings: Vec<String>,
    /// The snippet as plain text.
    pub snippet: String,
    /// The same snippet cut into plain and matched (`mark`) pieces.
    pub snippet_parts: Vec<SnippetPart>,
}

/// The answer to one query, with each result as its page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub results: SearchResults,
    pub shown: Vec<ShownResult>,
}

impl Found {
    /// The answer as one JSON object: the results, each with what its page shows.
    pub fn to_json(&self) -> serde_json::Value {
        let mut json = serde_json::to_value(&self.results).unwrap_or_default();
        json["results"] = serde_json::to_value(&self.shown).unwrap_or_default();
        json
    }
}

/// Runs one query against the index a build wrote to `output_dir`, and reads each result's
/// page there.
pub fn search_output_dir(output_dir: &Path, query: &SearchRequest) -> Result<Found, SearchError> {
    let index = open_output_dir(output_dir)?;
    let results = index.search(query)?;
    let pages = results
        .results
        .iter()
        .map(|hit| read_page(output_dir, hit.id))
        .collect::<Result<Vec<Page>, SearchError>>()?;
    let snippets = index.snippets(&query.query, pages.iter().map(|page| page.text.as_str()))?;
    let shown = results
        .results
        .iter()
        .zip(pages)
        .zip(snippets)
        .map(|((hit, page), snippet_parts)| ShownResult {
            id: hit.id,
            url: hit.url.clone(),
            score: hit.score,
            title: page.title,
            published: page.published,
            schools: page.schools,
            content_warnings: page.content_warnings,
            snippet: snippet_parts
                .iter()
                .map(|part| part.text.as_str())
                .collect(),
            snippet_parts,
        })
        .collect();
    Ok(Found { results, shown })
}

/// What a testimony's page says, as a result shows it.
struct Page {
    title: String,
    published: String,
    schools: Vec<String>,
    content_warnings: Vec<String>,
    text: String,
}

/// Reads testimony `id`'s page in `output_dir`, through the marks its template promises
/// (themes/default/templates/testimony.html), as the search page does.
fn read_page(output_dir: &Path, id: u64) -> Result<Page, SearchError> {
    let path = output_dir.join(routes::testimony(id)).join("index.html");
    let html = std::fs::read_to_string(&path).map_err(|error| {
        SearchError::new(format!(
            "the search index lists testimony {id} but its page {} cannot be read ({error}); \
             rebuild the site",
            path.display()
        ))
    })?;
    let page = Html::parse_document(&html);
    let texts = |selector: &str| -> Vec<String> {
        let selector = Selector::parse(selector).expect("a valid selector");
        page.select(&selector)
            .map(|element| {
                let text: String = element.text().collect();
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            })
            .collect()
    };
    let published = Selector::parse(".facts time[datetime]").expect("a valid selector");
    Ok(Page {
        title: texts(".testimony h1")
            .into_iter()
            .next()
            .unwrap_or_default(),
        published: page
            .select(&published)
            .next()
            .and_then(|time| time.value().attr("datetime"))
            .unwrap_or_default()
            .to_owned(),
        schools: texts(".facts .schools a"),
        content_warnings: texts(".cw-notice li"),
        text: texts(".testimony-body").join(" "),
    })
}

/// Results as plain text for a terminal: matched words in [brackets].
pub fn format_results_text(found: &Found) -> String {
    let results = &found.results;
    let mut out = String::new();
    if let Some(unknown) = &results.unknown_school {
        let _ = writeln!(out, "No school matches \"{unknown}\".");
        return out;
    }
    for warning in &results.warnings {
        let _ = writeln!(out, "Note: {warning}");
    }
    let scope = match &results.school {
        Some(school) => format!(" at {}", school.name),
        None => String::new(),
    };
    let shown = results.results.len();
    let _ = match (results.total, shown) {
        (0, _) => writeln!(out, "No testimonies found{scope}."),
        (1, _) => writeln!(out, "1 testimony found{scope}."),
        (total, shown) if shown as u64 == total => {
            writeln!(out, "{total} testimonies found{scope}.")
        }
        (total, shown) => writeln!(
            out,
            "{total} testimonies found{scope}; showing {} to {}.",
            results.offset + 1,
            results.offset + shown
        ),
    };
    for hit in &found.shown {
        let _ = writeln!(out);
        let _ = writeln!(out, "#{}  {}", hit.id, hit.title);
        let _ = writeln!(
            out,
            "    {} · {} · {}",
            hit.published,
            hit.schools.join(", "),
            hit.url
        );
        let snippet: String = hit
            .snippet_parts
            .iter()
            .map(|part| {
                if part.mark {
                    format!("[{}]", part.text)
                } else {
                    part.text.clone()
                }
            })
            .collect();
        let _ = writeln!(
            out,
            "    {}",
            snippet.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }
    if results.school.is_none() && !results.school_suggestions.is_empty() {
        let names: Vec<&str> = results
            .school_suggestions
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Looking for a school? Try --school with: {}",
            names.join(", ")
        );
    }
    out
}
