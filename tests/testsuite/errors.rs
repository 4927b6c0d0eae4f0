//! Every content mistake is reported with its file, line and column in the file, in plain
//! words, with a hint; all mistakes of a run together; exit status 1.

use crate::common::{TestSite, testimony};

/// Builds the basic site with one extra file and returns what `build` printed.
fn build_with(path: &str, text: impl AsRef<[u8]>) -> String {
    let site = TestSite::basic();
    site.write(path, text);
    let run = site.run(&["build"]).assert_code(1);
    assert!(!site.path("public").exists(), "a failed build wrote output");
    run.stderr
}

#[track_caller]
fn assert_reports(stderr: &str, expected: &[&str]) {
    for line in expected {
        assert!(stderr.contains(line), "expected {line:?} in:\n{stderr}");
    }
}

const T: &str = "content/testimonies/t.md";

#[test]
fn unknown_field_suggests_the_right_one() {
    let stderr = build_with(
        T,
        testimony(
            "id: 9\nstatus: approved\npublished: 2021-06-01\nschools: [NBA]\ntag: [online]",
            "x",
        ),
    );
    assert_reports(
        &stderr,
        &[
            "content/testimonies/t.md:6:1: error: unknown field `tag`",
            "6 | tag: [online]",
            "  | ^^^",
            "= hint: did you mean `tags`?",
            "1 error and 0 warnings found.",
        ],
    );
}

#[test]
fn missing_and_unknown_status_fail_closed() {
    let stderr = build_with(T, testimony("id: 9\nschools: [NBA]", "x"));
    assert_reports(
        &stderr,
        &["content/testimonies/t.md:2:1: error: the required field `status` is missing"],
    );
    let stderr = build_with(T, testimony("id: 9\nstatus: aproved\nschools: [NBA]", "x"));
    assert_reports(
        &stderr,
        &[
            "content/testimonies/t.md:3:9: error: `aproved` is not a valid status",
            "hint: did you mean `approved`?",
        ],
    );
}

#[test]
fn unknown_school_lists_the_closest_registered_names() {
    let stderr = build_with(
        T,
        testimony(
            "id: 9\nstatus: pending\nschools:\n  - Northbrige Academy",
            "x",
        ),
    );
    assert_reports(
        &stderr,
        &[
            "content/testimonies/t.md:5:5: error: unknown school `Northbrige Academy`",
            "did you mean `northbridge-academy` (Northbridge Academy)?",
        ],
    );
}

#[test]
fn ambiguous_school_lists_each_candidate_slug() {
    let site = TestSite::basic();
    let schools = std::fs::read_to_string(site.path("content/schools.yaml")).unwrap();
    site.write(
        "content/schools.yaml",
        format!(
            "{schools}- name: North Bridge School\n  kind: primary\n  aliases: [Northbridge]\n"
        ),
    );
    site.write(
        T,
        testimony("id: 9\nstatus: pending\nschools: [Northbridge]", "x"),
    );
    let stderr = site.run(&["build"]).assert_code(1).stderr;
    assert_reports(
        &stderr,
        &[
            "content/testimonies/t.md:4:11: error: `Northbridge` could be more than one school",
            "`northbridge-academy` (Northbridge Academy), `north-bridge-school` (North Bridge School)",
        ],
    );
}

#[test]
fn school_references_match_names_aliases_and_former_names_loosely() {
    let site = TestSite::basic();
    site.write(T, testimony(
        "id: 9\nstatus: approved\npublished: 2021-06-01\nschools: [\"northbridge high school\", \"university-of-EASTWOLD\"]",
        "x",
    ));
    site.build();
    let html = site.output("testimonies/9/index.html");
    assert!(
        html.contains("/schools/northbridge-academy/")
            && html.contains("/schools/university-of-eastwold/")
    );
}

#[test]
fn unknown_tag_suggests_the_vocabulary() {
    let stderr = build_with(
        T,
        testimony("id: 9\nstatus: pending\nschools: [NBA]\ntags: [onlin]", "x"),
    );
    assert_reports(
        &stderr,
        &[
            "content/testimonies/t.md:5:8: error: unknown tag `onlin`",
            "hint: did you mean `online`?",
        ],
    );
}

