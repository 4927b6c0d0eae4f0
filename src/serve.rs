//! `testimony serve`: builds the site into a temporary folder, serves it on 127.0.0.1 at the
//! root path, rebuilds when `content/` or `themes/` change (only what an edit of testimonies
//! needs, see `incremental`), and reloads open pages. A mistake in a file never stops the
//! server: it is printed in the terminal and shown as the page, and fixing the file brings the
//! site back. Ctrl+C or SIGTERM stops it and removes the folder.
//!
//! tower-http's `ServeDir` serves the files on axum; a thread of its own rebuilds on notify's
//! debounced events and counts builds in a `watch` channel that open pages wait on.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;
use std::{fs, io, thread};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use futures_util::{Stream, StreamExt, stream};
use notify_debouncer_full::notify::{self, EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::set_status::SetStatus;

use crate::diagnostics::{error_chain, plural};
use crate::incremental::{Changes, Engine};
use crate::render::escape_html;
use crate::site::{BuildError, BuildOptions};

/// The reload client's address. It exists only while serving: built sites never carry it.
const RELOAD_SCRIPT: &str = "/__testimony/reload.js";
const RELOAD_EVENTS: &str = "/__testimony/events";
/// Opened after `load` (an event stream opened before it would keep the page loading), asking
/// for the first build after the one the page came from, so that an edit saved while the page
/// was still loading is not missed.
const RELOAD_CLIENT: &str = "'use strict';\n(function () {\n  var since = new URL(document.currentScript.src).searchParams.get('since');\n  window.addEventListener('load', function () {\n    setTimeout(function () {\n      var events = new EventSource('/__testimony/events?since=' + since);\n      events.onmessage = function () { window.location.reload(); };\n    }, 0);\n  });\n})();\n";

/// The archive's Content-Security-Policy, as `netlify.toml` sends it with every page. The
/// moderation desk sends it too (with its own forms allowed).
pub(crate) const ARCHIVE_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'; upgrade-insecure-requests";

/// Tells browsers to keep no copy of any response: what a local server shows changes (serve)
/// or is private (the moderation desk).
pub(crate) fn never_stored<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router.layer(SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ))
}

/// Why `testimony serve` could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The port is taken, or not ours to use.
    #[error("cannot listen on 127.0.0.1:{port}")]
    Listen {
        port: u16,
        #[source]
        source: io::Error,
    },
    /// The site's files cannot be watched for changes.
    #[error("cannot watch {} for changes", path.display())]
    Watch {
        path: PathBuf,
        #[source]
        source: notify::Error,
    },
    /// There is no folder to build the site into.
    #[error("cannot make a temporary folder to build the site into")]
    TemporaryFolder(#[source] io::Error),
    /// The server's runtime or its signal handling failed.
    #[error("cannot run the server")]
    Server(#[source] io::Error),
}

/// The latest build: how many builds there have been, and why the last one failed, if it did.
#[derive(Clone, Default)]
struct Build {
    generation: u64,
    error: Option<String>,
}

type Watcher = Debouncer<RecommendedWatcher, RecommendedCache>;

#[derive(Clone)]
struct Server {
    builds: watch::Receiver<Build>,
    files: ServeDir<SetStatus<ServeFile>>,
}

pub fn serve(site_dir: &Path, port: u16) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Server)?;
    // Listened for from the start, so that Ctrl+C during the first build still removes the folder.
    let stop = {
        let _runtime = runtime.enter();
        stop_signal().map_err(ServeError::Server)?
    };
    let listener = runtime
        .block_on(TcpListener::bind(("127.0.0.1", port)))
        .map_err(|source| ServeError::Listen { port, source })?;
    let port = listener.local_addr().map_or(port, |addr| addr.port());
    let folder = tempfile::Builder::new()
        .prefix("testimony-serve-")
        .tempdir()
        .map_err(ServeError::TemporaryFolder)?;
    let output = folder.path().join("public");
    let mut engine = Engine::new(BuildOptions {
        site_dir: site_dir.to_path_buf(),
        output_dir: output.clone(),
        base_url: Some(format!("http://127.0.0.1:{port}/")),
    });
    let (builds, latest) = watch::channel(Build::default());
    rebuild(&mut engine, &Changes::Everything, &builds);
    println!(
        "Serving {} at http://127.0.0.1:{port}/ (Ctrl+C to stop)",
        site_dir.display()
    );

    let (watcher, events) = watch_site(site_dir)?;
    // Rebuilding is blocking work: it has a thread of its own, which ends with the watcher.
    let site = site_dir.to_path_buf();
    let rebuilder = thread::spawn(move || {
        while let Ok(batch) = events.recv() {
            let mut changes = changes_in(&site, batch);
            // What was saved during the last rebuild goes into this one.
            for more in events.try_iter() {
                changes.merge(changes_in(&site, more));
            }
            if !matches!(&changes, Changes::Files(files) if files.is_empty()) {
                rebuild(&mut engine, &changes, &builds);
            }
        }
    });

    let served = runtime.block_on(async {
        axum::serve(listener, app(latest, &output))
            .with_graceful_shutdown(async move {
                stop.await;
                // The rebuilding thread ends with the watcher, and the event streams of open
                // pages with it, so that no connection keeps the server from stopping.
                drop(watcher);
            })
            .await
    });
    // The folder goes once nothing writes into it.
    let _ = rebuilder.join();
    drop(folder);
    served.map_err(ServeError::Server)
}

