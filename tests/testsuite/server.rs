//! A static file server on 127.0.0.1 that sends the headers `netlify.toml` sets, so browser
//! tests see the site as a reader on the real host would: under the real CSP.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread;

/// One `[[headers]]` rule of netlify.toml.
#[derive(Debug, Clone)]
struct HeaderRule {
    pattern: String,
    values: Vec<(String, String)>,
}

pub struct StaticServer {
    pub port: u16,
}

impl StaticServer {
    /// Serves `root` until the test process ends.
    pub fn start(root: &Path, netlify_toml: &Path) -> StaticServer {
        let rules = read_rules(netlify_toml);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let root = root.to_path_buf();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let root = root.clone();
                let rules = rules.clone();
                thread::spawn(move || {
                    let _ = handle(stream, &root, &rules);
                });
            }
        });
        StaticServer { port }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }
}

/// The `[[headers]]` rules of a netlify.toml; none when it has no `headers` (as the XSS test's
/// file, which serves the site without the CSP).
fn read_rules(netlify_toml: &Path) -> Vec<HeaderRule> {
    let text = std::fs::read_to_string(netlify_toml).unwrap();
    let config: toml::Value = toml::from_str(&text).unwrap();
    let Some(rules) = config.get("headers") else {
        return Vec::new();
    };
    rules
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| HeaderRule {
            pattern: rule["for"].as_str().unwrap().to_string(),
            values: rule["values"]
                .as_table()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect(),
        })
        .collect()
}

/// Netlify's patterns: `*` matches any run of characters.
fn matches(pattern: &str, path: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == path;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !path.starts_with(first) || !path[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &path[first.len()..path.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(index) => rest = &rest[index + middle.len()..],
            None => return false,
        }
    }
    true
}

fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let path = url_path.split(['?', '#']).next().unwrap_or("/");
    if path.split('/').any(|segment| segment == "..") {
        return None;
    }
    let mut file = root.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn handle(stream: TcpStream, root: &Path, rules: &[HeaderRule]) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
    }
    let url_path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_string();
    let (status, file) = match resolve(root, &url_path) {
        Some(file) => ("200 OK", Some(file)),
        None => ("404 Not Found", resolve(root, "/404.html")),
    };
    let body = file
        .as_ref()
        .map(std::fs::read)
        .transpose()?
        .unwrap_or_default();
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    let mut headers = vec![(
        "Content-Type".to_string(),
        file.as_deref()
            .map_or("text/plain", testimony::serve::content_type)
            .to_string(),
    )];
    let path_only = url_path.split('?').next().unwrap_or("/");
    for rule in rules.iter().filter(|r| matches(&r.pattern, path_only)) {
        for (name, value) in &rule.values {
            headers.retain(|(existing, _)| !existing.eq_ignore_ascii_case(name));
            headers.push((name.clone(), value.clone()));
        }
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = stream;
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)?;
    stream.flush()
}

#[test]
fn netlify_patterns_match_like_netlify() {
    assert!(matches("/*", "/schools/"));
    assert!(matches("/assets/*", "/assets/style.1234.css"));
    assert!(matches("/search/*.wasm", "/search/runtime.ab12.wasm"));
    assert!(!matches("/search/*.wasm", "/search/manifest.json"));
    assert!(matches("/search/manifest.json", "/search/manifest.json"));
}
