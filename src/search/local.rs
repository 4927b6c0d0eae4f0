//! `testimony search`: the browser's query code, run natively on a built site's output folder.

use std::fmt::Write as _;
use std::path::Path;

use testimony_search::bundle::{MANIFEST_PATH, Manifest, SEARCH_DIR};
use testimony_search::{SearchError, SearchIndex, SearchRequest, SearchResults};

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

/// Runs one query against the index a build wrote to `output_dir`.
pub fn search_output_dir(
    output_dir: &Path,
    query: &SearchRequest,
) -> Result<SearchResults, SearchError> {
    open_output_dir(output_dir)?.search(query)
}

/// Results as plain text for a terminal: matched words in [brackets].
pub fn format_results_text(results: &SearchResults) -> String {
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
    for hit in &results.results {
        let schools: Vec<&str> = hit.schools.iter().map(|s| s.name.as_str()).collect();
        let _ = writeln!(out);
        let _ = writeln!(out, "#{}  {}", hit.id, hit.title);
        let _ = writeln!(
            out,
            "    {} · {} · {}",
            hit.published,
            schools.join(", "),
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
