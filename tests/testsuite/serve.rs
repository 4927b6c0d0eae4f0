//! `testimony serve`: serves at the root path, rebuilds on change, shows a mistake as the page
//! without stopping, and recovers when the file is fixed.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{TestSite, start_server, testimony};

pub struct Served {
    child: Child,
    pub port: u16,
    /// How many builds it has reported.
    builds: Arc<AtomicUsize>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn serve(site: &TestSite) -> Served {
    let (child, address, lines) = start_server(site, &["serve", "--port", "0"]);
    let port = address
        .split('/')
        .next()
        .and_then(|port| port.parse().ok())
        .expect("serve printed its port");
    // Keep reading its output, counting builds, so it never blocks on a full pipe.
    let builds = Arc::new(AtomicUsize::new(1));
    let counter = Arc::clone(&builds);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if line.starts_with("Built ") || line.starts_with("Rebuilt ") {
                counter.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    Served {
        child,
        port,
        builds,
    }
}

/// GET a path: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// Waits until `check` holds for the page at `path`, or fails after 30 s.
#[track_caller]
fn wait_for(port: u16, path: &str, what: &str, check: impl Fn(u16, &str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = get(port, path);
        if check(status, &body) {
            return body;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {status}\n{body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_rebuilds_on_change_shows_mistakes_and_recovers() {
    let site = TestSite::basic();
    // A path prefix in base_url: serve still serves at the root.
    let config = std::fs::read_to_string(site.path("content/site.yaml")).unwrap();
    site.write(
        "content/site.yaml",
        config.replace(
            "https://fixture.example/",
            "https://fixture.example/archive/",
        ),
    );
    let served = serve(&site);
    let port = served.port;
    let home = wait_for(port, "/", "the home page", |status, _| status == 200);
    assert!(
        home.contains("/__testimony/reload.js"),
        "the reload client is added while serving"
    );
    assert!(
        home.contains("href=/schools/") || home.contains("href=\"/schools/\""),
        "links at the root"
    );
    assert_eq!(get(port, "/__testimony/reload.js").0, 200);
    assert!(
        !site.path("public").exists(),
        "serve leaves the site's public/ alone"
    );
    // Building reads the files; reading is no change, so it does not build again and again.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        served.builds.load(Ordering::SeqCst),
        1,
        "serve rebuilt with nothing changed"
    );

    site.write(
        "content/testimonies/104.md",
        testimony("id: 104\nstatus: approved\npublished: 2021-06-01\nschools: [NBA]\ntitle: Added while serving", "New."),
    );
    wait_for(
        port,
        "/testimonies/104/",
        "the new testimony",
        |status, body| status == 200 && body.contains("Added while serving"),
    );

    site.write(
        "content/testimonies/104.md",
        testimony("id: 104\nstatus: aproved\nschools: [NBA]", "New."),
    );
    let page = wait_for(port, "/", "the error page", |status, _| status == 500);
    assert!(page.contains("content/testimonies/104.md:3:9"), "{page}");
    assert!(page.contains("did you mean `approved`?"));

    site.write(
        "content/testimonies/104.md",
        testimony(
            "id: 104\nstatus: approved\npublished: 2021-06-01\nschools: [NBA]\ntitle: Fixed",
            "New.",
        ),
    );
    wait_for(port, "/testimonies/104/", "recovery", |status, body| {
        status == 200 && body.contains("Fixed")
    });
}

mod incremental {
    //! The engine behind serve's rebuilds, without a server: after each edit, what it wrote
    //! must be what a fresh full build of the same content writes.

    use std::collections::{BTreeMap, BTreeSet};
    use std::fs;
    use std::path::{Path, PathBuf};

    use testimony::incremental::{Changes, Engine, Rebuilt};
    use testimony::search::{Manifest, SearchRequest, search_output_dir};
    use testimony::site::{self, BuildError, BuildOptions};

    use crate::common::{TestSite, testimony};

    const BASE_URL: &str = "http://127.0.0.1:9/";

    struct Served {
        site: TestSite,
        engine: Engine,
        output: PathBuf,
        _temp: tempfile::TempDir,
    }

    impl Served {
        fn new() -> Served {
            let site = TestSite::basic();
            let temp = tempfile::TempDir::new().unwrap();
            let output = temp.path().join("served");
            let mut engine = Engine::new(BuildOptions {
                site_dir: site.dir.clone(),
                output_dir: output.clone(),
                base_url: Some(BASE_URL.into()),
            });
            let first = engine.rebuild(&Changes::Everything).unwrap();
            assert!(!first.incremental);
            Served {
                site,
                engine,
                output,
                _temp: temp,
            }
        }

        /// Writes (or, given `None`, deletes) testimony files, then rebuilds with just them.
        fn edit(&mut self, files: &[(&str, Option<String>)]) -> Result<Rebuilt, BuildError> {
            let mut changed = BTreeSet::new();
            for (path, text) in files {
                match text {
                    Some(text) => drop(self.site.write(path, text)),
                    None => fs::remove_file(self.site.path(path)).unwrap(),
                }
                changed.insert(PathBuf::from(path));
            }
            self.engine.rebuild(&Changes::Files(changed))
        }

        #[track_caller]
        fn edit_ok(&mut self, files: &[(&str, Option<String>)]) -> Rebuilt {
            let rebuilt = self.edit(files).unwrap_or_else(|error| panic!("{error:?}"));
            assert!(rebuilt.incremental, "only testimonies changed");
            assert_same_as_full_build(&self.site, &self.output);
            rebuilt
        }
    }

    /// Whether `name` (in `search/`) is a file of the index rather than of the search page.
    fn is_index_file(name: &str) -> bool {
        name.ends_with(".bin")
            || name == "manifest.json"
            || name.starts_with("runtime.")
            || name.starts_with("catalog.")
    }

    /// Every file under `dir`, by relative path, with its bytes.
    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| {
                let path = entry.path().strip_prefix(dir).unwrap();
                (
                    path.to_string_lossy().into_owned(),
                    fs::read(entry.path()).unwrap(),
                )
            })
            .collect()
    }

    /// The same pages byte for byte, no stale search file, and the same answers to queries.
    #[track_caller]
    fn assert_same_as_full_build(site: &TestSite, served: &Path) {
        let temp = tempfile::TempDir::new().unwrap();
        let full = temp.path().join("full");
        site::build(&BuildOptions {
            site_dir: site.dir.clone(),
            output_dir: full.clone(),
            base_url: Some(BASE_URL.into()),
        })
        .unwrap();
        let pages = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
            files(dir)
                .into_iter()
                .filter(|(path, _)| {
                    let index = path.strip_prefix("search/").is_some_and(is_index_file);
                    !index && !path.starts_with(".testimony")
                })
                .collect()
        };
        let (expected, actual) = (pages(&full), pages(served));
        assert_eq!(
            expected.keys().collect::<Vec<_>>(),
            actual.keys().collect::<Vec<_>>(),
            "the same files"
        );
        for (path, bytes) in &expected {
            assert!(
                actual[path] == *bytes,
                "{path} differs from a full build's:\n{}\n---\n{}",
                String::from_utf8_lossy(&actual[path]),
                String::from_utf8_lossy(bytes)
            );
        }

        let manifest =
            Manifest::parse(&fs::read(served.join("search/manifest.json")).unwrap()).unwrap();
        let mut referenced: BTreeSet<String> = manifest
            .index
            .iter()
            .flat_map(|file| (0..file.chunk_count() as u32).map(|n| file.chunk_file(n)))
            .collect();
        referenced.extend([manifest.runtime.clone(), manifest.hot_file.clone()]);
        referenced.insert("manifest.json".into());
        let present: BTreeSet<String> = files(&served.join("search"))
            .into_keys()
            .filter(|name| is_index_file(name))
            .collect();
        assert_eq!(
            present, referenced,
            "the search folder holds only what its manifest names"
        );

        for query in [
            "",
            "bus stop",
            "teacher",
            "group chat",
            "pictures",
            "changed words",
        ] {
            for school in [
                None,
                Some("northbridge-academy"),
                Some("Quillfield College"),
            ] {
                let request = SearchRequest {
                    query: query.into(),
                    school: school.map(str::to_owned),
                    ..SearchRequest::default()
                };
                let expected = search_output_dir(&full, &request).unwrap();
                let actual = search_output_dir(served, &request).unwrap();
                let ids = |found: &testimony::search::Found| {
                    let mut ids: Vec<(u64, String)> = found
                        .shown
                        .iter()
                        .map(|hit| (hit.id, hit.title.clone()))
                        .collect();
                    // Scores may differ in the last digits (deleted documents still count in
                    // word statistics until segments merge); the answers may not.
                    if !query.is_empty() {
                        ids.sort();
                    }
                    ids
                };
                assert_eq!(ids(&actual), ids(&expected), "{query:?} at {school:?}");
                let (actual, expected) = (&actual.results, &expected.results);
                assert_eq!(actual.total, expected.total, "{query:?} at {school:?}");
                assert_eq!(actual.facets, expected.facets, "{query:?} at {school:?}");
            }
        }
    }

    fn bus_stop(school: &str, body: &str) -> Option<String> {
        Some(testimony(
            &format!(
                "id: 101\nstatus: approved\npublished: 2021-03-02\nschools: [{school}]\ntags: [harassment]\ntitle: At the bus stop"
            ),
            body,
        ))
    }

    #[test]
    fn incremental_rebuilds_write_what_a_full_build_writes() {
        let mut served = Served::new();
        assert_same_as_full_build(&served.site, &served.output);

        // A body edit.
        let rebuilt = served.edit_ok(&[(
            "content/testimonies/101.md",
            bus_stop(
                "northbridge-academy",
                "Changed words every day at the bus stop.",
            ),
        )]);
        assert_eq!(rebuilt.files_read, 1);
        // A new school: it appears in the index, its page and feed are written.
        served.edit_ok(&[(
            "content/testimonies/101.md",
            bus_stop(
                "Quillfield College",
                "Changed words every day at the bus stop.",
            ),
        )]);
        assert!(
            served
                .output
                .join("schools/quillfield-college/atom.xml")
                .is_file()
        );

        // Withdrawn: gone from every file, the search index included.
        served.edit_ok(&[(
            "content/testimonies/103.md",
            Some(testimony(
                "id: 103\nstatus: withdrawn\npublished: 2021-05-20\nschools: [\"Hollowmere Grammar School\"]",
                "A teacher listened, and that helped.",
            )),
        )]);
        for (path, bytes) in files(&served.output) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("A teacher listened") && !text.contains("testimonies/103/"),
                "{path} still shows the withdrawn testimony"
            );
        }
        assert!(
            !served
                .output
                .join("schools/hollowmere-grammar-school")
                .exists()
        );
        let teacher = SearchRequest {
            query: "teacher".into(),
            ..SearchRequest::default()
        };
        assert_eq!(
            search_output_dir(&served.output, &teacher)
                .unwrap()
                .results
                .total,
            0
        );

        // Added: the list gains a page.
        let added = |status: &str| {
            Some(testimony(
                &format!(
                    "id: 104\nstatus: {status}\npublished: 2021-06-01\nschools: [NBA]\ntitle: Added while serving"
                ),
                "New.",
            ))
        };
        served.edit_ok(&[("content/testimonies/sub/104.md", added("approved"))]);
        assert!(served.output.join("testimonies/104/index.html").is_file());

        // A mistake: nothing is written, and fixing it picks up from there.
        let before = files(&served.output);
        let error = served
            .edit(&[("content/testimonies/sub/104.md", added("aproved"))])
            .unwrap_err();
        let BuildError::Content(diagnostics) = error else {
            panic!("a content mistake")
        };
        assert!(diagnostics.to_string().contains("did you mean `approved`?"));
        assert!(
            files(&served.output) == before,
            "a failed rebuild writes nothing"
        );
        let fixed = served.edit_ok(&[("content/testimonies/sub/104.md", added("approved"))]);
        assert_eq!(fixed.files_read, 1);

        // A duplicate id, then the duplicate deleted.
        let duplicate = added("approved").map(|text| text.replace("Added while", "Twice while"));
        let error = served
            .edit(&[("content/testimonies/105.md", duplicate)])
            .unwrap_err();
        assert!(
            format!("{error:?}").contains("the id 104 is used twice"),
            "{error:?}"
        );
        served.edit_ok(&[("content/testimonies/105.md", None)]);

        // Renamed and deleted files.
        let moved = fs::read_to_string(served.site.path("content/testimonies/102.md")).unwrap();
        served.edit_ok(&[
            ("content/testimonies/102.md", None),
            ("content/testimonies/2021/102.md", Some(moved)),
        ]);
        served.edit_ok(&[("content/testimonies/101.md", None)]);
        assert!(!served.output.join("testimonies/101/index.html").exists());
        assert!(
            !served
                .output
                .join("schools/quillfield-college")
                .join("index.html")
                .exists()
        );
    }

    #[test]
    fn anything_but_testimonies_rebuilds_everything() {
        let mut served = Served::new();
        let config = fs::read_to_string(served.site.path("content/site.yaml")).unwrap();
        served.site.write(
            "content/site.yaml",
            config.replace("Fixture Archive", "Renamed Archive"),
        );
        let changes = Changes::Files([PathBuf::from("content/site.yaml")].into());
        let rebuilt = served.engine.rebuild(&changes).unwrap();
        assert!(!rebuilt.incremental);
        assert_same_as_full_build(&served.site, &served.output);
        assert!(
            fs::read_to_string(served.output.join("index.html"))
                .unwrap()
                .contains("Renamed Archive")
        );
    }
}