/// The site's `content/` and `themes/`, watched; the debounced events come out of the receiver
/// until the watcher is dropped.
fn watch_site(
    site_dir: &Path,
) -> Result<(Watcher, mpsc::Receiver<DebounceEventResult>), ServeError> {
    // Editors write a file in several steps: let them settle.
    let (sender, events) = mpsc::channel();
    let mut watcher = new_debouncer(Duration::from_millis(50), None, sender).map_err(|source| {
        ServeError::Watch {
            path: site_dir.to_path_buf(),
            source,
        }
    })?;
    // Watching the site's real path makes events name files the same way whatever `--site` was.
    let watched = fs::canonicalize(site_dir).unwrap_or_else(|_| site_dir.to_path_buf());
    for path in ["content", "themes"].map(|dir| watched.join(dir)) {
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|source| ServeError::Watch { path, source })?;
        }
    }
    Ok((watcher, events))
}

/// The reload client's two addresses, and everything else from the built site.
fn app(builds: watch::Receiver<Build>, output: &Path) -> Router {
    let files = ServeDir::new(output).not_found_service(ServeFile::new(output.join("404.html")));
    let router = Router::new()
        .route(RELOAD_SCRIPT, get(reload_script))
        .route(RELOAD_EVENTS, get(reload_events))
        .fallback(page);
    never_stored(router).with_state(Server { builds, files })
}

/// Ctrl+C, or SIGTERM on Unix (for `serve` and the moderation desk). Made inside the runtime.
pub(crate) fn stop_signal() -> io::Result<impl Future<Output = ()> + Send> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(windows)]
    {
        let mut interrupt = tokio::signal::windows::ctrl_c()?;
        Ok(async move {
            interrupt.recv().await;
        })
    }
}

/// What a batch of file events changed: nothing, files, or (after an error) anything.
fn changes_in(site: &Path, events: DebounceEventResult) -> Changes {
    let Ok(events) = events else {
        return Changes::Everything;
    };
    let mut paths = BTreeSet::new();
    // Reading files (as every build does) is no change: rebuilding on it would never end.
    for event in events
        .into_iter()
        .filter(|e| !matches!(e.kind, EventKind::Access(_)))
    {
        if event.need_rescan() || event.paths.is_empty() {
            return Changes::Everything;
        }
        paths.extend(event.event.paths);
    }
    Changes::of_paths(site, paths)
}

