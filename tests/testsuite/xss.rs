//! The XSS corpus (DESIGN.md §2.3, "Untrusted text"): every payload of
//! `tests/fixtures/xss/payloads.txt` in a testimony of its own, checked in the built HTML, then
//! opened in Chromium served WITHOUT the Content-Security-Policy: the renderer alone must hold.

use std::collections::BTreeMap;
use std::time::Instant;

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use crate::browser::{run_script, unavailable};
use crate::common::{TestSite, repo_root, testimony};
use crate::server::StaticServer;

/// Payload `n` (from 0) is planted in testimony `FIRST_ID + n`.
const FIRST_ID: usize = 2000;
/// Written after every payload: one that swallowed the rest of its page would lose it.
const AFTER: &str = "End of corpus testimony.";
const LINK_REL: &str = "nofollow noopener noreferrer";

/// Elements that run, load or submit something; none may appear inside `<main>`. (The site's
/// own search forms are checked apart: see `static_problems`.)
const FORBIDDEN: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "img",
    "image",
    "svg",
    "math",
    "style",
    "link",
    "meta",
    "base",
    "video",
    "audio",
    "source",
    "track",
    "picture",
    "portal",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "isindex",
    "keygen",
    "bgsound",
    "marquee",
    "canvas",
    "map",
    "area",
    "param",
];
const FORM_PARTS: &[&str] = &[
    "form", "input", "button", "select", "textarea", "option", "datalist",
];
/// Attributes a browser follows as an address.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "ping",
    "srcset",
    "srcdoc",
    "dynsrc",
    "lowsrc",
    "codebase",
    "xlink:href",
];

