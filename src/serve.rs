//! `testimony serve`: builds the site into a temporary folder, serves it on 127.0.0.1 at the
//! root path, rebuilds when `content/` or `themes/` change (only what an edit of testimonies
//! needs, see `incremental`), and reloads open pages. A mistake in
//! a file never stops the server: it is printed in the terminal and shown as the page, and
//! fixing the file brings the site back.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::diagnostics::plural;
use crate::incremental::{Changes, Engine};
use crate::site::{BuildError, BuildOptions};

/// The reload client's address. It exists only while serving: built sites never carry it.
const RELOAD_SCRIPT: &str = "/__testimony/reload.js";
const RELOAD_EVENTS: &str = "/__testimony/events";
/// Opened after `load` (an event stream opened before it would keep the page loading), asking
/// for the first build after the one the page came from, so that an edit saved while the page
/// was still loading is not missed.
const RELOAD_CLIENT: &str = "'use strict';\n(function () {\n  var since = new URL(document.currentScript.src).searchParams.get('since');\n  window.addEventListener('load', function () {\n    setTimeout(function () {\n      var events = new EventSource('/__testimony/events?since=' + since);\n      events.onmessage = function () { window.location.reload(); };\n    }, 0);\n  });\n})();\n";

/// The latest build: where it is, or why it failed, and a counter open pages wait on.
struct State {
    generation: u64,
    error: Option<String>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    output: PathBuf,
}

pub fn serve(site_dir: &Path, port: u16) -> Result<(), String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|error| format!("cannot listen on 127.0.0.1:{port}: {error}"))?;
    let port = listener.local_addr().map_or(port, |addr| addr.port());
    let output = std::env::temp_dir()
        .join(format!("testimony-serve-{}", std::process::id()))
        .join("public");
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            generation: 0,
            error: None,
        }),
        changed: Condvar::new(),
        output,
    });
    let options = BuildOptions {
        site_dir: site_dir.to_path_buf(),
        output_dir: shared.output.clone(),
        base_url: Some(format!("http://127.0.0.1:{port}/")),
    };
    let mut engine = Engine::new(options);
    rebuild(&mut engine, &Changes::Everything, &shared);
    println!(
        "Serving {} at http://127.0.0.1:{port}/ (Ctrl+C to stop)",
        site_dir.display()
    );

    let (sender, receiver) = mpsc::channel();
    let site = site_dir.to_path_buf();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let changes = match event {
            // Reading files (as every build does) is no change: rebuilding on it would never end.
            Ok(event) if matches!(event.kind, notify::EventKind::Access(_)) => return,
            Ok(event) if !event.need_rescan() && !event.paths.is_empty() => {
                Changes::of_paths(&site, event.paths)
            }
            _ => Changes::Everything,
        };
        let _ = sender.send(changes);
    })
    .map_err(|error| format!("cannot watch the site for changes: {error}"))?;
    // Watching the site's real path makes events name files the same way whatever `--site` was.
    let watched = fs::canonicalize(site_dir).unwrap_or_else(|_| site_dir.to_path_buf());
    for dir in ["content", "themes"] {
        let path = watched.join(dir);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|error| format!("cannot watch {}: {error}", path.display()))?;
        }
    }
    let rebuilder = Arc::clone(&shared);
    thread::spawn(move || {
        while let Ok(mut changes) = receiver.recv() {
            // Editors write a file in several steps: wait for them to settle.
            while let Ok(more) = receiver.recv_timeout(Duration::from_millis(50)) {
                changes.merge(more);
            }
            rebuild(&mut engine, &changes, &rebuilder);
        }
    });

    for stream in listener.incoming().flatten() {
        let shared = Arc::clone(&shared);
        // A reader who closed the page mid-response is no error of the site's.
        thread::spawn(move || drop(handle(stream, &shared)));
    }
    drop(watcher);
    Ok(())
}

