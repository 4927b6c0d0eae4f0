//! The search page's two bundles (tools/bundle/bundle.mjs): served in place of the modules they
//! are made from, unless a site changes one of those modules; and, as committed, exactly what
//! esbuild makes of the modules now. That check needs Node.js and npm, and installs esbuild
//! with npm: where it cannot, it says loudly that it was skipped, unless TESTIMONY_REQUIRE_NPM
//! is set (as CI sets it).

use std::process::Command;

use scraper::{Html, Selector};

use crate::browser;
use crate::common::{TestSite, repo_root};
use crate::npm;

/// The `src` of the search page's module script and the `data-worker` it starts.
fn scripts(site: &TestSite) -> (String, String) {
    let page = Html::parse_document(&site.output("search/index.html"));
    let attribute = |selector: &str, name: &str| {
        page.select(&Selector::parse(selector).unwrap())
            .next()
            .and_then(|element| element.value().attr(name))
            .unwrap_or_else(|| panic!("no {selector} with {name} in the search page"))
            .to_owned()
    };
    (
        attribute("script[type=module]", "src"),
        attribute("[data-worker]", "data-worker"),
    )
}

/// Gives `site` its own `search/results-view.js`: the built-in one under a comment of its own.
fn write_own_results_view(site: &TestSite) {
    let built_in =
        std::fs::read_to_string(repo_root().join("themes/default/static/search/results-view.js"))
            .unwrap();
    site.write(
        "themes/default/static/search/results-view.js",
        format!("/* Our own results. */\n{built_in}"),
    );
}

#[test]
fn the_search_page_loads_one_bundle_and_its_worker_one_unless_the_site_changes_a_module() {
    let site = TestSite::basic();
    site.build();
    let (script, worker) = scripts(&site);
    assert!(
        script.starts_with("/assets/search/search.bundle.") && script.ends_with(".js"),
        "{script}"
    );
    assert!(
        worker.starts_with("/assets/search/worker.bundle.") && worker.ends_with(".js"),
        "{worker}"
    );
    let page = site.output("search/index.html");
    assert!(!page.contains("modulepreload"), "{page}");
    let bundle = site.output(script.trim_start_matches('/'));
    assert!(
        !bundle.contains(" from './"),
        "the bundle imports nothing:\n{bundle}"
    );
    assert!(bundle.contains("function resultsView("), "{bundle}");

    // A site that changes one of the page's modules gets the modules, its own among them; the
    // worker's bundle, made from none of them, still stands.
    write_own_results_view(&site);
    site.build();
    let (script, worker) = scripts(&site);
    assert!(
        script.starts_with("/assets/search/search.") && !script.contains("bundle"),
        "{script}"
    );
    assert!(worker.contains("worker.bundle."), "{worker}");
    let entry = site.output(script.trim_start_matches('/'));
    let import = entry
        .split('\'')
        .find(|specifier| specifier.starts_with("./results-view."))
        .unwrap_or_else(|| panic!("search.js does not import results-view.js:\n{entry}"));
    let own = site.output(&format!("assets/search/{}", &import[2..]));
    assert!(own.starts_with("/* Our own results. */"), "{own}");
}

#[test]
fn a_site_that_changes_a_bundled_module_still_searches_in_a_browser() {
    if browser::unavailable().is_some() {
        return;
    }
    let site = TestSite::demo();
    write_own_results_view(&site);
    let server = browser::serve(&site);
    let (script, _) = scripts(&site);
    assert!(!script.contains("bundle"), "{script}");
    let result = browser::run_script(
        "search.mjs",
        &[
            server.url("/"),
            "\"bus stop\"".to_string(),
            "locker".to_string(),
        ],
    );
    let run = site.run(&["search", "\"bus stop\"", "--json"]).assert_ok();
    let cli: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let cli_links: Vec<&str> = cli["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        result["firstLinks"],
        serde_json::json!(cli_links),
        "{result}"
    );
    assert_eq!(result["problems"], serde_json::json!([]), "{result}");
}

#[test]
fn the_committed_bundles_are_what_esbuild_makes_of_the_modules() {
    const TEST: &str = "the bundles' check";
    let dir = repo_root().join("tools/bundle");
    if npm::unavailable(TEST).is_some() {
        return;
    }
    if !dir.join("node_modules/esbuild").exists() {
        let _ = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status();
    }
    if !dir.join("node_modules/esbuild").exists() {
        npm::skip(
            TEST,
            "esbuild could not be installed (npm ci --ignore-scripts in tools/bundle)",
        );
        return;
    }
    let output = Command::new("node")
        .arg(dir.join("bundle.mjs"))
        .arg("--check")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
