//! Tests in a real browser: headless Chromium driven by playwright-core (tests/browser/), on a
//! built site served with netlify.toml's headers. Where Chromium or Node is missing they say
//! so loudly and pass, unless TESTIMONY_REQUIRE_BROWSER is set (as CI sets it).

use std::path::Path;
use std::process::Command;
use std::sync::Once;

use crate::common::{TestSite, repo_root};
use crate::server::StaticServer;

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string())
}

/// `None` when the browser tests can run; otherwise why not (or a panic, where required).
pub fn unavailable() -> Option<String> {
    static INSTALL: Once = Once::new();
    let dir = repo_root().join("tests/browser");
    let reason = if !Path::new(&chromium()).exists() {
        Some(format!(
            "Chromium was not found at {} (apt-get install chromium)",
            chromium()
        ))
    } else if Command::new("node").arg("--version").output().is_err() {
        Some("Node.js was not found".to_string())
    } else {
        // Every package the scripts use (an older install may lack one added since).
        let missing = || {
            ["playwright-core", "axe-core"]
                .into_iter()
                .find(|package| !dir.join("node_modules").join(package).exists())
        };
        INSTALL.call_once(|| {
            if missing().is_some() {
                let _ = Command::new("npm")
                    .args(["ci", "--no-audit", "--no-fund"])
                    .current_dir(&dir)
                    .status();
            }
        });
        missing()
            .map(|package| format!("{package} could not be installed (npm ci in tests/browser)"))
    };
    if let Some(why) = &reason {
        assert!(
            std::env::var_os("TESTIMONY_REQUIRE_BROWSER").is_none(),
            "browser tests are required here, but {why}"
        );
        eprintln!("\n*** SKIPPED a browser test: {why} ***\n");
    }
    reason
}

/// Runs `node tests/browser/SCRIPT ARGS` and parses the JSON it prints.
pub fn run_script(script: &str, args: &[String]) -> serde_json::Value {
    let output = Command::new("node")
        .arg(repo_root().join("tests/browser").join(script))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .unwrap_or_else(|e| panic!("{script} printed no JSON ({e}):\n{stdout}"))
}

/// Builds `site` and serves its output with the repository's netlify.toml headers.
pub fn serve(site: &TestSite) -> StaticServer {
    site.build();
    StaticServer::start(&site.path("public"), &repo_root().join("netlify.toml"))
}