#[test]
fn duplicate_ids_name_both_files() {
    let stderr = build_with(
        "content/testimonies/zz.md",
        testimony("id: 101\nstatus: pending\nschools: [NBA]", "x"),
    );
    assert_reports(
        &stderr,
        &[
            "content/testimonies/zz.md:2:1: error: the id 101 is used twice",
            "content/testimonies/101.md has it too; give this testimony the next free id, 104",
        ],
    );
}

#[test]
fn ids_must_be_positive_whole_numbers() {
    let stderr = build_with(T, testimony("id: -4\nstatus: pending\nschools: [NBA]", "x"));
    assert_reports(
        &stderr,
        &["content/testimonies/t.md:2:5: error: the id -4 is not a positive whole number"],
    );
    let stderr = build_with(
        T,
        testimony("id: twelve\nstatus: pending\nschools: [NBA]", "x"),
    );
    assert_reports(
        &stderr,
        &[
            "content/testimonies/t.md:2:5: error: `id` should be i64, not string \"twelve\"",
            "write a whole number such as `id: 1042`",
        ],
    );
}

#[test]
fn impossible_dates_and_missing_published_dates() {
    let stderr = build_with(
        T,
        testimony(
            "id: 9\nstatus: approved\npublished: 2021-02-30\nschools: [NBA]",
            "x",
        ),
    );
    assert_reports(
        &stderr,
        &["content/testimonies/t.md:4:12: error: `2021-02-30` is not a real date"],
    );
    let stderr = build_with(T, testimony("id: 9\nstatus: approved\nschools: [NBA]", "x"));
    assert_reports(
        &stderr,
        &["content/testimonies/t.md:3:1: error: an approved testimony needs a `published` date"],
    );
}

#[test]
fn period_must_be_a_year_or_range() {
    let stderr = build_with(
        T,
        testimony(
            "id: 9\nstatus: pending\nschools: [NBA]\nperiod: \"2019-2015\"",
            "x",
        ),
    );
    assert_reports(
        &stderr,
        &["content/testimonies/t.md:5:10: error: `2019-2015` is not a year or a range of years"],
    );
}

#[test]
fn broken_front_matter_and_files() {
    let stderr = build_with(T, "---\nid: 9\nstatus: pending\n\nNo closing line.\n");
    assert_reports(
        &stderr,
        &["content/testimonies/t.md:1:1: error: the front matter is never closed"],
    );
    let stderr = build_with(T, "Just text, no front matter.\n");
    assert_reports(
        &stderr,
        &["content/testimonies/t.md:1:1: error: this file does not start with front matter"],
    );
    let stderr = build_with(T, "");
    assert_reports(
        &stderr,
        &["content/testimonies/t.md: error: this file is empty"],
    );
    let stderr = build_with(
        T,
        b"---\nid: 9\nstatus: pending\nschools: [NBA]\n---\nBad \xff byte.\n",
    );
    assert_reports(
        &stderr,
        &["content/testimonies/t.md:6:5: error: this file is not valid UTF-8 text"],
    );
    let stderr = build_with(T, "---\nid: 9\nstatus: pending\n\tschools: [NBA]\n---\nx\n");
    assert_reports(
        &stderr,
        &[
            "content/testimonies/t.md:4:1: error: a tab is used for indentation here; YAML allows only spaces",
        ],
    );
}

#[test]
fn page_slugs_must_be_safe_and_free() {
    let stderr = build_with(
        "content/pages/evil.md",
        "---\ntitle: Evil\nslug: ../../etc\n---\nx\n",
    );
    assert_reports(
        &stderr,
        &[
            "content/pages/evil.md:3:7: error: the page slug `../../etc` cannot be used as an address",
        ],
    );
    let stderr = build_with("content/pages/schools.md", "---\ntitle: Schools\n---\nx\n");
    assert_reports(
        &stderr,
        &[
            "content/pages/schools.md: error: the page slug `schools` is already used by the site itself",
        ],
    );
}

