//! `testimony moderate`: the moderation desk, a local web page on which a volunteer reads the
//! pending queue and approves, rejects, edits, redacts and accepts findings.
//!
//! It holds unpublished testimonies, so it answers this machine's browser only: it listens on
//! 127.0.0.1, every address starts with a secret made at start (printed in the terminal), and
//! a request is refused when its `Host` is not the address printed (DNS rebinding), when its
//! `Origin` or `Sec-Fetch-Site` says another site sent it, or when a POST does not say where
//! it comes from. Pages carry the archive's CSP and are never cached or framed.
//!
//! Every change rewrites one file atomically, line by line (see `front_matter`), only if the
//! file is still the one the form was made from (a hash of its bytes), and only if the file
//! then passes the loader's checks; otherwise the old bytes are put back and the page says why.

mod actions;
mod front_matter;
mod pages;

use actions::{act, school_names, schools_of};

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Path as UrlPath, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::config::SiteConfig;
use crate::content::testimony::Status;
use crate::content::{self, StatusCounts};
use crate::diagnostics::Diagnostic;
use crate::lint::{FindingKind, Lint};
use crate::model::{SchoolMatch, SchoolRegistry};
use crate::moderation::{ModerationError, require_site, write_atomically};
use crate::source::SourceFile;
use front_matter::{EditError, quoted, quoted_list};