#[test]
fn quick_exit_leaves_by_button_and_by_shift_three_times_on_every_kind_of_page() {
    if unavailable().is_some() {
        return;
    }
    let site = TestSite::basic();
    let server = serve(&site);
    let paths = [
        "/",
        "/testimonies/",
        "/testimonies/102/",
        "/schools/",
        "/schools/northbridge-academy/",
        "/tags/online/",
        "/updates/",
        "/updates/2021-03-01-open/",
        "/support/",
        "/search/",
        "/nowhere/",
    ];
    let mut args = vec![server.url("")];
    args.extend(paths.iter().map(|p| p.to_string()));
    let results = run_script("quick-exit.mjs", &args);
    for result in results.as_array().unwrap() {
        let path = result["path"].as_str().unwrap();
        assert_eq!(
            result["clickExit"], "https://www.bbc.co.uk/weather",
            "{path}: button"
        );
        assert_eq!(
            result["shiftExit"], "https://www.bbc.co.uk/weather",
            "{path}: Shift ×3"
        );
        let back = result["afterBack"].as_str().unwrap();
        assert!(
            !back.starts_with(&server.url("")),
            "{path}: Back returned to {back}"
        );
        let problems: Vec<&str> = result["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            // The 404 page is served with status 404, which Chromium reports.
            .filter(|p| !(path == "/nowhere/" && p.contains("status of 404")))
            .collect();
        assert!(
            problems.is_empty(),
            "{path}: console problems under the CSP: {problems:?}"
        );
    }
}

#[test]
fn the_search_page_finds_what_the_command_line_finds_under_the_csp() {
    if unavailable().is_some() {
        return;
    }
    let site = TestSite::demo();
    let server = serve(&site);
    let result = run_script(
        "search.mjs",
        &[
            server.url("/"),
            "\"bus stop\"".to_string(),
            "locker".to_string(),
        ],
    );
    let cli_links = |query: &str| -> Vec<String> {
        let run = site.run(&["search", query, "--json"]).assert_ok();
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        json["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|hit| hit["url"].as_str().unwrap().to_string())
            .collect()
    };
    let browser_links = |key: &str| -> Vec<String> {
        result[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|link| link.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        browser_links("firstLinks"),
        ["/testimonies/1003/", "/testimonies/1024/"]
    );
    assert_eq!(browser_links("firstLinks"), cli_links("\"bus stop\""));
    // A result shows what its page says, as the command line does, with the words marked.
    let run = site.run(&["search", "\"bus stop\"", "--json"]).assert_ok();
    let cli: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let shown = &result["firstResult"];
    assert_eq!(shown["title"], cli["results"][0]["title"], "{result}");
    assert_eq!(
        shown["datetime"], cli["results"][0]["published"],
        "{result}"
    );
    let school = cli["results"][0]["schools"][0].as_str().unwrap();
    assert!(shown["meta"].as_str().unwrap().contains(school), "{result}");
    assert_eq!(
        shown["marks"],
        serde_json::json!(["bus", "stop"]),
        "{result}"
    );
    // On a phone the filters start closed, still counting the whole archive; opening them
    // counts the results.
    let phone = &result["onPhone"];
    assert_eq!(phone["openAtFirst"], false, "{result}");
    assert_ne!(phone["before"], phone["after"], "{result}");
    assert_eq!(phone["after"], result["kindOptions"], "{result}");
    // On a wide screen (1280 by 720) they start open in the margin beside the results, below
    // the search box, so the first result still shows without scrolling; on a tablet (1024
    // by 768) there is no room beside them, and they start closed, as on a phone.
    let wide = &result["onWideScreen"];
    let number = |value: &serde_json::Value| value.as_f64().unwrap();
    assert_eq!(wide["open"], true, "{result}");
    assert!(
        number(&wide["firstResultTop"]) < number(&wide["screenHeight"]),
        "{result}"
    );
    assert!(
        number(&wide["filtersRight"]) <= number(&wide["resultsLeft"]),
        "{result}"
    );
    assert!(
        number(&wide["filtersTop"]) >= number(&wide["searchRowBottom"]),
        "{result}"
    );
    let tablet = &result["onTablet"];
    assert_eq!(tablet["open"], false, "{result}");
    assert!(
        number(&tablet["firstResultTop"]) < number(&tablet["screenHeight"]),
        "{result}"
    );
    // The filters are counted once the results are shown.
    let kinds = result["kindOptions"].as_array().unwrap();
    assert!(
        kinds.len() > 1
            && kinds[1..]
                .iter()
                .all(|k| k.as_str().unwrap().ends_with(')')),
        "{result}"
    );
    let lockers = browser_links("secondLinks");
    assert_eq!(lockers.len(), 3, "{result}");
    assert_eq!(lockers, cli_links("locker"));
    // The home page's search box hands its words to the search page without the address bar,
    // and fetches the search program while the reader types.
    let home = &result["fromHome"];
    assert_eq!(home["url"], server.url("/search/"), "{result}");
    assert_eq!(home["links"], result["firstLinks"], "{result}");
    assert_eq!(home["stored"], serde_json::Value::Null, "{result}");
    assert_eq!(home["warmed"], true, "{result}");
    // The search a topic's page links to starts with the topic chosen, and finds every
    // testimony the topic has.
    let topic = &result["byTopic"];
    assert_eq!(topic["chosen"], topic["slug"], "{result}");
    let number = |text: &serde_json::Value| -> String {
        let text = text.as_str().unwrap_or_default();
        text.split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        number(&topic["page"]).parse::<u32>().is_ok_and(|n| n > 0),
        "{result}"
    );
    assert_eq!(number(&topic["status"]), number(&topic["page"]), "{result}");
    assert_eq!(
        topic["url"],
        server.url(&format!("/search/?tag={}", topic["slug"].as_str().unwrap())),
        "{result}"
    );
    // The reader's words never reach the address bar or the history.
    assert_eq!(result["urlAfter"], result["url"]);
    assert_eq!(result["historyAfter"], result["historyBefore"]);
    assert_eq!(
        result["noscript"], true,
        "the no-JavaScript message is hidden when search runs"
    );
    assert_eq!(
        result["problems"],
        serde_json::json!([]),
        "console problems under the CSP"
    );
    eprintln!(
        "search page: first query {} ms, {} bytes downloaded; typed query {} ms",
        result["firstQueryMs"], result["firstBytes"], result["secondQueryMs"]
    );
}

#[test]
fn serve_reloads_an_open_page_when_its_file_changes() {
    if unavailable().is_some() {
        return;
    }
    let site = TestSite::basic();
    let served = crate::serve::serve(&site);
    let file = site.path("content/testimonies/101.md");
    let result = run_script(
        "reload.mjs",
        &[
            format!("http://127.0.0.1:{}/", served.port),
            "testimonies/101/".to_string(),
            file.to_string_lossy().into_owned(),
            "At the bus stop".to_string(),
            "Edited while open".to_string(),
        ],
    );
    assert_eq!(result["before"], "At the bus stop");
    assert!(
        result["after"]
            .as_str()
            .unwrap()
            .contains("Edited while open"),
        "{result}"
    );
    assert_eq!(result["problems"], serde_json::json!([]));
    eprintln!("serve: edit to reloaded page in {} ms", result["ms"]);
}