#[test]
fn site_and_school_registry_mistakes() {
    let site = TestSite::basic();
    let config = std::fs::read_to_string(site.path("content/site.yaml")).unwrap();
    site.write(
        "content/site.yaml",
        config.replace("per_page: 2", "per_page: 2\ncolour: blue"),
    );
    let stderr = site.run(&["build"]).assert_code(1).stderr;
    assert_reports(
        &stderr,
        &["content/site.yaml:7:1: error: unknown field `colour`"],
    );

    let site = TestSite::basic();
    site.write(
        "content/schools.yaml",
        "- name: A School\n  kind: secondary\n- name: a school\n  kind: primary\n",
    );
    let stderr = site.run(&["build"]).assert_code(1).stderr;
    assert_reports(
        &stderr,
        &[
            "content/schools.yaml:2:9: error: `secondary` is not a valid kind",
            "did you mean `state-secondary`?",
        ],
    );
}

#[test]
fn every_mistake_of_a_run_is_reported_together() {
    let site = TestSite::basic();
    site.write(
        "content/testimonies/a.md",
        testimony("id: 9\nstatus: pending\nschools: [Nowhere]", "x"),
    );
    site.write(
        "content/testimonies/b.md",
        testimony("id: 10\nstatus: pending\nschools: [NBA]\ntags: [nope]", "x"),
    );
    site.write(
        "content/updates/bad.md",
        "---\ntitle: Bad\ndate: 2021-13-01\n---\nx\n",
    );
    let stderr = site.run(&["build"]).assert_code(1).stderr;
    assert_reports(
        &stderr,
        &[
            "content/testimonies/a.md:4:11: error: unknown school `Nowhere`",
            "content/testimonies/b.md:5:8: error: unknown tag `nope`",
            "content/updates/bad.md:3:7: error: `2021-13-01` is not a real date",
            "3 errors and 0 warnings found.",
        ],
    );
}

/// The number before `what` in `check`'s summary ("2 approved, 1 pending, ...").
fn counted(stdout: &str, what: &str) -> usize {
    let before = stdout
        .split(&format!(" {what}"))
        .next()
        .unwrap_or_else(|| panic!("no count of {what} in:\n{stdout}"));
    let number = before.rsplit([' ', ':']).next().unwrap();
    number
        .parse()
        .unwrap_or_else(|_| panic!("no count of {what} in:\n{stdout}"))
}

#[test]
fn thousands_of_files_are_each_read_once_and_a_mistake_in_any_of_them_is_found() {
    // More files than are read at a time, so they are read in several batches.
    let site = TestSite::basic();
    let pending = counted(&site.run(&["check"]).assert_ok().stdout, "pending");
    for n in 0..2_500 {
        site.write(
            &format!("content/testimonies/many/{n:04}.md"),
            testimony(
                &format!("id: {}\nstatus: pending\nschools: [NBA]", 10_000 + n),
                "Waiting to be read.",
            ),
        );
    }
    let stdout = site.run(&["check"]).assert_ok().stdout;
    assert_eq!(counted(&stdout, "pending"), pending + 2_500, "{stdout}");

    site.write(
        "content/testimonies/many/2400.md",
        testimony("id: 12400\nstatus: pending\nschools: [Nowhere]", "x"),
    );
    let stderr = site.run(&["check"]).assert_code(1).stderr;
    assert_reports(
        &stderr,
        &[
            "content/testimonies/many/2400.md:4:11: error: unknown school `Nowhere`",
            "1 error and 0 warnings found.",
        ],
    );
}

#[test]
fn files_that_are_not_markdown_are_named_not_skipped_silently() {
    let site = TestSite::basic();
    site.write("content/testimonies/notes.txt", "moderator scribbles");
    let run = site.build();
    assert!(
        run.stderr
            .contains("content/testimonies/notes.txt: warning: this file is left out"),
        "{}",
        run.stderr
    );
}

