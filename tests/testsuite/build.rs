//! Building: the URL contract, the path prefix, determinism, and output written safely.

use std::fs;

use scraper::{Html, Selector};

use crate::common::{Run, TestSite, testimony};

/// Every `href`/`src` of an HTML page.
fn links(html: &str) -> Vec<String> {
    let document = Html::parse_document(html);
    let selector = Selector::parse("[href], [src]").unwrap();
    document
        .select(&selector)
        .flat_map(|e| {
            let attrs = e.value();
            [attrs.attr("href"), attrs.attr("src")]
        })
        .flatten()
        .map(str::to_string)
        .collect()
}

#[test]
fn the_demo_archive_builds_the_whole_url_contract() {
    let site = TestSite::demo();
    let run = site.build();
    assert!(
        run.stdout.contains("Built 38 published testimonies"),
        "{}",
        run.stdout
    );
    for path in [
        "index.html",
        "testimonies/index.html",
        "testimonies/page/2/index.html",
        "testimonies/1003/index.html",
        "schools/index.html",
        "schools/northbridge-academy/index.html",
        "schools/northbridge-academy/page/2/index.html",
        "schools/northbridge-academy/atom.xml",
        "tags/harassment/index.html",
        "updates/index.html",
        "updates/2021-03-01-the-archive-is-open/index.html",
        "updates/atom.xml",
        "about/index.html",
        "support/index.html",
        "how-to-report/index.html",
        "privacy/index.html",
        "search/index.html",
        "schools.json",
        "sitemap.xml",
        "robots.txt",
        "404.html",
    ] {
        assert!(site.has_output(path), "missing {path}");
    }
    // The draft update and the unapproved testimonies are not published.
    assert!(!site.has_output("updates/2022-07-15-summer-plans/index.html"));
    for id in [1014, 1027, 1039, 1020, 1033, 1009, 1036] {
        assert!(
            !site.has_output(&format!("testimonies/{id}/index.html")),
            "{id} was published"
        );
    }
}

#[test]
fn school_pages_show_kind_region_names_feed_and_search_link() {
    let site = TestSite::basic();
    site.build();
    let html = site.output("schools/northbridge-academy/index.html");
    for expected in [
        "Northbridge Academy",
        "State secondary school",
        "North West",
        "Northbridge High School",
        "NBA",
        "/schools/northbridge-academy/atom.xml",
        "/search/?school=northbridge-academy",
        "At the bus stop",
    ] {
        assert!(html.contains(expected), "school page lacks {expected}");
    }
    let index = site.output("schools/index.html");
    assert!(index.contains("Hollowmere Grammar School"));
    // Quillfield College has no published testimony: it is not listed.
    assert!(!index.contains("Quillfield"));

    let json: serde_json::Value = serde_json::from_str(&site.output("schools.json")).unwrap();
    let names: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Hollowmere Grammar School",
            "Northbridge Academy",
            "University of Eastwold"
        ]
    );
    assert_eq!(json[1]["count"], 2);
}

#[test]
fn lists_are_paginated_newest_first() {
    let site = TestSite::basic();
    site.build();
    let first = site.output("testimonies/index.html");
    let second = site.output("testimonies/page/2/index.html");
    // per_page is 2: 103 and 102 first, then 101.
    assert!(first.contains("/testimonies/103/") && first.contains("/testimonies/102/"));
    assert!(!first.contains("/testimonies/101/\""));
    assert!(second.contains("/testimonies/101/"));
    assert!(first.contains("/testimonies/page/2/"));
    let position = |id: &str| first.find(&format!("/testimonies/{id}/")).unwrap();
    assert!(position("103") < position("102"));
}

#[test]
fn testimonies_with_warnings_show_them_before_a_show_control() {
    let site = TestSite::basic();
    site.build();
    let html = site.output("testimonies/102/index.html");
    let document = Html::parse_document(&html);
    let details = Selector::parse("details").unwrap();
    let body = document
        .select(&details)
        .next()
        .expect("text behind a <details>");
    assert!(
        body.text()
            .any(|t| t.contains("A group chat passed pictures"))
    );
    let warning = html.find("image-based abuse").unwrap();
    assert!(warning < html.find("A group chat passed").unwrap());
    // The support block is on every testimony page.
    assert!(html.contains("You are not alone."));
    assert!(
        site.output("testimonies/101/index.html")
            .contains("You are not alone.")
    );
}