/// Why the desk could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    #[error(transparent)]
    Site(#[from] ModerationError),
    /// The port is taken, or not ours to use.
    #[error("cannot listen on 127.0.0.1:{port}")]
    Listen {
        port: u16,
        #[source]
        source: io::Error,
    },
    #[error("cannot make the desk's secret: the system gave no random numbers ({0})")]
    Secret(getrandom::Error),
    #[error("cannot run the desk")]
    Server(#[source] io::Error),
}

/// The identifying-details lint the desk checks texts with: the same as `check`'s.
fn desk_lint(config: &SiteConfig, registry: &SchoolRegistry) -> Lint {
    Lint::for_site(
        registry.all().iter().flat_map(|school| school.names()),
        &config.lint.accept,
    )
}

struct Desk {
    site: PathBuf,
    /// Every address of the desk starts with `/{secret}`.
    secret: String,
    /// `127.0.0.1:PORT`, the only `Host` answered.
    host: String,
    /// `http://127.0.0.1:PORT`, the only `Origin` answered.
    origin: String,
}

impl Desk {
    fn base(&self) -> String {
        format!("/{}", self.secret)
    }
}

type Shared = Arc<Desk>;

pub fn moderate(site_dir: &Path, port: u16) -> Result<(), DeskError> {
    require_site(site_dir)?;
    let mut random = [0u8; 24];
    getrandom::fill(&mut random).map_err(DeskError::Secret)?;
    let secret: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(DeskError::Server)?;
    let listener = runtime
        .block_on(TcpListener::bind(("127.0.0.1", port)))
        .map_err(|source| DeskError::Listen { port, source })?;
    let port = listener.local_addr().map_or(port, |addr| addr.port());
    let desk = Arc::new(Desk {
        site: site_dir.to_path_buf(),
        host: format!("127.0.0.1:{port}"),
        origin: format!("http://127.0.0.1:{port}"),
        secret,
    });
    println!(
        "Moderation desk: http://{}{}/ (open it in your browser; Ctrl+C to stop)",
        desk.host,
        desk.base()
    );
    println!("Only this machine can open it, and only with that address: do not share it.");
    runtime
        .block_on(async {
            let stop = crate::serve::stop_signal()?;
            axum::serve(listener, app(desk))
                .with_graceful_shutdown(stop)
                .await
        })
        .map_err(DeskError::Server)
}

/// The archive's CSP, except that the desk's own forms may post to it, and that it is plain
/// HTTP on this machine (nothing to upgrade).
fn desk_csp() -> String {
    crate::serve::ARCHIVE_CSP
        .replace("form-action 'none'", "form-action 'self'")
        .replace("; upgrade-insecure-requests", "")
}

fn app(desk: Shared) -> Router {
    let pages = Router::new()
        .route("/", get(queue))
        .route("/desk.css", get(stylesheet))
        .route("/testimony/{id}", get(testimony))
        .route("/testimony/{id}/{action}", post(act))
        .fallback(|| async { refused(StatusCode::NOT_FOUND, "There is no such page.") })
        .with_state(Arc::clone(&desk));
    let csp = HeaderValue::from_str(&desk_csp()).expect("the CSP is a header value");
    let headers = [
        (header::CONTENT_SECURITY_POLICY, csp),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        // `same-origin`: the address (and its secret) never goes to another site, and the
        // desk's own forms still carry their real `Origin`; with `no-referrer` browsers send
        // `Origin: null` on a form's POST, which the desk would refuse.
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ];
    // The guard strips the secret from the path before the pages are routed: routes added to
    // a router run after its layers, so the pages are a service behind it.
    let mut app = Router::new()
        .fallback_service(pages)
        .layer(middleware::from_fn_with_state(desk, guard));
    for (name, value) in headers {
        app = app.layer(SetResponseHeaderLayer::overriding(name, value));
    }
    crate::serve::never_stored(app)
}

/// A short page saying why a request was refused. It names nothing from the request.
fn refused(status: StatusCode, message: &'static str) -> Response {
    (status, Html(pages::refusal(message))).into_response()
}

/// Lets through only requests from this machine's browser, at the printed address; strips
/// the secret from the path of those it lets through.
async fn guard(State(desk): State<Shared>, mut request: Request, next: Next) -> Response {
    let headers = request.headers();
    let header_is = |name, expected: &str| {
        headers
            .get(name)
            .map(|value| value.as_bytes() == expected.as_bytes())
    };
    let authority_ok = request
        .uri()
        .authority()
        .is_none_or(|a| a.as_str() == desk.host);
    if header_is(header::HOST, &desk.host) != Some(true) || !authority_ok {
        return refused(
            StatusCode::MISDIRECTED_REQUEST,
            "This address is not the moderation desk. Open the address printed in the terminal.",
        );
    }
    let origin = header_is(header::ORIGIN, &desk.origin);
    let fetched_from = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("none");
    if origin == Some(false) || matches!(fetched_from, "cross-site" | "same-site") {
        return refused(
            StatusCode::FORBIDDEN,
            "Another site or page sent this request, so the desk refused it.",
        );
    }
    match *request.method() {
        Method::GET | Method::HEAD => {}
        Method::POST if origin == Some(true) => {}
        Method::POST => {
            return refused(
                StatusCode::FORBIDDEN,
                "This change did not say which page it came from, so the desk refused it.",
            );
        }
        _ => return refused(StatusCode::METHOD_NOT_ALLOWED, "The desk does not do that."),
    }
    let Some(rest) = without_secret(request.uri().path(), &desk.secret) else {
        return refused(
            StatusCode::FORBIDDEN,
            "Open the desk with the whole address printed in the terminal where you started \
             `testimony moderate`: it holds a secret key.",
        );
    };
    let path_and_query = match request.uri().query() {
        Some(query) => format!("{rest}?{query}"),
        None => rest.to_string(),
    };
    match Uri::builder().path_and_query(path_and_query).build() {
        Ok(uri) => *request.uri_mut() = uri,
        Err(_) => {
            return refused(
                StatusCode::BAD_REQUEST,
                "The desk cannot read this address.",
            );
        }
    }
    next.run(request).await
}

/// The rest of `path` after `/{secret}` (at least `/`), compared in constant time.
fn without_secret<'a>(path: &'a str, secret: &str) -> Option<&'a str> {
    let given = path.strip_prefix('/')?;
    let (key, rest) = match given.find('/') {
        Some(slash) => (&given[..slash], &given[slash..]),
        None => (given, "/"),
    };
    let same = key.len() == secret.len()
        && key
            .bytes()
            .zip(secret.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0;
    same.then_some(rest)
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        pages::STYLESHEET,
    )
}

/// What the site's settings give every page.
struct Settings {
    config: SiteConfig,
    registry: SchoolRegistry,
    lint: Lint,
}

fn settings(site: &Path) -> Result<Settings, Response> {
    match content::load_settings(site) {
        Ok((config, registry)) => {
            let lint = desk_lint(&config, &registry);
            Ok(Settings {
                config,
                registry,
                lint,
            })
        }
        Err(diagnostics) => Err(problem_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "site.yaml or schools.yaml has mistakes",
            &diagnostics.to_string(),
            None,
        )),
    }
}