#[test]
fn usage_errors_exit_with_status_2() {
    let site = TestSite::basic();
    site.run(&["build", "--no-such-flag"]).assert_code(2);
    site.run(&["frobnicate"]).assert_code(2);
    let run = site
        .run(&["build", "--base-url", "example.org"])
        .assert_code(2);
    assert!(
        run.stderr.contains("--base-url must start with https://"),
        "{}",
        run.stderr
    );
}

#[test]
fn identifying_details_block_an_approved_testimony_until_allowed() {
    let site = TestSite::basic();
    site.write(
        T,
        testimony(
            "id: 9\nstatus: approved\npublished: 2021-06-01\nschools: [NBA]\ntitle: What Mr Pemberton said",
            "It started in Year 9 at Northbridge Academy.\n\nThen Jake Turner messaged me at jt@example.com.",
        ),
    );
    let stderr = site.run(&["check"]).assert_code(1).stderr;
    assert_reports(
        &stderr,
        &[
            "content/testimonies/t.md:6:13: error: A titled name in an approved testimony: `Mr Pemberton`",
            "content/testimonies/t.md:10:6: error: A person's name in an approved testimony: `Jake Turner`",
            "content/testimonies/t.md:10:33: error: An email address in an approved testimony: `jt@example.com`",
            "3 errors and 0 warnings found.",
        ],
    );
    site.run(&["build"]).assert_code(1);
    // A moderator who has checked the findings accepts them; then it builds.
    site.write(
        T,
        testimony(
            "id: 9\nstatus: approved\npublished: 2021-06-01\nschools: [NBA]\ntitle: What Mr Pemberton said\nmoderation:\n  allow: [Pemberton, Jake Turner, example.com]",
            "It started in Year 9 at Northbridge Academy.\n\nThen Jake Turner messaged me at jt@example.com.",
        ),
    );
    site.build();
}