#[test]
fn every_page_has_the_quick_exit_and_no_inline_code() {
    let site = TestSite::basic();
    site.build();
    let pages = site.html_pages();
    assert!(pages.len() > 10);
    let quick_exit = Selector::parse("a.quick-exit[href='https://www.bbc.co.uk/weather']").unwrap();
    let scripts = Selector::parse("script").unwrap();
    let styled = Selector::parse("style, [style]").unwrap();
    for (path, html) in pages {
        let document = Html::parse_document(&html);
        assert!(
            document.select(&quick_exit).next().is_some(),
            "{path} has no quick exit"
        );
        for script in document.select(&scripts) {
            let src = script.value().attr("src").unwrap_or_default();
            assert!(
                src.starts_with("/assets/"),
                "{path}: script without a self-hosted src"
            );
            assert!(
                script.inner_html().trim().is_empty(),
                "{path}: inline script"
            );
        }
        assert!(
            document.select(&styled).next().is_none(),
            "{path}: inline style"
        );
        for link in links(&html) {
            assert!(
                link.starts_with('/')
                    || link.starts_with('#')
                    || link.starts_with("https://fixture.example/")
                    || link == "https://www.bbc.co.uk/weather",
                "{path}: third-party or odd link {link}"
            );
        }
    }
}

#[test]
fn a_path_prefix_reaches_every_link() {
    let site = TestSite::basic();
    site.run(&["build", "--base-url", "https://example.github.io/archive"])
        .assert_ok();
    for (path, html) in site.html_pages() {
        for link in links(&html) {
            if link.starts_with('/') {
                assert!(
                    link.starts_with("/archive/"),
                    "{path}: {link} lacks the prefix"
                );
            }
            if link.starts_with("https://example.github.io") {
                assert!(
                    link.starts_with("https://example.github.io/archive/"),
                    "{path}: {link}"
                );
            }
        }
    }
    // Campaign Markdown written from the site root gets the prefix too.
    assert!(
        site.output("testimonies/101/index.html")
            .contains("/archive/support/")
    );
    let feed = site.output("schools/northbridge-academy/atom.xml");
    assert!(feed.contains("https://example.github.io/archive/testimonies/101/"));
    assert!(
        site.output("sitemap.xml")
            .contains("https://example.github.io/archive/schools/")
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let site = TestSite::demo();
    site.build();
    let first = site.output_files();
    site.build();
    assert_eq!(first, site.output_files());
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = TestSite::basic();
    site.build();
    let before = site.output_files();
    site.write(
        "content/testimonies/104.md",
        testimony(
            "id: 104\nstatus: approved\npublished: 2021-06-01\nschools: [nowhere-school]",
            "Text.",
        ),
    );
    site.run(&["build"]).assert_code(1);
    assert_eq!(before, site.output_files());
    // No half-written directory is left beside it either.
    let siblings: Vec<String> = fs::read_dir(&site.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        siblings.iter().all(|name| !name.contains("building")),
        "{siblings:?}"
    );
}

#[test]
fn a_withdrawn_testimony_is_gone_after_the_next_build() {
    let site = TestSite::basic();
    site.build();
    assert!(site.has_output("testimonies/103/index.html"));
    let text = fs::read_to_string(site.path("content/testimonies/103.md")).unwrap();
    site.write(
        "content/testimonies/103.md",
        text.replace("status: approved", "status: withdrawn"),
    );
    site.build();
    assert!(!site.has_output("testimonies/103/index.html"));
    assert!(!site.has_output("schools/hollowmere-grammar-school/index.html"));
    for (path, bytes) in site.output_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("A teacher listened"),
            "{path} still holds the withdrawn text"
        );
    }
}

