//! `testimony moderate`: the desk answers only this machine's browser at the printed address,
//! and each action changes only what it means to in the testimony's file.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Child;

use crate::common::{TestSite, start_server, testimony};

struct Desk {
    child: Child,
    port: u16,
    /// `/SECRET`, the start of every address.
    base: String,
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then_some(value.trim())
        })
    }
}

fn start(site: &TestSite) -> Desk {
    let (child, address, lines) = start_server(site, &["moderate", "--port", "0"]);
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    let (port, path) = address.split_once('/').unwrap();
    Desk {
        child,
        port: port.parse().unwrap(),
        base: format!("/{}", path.trim_end_matches('/')),
    }
}

/// One raw HTTP/1.1 request with exactly these header lines.
fn send(port: u16, method: &str, path: &str, headers: &[String], body: &str) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    for header in headers {
        request.push_str(header);
        request.push_str("\r\n");
    }
    if method == "POST" {
        request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    Answer {
        status: head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn encode(fields: &[(&str, &str)]) -> String {
    let part = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                b' ' => "+".into(),
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", part(k), part(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Desk {
    fn host(&self) -> String {
        format!("Host: 127.0.0.1:{}", self.port)
    }

    fn origin(&self) -> String {
        format!("Origin: http://127.0.0.1:{}", self.port)
    }

    fn get(&self, path: &str) -> Answer {
        send(
            self.port,
            "GET",
            &format!("{}{path}", self.base),
            &[self.host()],
            "",
        )
    }

    fn post(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        send(
            self.port,
            "POST",
            &format!("{}{path}", self.base),
            &[self.host(), self.origin()],
            &encode(fields),
        )
    }

    /// The hash the testimony's forms carry.
    fn hash(&self, id: u64) -> String {
        let page = self.get(&format!("/testimony/{id}"));
        assert_eq!(page.status, 200, "{}", page.body);
        let at = page.body.find("name=\"hash\" value=\"").unwrap() + 19;
        page.body[at..at + 64].to_string()
    }
}

const CLEAN: &str = "After the summer fair a boy in the year above kept messaging me.";
const NAMED: &str = "After the disco Daniel Whitcombe followed me home, and Mr Pike laughed.";

fn site_with_pending() -> TestSite {
    let site = TestSite::basic();
    site.write(
        "content/testimonies/201.md",
        testimony(
            "id: 201\nstatus: pending # imported\nschools: [northbridge-academy]\ntags: [online]\ntitle: \"The summer fair\"\n\nmoderation:\n  imported: 2024-05-01\n  submission: \"form-1\"",
            CLEAN,
        ),
    );
    site.write(
        "content/testimonies/202.md",
        testimony(
            "id: 202\nstatus: pending\nschools: [hollowmere-grammar-school]\nmoderation:\n  imported: 2024-04-01",
            NAMED,
        ),
    );
    site
}

fn read(site: &TestSite, id: u64) -> String {
    std::fs::read_to_string(site.path(&format!("content/testimonies/{id}.md"))).unwrap()
}

#[test]
fn the_desk_refuses_other_hosts_origins_and_requests_without_the_secret() {
    let site = site_with_pending();
    let desk = start(&site);
    let before = read(&site, 201);

    let queue = desk.get("/");
    assert_eq!(queue.status, 200, "{}", queue.body);
    for (header, value) in [
        ("Cache-Control", "no-store"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
    ] {
        assert_eq!(queue.header(header), Some(value), "{}", queue.head);
    }
    let csp = queue.header("Content-Security-Policy").unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    // Oldest first: 202 came in before 201.
    let (first, second) = (
        queue.body.find("Testimony 202"),
        queue.body.find("Testimony 201"),
    );
    assert!(first.unwrap() < second.unwrap());
    assert!(
        queue.body.contains("<mark>Daniel Whitcombe</mark>"),
        "{}",
        queue.body
    );
    assert!(!queue.body.contains("<script"));

    let page = format!("{}/", desk.base);
    for host in [
        "Host: localhost".to_string(),
        format!("Host: localhost:{}", desk.port),
        "Host: attacker.example".to_string(),
        format!("Host: 127.0.0.1:{}.attacker.example", desk.port),
    ] {
        let answer = send(desk.port, "GET", &page, std::slice::from_ref(&host), "");
        assert_eq!(answer.status, 421, "{host}");
        assert!(!answer.body.contains("Whitcombe"));
    }
    let no_host = send(desk.port, "GET", &page, &[], "");
    assert!(matches!(no_host.status, 400 | 421), "{}", no_host.status);

    let foreign = send(
        desk.port,
        "GET",
        &page,
        &[desk.host(), "Origin: http://attacker.example".into()],
        "",
    );
    assert_eq!(foreign.status, 403);
    let cross_site = send(
        desk.port,
        "GET",
        &page,
        &[desk.host(), "Sec-Fetch-Site: cross-site".into()],
        "",
    );
    assert_eq!(cross_site.status, 403);

    for path in [
        "/".to_string(),
        "/testimony/201".to_string(),
        format!("{}x/", desk.base),
        format!("/{}/", "0".repeat(desk.base.len() - 1)),
    ] {
        let answer = send(desk.port, "GET", &path, &[desk.host()], "");
        assert_eq!(answer.status, 403, "{path}");
        assert!(
            answer.body.contains("printed in the terminal"),
            "{}",
            answer.body
        );
        assert!(!answer.body.contains("Whitcombe") && !answer.body.contains("summer fair"));
    }

    // Changes from anywhere but the desk's own pages are refused, and change nothing.
    let hash = desk.hash(201);
    let approve = format!("{}/testimony/201/approve", desk.base);
    let form = encode(&[("hash", &hash)]);
    let refused = [
        send(
            desk.port,
            "POST",
            &approve,
            &[desk.host(), "Origin: http://attacker.example".into()],
            &form,
        ),
        send(
            desk.port,
            "POST",
            &approve,
            &[desk.host(), "Origin: null".into()],
            &form,
        ),
        send(desk.port, "POST", &approve, &[desk.host()], &form),
        send(
            desk.port,
            "POST",
            "/testimony/201/approve",
            &[desk.host(), desk.origin()],
            &form,
        ),
        send(
            desk.port,
            "POST",
            &approve,
            &[format!("Host: localhost:{}", desk.port), desk.origin()],
            &form,
        ),
    ];
    for answer in refused {
        assert!(matches!(answer.status, 403 | 421), "{}", answer.head);
    }
    assert_eq!(read(&site, 201), before);
}

#[test]
fn approving_changes_only_status_and_published_and_the_site_still_checks() {
    let site = site_with_pending();
    let desk = start(&site);
    let before = read(&site, 201);
    let answer = desk.post("/testimony/201/approve", &[("hash", &desk.hash(201))]);
    assert_eq!(answer.status, 303, "{}", answer.body);
    let today = chrono::Local::now().date_naive();
    assert_eq!(
        read(&site, 201),
        before.replace(
            "status: pending # imported\n",
            &format!("status: approved\npublished: {today}\n")
        )
    );
    site.run(&["check"]).assert_ok();
    let queue = desk.get("/?done=approve&id=201");
    assert!(queue.body.contains("Testimony 201 is approved"));
    assert!(queue.body.contains("<strong>1</strong> pending"));
}

#[test]
fn a_stale_form_is_refused_and_changes_nothing() {
    let site = site_with_pending();
    let desk = start(&site);
    let hash = desk.hash(201);
    // Another tab (or an editor) changes the file after the page was opened.
    let changed = read(&site, 201).replace("summer fair", "spring fair");
    site.write("content/testimonies/201.md", &changed);
    let answer = desk.post(
        "/testimony/201/edit",
        &[("hash", &hash), ("text", "Something else")],
    );
    assert_eq!(answer.status, 409);
    assert!(answer.body.contains("changed since you opened it"));
    assert_eq!(read(&site, 201), changed);
    let wrong = desk.post("/testimony/201/approve", &[("hash", &"0".repeat(64))]);
    assert_eq!(wrong.status, 409);
    assert_eq!(read(&site, 201), changed);
}

#[test]
fn findings_are_redacted_or_accepted_and_approval_waits_for_them() {
    let site = site_with_pending();
    let desk = start(&site);
    let before = read(&site, 202);

    let refused = desk.post("/testimony/202/approve", &[("hash", &desk.hash(202))]);
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("Identifying details are still marked")
    );
    assert_eq!(read(&site, 202), before);

    let page = desk.get("/testimony/202").body;
    assert!(page.contains("<mark>Daniel Whitcombe</mark>"), "{page}");
    assert!(page.contains("value=\"a boy in my year\""));
    let at = page.find("name=\"start\" value=\"").unwrap() + 20;
    let start = &page[at..at + page[at..].find('"').unwrap()];
    let redact = desk.post(
        "/testimony/202/redact",
        &[
            ("hash", &desk.hash(202)),
            ("start", start),
            ("matched", "Daniel Whitcombe"),
            ("replacement", "a boy in my year"),
        ],
    );
    assert_eq!(redact.status, 303, "{}", redact.body);
    assert_eq!(
        read(&site, 202),
        before.replace("Daniel Whitcombe", "a boy in my year")
    );

    let accept = desk.post(
        "/testimony/202/accept",
        &[("hash", &desk.hash(202)), ("matched", "Mr Pike")],
    );
    assert_eq!(accept.status, 303, "{}", accept.body);
    assert_eq!(
        read(&site, 202),
        before
            .replace("Daniel Whitcombe", "a boy in my year")
            .replace(
                "  imported: 2024-04-01\n",
                "  imported: 2024-04-01\n  allow: [\"Mr Pike\"]\n"
            )
    );

    let approve = desk.post("/testimony/202/approve", &[("hash", &desk.hash(202))]);
    assert_eq!(approve.status, 303, "{}", approve.body);
    site.run(&["check"]).assert_ok();
}

#[test]
fn reject_schools_tags_and_edits_keep_the_file_valid() {
    let site = site_with_pending();
    let desk = start(&site);
    let before = read(&site, 201);

    let typo = desk.post(
        "/testimony/201/schools",
        &[
            ("hash", &desk.hash(201)),
            ("schools", "Hollowmere Gramar School"),
        ],
    );
    assert_eq!(typo.status, 422);
    assert!(
        typo.body.contains("Did you mean Hollowmere Grammar School"),
        "{}",
        typo.body
    );
    let alias = desk.post(
        "/testimony/201/schools",
        &[
            ("hash", &desk.hash(201)),
            ("schools", "NBA; Quillfield College"),
        ],
    );
    assert_eq!(alias.status, 303, "{}", alias.body);
    let tags = desk.post(
        "/testimony/201/tags",
        &[
            ("hash", &desk.hash(201)),
            ("tag", "harassment"),
            ("tag", "nonsense"),
        ],
    );
    assert_eq!(tags.status, 303, "{}", tags.body);
    let edit = desk.post(
        "/testimony/201/edit",
        &[
            ("hash", &desk.hash(201)),
            ("text", "New words.\r\nSecond line."),
        ],
    );
    assert_eq!(edit.status, 303, "{}", edit.body);
    let expected = before
        .replace(
            "schools: [northbridge-academy]",
            "schools: [\"northbridge-academy\", \"quillfield-college\"]",
        )
        .replace("tags: [online]", "tags: [\"harassment\"]")
        .replace(CLEAN, "New words.\nSecond line.");
    assert_eq!(read(&site, 201), expected);

    let reject = desk.post(
        "/testimony/201/reject",
        &[
            ("hash", &desk.hash(201)),
            ("reason", "Not about a school: \"duplicate\""),
        ],
    );
    assert_eq!(reject.status, 303, "{}", reject.body);
    let today = chrono::Local::now().date_naive();
    assert_eq!(
        read(&site, 201),
        expected.replace("status: pending # imported", "status: rejected").replace(
            "  submission: \"form-1\"\n",
            &format!(
                "  submission: \"form-1\"\n  rejected: {today}\n  rejected_reason: \"Not about a school: \\\"duplicate\\\"\"\n"
            )
        )
    );
    site.run(&["check"]).assert_ok();
}

#[test]
fn a_change_the_loader_refuses_is_undone() {
    let site = site_with_pending();
    let desk = start(&site);
    // A title finding cannot break the file, but a replacement that makes the front matter
    // invalid YAML must be undone.
    site.write(
        "content/testimonies/203.md",
        testimony(
            "id: 203\nstatus: pending\nschools: [northbridge-academy]\ntitle: Mr Pike\nmoderation:\n  imported: 2024-06-01",
            "Text.",
        ),
    );
    let before = read(&site, 203);
    let page = desk.get("/testimony/203").body;
    let at = page.find("name=\"start\" value=\"").unwrap() + 20;
    let start = &page[at..at + page[at..].find('"').unwrap()];
    let answer = desk.post(
        "/testimony/203/redact",
        &[
            ("hash", &desk.hash(203)),
            ("start", start),
            ("matched", "Mr Pike"),
            ("replacement", "[a: teacher"),
        ],
    );
    assert_eq!(answer.status, 422, "{}", answer.body);
    assert!(answer.body.contains("undone"), "{}", answer.body);
    assert_eq!(read(&site, 203), before);
}

#[test]
fn a_volunteer_moderates_by_keyboard_alone_in_chromium_and_then_builds() {
    if crate::browser::unavailable().is_some() {
        return;
    }
    let site = TestSite::basic();
    site.write(
        "export.csv",
        "id,testimony,school\n\
         k-1,Jake Turner followed me to the bus every day.,Northbridge Academy\n\
         k-2,It happened in the changing rooms after PE.,Quillfield College\n\
         k-3,Someone kept messaging me after I asked them to stop.,NBA\n",
    );
    site.run(&["import", "export.csv"]).assert_ok();
    let desk = start(&site);
    let url = format!("http://127.0.0.1:{}{}/", desk.port, desk.base);
    let report = crate::browser::run_script("desk.mjs", &[url]);
    drop(desk);

    eprintln!("desk by keyboard: {}", report["steps"]);
    for page in report["pages"].as_array().unwrap() {
        eprintln!(
            "  axe on {}: {} rules passed, violations {}",
            page["name"], page["passes"], page["violations"]
        );
        assert_eq!(page["violations"].as_array().unwrap().len(), 0, "{page}");
    }
    assert_eq!(report["problems"].as_array().unwrap().len(), 0, "{report}");

    let first = std::fs::read_to_string(site.path("content/testimonies/104.md")).unwrap();
    assert!(first.contains("status: approved"), "{first}");
    assert!(first.contains("a boy in my year followed me"), "{first}");
    assert!(!first.contains("Jake Turner"), "{first}");
    let second = std::fs::read_to_string(site.path("content/testimonies/105.md")).unwrap();
    assert!(second.contains("status: rejected"), "{second}");
    assert!(
        second.contains("a duplicate of another submission"),
        "{second}"
    );

    // Then the third is withdrawn at its author's request, and the site builds.
    site.run(&["withdraw", "106"]).assert_ok();
    site.run(&["check"]).assert_ok();
    site.build();
    let page = site.output("testimonies/104/index.html");
    assert!(page.contains("a boy in my year followed me"), "{page}");
    assert!(!site.has_output("testimonies/105/index.html"));
    assert!(!site.has_output("testimonies/106/index.html"));
}
