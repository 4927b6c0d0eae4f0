//! The moderation gate and untrusted text: nothing unapproved or private in any output byte,
//! and no testimony can inject markup.

use scraper::{Html, Selector};

use crate::common::{TestSite, testimony};

/// Unique strings planted where nothing may be published.
const MARKERS: &[&str] = &[
    "PENDINGMARKERq7",
    "REJECTEDMARKERz3",
    "WITHDRAWNMARKERk9",
    "DRAFTUPDATEMARKERw2",
    "MODERATIONNOTEMARKERx5",
    "MODERATORNAMEMARKERv8",
    "Unpublished Marker Academy",
    "unpublished-marker-academy",
];

#[test]
fn nothing_unapproved_or_private_reaches_any_output_byte() {
    let site = TestSite::basic();
    let schools = std::fs::read_to_string(site.path("content/schools.yaml")).unwrap();
    site.write(
        "content/schools.yaml",
        format!("{schools}- name: Unpublished Marker Academy\n  kind: other\n  region: NOWHEREREGIONMARKER\n"),
    );
    site.write(
        "content/testimonies/201.md",
        testimony("id: 201\nstatus: pending\nschools: [Unpublished Marker Academy]\ntitle: PENDINGMARKERq7", "PENDINGMARKERq7 body"),
    );
    site.write(
        "content/testimonies/202.md",
        testimony(
            "id: 202\nstatus: rejected\nschools: [unpublished-marker-academy]",
            "REJECTEDMARKERz3",
        ),
    );
    site.write(
        "content/testimonies/203.md",
        testimony(
            "id: 203\nstatus: withdrawn\npublished: 2021-01-01\nschools: [NBA]\ntags: [online]",
            "WITHDRAWNMARKERk9",
        ),
    );
    site.write(
        "content/testimonies/204.md",
        testimony(
            "id: 204\nstatus: approved\npublished: 2021-07-01\nschools: [NBA]\nmoderation:\n  reviewed_by: MODERATORNAMEMARKERv8\n  notes: MODERATIONNOTEMARKERx5\n  allow: [MODERATIONNOTEMARKERx5]",
            "An approved testimony with private moderation notes.",
        ),
    );
    site.write(
        "content/updates/2021-08-01-draft.md",
        "---\ntitle: DRAFTUPDATEMARKERw2\ndate: 2021-08-01\ndraft: true\n---\nDRAFTUPDATEMARKERw2\n",
    );
    site.build();
    let files = site.output_files();
    assert!(files.contains_key("testimonies/204/index.html"));
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for marker in MARKERS.iter().chain(&["NOWHEREREGIONMARKER"]) {
            assert!(!text.contains(marker), "{path} contains {marker}");
        }
        assert!(
            !path.contains("unpublished-marker"),
            "{path} names an unpublished school"
        );
    }
    assert!(!files.contains_key("testimonies/203/index.html"));

    // The search index, decompressed: every stored document and every indexed term. It stores
    // no text, so the approved testimony's words are there as terms, one a line (stemmed).
    let index = testimony::search::open_output_dir(&site.path("public")).unwrap();
    let held = index.everything_held().unwrap().to_lowercase();
    for word in ["approv", "moder", "privat"] {
        assert!(
            held.lines().any(|line| line.ends_with(word)),
            "the index does not hold {word}"
        );
    }
    for marker in MARKERS.iter().chain(&["NOWHEREREGIONMARKER"]) {
        assert!(
            !held.contains(&marker.to_lowercase()),
            "the search index holds {marker}"
        );
        let run = site.run(&["search", marker, "--json"]).assert_ok();
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(json["total"], 0, "searching for {marker} finds something");
    }
    let run = site
        .run(&[
            "search",
            "",
            "--school",
            "Unpublished Marker Academy",
            "--json",
        ])
        .assert_ok();
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["total"], 0);
}

/// Known script-injection shapes, each planted in a testimony body.
const XSS_PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<object data=\"x.swf\"></object>",
    "<embed src=\"x.swf\">",
    "<a href=\"javascript:alert(1)\">click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[ref][x]\n\n[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![img](https://evil.example/track.png)",
    "![x](javascript:alert(1))",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<form action=https://evil.example><button>go</button></form>",
    "<meta http-equiv=refresh content=\"0;url=https://evil.example\">",
    "<base href=https://evil.example/>",
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "`<script>alert(1)</script>`",
    "[x](https://example.org/\" onmouseover=\"alert(1))",
    "[x](<https://example.org/a b> \"t\" onclick=\"x\")",
];