fn rebuild(engine: &mut Engine, changes: &Changes, builds: &watch::Sender<Build>) {
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
        Err(error) => Some(error_chain(&error)),
    };
    if let Some(message) = &error {
        eprintln!("{message}\nThe server keeps running: fix the file and save it to rebuild.\n");
    }
    builds.send_modify(|build| {
        build.generation += 1;
        build.error = error;
    });
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

async fn reload_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        RELOAD_CLIENT,
    )
}

#[derive(serde::Deserialize)]
struct Since {
    since: Option<u64>,
}

/// Says `reload` once the latest build is not the page's (a newer one, or a restarted server's),
/// then ends; or ends without a word when the server stops.
async fn reload_events(
    State(server): State<Server>,
    Query(Since { since }): Query<Since>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut builds = server.builds;
    let since = since.unwrap_or_else(|| builds.borrow().generation);
    let reload = async move {
        builds
            .wait_for(|build| build.generation != since)
            .await
            .ok()?;
        Some(Ok(Event::default().data("reload")))
    };
    Sse::new(stream::once(reload).filter_map(std::future::ready))
}

/// A file of the site, its HTML with the reload client; or, while the site does not build, the
/// error.
async fn page(State(mut server): State<Server>, request: Request) -> Response {
    let Build { generation, error } = server.builds.borrow().clone();
    if let Some(message) = error {
        let page = Html(error_page(&message, generation));
        return (StatusCode::INTERNAL_SERVER_ERROR, page).into_response();
    }
    let path = request.uri().path().to_owned();
    let is_get = request.method() == Method::GET;
    let mut response = match server.files.try_call(request).await {
        Ok(response) => response.map(Body::new),
        Err(error) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response();
        }
    };
    // Redirects to a folder's address with a `/` have no type, nor a body to add to.
    if !response.headers().contains_key(header::CONTENT_TYPE) {
        return response;
    }
    let content_type = served_type(&path, response.status());
    let value = HeaderValue::from_static(content_type);
    response.headers_mut().insert(header::CONTENT_TYPE, value);
    let whole_page = is_get && matches!(response.status(), StatusCode::OK | StatusCode::NOT_FOUND);
    if !whole_page || !content_type.starts_with("text/html") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(html) = to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // What described the file no longer describes the page.
    for name in [header::CONTENT_LENGTH, header::ETAG, header::LAST_MODIFIED] {
        parts.headers.remove(name);
    }
    Response::from_parts(parts, Body::from(with_reload_client(&html, generation)))
}

/// The `Content-Type` of the file `ServeDir` answered `path` with: the 404 page, a folder's
/// index.html, or the file named.
fn served_type(path: &str, status: StatusCode) -> &'static str {
    let file = match status {
        StatusCode::NOT_FOUND => "404.html",
        _ if path.ends_with('/') => "index.html",
        _ => path,
    };
    content_type(Path::new(file))
}

/// The reload client, for a page of build `generation`.
fn reload_tag(generation: u64) -> String {
    format!(r#"<script src="{RELOAD_SCRIPT}?since={generation}" defer></script>"#)
}

fn with_reload_client(html: &[u8], generation: u64) -> String {
    let tag = reload_tag(generation);
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(index) => format!("{}{tag}{}", &text[..index], &text[index..]),
        None => format!("{text}{tag}"),
    }
}

fn error_page(message: &str, generation: u64) -> String {
    format!(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Build error</title>\
         <h1>The site could not be built</h1><p>Fix the file named below and save it: this page \
         reloads by itself.</p><pre>{}</pre>{}</html>",
        escape_html(message),
        reload_tag(generation)
    )
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_archive_csp_is_netlify_tomls() {
        let toml = include_str!("../netlify.toml");
        let sent = format!("Content-Security-Policy = \"{}\"", super::ARCHIVE_CSP);
        assert!(toml.contains(&sent), "netlify.toml sends another CSP");
    }
}