#[test]
fn refuses_output_directories_that_would_destroy_or_publish_the_site() {
    let site = TestSite::basic();
    let site_path = site.dir.to_string_lossy().into_owned();
    let run = site.run(&["build", "--output", "."]).assert_code(2);
    assert!(run.stderr.contains("is the site itself"), "{}", run.stderr);
    site.run(&["build", "--output", ".."]).assert_code(2);
    let run = site
        .run(&["build", "--output", "content/out"])
        .assert_code(2);
    assert!(
        run.stderr.contains("inside the site's content/"),
        "{}",
        run.stderr
    );
    // A directory of someone's own files is never replaced.
    site.write("../documents/letter.txt", "keep me");
    let run = site
        .run(&["build", "--output", "../documents"])
        .assert_code(2);
    assert!(run.stderr.contains("did not write"), "{}", run.stderr);
    assert!(site.path("../documents/letter.txt").exists());
    assert!(site.path("content/site.yaml").exists(), "{site_path}");
}

#[test]
fn output_can_go_anywhere_given() {
    let site = TestSite::basic();
    site.run(&["build", "--output", "../elsewhere"]).assert_ok();
    assert!(site.path("../elsewhere/index.html").exists());
    assert!(!site.path("public").exists());
}

#[test]
fn check_validates_and_writes_nothing() {
    let site = TestSite::basic();
    let run = site.run(&["check"]).assert_ok();
    assert!(run.stdout.contains("3 approved"), "{}", run.stdout);
    assert!(!site.path("public").exists());
    site.write(
        "content/testimonies/bad.md",
        testimony("id: 9\nstatus: maybe\nschools: [NBA]", "x"),
    );
    let run = site.run(&["check"]).assert_code(1);
    assert!(
        run.stderr
            .contains("content/testimonies/bad.md:3:9: error: `maybe` is not a valid status")
    );
}

#[test]
fn init_writes_a_site_that_builds_at_once() {
    let site = TestSite::empty();
    let run = site.run(&["init", "new-site"]).assert_ok();
    assert!(run.stdout.contains("new-site"));
    assert!(site.path("new-site/netlify.toml").exists());
    let run = site.run(&["build", "--site", "new-site"]).assert_ok();
    assert!(
        run.stdout.contains("published testimonies"),
        "{}",
        run.stdout
    );
    assert!(site.path("new-site/public/index.html").exists());
    // A second init never overwrites a site.
    site.run(&["init", "new-site"]).assert_code(2);
}

#[test]
fn crlf_files_with_a_byte_order_mark_are_read() {
    let site = TestSite::basic();
    let text = testimony(
        "id: 104\nstatus: approved\npublished: 2021-06-01\nschools: [Quillfield College]\ntitle: Windows line endings",
        "Saved on another computer.",
    );
    let mut bytes = vec![0xef, 0xbb, 0xbf];
    bytes.extend(text.replace('\n', "\r\n").into_bytes());
    site.write("content/testimonies/nested/deeper/104.md", bytes);
    site.build();
    assert!(
        site.output("testimonies/104/index.html")
            .contains("Windows line endings")
    );
    assert!(site.has_output("schools/quillfield-college/index.html"));
}

#[test]
fn a_site_theme_overrides_single_templates_and_static_files() {
    let site = TestSite::basic();
    site.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<p class=custom>Custom page: {{ page.title }}</p>{% endblock %}",
    );
    site.write("themes/default/static/style.css", "body { color: black; }");
    site.build();
    assert!(
        site.output("support/index.html")
            .contains("Custom page: Support")
    );
    // Templates not overridden come from the built-in theme.
    assert!(
        site.output("testimonies/101/index.html")
            .contains("At the bus stop")
    );
    assert_eq!(site.output("style.css"), "body { color: black; }");
}

#[test]
fn pages_are_minified_whatever_the_site_theme_writes() {
    let site = TestSite::basic();
    site.build();
    let built_in = site.output("support/index.html");
    assert!(built_in.starts_with("<!doctype html><html lang=\"en\"><head><meta charset=utf-8>"));
    assert!(!built_in.contains("\n  <"), "{built_in}");
    // Tera tags between attributes cannot be minified in the template: the pages are
    // minified after rendering instead, and come out right.
    site.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}\n  <p class=\"custom\"\n     \
         {% if page.title == \"Support\" %} data-support=\"yes\"{% endif %}>\n    \
         Custom page: {{ page.title }}\n  </p>\n{% endblock %}",
    );
    site.build();
    let custom = site.output("support/index.html");
    assert!(
        custom.contains("<p class=custom data-support=yes>Custom page: Support</p>"),
        "{custom}"
    );
    assert!(!custom.contains("\n  <"), "{custom}");

    // A tag in a quoted attribute value stays quoted: an untrusted title with spaces in it
    // must not end the attribute and start others.
    site.write(
        "themes/default/templates/testimony.html",
        "{% extends \"base.html\" %}{% block content %}<p data-title=\"{{testimony.title}}\">\
         x</p>{% endblock %}",
    );
    site.build();
    let page = site.output("testimonies/101/index.html");
    assert!(
        page.contains("<p data-title=\"At the bus stop\">x</p>"),
        "{page}"
    );
}