#[test]
fn testimony_markup_never_becomes_active_content() {
    let site = TestSite::basic();
    for (index, payload) in XSS_PAYLOADS.iter().enumerate() {
        let id = 300 + index;
        site.write(
            &format!("content/testimonies/xss/{id}.md"),
            testimony(
                // The web addresses in the payloads are accepted here: this test is about
                // rendering, and the identifying-details lint has tests of its own.
                &format!("id: {id}\nstatus: approved\npublished: 2021-09-01\nschools: [NBA]\nmoderation:\n  allow: [\".\", \"@\", \"/\"]"),
                &format!("Before.\n\n{payload}\n\nAfter."),
            ),
        );
    }
    site.build();
    let dangerous = Selector::parse(
        "main script, main iframe, main object, main embed, main img, main svg, main math, main style, main form, main meta, main base, main link, main details[ontoggle], main [style]",
    )
    .unwrap();
    let all = Selector::parse("main *").unwrap();
    for (index, payload) in XSS_PAYLOADS.iter().enumerate() {
        let path = format!("testimonies/{}/index.html", 300 + index);
        let html = site.output(&path);
        let document = Html::parse_document(&html);
        assert!(
            document.select(&dangerous).next().is_none(),
            "{path}: payload {payload:?} produced an active element"
        );
        for element in document.select(&all) {
            for (name, value) in element.value().attrs() {
                assert!(!name.starts_with("on"), "{path}: event handler {name}");
                let value = value.trim().to_lowercase();
                assert!(
                    !value.starts_with("javascript:")
                        && !value.starts_with("data:")
                        && !value.starts_with("vbscript:"),
                    "{path}: {name}={value}"
                );
            }
            if element.value().name() == "a" {
                let href = element.value().attr("href").unwrap_or_default();
                assert!(
                    href.starts_with("https://") || href.starts_with('/') || href.starts_with('#'),
                    "{path}: {href}"
                );
            }
        }
        // The words around the payload are still there: the text is shown, not dropped.
        assert!(
            html.contains("Before.") && html.contains("After."),
            "{path}"
        );
    }
}

#[test]
fn https_links_in_testimonies_are_kept_with_rel() {
    let site = TestSite::basic();
    site.write(
        "content/testimonies/401.md",
        testimony(
            "id: 401\nstatus: approved\npublished: 2021-09-02\nschools: [NBA]\nmoderation:\n  allow: [example.org]",
            "See [the guidance](https://example.org/guidance) and [this](http://example.org/plain).",
        ),
    );
    site.build();
    let html = site.output("testimonies/401/index.html");
    let document = Html::parse_document(&html);
    let link = Selector::parse("main a[href='https://example.org/guidance']").unwrap();
    let link = document
        .select(&link)
        .next()
        .expect("the https link is kept");
    assert_eq!(
        link.value().attr("rel"),
        Some("nofollow noopener noreferrer")
    );
    assert!(!html.contains("http://example.org/plain"));
    assert!(html.contains("this"));
}

#[test]
fn netlify_toml_sets_the_strict_headers() {
    let text = std::fs::read_to_string(crate::common::repo_root().join("netlify.toml")).unwrap();
    let config: toml::Value = toml::from_str(&text).unwrap();
    assert_eq!(config["build"]["publish"].as_str(), Some("public"));
    assert_eq!(
        config["build"]["command"].as_str(),
        Some("cargo run --release -- build")
    );
    let rules = config["headers"].as_array().unwrap();
    let header = |pattern: &str, name: &str| -> String {
        rules
            .iter()
            .find(|r| r["for"].as_str() == Some(pattern))
            .and_then(|r| r["values"].get(name))
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("no {name} for {pattern}"))
            .to_string()
    };
    let csp = header("/*", "Content-Security-Policy");
    for directive in [
        "default-src 'none'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "style-src 'self'",
        "frame-ancestors 'none'",
        "form-action 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "CSP lacks {directive}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
    assert!(header("/*", "Strict-Transport-Security").contains("max-age=63072000"));
    assert_eq!(header("/*", "X-Content-Type-Options"), "nosniff");
    assert_eq!(header("/*", "Referrer-Policy"), "no-referrer");
    assert_eq!(header("/*", "Cross-Origin-Resource-Policy"), "same-origin");
    assert_eq!(header("/*", "Cross-Origin-Opener-Policy"), "same-origin");
    assert!(header("/*", "Permissions-Policy").contains("camera=()"));
    assert_eq!(header("/search/*.wasm", "Content-Type"), "application/wasm");
    assert!(header("/assets/*", "Cache-Control").contains("immutable"));
}
