//! Moderation from the command line: `import` brings a form's export in as pending testimonies
//! (every row written or reported, nothing twice, unmapped columns never written anywhere),
//! and `withdraw` erases a testimony's words for good.

use std::fs;

use walkdir::WalkDir;

use crate::common::{TestSite, testimony};

/// Every byte under the site's folder (content, output, logs), as text, by path.
fn everything_in(site: &TestSite) -> Vec<(String, String)> {
    WalkDir::new(&site.dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let text = String::from_utf8_lossy(&fs::read(entry.path()).unwrap()).into_owned();
            (entry.path().display().to_string(), text)
        })
        .collect()
}

/// An export as a form tool writes it: a byte-order mark, CRLF line ends, quoted commas and
/// line breaks, non-ASCII text, and columns the campaign must never keep.
const HOSTILE_EXPORT: &str = "\u{feff}id,Name,Email,Phone,testimony,school,title,when,content_warnings\r\n\
s-1,NAMEMARKERa1,EMAILMARKER@example.org,07700 900123,\"It happened in the library, after school.\r\nI told nobody, then.\",Northbridge Academy,\"In the library\",2019,\"harassment, online\"\r\n\
s-2,NAMEMARKERb2,EMAILMARKERb2@example.org,PHONEMARKER22,\"Ça s'est passé à la cantine — the canteen.\",Northbrige Acadmy,\"Fake\nstatus: approved\",last year,\r\n\
s-3,NAMEMARKERc3,,,,,,,\r\n\
s-1,NAMEMARKERa1,EMAILMARKER@example.org,07700 900123,\"It happened in the library, after school.\r\nI told nobody, then.\",Northbridge Academy,\"In the library\",2019,\"harassment, online\"\r\n";

const UNMAPPED: &[&str] = &["NAMEMARKER", "EMAILMARKER", "PHONEMARKER", "07700 900123"];

#[test]
fn an_export_becomes_pending_testimonies_with_nothing_lost_duplicated_or_leaked() {
    let site = TestSite::basic();
    site.write("export.csv", HOSTILE_EXPORT);
    let run = site.run(&["import", "export.csv"]).assert_ok();
    let said = format!("{}{}", run.stdout, run.stderr);
    assert!(
        said.contains("Imported 2 submissions from export.csv as pending testimonies 104–105"),
        "{said}"
    );
    assert!(
        said.contains("1 submission had been imported before"),
        "{said}"
    );
    assert!(said.contains("export.csv: line 6: not imported"), "{said}");
    assert!(
        said.contains("Columns left out (not mapped in site.yaml's `intake:`, never written anywhere): Name, Email, Phone."),
        "{said}"
    );
    assert!(
        said.contains("1 testimony named a school the registry does not know"),
        "{said}"
    );

    let first = fs::read_to_string(site.path("content/testimonies/104.md")).unwrap();
    assert!(first.contains("status: pending"), "{first}");
    assert!(first.contains("- northbridge-academy"), "{first}");
    assert!(
        first.contains("period: '2019'") || first.contains("period: \"2019\""),
        "{first}"
    );
    assert!(
        first.contains("- harassment") && first.contains("- online"),
        "{first}"
    );
    assert!(
        first.contains("It happened in the library, after school.\nI told nobody, then."),
        "{first}"
    );
    assert!(first.contains("submission: id:s-1"), "{first}");
    let second = fs::read_to_string(site.path("content/testimonies/105.md")).unwrap();
    assert!(
        second.contains("Ça s'est passé à la cantine — the canteen."),
        "{second}"
    );
    assert!(second.contains("schools: []"), "{second}");
    assert!(
        second.contains("submitted_school: Northbrige Acadmy"),
        "{second}"
    );
    assert!(second.contains("submitted_period: last year"), "{second}");
    // A submitter cannot publish their own text by writing front matter into a field.
    assert!(second.contains("status: pending"), "{second}");
    assert_eq!(second.matches("status:").count(), 2, "{second}"); // the field and the quoted title

    // Unmapped columns reach no file and nothing printed.
    for marker in UNMAPPED {
        assert!(!said.contains(marker), "printed {marker}");
        for (path, text) in everything_in(&site) {
            if !path.ends_with("export.csv") {
                assert!(!text.contains(marker), "{path} holds {marker}");
            }
        }
    }

    // The imported testimonies never stop a build, and are not published.
    let check = site.run(&["check"]).assert_ok();
    assert!(check.stdout.contains("2 pending"), "{}", check.stdout);
    assert!(
        check
            .stdout
            .contains("Queue: 2 pending; the oldest has waited since 20"),
        "{}",
        check.stdout
    );
    site.build();
    assert!(!site.has_output("testimonies/104/index.html"));

    // The same export again writes nothing.
    let again = site.run(&["import", "export.csv"]).assert_ok();
    assert!(
        again.stdout.contains("Nothing new to import"),
        "{}",
        again.stdout
    );
    assert!(
        again
            .stdout
            .contains("3 submissions had been imported before"),
        "{}",
        again.stdout
    );
    assert!(!site.path("content/testimonies/106.md").exists());
}