#[test]
fn feeds_sitemap_and_robots_are_well_formed() {
    let site = TestSite::basic();
    site.build();
    let feed = site.output("schools/northbridge-academy/atom.xml");
    assert!(feed.starts_with("<?xml"));
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(feed.contains("<id>https://fixture.example/testimonies/101/</id>"));
    // A testimony with content warnings is announced, not shown, in the feed.
    assert!(feed.contains("Content warning: image-based abuse"));
    assert!(!feed.contains("group chat passed pictures"));
    let sitemap = site.output("sitemap.xml");
    assert!(sitemap.contains("<loc>https://fixture.example/testimonies/101/</loc>"));
    assert!(
        site.output("robots.txt")
            .contains("Sitemap: https://fixture.example/sitemap.xml")
    );
}

#[test]
fn new_writes_files_for_a_volunteer_to_complete() {
    let site = TestSite::basic();
    let run = site.run(&["new", "testimony"]).assert_ok();
    assert_eq!(run.stdout.trim(), "./content/testimonies/104.md");
    let text = fs::read_to_string(site.path("content/testimonies/104.md")).unwrap();
    assert!(text.contains("id: 104\nstatus: pending"));
    // It still needs a school: check says so, naming the new file. While it is pending that
    // is a warning (DESIGN.md §10: a pending testimony never stops a build); approved, an error.
    let run = site.run(&["check"]).assert_ok();
    assert!(
        run.stderr
            .contains("content/testimonies/104.md:5:1: warning: `schools` is empty"),
        "{}",
        run.stderr
    );
    site.write(
        "content/testimonies/104.md",
        text.replace("status: pending", "status: approved\npublished: 2021-01-01"),
    );
    let run = site.run(&["check"]).assert_code(1);
    assert!(
        run.stderr
            .contains("content/testimonies/104.md:6:1: error: `schools` is empty"),
        "{}",
        run.stderr
    );
    site.write(
        "content/testimonies/104.md",
        text.replace("schools: []", "schools: [NBA]"),
    );
    site.run(&["check"]).assert_ok();
    let run = site.run(&["new", "testimony"]).assert_ok();
    assert_eq!(run.stdout.trim(), "./content/testimonies/105.md");
    let text = fs::read_to_string(site.path("content/testimonies/105.md")).unwrap();
    site.write(
        "content/testimonies/105.md",
        text.replace("schools: []", "schools: [NBA]"),
    );

    let run = site.run(&["new", "update"]).assert_ok();
    let update = run.stdout.trim().to_string();
    assert!(
        update.starts_with("./content/updates/20") && update.ends_with("-new-update.md"),
        "{update}"
    );
    let run = site.run(&["new", "page"]).assert_ok();
    assert_eq!(run.stdout.trim(), "./content/pages/new-page.md");
    let run = site.run(&["new", "page"]).assert_ok();
    assert_eq!(run.stdout.trim(), "./content/pages/new-page-2.md");
    // The new update is a draft and the new page is not in the menu: the site still builds.
    let run = site.run(&["build"]).assert_ok();
    assert!(site.has_output("new-page/index.html"), "{}", run.stderr);
    assert!(!site.output("updates/index.html").contains("A new update"));
}

