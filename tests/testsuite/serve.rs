//! `testimony serve`: serves at the root path, rebuilds on change, shows a mistake as the page
//! without stopping, and recovers when the file is fixed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{TestSite, testimony};

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
    let mut child = Command::new(env!("CARGO_BIN_EXE_testimony"))
        .args(["serve", "--port", "0"])
        .current_dir(&site.dir)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let rest = line.split("http://127.0.0.1:").nth(1)?;
            rest.split('/').next()?.parse().ok()
        })
        .expect("serve printed its address");
    // Keep reading its output, counting builds, so it never blocks on a full pipe.
    let builds = Arc::new(AtomicUsize::new(1));
    let counter = Arc::clone(&builds);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if line.starts_with("Built ") {
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