fn rebuild(engine: &mut Engine, changes: &Changes, shared: &Shared) {
    let error = match engine.rebuild(changes) {
        Ok(rebuilt) => {
            for warning in rebuilt.warnings.clone().sorted() {
                eprintln!("{warning}\n");
            }
            let ms = rebuilt.elapsed.as_millis();
            let published = testimonies(rebuilt.counts.approved, "published");
            let files = format!(
                "{} written, {} deleted",
                plural(rebuilt.files_written, "file"),
                rebuilt.files_deleted
            );
            if rebuilt.incremental {
                println!(
                    "Rebuilt {} in {ms} ms (incremental): {published}, {files}.",
                    testimonies(rebuilt.files_read, "changed")
                );
            } else {
                println!("Built {published} in {ms} ms (full build): {files}.");
            }
            None
        }
        Err(BuildError::Content(diagnostics)) => Some(diagnostics.to_string()),
        Err(error) => Some(crate::diagnostics::error_chain(&error)),
    };
    if let Some(message) = &error {
        eprintln!("{message}\nThe server keeps running: fix the file and save it to rebuild.\n");
    }
    let mut state = lock(shared);
    state.generation += 1;
    state.error = error;
    shared.changed.notify_all();
}

/// "1 changed testimony", "2 changed testimonies".
fn testimonies(count: usize, what: &str) -> String {
    let noun = if count == 1 {
        "testimony"
    } else {
        "testimonies"
    };
    format!("{count} {what} {noun}")
}

/// Answers one connection: one request, then the connection closes. A dev server on the
/// loopback needs nothing more, and it keeps slow event streams from holding up other files.
fn handle(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line.trim_end().is_empty() {
            break;
        }
    }
    let target = request_line.split_whitespace().nth(1).unwrap_or("/");
    let url = target.split(['?', '#']).next().unwrap_or("/");
    let mut stream = stream;
    match url {
        RELOAD_SCRIPT => send(
            &mut stream,
            200,
            "text/javascript; charset=utf-8",
            RELOAD_CLIENT.as_bytes(),
        ),
        RELOAD_EVENTS => {
            let since = target
                .split_once("since=")
                .and_then(|(_, n)| n.split('&').next()?.parse().ok());
            let generation = since.unwrap_or_else(|| lock(shared).generation);
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
            )?;
            stream.flush()?;
            let mut state = lock(shared);
            while state.generation == generation {
                state = shared
                    .changed
                    .wait(state)
                    .unwrap_or_else(|e| e.into_inner());
            }
            drop(state);
            stream.write_all(b"data: reload\n\n")?;
            stream.flush()
        }
        _ => {
            let (generation, error) = {
                let state = lock(shared);
                (state.generation, state.error.clone())
            };
            if let Some(message) = error {
                let page = error_page(&message, generation);
                return send(
                    &mut stream,
                    500,
                    "text/html; charset=utf-8",
                    page.as_bytes(),
                );
            }
            let (status, path) = match resolve(&shared.output, url) {
                Some(path) => (200, path),
                None => (404, shared.output.join("404.html")),
            };
            let mut bytes = fs::read(&path).unwrap_or_default();
            let content_type = content_type(&path);
            if content_type.starts_with("text/html") {
                bytes = with_reload_client(bytes, generation);
            }
            send(&mut stream, status, content_type, &bytes)
        }
    }
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(|e| e.into_inner())
}

fn send(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

/// The reload client, for a page of build `generation`.
fn reload_tag(generation: u64) -> String {
    format!(r#"<script src="{RELOAD_SCRIPT}?since={generation}" defer></script>"#)
}

fn with_reload_client(html: Vec<u8>, generation: u64) -> Vec<u8> {
    let tag = reload_tag(generation);
    let text = String::from_utf8_lossy(&html);
    match text.rfind("</body>") {
        Some(index) => format!("{}{tag}{}", &text[..index], &text[index..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

fn error_page(message: &str, generation: u64) -> String {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Build error</title>\
         <h1>The site could not be built</h1><p>Fix the file named below and save it: this page \
         reloads by itself.</p><pre>{escaped}</pre>{}</html>",
        reload_tag(generation)
    )
}

fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let decoded = url.replace("%20", " ");
    if decoded.split('/').any(|segment| segment == "..") {
        return None;
    }
    let mut path = root.join(decoded.trim_start_matches('/'));
    if path.is_dir() {
        path.push("index.html");
    }
    path.is_file().then_some(path)
}

/// The `Content-Type` of a built site's file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "wasm" => "application/wasm",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
