//! Accessibility in a real browser, on the demo archive served with netlify.toml's headers:
//! axe-core's WCAG 2.0/2.1/2.2 A and AA rules (tests/browser/axe.mjs), and the site by keyboard
//! alone (tests/browser/keyboard.mjs). Skipped loudly, like the other browser tests, where
//! Chromium or Node is missing, unless TESTIMONY_REQUIRE_BROWSER is set.

use serde_json::Value;

use crate::browser::{run_script, serve, unavailable};
use crate::common::TestSite;

/// A query of the demo archive that finds testimonies at more than one school.
const QUERY: &str = "locker";

/// Runs `node tests/browser/SCRIPT BASE_URL QUERY` on the demo archive served with
/// netlify.toml's headers; `None` when the browser tests cannot run here.
fn run_on_demo(script: &str) -> Option<Value> {
    if unavailable().is_some() {
        return None;
    }
    let site = TestSite::demo();
    let server = serve(&site);
    Some(run_script(script, &[server.url("/"), QUERY.to_string()]))
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

#[test]
fn axe_finds_no_wcag_a_or_aa_violation_on_the_pages_a_reader_meets() {
    let Some(report) = run_on_demo("axe.mjs") else {
        return;
    };
    let checks = report["checks"].as_array().unwrap();

    eprintln!(
        "axe-core, WCAG 2.0/2.1/2.2 A and AA: {} pages checked, {} rules passed, {} violations",
        report["pages"], report["rulesPassed"], report["violations"]
    );
    for check in checks {
        eprintln!(
            "  {:5} {:36} {:40} {} rules passed, {} violations",
            check["scheme"].as_str().unwrap(),
            check["name"].as_str().unwrap(),
            check["path"].as_str().unwrap(),
            check["passes"],
            check["violations"].as_array().unwrap().len(),
        );
    }

    // Every state of every page was checked, in both colour schemes.
    let names: Vec<String> = checks
        .iter()
        .map(|c| format!("{} {}", c["scheme"], c["name"]))
        .collect();
    for scheme in ["light", "dark"] {
        for name in [
            "home",
            "schools",
            "school",
            "testimony with warnings, closed",
            "testimony with warnings, opened",
            "updates",
            "search results",
            "search with filters",
        ] {
            assert!(
                names.contains(&format!("\"{scheme}\" \"{name}\"")),
                "{name} ({scheme}) was not checked: {names:?}"
            );
        }
    }
    // The rules that matter most here did run, and passed.
    let rules = strings(&report["rules"]);
    for rule in [
        "color-contrast",
        "aria-allowed-attr",
        "label",
        "link-name",
        "button-name",
        "summary-name",
        "bypass",
        "target-size",
    ] {
        assert!(rules.contains(&rule), "axe did not pass {rule}: {rules:?}");
    }

    let violations: Vec<String> = checks
        .iter()
        .flat_map(|check| {
            check["violations"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |v| {
                    format!(
                        "{} ({}) {}: {} [{}] on {}",
                        check["name"].as_str().unwrap(),
                        check["scheme"].as_str().unwrap(),
                        v["id"].as_str().unwrap(),
                        v["help"].as_str().unwrap(),
                        v["impact"].as_str().unwrap_or("?"),
                        strings(&v["targets"]).join(", ")
                    )
                })
        })
        .collect();
    assert!(
        violations.is_empty(),
        "accessibility violations:\n{}",
        violations.join("\n")
    );
    assert_eq!(report["violations"], 0);
    assert_eq!(
        report["problems"],
        serde_json::json!([]),
        "console problems under the CSP"
    );
}

#[test]
fn the_site_works_by_keyboard_alone() {
    let Some(report) = run_on_demo("keyboard.mjs") else {
        return;
    };
    let checks = report["checks"].as_array().unwrap();
    let failed: Vec<String> = checks
        .iter()
        .filter(|c| c["passed"] != true)
        .map(|c| format!("{}: {}", c["name"].as_str().unwrap(), c["detail"]))
        .collect();
    eprintln!(
        "keyboard: {} of {} checks passed, {} Tab stops visited",
        checks.len() - failed.len(),
        checks.len(),
        report["stops"]
    );
    assert!(
        failed.is_empty(),
        "keyboard checks failed:\n{}",
        failed.join("\n")
    );

    // Each kind of check ran, as often as there are pages for it.
    let count = |part: &str| {
        checks
            .iter()
            .filter(|c| c["name"].as_str().unwrap().contains(part))
            .count()
    };
    assert_eq!(count("quick exit is the first Tab stop on /"), 10);
    assert_eq!(count("Enter on the quick exit leaves /"), 10);
    assert_eq!(count("): Tab reaches the end of the page"), 14);
    assert_eq!(count("): Shift+Tab walks the same stops back"), 14);
    assert_eq!(count("): focus is visible on every stop"), 14);
    for name in [
        "the content warning control is a <summary> or <button>",
        "Enter opens the testimony",
        "Space closes and opens it again",
        "typing words and Enter shows results",
        "Escape closes the school suggestions and stays in the box",
        "the school box is a combobox whose listbox the arrow keys move through",
        "Enter on a suggested school filters the results to it",
        "arrow keys on the topic filter change the counts and results",
        "Enter on a result opens its testimony",
        "ArrowDown in the school finder moves to the first school",
        "Enter opens that school’s page",
    ] {
        assert_eq!(count(name), 1, "no check named {name:?}");
    }
}