#[test]
fn json_exports_of_netlify_forms_and_google_forms_csv_are_read() {
    let site = TestSite::basic();
    site.write(
        "netlify.json",
        r#"[{"id":"5f1a","number":1,"created_at":"2026-11-30T10:00:00Z","data":{"testimony":"Someone in my year shared a photo.","school":"NBA","name":"NAMEMARKERj1","email":"EMAILMARKERj1@example.org","ip":"192.0.2.1"}}]"#,
    );
    let run = site.run(&["import", "netlify.json"]).assert_ok();
    assert!(
        run.stdout.contains("Imported 1 submission"),
        "{}",
        run.stdout
    );
    let written = fs::read_to_string(site.path("content/testimonies/104.md")).unwrap();
    assert!(written.contains("submission: id:5f1a"), "{written}");
    assert!(written.contains("- northbridge-academy"), "{written}");
    for (path, text) in everything_in(&site) {
        if !path.ends_with("netlify.json") {
            assert!(
                !text.contains("MARKERj1") && !text.contains("192.0.2.1"),
                "{path}"
            );
        }
    }

    let site = TestSite::basic();
    let yaml = fs::read_to_string(site.path("content/site.yaml")).unwrap();
    site.write(
        "content/site.yaml",
        format!("{yaml}intake:\n  preset: google-forms\n  text: What happened?\n  schools: Which school?\n"),
    );
    site.write(
        "responses.csv",
        "Timestamp,What happened?,Which school?,Your email\n\
         2026/11/30 10:00:00 GMT,It was at the bus stop.,Quillfield College,EMAILMARKERg1@example.org\n\
         2026/11/30 11:00:00 GMT,It was at the bus stop.,Quillfield College,EMAILMARKERg2@example.org\n",
    );
    let run = site.run(&["import", "responses.csv"]).assert_ok();
    // Two answers alike but sent at different times are two submissions.
    assert!(
        run.stdout.contains("Imported 2 submissions"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("Columns left out (not mapped in site.yaml's `intake:`, never written anywhere): Your email."), "{}", run.stdout);
    let written = fs::read_to_string(site.path("content/testimonies/104.md")).unwrap();
    assert!(written.contains("submission: sha256:"), "{written}");
    let again = site.run(&["import", "responses.csv"]).assert_ok();
    assert!(
        again.stdout.contains("Nothing new to import"),
        "{}",
        again.stdout
    );
}

#[test]
fn an_export_without_the_testimony_column_is_refused_with_the_fix() {
    let site = TestSite::basic();
    site.write(
        "export.csv",
        "Name,Story\nNAMEMARKERz,Something happened.\n",
    );
    let run = site.run(&["import", "export.csv"]).assert_code(1);
    assert!(
        run.stderr.contains("no column is called `testimony`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("intake:"), "{}", run.stderr);
    assert!(!run.stderr.contains("NAMEMARKERz"), "{}", run.stderr);
    assert!(!site.path("content/testimonies/104.md").exists());
}

#[test]
fn withdraw_erases_the_words_keeps_the_id_and_logs_the_reason_privately() {
    let site = TestSite::basic();
    site.build();
    assert!(
        site.output("testimonies/103/index.html")
            .contains("A teacher listened")
    );
    let run = site
        .run(&[
            "withdraw",
            "103",
            "--reason",
            "REASONMARKERw4 asked by email",
        ])
        .assert_ok();
    assert!(
        run.stdout.contains("Testimony 103 is withdrawn"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("docs/withdrawing.md"), "{}", run.stdout);

    let file = fs::read_to_string(site.path("content/testimonies/103.md")).unwrap();
    assert_eq!(file, "---\nid: 103\nstatus: withdrawn\n---\n");
    let log = fs::read_to_string(site.path("content/takedowns.yaml")).unwrap();
    assert!(log.contains("- id: 103"), "{log}");
    assert!(
        log.contains("reason: REASONMARKERw4 asked by email"),
        "{log}"
    );
    assert!(log.contains("withdrawn: 20"), "{log}");

    site.run(&["check"]).assert_ok();
    site.build();
    assert!(!site.has_output("testimonies/103/index.html"));
    for (path, bytes) in site.output_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("A teacher listened"), "{path}");
        assert!(!text.contains("REASONMARKERw4"), "{path}");
    }

    // The id is never given again, even once the file is gone.
    fs::remove_file(site.path("content/testimonies/103.md")).unwrap();
    let run = site.run(&["new", "testimony"]).assert_ok();
    assert!(run.stdout.contains("104.md"), "{}", run.stdout);
    // An unknown id changes nothing.
    let run = site.run(&["withdraw", "999"]).assert_code(1);
    assert!(
        run.stderr.contains("no testimony has the id 999"),
        "{}",
        run.stderr
    );
}

#[test]
fn check_refuses_a_withdrawn_testimony_that_still_holds_its_words_but_build_removes_it() {
    let site = TestSite::basic();
    site.build();
    let text = fs::read_to_string(site.path("content/testimonies/103.md")).unwrap();
    site.write(
        "content/testimonies/103.md",
        text.replace("status: approved", "status: withdrawn"),
    );
    let check = site.run(&["check"]).assert_code(1);
    assert!(
        check.stderr.contains("content/testimonies/103.md:2:1: error: this testimony is withdrawn but its file still holds its words"),
        "{}",
        check.stderr
    );
    assert!(
        check.stderr.contains("testimony withdraw 103"),
        "{}",
        check.stderr
    );
    // A build takes it off the site at once all the same, with the same words as a warning.
    let build = site.build();
    assert!(
        build
            .stderr
            .contains("warning: this testimony is withdrawn"),
        "{}",
        build.stderr
    );
    assert!(!site.has_output("testimonies/103/index.html"));

    site.run(&["withdraw", "103"]).assert_ok();
    site.run(&["check"]).assert_ok();
    // A withdrawn file needs nothing but its id and status.
    site.write(
        "content/testimonies/200.md",
        testimony("id: 200\nstatus: withdrawn", ""),
    );
    site.run(&["check"]).assert_ok();
}