#[test]
fn check_output_finds_every_broken_internal_link_under_a_prefix() {
    let site = TestSite::basic();
    let url = "https://example.github.io/archive/";
    site.run(&["build", "--base-url", url]).assert_ok();
    let run = site
        .run(&["check", "--output", "public", "--base-url", url])
        .assert_ok();
    assert!(run.stdout.contains("internal links of"), "{}", run.stdout);
    // Checked against the wrong prefix, every link is broken: the check really looks.
    let run = site.run(&["check", "--output", "public"]).assert_code(1);
    assert!(
        run.stderr.contains(
            "public/index.html: error: the link `/archive/schools/` leads to no file of the site"
        ),
        "{}",
        run.stderr
    );
    // A theme with a link to a page that does not exist.
    site.write(
        "themes/default/templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<a href=\"{{ site.root }}no-such-page/\">x</a>{% endblock %}",
    );
    site.run(&["build", "--base-url", url]).assert_ok();
    let run = site
        .run(&["check", "--output", "public", "--base-url", url])
        .assert_code(1);
    assert!(
        run.stderr
            .contains("public/support/index.html: error: the link `/archive/no-such-page/`"),
        "{}",
        run.stderr
    );
}

#[test]
fn quiet_builds_print_only_problems() {
    let site = TestSite::basic();
    let run = site.run(&["build", "--quiet"]).assert_ok();
    assert_eq!(run.stdout, "");
    site.write("content/testimonies/notes.txt", "x");
    let run = site.run(&["build", "--quiet"]).assert_ok();
    assert!(run.stderr.contains("warning: this file is left out"));
    let run = site.run(&["build", "--verbose"]).assert_ok();
    assert!(run.stderr.contains("render") && run.stdout.contains("Built 3 published testimonies"));
}

#[test]
fn builds_show_progress_as_lines_in_logs_and_as_a_bar_on_a_terminal() {
    let site = TestSite::basic();
    // Not a terminal (as in CI logs): one plain line a stage, with how much it has to do.
    let run = site.run(&["build"]).assert_ok();
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines[0], "Reading content", "{}", run.stderr);
    assert!(lines[1].starts_with("Writing pages ("), "{}", run.stderr);
    assert!(
        lines[2].starts_with("Writing the search index ("),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('\r'));

    // On a terminal (a pseudo-terminal made by `script`): a bar redrawn in place, then cleared.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("\n*** SKIPPED the terminal half: `script` (util-linux) is not installed ***\n");
        return;
    }
    let command = format!("{} build", env!("CARGO_BIN_EXE_testimony"));
    let output = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(&site.dir)
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    assert!(
        shown.contains("Writing pages") && shown.contains("] "),
        "{shown}"
    );
    assert!(
        shown.contains('\r') && shown.contains("\u{1b}[2K"),
        "{shown}"
    );
    assert!(shown.contains("Built 3 published testimonies"), "{shown}");
}

/// The scratch folders and lock files beside `public/`.
fn scratch_beside_output(site: &TestSite) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(&site.dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".public."))
        .collect();
    names.sort();
    names
}