#[test]
fn identifying_details_in_a_pending_testimony_are_warnings() {
    let site = TestSite::basic();
    site.write(
        T,
        testimony(
            "id: 9\nstatus: pending\nschools: [NBA]",
            "Call 07700 900123 about it.",
        ),
    );
    let run = site.build();
    assert!(
        run.stderr.contains("content/testimonies/t.md:6:6: warning: A phone number in a pending testimony: `07700 900123`"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_site_yaml_with_only_a_title_builds_with_defaults_and_says_what_base_url_is_missing() {
    let site = TestSite::basic();
    // The fixture's testimonies use its tags, so the vocabulary stays.
    site.write(
        "content/site.yaml",
        "title: Only A Title\ntags:\n  harassment: Harassment\n  online: Online\n",
    );
    let run = site.run(&["build"]).assert_ok();
    assert_reports(
        &run.stderr,
        &[
            "content/site.yaml: warning: site.yaml has no `base_url`",
            "http://localhost:1111/",
            "--base-url",
        ],
    );
    let home = site.output("index.html");
    assert!(home.contains("https://www.bbc.co.uk/weather"), "{home}");
    assert!(home.contains("<html lang=\"en\""), "{home}");
    // Building for a real address says nothing about it.
    let run = site
        .run(&["build", "--base-url", "https://archive.example/"])
        .assert_ok();
    assert!(!run.stderr.contains("base_url"), "{}", run.stderr);
}

#[test]
fn a_missing_field_of_site_yaml_or_schools_yaml_is_not_called_front_matter() {
    let site = TestSite::basic();
    site.write("content/site.yaml", "description: no title\n");
    let stderr = site.run(&["build"]).assert_code(1).stderr;
    assert_reports(&stderr, &["add a line `title: ...` to content/site.yaml"]);
    assert!(!stderr.contains("front matter"), "{stderr}");

    let site = TestSite::basic();
    site.write("content/schools.yaml", "- name: A School\n");
    let stderr = site.run(&["build"]).assert_code(1).stderr;
    assert_reports(
        &stderr,
        &["add a line `kind: ...` to this entry of content/schools.yaml"],
    );
    assert!(!stderr.contains("front matter"), "{stderr}");
}

#[test]
fn places_are_not_people_and_words_accepted_site_wide_no_longer_block() {
    let site = TestSite::basic();
    // Hartley is a town in the gazetteer: after "to" it is a place, as the subject a person.
    site.write(
        T,
        testimony(
            "id: 9\nstatus: approved\npublished: 2021-06-01\nschools: [NBA]",
            "On the school trip to Hartley nobody checked on us.\n\nA former classmate from Greenwood still messages about it.",
        ),
    );
    let stderr = site.run(&["check"]).assert_code(1).stderr;
    assert_reports(
        &stderr,
        &[
            "A person's name in an approved testimony: `Greenwood`",
            "1 error and 0 warnings found.",
        ],
    );
    assert!(!stderr.contains("`Hartley`"), "{stderr}");
    // Accepted once in site.yaml, for every testimony.
    let yaml = std::fs::read_to_string(site.path("content/site.yaml")).unwrap();
    site.write(
        "content/site.yaml",
        format!("{yaml}lint:\n  accept: [Greenwood]\n"),
    );
    site.run(&["check"]).assert_ok();
    site.build();
    // A name used as a person still blocks.
    site.write(
        T,
        testimony(
            "id: 9\nstatus: approved\npublished: 2021-06-01\nschools: [NBA]",
            "Hartley told me to keep quiet about it.",
        ),
    );
    let stderr = site.run(&["check"]).assert_code(1).stderr;
    assert_reports(
        &stderr,
        &["A person's name in an approved testimony: `Hartley`"],
    );
}

#[test]
fn the_lint_remembers_only_texts_it_found_nothing_in_and_reads_again_whatever_changed() {
    let site = TestSite::basic();
    let memory = site.path(".testimony-cache/lint-found-nothing");
    let front = "id: 9\nstatus: approved\npublished: 2021-06-01\nschools: [NBA]";
    let named = "A former classmate from Greenwood still messages about it.";
    let blocked = "A person's name in an approved testimony: `Greenwood`";
    site.write(T, testimony(front, named));
    let yaml = std::fs::read_to_string(site.path("content/site.yaml")).unwrap();

    // `check` writes nothing, not even what the lint found nothing in.
    site.run(&["check"]).assert_code(1);
    assert!(!memory.exists(), "check wrote {}", memory.display());

    // Accepted site-wide, then no longer: the build that follows reads the text again.
    site.write(
        "content/site.yaml",
        format!("{yaml}lint:\n  accept: [Greenwood]\n"),
    );
    site.build();
    let kept = std::fs::read(&memory).expect("a build keeps what the lint found nothing in");
    let kept_text = String::from_utf8_lossy(&kept);
    assert!(
        !kept_text.contains("Greenwood") && !kept_text.contains("classmate"),
        "the lint's memory holds words of a testimony: {kept_text}"
    );
    site.write("content/site.yaml", &yaml);
    assert_reports(&site.run(&["build"]).assert_code(1).stderr, &[blocked]);

    // Accepted by a moderator in this testimony, then no longer.
    let allowed = format!("{front}\nmoderation:\n  allow: [Greenwood]");
    site.write(T, testimony(&allowed, named));
    site.build();
    site.write(T, testimony(front, named));
    assert_reports(&site.run(&["build"]).assert_code(1).stderr, &[blocked]);

    // A text the last build found nothing in, edited to name someone.
    site.write(
        T,
        testimony(front, "A former classmate still messages about it."),
    );
    site.build();
    site.write(
        T,
        testimony(
            front,
            "A former classmate still messages about it. Mr Pemberton knew.",
        ),
    );
    assert_reports(
        &site.run(&["build"]).assert_code(1).stderr,
        &["A titled name in an approved testimony: `Mr Pemberton`"],
    );

    // A name the registry gives a school is never a person's, until the registry changes.
    site.write(T, testimony(front, named));
    let schools = std::fs::read_to_string(site.path("content/schools.yaml")).unwrap();
    site.write(
        "content/schools.yaml",
        schools.replace(
            "aliases: [Northbridge, NBA]",
            "aliases: [Northbridge, NBA, Greenwood]",
        ),
    );
    site.build();
    site.write("content/schools.yaml", &schools);
    assert_reports(&site.run(&["build"]).assert_code(1).stderr, &[blocked]);
}