/// The payloads of `payloads.txt`, whose format is described at its top.
fn payloads() -> Vec<String> {
    let path = repo_root().join("tests/fixtures/xss/payloads.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut payloads = Vec::new();
    let mut block: Option<Vec<&str>> = None;
    for line in text.lines() {
        block = match (block, line) {
            (Some(lines), "%%%") => {
                payloads.push(lines.join("\n"));
                None
            }
            (Some(mut lines), line) => {
                lines.push(line);
                Some(lines)
            }
            (None, "%%%") => Some(Vec::new()),
            (None, line) => {
                if !line.starts_with(";;") && !line.trim().is_empty() {
                    payloads.push(line.to_string());
                }
                None
            }
        };
    }
    assert!(
        block.is_none(),
        "{}: a %%% block is not closed",
        path.display()
    );
    payloads.iter().map(|p| decode_code_points(p)).collect()
}

/// Replaces each `⟨U+XXXX⟩` with the character it names.
fn decode_code_points(payload: &str) -> String {
    let mut out = String::new();
    let mut rest = payload;
    while let Some(start) = rest.find("⟨U+") {
        let end = rest[start..]
            .find('⟩')
            .map(|e| start + e)
            .unwrap_or_else(|| panic!("unclosed ⟨U+ in {payload:?}"));
        let hex = &rest[start + "⟨U+".len()..end];
        let c = u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .unwrap_or_else(|| panic!("bad code point {hex} in {payload:?}"));
        out.push_str(&rest[..start]);
        out.push(c);
        rest = &rest[end + '⟩'.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// What a browser would make of an address: control characters and spaces around it dropped,
/// tabs and newlines inside it removed, lower case.
fn scheme_is_dangerous(value: &str) -> bool {
    let url: String = value
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "data:", "vbscript:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
}

/// A path on this site: `/x`, but not `//host` or `/\host`, which browsers read as another host.
fn site_relative(url: &str) -> bool {
    url.starts_with('/') && !url.starts_with("//") && !url.starts_with("/\\")
}

fn elements<'a>(root: ElementRef<'a>) -> impl Iterator<Item = ElementRef<'a>> {
    root.descendants().skip(1).filter_map(ElementRef::wrap)
}

/// Everything wrong with one built page (`path` relative to `public/`).
fn static_problems(path: &str, html: &str) -> Vec<String> {
    let testimony_page = path.starts_with("testimonies/")
        && path.ends_with("/index.html")
        && path["testimonies/".len()..]
            .split('/')
            .next()
            .is_some_and(|id| id.chars().all(|c| c.is_ascii_digit()));
    let document = Html::parse_document(html);
    let mut problems = Vec::new();
    let mut problem = |what: String| problems.push(format!("{path}: {what}"));

    // Anywhere on the page: no handler, no dangerous address, only the site's own script files.
    for element in elements(document.root_element()) {
        let name = element.value().name();
        for (attribute, value) in element.value().attrs() {
            if attribute.to_ascii_lowercase().starts_with("on") {
                problem(format!("<{name} {attribute}={value:?}>"));
            }
            if URL_ATTRIBUTES.contains(&attribute) && scheme_is_dangerous(value) {
                problem(format!("<{name} {attribute}={value:?}>"));
            }
        }
        if name == "script" {
            let src = element.value().attr("src").unwrap_or_default();
            if !site_relative(src) || element.text().any(|t| !t.trim().is_empty()) {
                problem(format!(
                    "a script that is not the site's own: {}",
                    element.html()
                ));
            }
        }
    }

    let main_selector = Selector::parse("main").unwrap();
    let mains: Vec<ElementRef> = document.select(&main_selector).collect();
    if mains.len() != 1 {
        problem(format!("{} <main> elements", mains.len()));
    }
    for main in mains {
        for element in elements(main) {
            let name = element.value().name();
            let in_body = element
                .ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| a.value().classes().any(|c| c == "testimony-body"));
            if FORBIDDEN.contains(&name) {
                problem(format!("<{name}> in main: {}", element.html()));
            }
            if FORM_PARTS.contains(&name) {
                // The site's own search boxes and school finder, on pages that are not
                // testimonies, stand outside the excerpts (`article`) and send only to a page of
                // the site; nothing a testimony brings may be a form or a control.
                let mut around = std::iter::once(element)
                    .chain(element.ancestors().filter_map(ElementRef::wrap));
                let in_excerpt = around.clone().any(|e| e.value().name() == "article");
                let sends_away = around
                    .find(|e| e.value().name() == "form")
                    .is_some_and(|f| !f.value().attr("action").is_some_and(site_relative));
                if testimony_page || in_excerpt || sends_away {
                    problem(format!("<{name}> in main: {}", element.html()));
                }
            }
            for (attribute, value) in element.value().attrs() {
                if scheme_is_dangerous(value) || attribute == "style" {
                    problem(format!("<{name} {attribute}={value:?}> in main"));
                }
            }
            if name == "a" {
                if let Some(href) = element.value().attr("href") {
                    let fragment = href.starts_with('#') && !in_body;
                    if !(href.starts_with("https://") || site_relative(href) || fragment) {
                        problem(format!("a link to {href:?} in main"));
                    }
                }
                if in_body {
                    let attrs: Vec<(&str, &str)> = element.value().attrs().collect();
                    let href = element.value().attr("href").unwrap_or_default();
                    if !href.starts_with("https://")
                        || element.value().attr("rel") != Some(LINK_REL)
                        || attrs.len() != 2
                    {
                        problem(format!(
                            "a testimony link not as rendered: {}",
                            element.html()
                        ));
                    }
                }
            }
        }
    }
    problems
}

/// The payload behind a problem about `testimonies/ID/...`, for the failure message.
fn payload_of<'a>(problem: &str, payloads: &'a [String]) -> Option<&'a str> {
    let id: usize = problem
        .strip_prefix("testimonies/")?
        .split('/')
        .next()?
        .parse()
        .ok()?;
    payloads.get(id.checked_sub(FIRST_ID)?).map(String::as_str)
}