#[test]
fn a_killed_build_leaves_nothing_that_the_next_build_does_not_clear() {
    let site = TestSite::demo();
    // Enough testimonies that the build is still running when it is killed.
    for id in 5000..7000 {
        site.write(
            &format!("content/testimonies/generated/{id}.md"),
            testimony(
                &format!("id: {id}\nstatus: approved\npublished: 2022-01-01\nschools: [northbridge-academy]"),
                "Someone in my year kept sending messages after I asked them to stop.",
            ),
        );
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_testimony"))
        .arg("build")
        .current_dir(&site.dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !scratch_beside_output(&site)
        .iter()
        .any(|name| name.starts_with(".public.building-"))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the build never started"
        );
        assert!(
            child.try_wait().unwrap().is_none(),
            "the build ended too soon"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL: nothing runs after it
    child.wait().unwrap();
    assert!(
        !scratch_beside_output(&site).is_empty(),
        "a killed build leaves its scratch folder"
    );

    site.build();
    assert_eq!(scratch_beside_output(&site), Vec::<String>::new());
    let clean = TestSite::files_of(&site.path("public"));
    fs::remove_dir_all(site.path("public")).unwrap();
    site.build();
    assert_eq!(
        clean,
        site.output_files(),
        "the output equals a clean build"
    );
}

#[test]
fn an_output_set_aside_by_a_killed_build_is_put_back_not_lost() {
    let site = TestSite::basic();
    site.build();
    let previous = site.output_files();
    // Killed between setting the old output aside and putting the new one in its place.
    fs::rename(site.path("public"), site.path(".public.old-999999")).unwrap();
    fs::create_dir(site.path(".public.building-999999")).unwrap();
    // The next build fails on a mistake, and still gives the previous output back.
    site.write("content/testimonies/broken.md", "no front matter\n");
    site.run(&["build"]).assert_code(1);
    assert_eq!(site.output_files(), previous);
    assert_eq!(scratch_beside_output(&site), Vec::<String>::new());
}

#[test]
fn a_second_build_of_the_same_output_stops_and_leaves_the_first_alone() {
    let site = TestSite::basic();
    site.build();
    let previous = site.output_files();
    // Another build of public/ is running: it holds its lock.
    let lock = fs::File::create(site.path(".public.lock-424242")).unwrap();
    lock.lock().unwrap();
    fs::create_dir(site.path(".public.building-424242")).unwrap();
    let run = site.run(&["build"]).assert_code(1);
    assert!(
        run.stderr.contains("another build of")
            && run.stderr.contains("is running (process 424242)")
            && run
                .stderr
                .contains("wait for it to finish, then build again"),
        "{}",
        run.stderr
    );
    assert!(site.path(".public.building-424242").is_dir());
    assert_eq!(site.output_files(), previous);
    drop(lock);
    site.build();
    assert_eq!(scratch_beside_output(&site), Vec::<String>::new());
}

#[test]
fn an_update_cut_short_by_a_kill_is_undone_by_the_next_build() {
    let site = TestSite::basic();
    site.build();
    let previous = site.output_files();
    let (changed, gone) = ("index.html", "schools/index.html");
    // Killed while moving an update into public/: one file moved out for good, one changed
    // file moved out but its new version not yet in, and one new file already in. Files moved
    // out are in the old folder under their step's number; new ones wait in the scratch folder
    // under the number they were written as.
    let old = site.path(".public.old-999999");
    let new = site.path(".public.building-999999");
    fs::create_dir_all(&old).unwrap();
    fs::create_dir_all(&new).unwrap();
    fs::rename(site.path("public").join(gone), old.join("0")).unwrap();
    fs::rename(site.path("public").join(changed), old.join("1")).unwrap();
    fs::write(new.join("0"), "the new home page").unwrap();
    site.write(
        "public/testimonies/990001/index.html",
        "a page that was not there",
    );
    site.write(
        ".public.journal-999999",
        format!("- \"{gone}\"\n~ 0 \"{changed}\"\n+ 1 \"testimonies/990001/index.html\"\nend\n"),
    );
    // The next build fails on a mistake, and still gives the previous output back.
    site.write("content/testimonies/broken.md", "no front matter\n");
    site.run(&["build"]).assert_code(1);
    assert_eq!(site.output_files(), previous);
    assert!(!site.path("public/testimonies/990001").exists());
    assert_eq!(scratch_beside_output(&site), Vec::<String>::new());
}

/// How many pages a `build --verbose` left unrendered, as the build before wrote them.
fn pages_not_rendered_again(run: &Run) -> usize {
    let line = run
        .stderr
        .lines()
        .find(|line| line.contains("pages not rendered again"))
        .unwrap_or_else(|| panic!("no count of pages left unrendered:\n{}", run.stderr));
    line.split_whitespace()
        .find_map(|word| word.parse().ok())
        .unwrap_or_else(|| panic!("no number in {line:?}"))
}

#[test]
fn a_page_is_rendered_again_when_its_file_or_anything_it_is_made_from_changed() {
    let site = TestSite::basic();
    site.build();
    let first = site.output_files();
    let pages = first.keys().filter(|path| path.ends_with(".html")).count();

    // A first build keys no page; the first build over it renders them all, and keys them.
    let run = site.run(&["build", "--verbose"]).assert_ok();
    assert_eq!(pages_not_rendered_again(&run), 0, "{}", run.stderr);
    // Nothing changed: the pages are left as they are, unrendered.
    let run = site.run(&["build", "--verbose"]).assert_ok();
    assert!(
        pages_not_rendered_again(&run) >= pages - 2,
        "{}",
        run.stderr
    );
    assert_eq!(site.output_files(), first);

    // A page changed by hand, even to as many bytes, is not the page the build left: it is
    // rendered again, and put back.
    let about = site.output("testimonies/101/index.html");
    let changed = about.replacen("bus stop", "bus stip", 1);
    assert_ne!(about, changed);
    assert_eq!(about.len(), changed.len());
    site.write("public/testimonies/101/index.html", &changed);
    fs::remove_file(site.path("public/index.html")).unwrap();
    let run = site.run(&["build", "--verbose"]).assert_ok();
    assert!(
        pages_not_rendered_again(&run) >= pages - 4,
        "{}",
        run.stderr
    );
    assert_eq!(site.output_files(), first);

    // What every page is made from changed (the site's title, a template): every page is
    // rendered again, and shows it.
    let yaml = fs::read_to_string(site.path("content/site.yaml")).unwrap();
    site.write(
        "content/site.yaml",
        yaml.replace("title: Fixture Archive", "title: Renamed Archive"),
    );
    let run = site.run(&["build", "--verbose"]).assert_ok();
    assert_eq!(pages_not_rendered_again(&run), 0, "{}", run.stderr);
    site.write(
        "themes/default/templates/testimony.html",
        "{% extends \"base.html\" %}{% block content %}<p class=mine>{{ testimony.title }}</p>{% endblock %}",
    );
    let run = site.run(&["build", "--verbose"]).assert_ok();
    assert_eq!(pages_not_rendered_again(&run), 0, "{}", run.stderr);
    for (path, bytes) in site.output_files() {
        if path.ends_with(".html") {
            let page = String::from_utf8_lossy(&bytes);
            assert!(page.contains("Renamed Archive"), "{path}: {page}");
        }
    }
    assert!(
        site.output("testimonies/101/index.html")
            .contains("<p class=mine>")
    );

    // The output is still what a clean build writes.
    let kept = site.output_files();
    fs::remove_dir_all(site.path("public")).unwrap();
    site.build();
    assert!(
        kept == site.output_files(),
        "the output differs from a clean build"
    );
}

#[cfg(unix)]
#[test]
fn building_over_an_earlier_build_rewrites_only_what_changed_and_equals_a_clean_build() {
    use std::os::unix::fs::MetadataExt;
    let inode =
        |site: &TestSite, path: &str| fs::metadata(site.path("public").join(path)).unwrap().ino();
    let site = TestSite::demo();
    site.build();
    let about_before = inode(&site, "about/index.html");
    let first = std::fs::read_dir(site.path("content/testimonies"))
        .unwrap()
        .count();
    assert!(first > 0);

    // A series of edits: a changed text, a withdrawal, a new testimony, a changed page.
    let testimonies = TestSite::files_of(&site.path("content/testimonies"));
    let (edited, text) = testimonies
        .iter()
        .find(|(_, bytes)| String::from_utf8_lossy(bytes).contains("status: approved"))
        .map(|(path, bytes)| (path.clone(), String::from_utf8_lossy(bytes).into_owned()))
        .unwrap();
    site.write(
        &format!("content/testimonies/{edited}"),
        format!("{text}\nIt took me a long time to tell anyone.\n"),
    );
    site.build();
    site.write(
        "content/testimonies/zz-new.md",
        testimony(
            "id: 990001\nstatus: approved\npublished: 2024-02-02\nschools: [northbridge-academy]",
            "A new account, added after the first build.",
        ),
    );
    let run = site.run(&["build", "--verbose"]).assert_ok();
    assert!(run.stderr.contains("files rewritten"), "{}", run.stderr);
    site.write(
        "content/testimonies/zz-new.md",
        testimony("id: 990001\nstatus: withdrawn", ""),
    );
    site.build();

    // Files no edit touched were not written again: they are the same files on disk.
    assert_eq!(inode(&site, "about/index.html"), about_before);
    assert!(!site.has_output("testimonies/990001/index.html"));
    // And the output is byte for byte what a clean build writes.
    let incremental = site.output_files();
    fs::remove_dir_all(site.path("public")).unwrap();
    site.build();
    assert_eq!(
        incremental.keys().collect::<Vec<_>>(),
        site.output_files().keys().collect::<Vec<_>>()
    );
    assert!(
        incremental == site.output_files(),
        "the output differs from a clean build"
    );
    for (path, bytes) in &incremental {
        assert!(
            !String::from_utf8_lossy(bytes).contains("added after the first build"),
            "{path} still holds the withdrawn text"
        );
    }
}