fn problem_page(status: StatusCode, title: &str, detail: &str, back: Option<&str>) -> Response {
    (status, Html(pages::problem(None, title, detail, back))).into_response()
}

/// One pending testimony as the desk shows it.
pub(crate) struct Opened {
    pub id: u64,
    pub path: PathBuf,
    /// Of the file's bytes as read: forms carry it, and a change is refused if it differs.
    pub hash: String,
    pub text: String,
    pub body_start: usize,
    pub front: Fields,
    pub findings: Vec<Marked>,
    pub waiting_since: Option<NaiveDate>,
}

/// An identifying detail, where it is in the file (`None` when the title's quoting hides it).
pub(crate) struct Marked {
    pub kind: FindingKind,
    pub start: Option<usize>,
    pub matched: String,
}

/// The fields the desk shows, read from the front matter as they are.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct Fields {
    pub schools: Option<serde_yaml::Value>,
    pub tags: Vec<String>,
    pub content_warnings: Vec<String>,
    pub title: Option<String>,
    pub moderation: serde_yaml::Mapping,
}

impl Fields {
    pub fn schools(&self) -> Vec<String> {
        match &self.schools {
            Some(serde_yaml::Value::String(one)) => vec![one.clone()],
            Some(serde_yaml::Value::Sequence(many)) => many
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn note(&self, key: &str) -> Option<&str> {
        self.moderation.get(key)?.as_str()
    }

    fn allow(&self) -> Vec<String> {
        self.moderation
            .get("allow")
            .and_then(|v| v.as_sequence())
            .map(|items| {
                items
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn hash_of(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads the testimony file at `path` (relative to the site) for the desk.
fn open(site: &Path, path: &Path, lint: &Lint) -> Result<Opened, String> {
    let bytes = std::fs::read(site.join(path)).map_err(|e| e.to_string())?;
    let hash = hash_of(&bytes);
    let file = SourceFile::decode(path.to_path_buf(), bytes).map_err(|d| d.to_string())?;
    let (yaml, body) = file.split_front_matter().map_err(|d| d.to_string())?;
    let front: Fields = serde_yaml::from_str(yaml.text).map_err(|e| e.to_string())?;
    let id = yaml
        .top_level_value("id")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let body_start = file.text.len() - body.text.len();
    let allow = front.allow();
    let mut findings = Vec::new();
    if let Some(title) = &front.title {
        let title_at = front_matter::title_offset(&file.text, title);
        for finding in lint.check(title, &allow) {
            let start = title_at
                .zip(offset_of(title, finding.line, finding.column))
                .map(|(at, within)| at + within);
            findings.push(Marked {
                kind: finding.kind,
                start,
                matched: finding.matched,
            });
        }
    }
    for finding in lint.check(body.text, &allow) {
        let start = offset_of(body.text, finding.line, finding.column)
            .map(|within| body_start + within)
            .filter(|&at| file.text[at..].starts_with(finding.matched.as_str()));
        findings.push(Marked {
            kind: finding.kind,
            start,
            matched: finding.matched,
        });
    }
    Ok(Opened {
        id,
        path: path.to_path_buf(),
        hash,
        text: file.text,
        body_start,
        front,
        findings,
        waiting_since: None,
    })
}

/// The byte offset of a 1-based line and (character) column.
fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let line_start = match line {
        0 => return None,
        1 => 0,
        _ => text.match_indices('\n').nth(line - 2)?.0 + 1,
    };
    let within = text[line_start..]
        .char_indices()
        .nth(column.checked_sub(1)?)?
        .0;
    Some(line_start + within)
}

/// The queue: every testimony file read and checked, pending ones opened.
pub(crate) struct Queue {
    pub counts: StatusCounts,
    pub pending: Vec<Opened>,
    /// Files with mistakes, and what they are.
    pub broken: Vec<(PathBuf, String)>,
}

fn load_queue(site: &Path, settings: &Settings) -> Queue {
    let mut queue = Queue {
        counts: StatusCounts::default(),
        pending: Vec::new(),
        broken: Vec::new(),
    };
    for (path, _) in content::testimony_ids(site) {
        let checked = content::read_testimony(
            site,
            &path,
            &settings.config,
            &settings.registry,
            &settings.lint,
        );
        let checked = match checked {
            Ok(checked) => checked,
            Err(mistakes) => {
                let text = mistakes.iter().map(|d| d.to_string()).collect::<Vec<_>>();
                queue.broken.push((path, text.join("\n")));
                continue;
            }
        };
        let counts = &mut queue.counts;
        match checked.status {
            Status::Approved => counts.approved += 1,
            Status::Rejected => counts.rejected += 1,
            Status::Withdrawn => counts.withdrawn += 1,
            Status::Pending => {
                counts.pending += 1;
                match open(site, &path, &settings.lint) {
                    Ok(mut opened) => {
                        opened.waiting_since = checked.waiting_since;
                        queue.pending.push(opened);
                    }
                    Err(why) => queue.broken.push((path, why)),
                }
            }
        }
    }
    // Oldest first; those of unknown age last.
    queue
        .pending
        .sort_by_key(|t| (t.waiting_since.is_none(), t.waiting_since, t.id));
    queue
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
    id: Option<u64>,
}

/// What the last change did, from a fixed list: nothing from the address is shown.
fn notice(done: &Done) -> Option<String> {
    let id = done.id?;
    let what = match done.done.as_deref()? {
        "approve" => "is approved: it will be published at the next build",
        "reject" => "is rejected: it will never be published",
        "edit" => "has its new text",
        "redact" => "has the detail replaced",
        "accept" => "has the finding accepted",
        "schools" => "has its schools",
        "tags" => "has its tags",
        _ => return None,
    };
    Some(format!("Testimony {id} {what}."))
}

async fn queue(State(desk): State<Shared>, Query(done): Query<Done>) -> Response {
    let settings = match settings(&desk.site) {
        Ok(settings) => settings,
        Err(page) => return page,
    };
    let queue = load_queue(&desk.site, &settings);
    Html(pages::queue(&desk.base(), &queue, notice(&done).as_deref())).into_response()
}

/// The file of the testimony with this id, if exactly one file has it.
fn find(site: &Path, id: u64) -> Option<PathBuf> {
    let mut files = content::testimony_ids(site)
        .into_iter()
        .filter(|(_, file_id)| *file_id == Some(id));
    let (path, _) = files.next()?;
    files.next().is_none().then_some(path)
}

async fn testimony(
    State(desk): State<Shared>,
    UrlPath(id): UrlPath<u64>,
    Query(done): Query<Done>,
) -> Response {
    let settings = match settings(&desk.site) {
        Ok(settings) => settings,
        Err(page) => return page,
    };
    let Some(path) = find(&desk.site, id) else {
        return refused(
            StatusCode::NOT_FOUND,
            "No single file has this testimony's id.",
        );
    };
    match open(&desk.site, &path, &settings.lint) {
        Ok(opened) => {
            let notice = notice(&done);
            let base = desk.base();
            let view = pages::TestimonyView {
                base: &base,
                opened: &opened,
                registry: &settings.registry,
                tags: &settings.config.tags,
                notice: notice.as_deref(),
            };
            Html(pages::testimony(&view)).into_response()
        }
        Err(why) => problem_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "This file cannot be read",
            &why,
            Some(&format!("{}/", desk.base())),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_the_first_path_segment() {
        assert_eq!(without_secret("/abc/", "abc"), Some("/"));
        assert_eq!(without_secret("/abc", "abc"), Some("/"));
        assert_eq!(
            without_secret("/abc/testimony/3", "abc"),
            Some("/testimony/3")
        );
        assert_eq!(without_secret("/abd/", "abc"), None);
        assert_eq!(without_secret("/ab/", "abc"), None);
        assert_eq!(without_secret("/", "abc"), None);
        assert_eq!(without_secret("/abcd/", "abc"), None);
    }

    #[test]
    fn offsets_count_characters_within_lines() {
        let text = "Zoë went\nwith Amélie";
        assert_eq!(offset_of(text, 1, 4), Some(4));
        assert_eq!(&text[offset_of(text, 2, 6).unwrap()..], "Amélie");
        assert_eq!(offset_of(text, 3, 1), None);
    }

    #[test]
    fn the_desk_csp_is_the_archives_with_its_own_forms() {
        let csp = desk_csp();
        assert!(csp.contains("form-action 'self'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("upgrade-insecure-requests"));
        assert!(!csp.contains("unsafe-inline"));
    }
}