fn report(problems: &[String], payloads: &[String]) -> String {
    problems
        .iter()
        .map(|p| match payload_of(p, payloads) {
            Some(payload) => format!("{p}\n    payload: {payload:?}"),
            None => p.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A page that is NOT built by the renderer and does run script: proof that the browser run
/// sees dialogs, titles, off-site loads and `javascript:` links, and that no CSP is in force.
const CANARY: &str = r#"<!doctype html><html><head><meta charset=utf-8><title>Canary</title></head><body><main>
<script>alert('canary')</script>
<img src="/xss-canary/missing.png" onerror="document.title='XSS'">
<img src="https://xss.invalid/canary.png">
<p><a href="javascript:confirm('canary')">click</a></p>
</main></body></html>
"#;

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn xss_corpus_stays_inert_in_chromium_without_the_csp() {
    let started = Instant::now();
    let payloads = payloads();
    assert!(
        payloads.len() >= 110,
        "the corpus has only {} payloads",
        payloads.len()
    );
    let site = TestSite::basic();
    // Fifty to a listing page rather than two: listings show the same excerpts either way, and
    // some 270 more listing pages would only slow the browser run.
    let config = std::fs::read_to_string(site.path("content/site.yaml")).unwrap();
    assert!(config.contains("per_page: 2\n"));
    site.write(
        "content/site.yaml",
        config.replace("per_page: 2\n", "per_page: 50\n"),
    );
    for (n, payload) in payloads.iter().enumerate() {
        let id = FIRST_ID + n;
        site.write(
            &format!("content/testimonies/xss/{id}.md"),
            testimony(
                // What the identifying-details lint finds in payloads is accepted here: web
                // addresses ("https://xss.invalid/…", "alert@xss.invalid") and words it takes
                // for handles ("x:alert(alt)", "x:expression(…)" read as an X handle). This test
                // is about rendering; the lint has tests of its own.
                &format!(
                    "id: {id}\nstatus: approved\npublished: 2021-09-01\nschools: [NBA]\nmoderation:\n  allow: [\".\", \"@\", \"/\", \":\", alert, expression]"
                ),
                &format!("Corpus testimony {n}.\n\n{payload}\n\n{AFTER}"),
            ),
        );
    }
    site.build();

    // 1. The built HTML: every page, parsed as a browser would.
    let pages = site.html_pages();
    let mut problems: Vec<String> = pages
        .iter()
        .flat_map(|(path, html)| static_problems(path, html))
        .collect();
    let body = Selector::parse(".testimony-body").unwrap();
    for n in 0..payloads.len() {
        let path = format!("testimonies/{}/index.html", FIRST_ID + n);
        match pages.iter().find(|(p, _)| *p == path) {
            None => problems.push(format!("{path}: not built")),
            Some((_, html)) => {
                let text: String = Html::parse_document(html)
                    .select(&body)
                    .flat_map(|b| b.text())
                    .collect();
                if !text.contains(AFTER) {
                    problems.push(format!("{path}: the text after the payload is lost"));
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems in the built pages:\n{}",
        problems.len(),
        report(&problems, &payloads)
    );
    eprintln!(
        "XSS corpus: {} payloads, {} pages checked in the built HTML ({:.1} s)",
        payloads.len(),
        pages.len(),
        started.elapsed().as_secs_f64()
    );

    // 2. Chromium, with no CSP: nothing may run, load from elsewhere or lead to script.
    if unavailable().is_some() {
        return;
    }
    // Pages carry the policy as a <meta> too (for hosts without headers): take it out, so that
    // here too only the renderer stands between a payload and the reader.
    for (path, html) in &pages {
        let start = html
            .find("<meta http-equiv=Content-Security-Policy")
            .or_else(|| html.find("<meta content=\"default-src"))
            .unwrap_or_else(|| panic!("{path} has no Content-Security-Policy meta"));
        let end = start + html[start..].find('>').unwrap() + 1;
        site.write(
            &format!("public/{path}"),
            format!("{}{}", &html[..start], &html[end..]),
        );
    }
    site.write("public/xss-canary/index.html", CANARY);
    site.write("no-headers.toml", "[build]\npublish = \"public\"\n");
    let server = StaticServer::start(&site.path("public"), &site.path("no-headers.toml"));
    let title = Selector::parse("title").unwrap();
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    for (path, html) in &pages {
        let url_path = match path.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{path}"),
        };
        let text: String = Html::parse_document(html)
            .select(&title)
            .flat_map(|t| t.text())
            .collect();
        titles.insert(url_path, text);
    }
    let mut paths: Vec<String> = titles.keys().cloned().collect();
    // Search results show testimony words through the page's own script.
    for query in ["alert", "script", "javascript"] {
        let path = format!("/search/?q={query}");
        titles.insert(path.clone(), titles["/search/"].clone());
        paths.push(path);
    }
    paths.push("/xss-canary/".to_string());
    let browser_started = Instant::now();
    let mut args = vec![server.url("/")];
    args.extend(paths.iter().cloned());
    let results = run_script("xss.mjs", &args);
    let results = results.as_array().unwrap();

    let mut problems = Vec::new();
    let mut clicked = 0;
    let mut canary = None;
    for result in results {
        let path = result["path"].as_str().unwrap();
        if path == "/xss-canary/" {
            canary = Some(result);
            continue;
        }
        let relative = path.trim_start_matches('/').split('?').next().unwrap();
        let file = if relative.is_empty() || relative.ends_with('/') {
            format!("{relative}index.html")
        } else {
            relative.to_string()
        };
        let mut problem = |what: String| problems.push(format!("{file}: {what}"));
        for key in ["dialogs", "offsiteRequests", "active", "problems"] {
            let found = strings(&result[key]);
            if !found.is_empty() {
                problem(format!("{key}: {found:?}"));
            }
        }
        if path == "(other pages)" {
            continue;
        }
        if result["title"].as_str() != titles.get(path).map(String::as_str) {
            problem(format!(
                "title {} instead of {:?}",
                result["title"],
                titles.get(path)
            ));
        }
        let expected_url = server.url(path.split('?').next().unwrap());
        if result["url"].as_str().map(|u| u.split('?').next().unwrap())
            != Some(expected_url.as_str())
        {
            problem(format!("ended at {}", result["url"]));
        }
        for link in strings(&result["links"]) {
            if !(link.starts_with("https://") || link.starts_with(&server.url("/"))) {
                problem(format!("a link in main to {link:?}"));
            }
        }
        for click in result["clicks"].as_array().unwrap() {
            clicked += 1;
            let href = click["href"].as_str().unwrap();
            let host = |url: &str| url.split('/').take(3).collect::<Vec<_>>().join("/");
            let dialogs = strings(&click["dialogs"]);
            let elsewhere = strings(&click["offsiteRequests"])
                .into_iter()
                .filter(|r| host(r) != host(href))
                .collect::<Vec<_>>();
            if !href.starts_with("https://") || !dialogs.is_empty() || !elsewhere.is_empty() {
                problem(format!(
                    "clicking {href:?}: dialogs {dialogs:?}, requests {elsewhere:?}"
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems in Chromium without the CSP:\n{}",
        problems.len(),
        report(&problems, &payloads)
    );

    // The canary proves the run would have seen an attack.
    let canary = canary.expect("the canary page was visited");
    assert!(
        strings(&canary["dialogs"]).contains(&"alert: canary".to_string()),
        "{canary}"
    );
    assert_eq!(canary["title"], "XSS", "{canary}");
    assert!(
        strings(&canary["offsiteRequests"]).contains(&"https://xss.invalid/canary.png".to_string()),
        "{canary}"
    );
    assert!(!strings(&canary["active"]).is_empty(), "{canary}");
    let canary_click = &canary["clicks"][0];
    assert!(
        canary_click["href"]
            .as_str()
            .is_some_and(|h| h.starts_with("javascript:"))
            && strings(&canary_click["dialogs"]).contains(&"confirm: canary".to_string()),
        "{canary}"
    );
    eprintln!(
        "XSS corpus: {} payloads on {} pages in Chromium without the CSP, {} off-site links \
         clicked: no dialog, no title change, no off-site request ({:.1} s; {:.1} s in all)",
        payloads.len(),
        paths.len() - 1,
        clicked,
        browser_started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
