//! The performance benchmark: generates archives (examples/generate.rs), builds each with the
//! release binary, and reports what DESIGN.md §8 asks for.
//!
//! ```text
//! cargo run --release --example benchmark -- [--sizes 1000,10000,100000] [--dir DIR]
//!     [--binaries DIR] [--peers hugo,pagefind] [--schools M]
//! ```
//!
//! For each size N (with N/20 schools, at least 25 and at most 5,000, or `--schools M`) it
//! prints:
//! - the time to generate the archive;
//! - `testimony build --verbose`: wall time, each stage's time, peak memory, files and bytes
//!   written;
//! - the search index: its bytes, its chunk files, what a reader fetches before the first query
//!   (manifest, runtime, catalog, hot file; the runtime and catalog also as gzip and brotli,
//!   as hosts serve them);
//! - a sequence of queries a reader might type, each with the bytes of index chunks it fetched
//!   (nothing fetched twice, as in one browser tab) and its time once those chunks are held;
//! - publishing after an edit: a `sync`, so that what the peers wrote is on the disk before
//!   anything is timed, one `testimony build` over the output with nothing changed, then
//!   three rounds of editing five approved testimonies (the first five by path, each given one
//!   more sentence) and building over the previous output, with each round's stages and the
//!   files it rewrote, and the rounds' median. These come last, after the peers: the edits
//!   change the archive the peers are given;
//! - the targets of DESIGN.md §8, each beside its figure from this run and whether it was
//!   reached (most are set at 100,000 testimonies, the first search's also at 10,000).
//!
//! With `--peers hugo,pagefind` it measures the peers on the same generated archive in the same
//! run (tools/benchmark/): the approved testimonies as a Hugo site with a minimal theme that lists
//! schools as a taxonomy, built with `hugo --minify`; Pagefind indexing Hugo's output; and a
//! reader's first search in a real browser, for testimony's search page and for Pagefind's
//! default UI, served with gzip on the slow-phone profile (150 ms a round trip, 200 KB/s) and on
//! localhost. One table a size gives each figure, ours beside the peer's, and the ratio.
//! Peak memory is measured with `/usr/bin/time -v` (GNU time), when it is there.
//!
//! `--binaries DIR` takes `testimony` and `examples/generate` from DIR (a cargo target's
//! `release/` folder) instead of building them.
//!
//! Generated sites go under DIR (default: the system's temporary folder), one folder a size; they
//! are kept, so a browser can be pointed at them afterwards (tests/browser/measure.mjs). Every
//! build is a clean one: what an earlier run left (the generated content, our output, the Hugo
//! site and its output) is first moved into DIR/set-aside/, which is deleted when the run ends.
//! Nothing is deleted between generating an archive and building it: on ext4 without a journal
//! the kernel passes over inodes freed in the last minute or so, reading each one's record to
//! tell, every time it creates a file, so a build just after a big delete pays for it. For the
//! same reason, start a run a few minutes after the last one ended.
//! Nothing here is a test: figures vary with the machine, and are reported, never asserted.

use std::ffi::OsStr;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use testimony::search::{MANIFEST_PATH, Manifest, SearchRequest, open_output_dir};

struct Options {
    sizes: Vec<usize>,
    dir: PathBuf,
    binaries: Option<PathBuf>,
    peers: Vec<Peer>,
    /// Schools in every generated archive, instead of one for every 20 testimonies.
    schools: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Peer {
    Hugo,
    Pagefind,
}

const USAGE: &str = "usage: benchmark [--sizes 1000,10000,100000] [--dir DIR] [--binaries DIR] \
                     [--peers hugo,pagefind] [--schools M]";

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        sizes: vec![1_000, 10_000, 100_000],
        dir: std::env::temp_dir().join("testimony-benchmark"),
        binaries: None,
        peers: Vec::new(),
        schools: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--sizes" => {
                options.sizes = value("--sizes")?
                    .split(',')
                    .map(|n| n.trim().replace('_', "").parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| "--sizes takes whole numbers, e.g. 1000,10000".to_string())?;
            }
            "--dir" => options.dir = PathBuf::from(value("--dir")?),
            "--binaries" => options.binaries = Some(PathBuf::from(value("--binaries")?)),
            "--schools" => {
                let schools = value("--schools")?;
                options.schools = Some(
                    schools
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n >= 1)
                        .ok_or("--schools takes a whole number of at least 1")?,
                );
            }
            "--peers" => {
                options.peers = value("--peers")?
                    .split(',')
                    .map(|peer| match peer.trim() {
                        "hugo" => Ok(Peer::Hugo),
                        "pagefind" => Ok(Peer::Pagefind),
                        other => Err(format!("unknown peer `{other}` (hugo, pagefind)")),
                    })
                    .collect::<Result<_, _>>()?;
            }
            "--help" | "-h" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    if options.sizes.contains(&0) {
        return Err("--sizes must be at least 1".into());
    }
    if options.peers.contains(&Peer::Pagefind) && !options.peers.contains(&Peer::Hugo) {
        return Err("Pagefind indexes Hugo's output: --peers pagefind needs hugo too".into());
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("benchmark failed: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `target/release/`, where cargo put this example's sibling binaries.
fn binaries() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--bin",
            "testimony",
            "--example",
            "generate",
        ])
        .status()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if !status.success() {
        return Err("cargo build failed".into());
    }
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    exe.parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .ok_or_else(|| "cannot find the target folder".into())
}

fn run(options: &Options) -> Result<(), String> {
    let bin = match &options.binaries {
        Some(dir) => dir.clone(),
        None => binaries()?,
    };
    if !options.peers.is_empty() {
        prepare_peers()?;
    }
    let testimony = bin.join("testimony");
    let generate = bin.join("examples/generate");
    std::fs::create_dir_all(&options.dir).map_err(|error| error.to_string())?;
    println!("# testimony benchmark");
    println!();
    println!(
        "Machine: {} logical CPUs. Sites under {}.",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        options.dir.display()
    );
    let aside = options.dir.join("set-aside");
    for &size in &options.sizes {
        let site = options.dir.join(size.to_string());
        let schools = options
            .schools
            .unwrap_or_else(|| (size / 20).clamp(25, 5_000));
        for earlier in ["content", "public", "hugo"] {
            set_aside(&site.join(earlier), &aside)?;
        }
        let ours = measure(size, schools, &site, &testimony, &generate)?;
        let theirs = if options.peers.is_empty() {
            None
        } else {
            Some(peers(size, &site, &ours, &options.peers)?)
        };
        let edited = edits(&site, &testimony)?;
        targets(size, &site, &ours, theirs.as_ref(), edited);
    }
    if aside.exists() {
        std::fs::remove_dir_all(&aside)
            .map_err(|error| format!("cannot delete {}: {error}", aside.display()))?;
    }
    Ok(())
}

/// Moves what an earlier run left at `dir` (if anything) into `aside`, so that the next build
/// is clean without a delete just before it.
fn set_aside(dir: &Path, aside: &Path) -> Result<(), String> {
    if !dir.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(aside).map_err(|error| error.to_string())?;
    let to = (0u64..)
        .map(|n| aside.join(n.to_string()))
        .find(|to| !to.exists())
        .unwrap_or_else(|| aside.join("last"));
    std::fs::rename(dir, &to)
        .map_err(|error| format!("cannot move {} to {}: {error}", dir.display(), to.display()))
}

fn command_output(command: &mut Command) -> Result<(String, String, Duration), String> {
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|error| format!("cannot run {command:?}: {error}"))?;
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!("{command:?} failed:\n{stdout}\n{stderr}"));
    }
    Ok((stdout, stderr, took))
}

/// What the side-by-side table and the targets need of our clean build.
struct Ours {
    wall: Duration,
    peak_kb: Option<u64>,
    files: usize,
    bytes: u64,
    index_files: usize,
    index_bytes: u64,
    /// The published testimonies' pages, against which the search files are weighed.
    pages_bytes: u64,
}

fn measure(
    size: usize,
    schools: usize,
    site: &Path,
    testimony: &Path,
    generate: &Path,
) -> Result<Ours, String> {
    println!();
    println!("## {size} testimonies, {schools} schools");
    println!();
    let (_, _, generated) = command_output(Command::new(generate).args([
        "--testimonies",
        &size.to_string(),
        "--schools",
        &schools.to_string(),
        "--out",
        &site.to_string_lossy(),
    ]))?;
    let content_bytes = folder_bytes(&site.join("content")).1;
    println!(
        "Generated in {:.2} s ({:.1} MB of Markdown).",
        generated.as_secs_f64(),
        content_bytes as f64 / 1e6
    );
    let public = site.join("public");
    let built = build(testimony, site, &public)?;
    let (stdout, stderr, wall) = (built.stdout, built.stderr, built.wall);
    println!();
    println!(
        "`testimony build --verbose`: {:.2} s wall",
        wall.as_secs_f64()
    );
    println!();
    println!("| stage | time |");
    println!("|---|---:|");
    for (stage, figure) in stages(&stderr) {
        println!("| {stage} | {figure} |");
    }
    println!();
    println!("{}", stdout.trim());
    let (files, bytes) = folder_bytes(&public);
    let (index_files, index_bytes) = folder_bytes(&public.join("search"));
    let pages_bytes = testimony_pages_bytes(&public);
    println!(
        "Output: {files} files, {:.1} MB ({:.1} MB of it search index and runtime, {:.1} MB \
         testimony pages).",
        bytes as f64 / 1e6,
        index_bytes as f64 / 1e6,
        pages_bytes as f64 / 1e6
    );
    if let Some(peak) = built.peak_kb {
        println!("Peak memory: {:.0} MB.", peak as f64 / 1e3);
    }
    search_figures(&public)?;
    Ok(Ours {
        wall,
        peak_kb: built.peak_kb,
        files,
        bytes,
        index_files,
        index_bytes,
        pages_bytes,
    })
}

/// `testimony build --verbose` of `site` into `public`, timed.
fn build(testimony: &Path, site: &Path, public: &Path) -> Result<Timed, String> {
    timed(
        testimony.as_os_str(),
        &[
            "build".as_ref(),
            "--site".as_ref(),
            site.as_os_str(),
            "--output".as_ref(),
            public.as_os_str(),
            "--verbose".as_ref(),
        ],
        None,
    )
}

/// Rounds of edits, each followed by a build over the previous output.
const EDIT_ROUNDS: usize = 3;
/// Testimonies edited in each round.
const EDITED: usize = 5;
/// What each round adds to each edited testimony: a paragraph of plain words, nothing that the
/// checks flag.
const ADDED: &str = "\nIt was a while before I told anyone.\n";

/// Publishing after an edit: a build over the output with nothing changed (after the peers, the
/// output is no longer in the page cache), then [`EDIT_ROUNDS`] rounds of editing [`EDITED`]
/// approved testimonies and building over the previous output. Returns the rounds' median.
fn edits(site: &Path, testimony: &Path) -> Result<Duration, String> {
    let edited = approved_files(site, EDITED)?;
    let public = site.join("public");
    let rebuild = || build(testimony, site, &public);
    println!();
    println!("### Publishing after an edit");
    println!();
    // What the peers wrote is still going to the disk: let it, before anything is timed.
    command_output(&mut Command::new("sync"))?;
    let unchanged = rebuild()?;
    println!(
        "`testimony build` over the output with nothing changed: {}, {} files rewritten.",
        seconds(unchanged.wall),
        rewritten(&unchanged.stderr)
    );
    println!();
    println!(
        "Then, {EDIT_ROUNDS} times: {EDITED} approved testimonies each get one more sentence, \
         and `testimony build` runs over the previous output."
    );
    println!();
    println!(
        "| round | wall | load and validate | render pages | search index | files rewritten | peak memory |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut walls = Vec::new();
    for round in 1..=EDIT_ROUNDS {
        for file in &edited {
            std::fs::OpenOptions::new()
                .append(true)
                .open(file)
                .and_then(|mut opened| opened.write_all(ADDED.as_bytes()))
                .map_err(|error| format!("cannot write {}: {error}", file.display()))?;
        }
        let built = rebuild()?;
        let figure = |name: &str| stage(&built.stderr, name).unwrap_or_else(|| "?".into());
        println!(
            "| {round} | {} | {} | {} | {} | {} | {} |",
            seconds(built.wall),
            figure("load and validate"),
            figure("render pages"),
            figure("search index"),
            rewritten(&built.stderr),
            megabytes(built.peak_kb)
        );
        walls.push(built.wall);
    }
    walls.sort_unstable();
    let median = walls[walls.len() / 2];
    println!();
    println!("Median of the {EDIT_ROUNDS} rounds: {}.", seconds(median));
    Ok(median)
}

/// The first `count` approved testimonies of the site, by path.
fn approved_files(site: &Path, count: usize) -> Result<Vec<PathBuf>, String> {
    let mut approved = Vec::new();
    for entry in walkdir::WalkDir::new(site.join("content/testimonies")).sort_by_file_name() {
        let entry = entry.map_err(|error| error.to_string())?;
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path())
            .map_err(|error| format!("cannot read {}: {error}", entry.path().display()))?;
        if text
            .lines()
            .any(|line| line.trim_end() == "status: approved")
        {
            approved.push(entry.into_path());
            if approved.len() == count {
                return Ok(approved);
            }
        }
    }
    Err(format!(
        "{} has fewer than {count} approved testimonies",
        site.display()
    ))
}

/// "1451 of 98792": the files a build over the previous output rewrote, of all it has.
fn rewritten(stderr: &str) -> String {
    stage(stderr, "files rewritten").map_or_else(
        || "?".into(),
        |figure| figure.split(" (").next().unwrap_or_default().to_owned(),
    )
}

/// The figure of the stage `name` in the stderr of `testimony build --verbose`.
fn stage(stderr: &str, name: &str) -> Option<String> {
    stages(stderr).find_map(|(stage, figure)| (stage == name).then_some(figure))
}

/// Each stage and its figure, in the stderr of `testimony build --verbose`.
fn stages(stderr: &str) -> impl Iterator<Item = (String, String)> + '_ {
    stderr
        .lines()
        .filter(|line| line.starts_with("  "))
        .filter_map(split_figure)
}

/// "  render pages    575.4 ms" → ("render pages", "575.4 ms"): the stage's name is padded, so
/// it ends at the first two spaces ("files rewritten   1451 of 98792 (the others …)").
fn split_figure(line: &str) -> Option<(String, String)> {
    let (name, figure) = line.trim().split_once("  ")?;
    Some((name.to_string(), figure.trim().to_string()))
}

/// The bytes of the published testimonies' pages, `testimonies/<id>/index.html` (not the
/// lists under `testimonies/page/`).
fn testimony_pages_bytes(public: &Path) -> u64 {
    std::fs::read_dir(public.join("testimonies"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name() != "page")
        .filter_map(|entry| std::fs::metadata(entry.path().join("index.html")).ok())
        .map(|page| page.len())
        .sum()
}

fn folder_bytes(dir: &Path) -> (usize, u64) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(files, bytes), entry| {
            (files + 1, bytes + entry.metadata().map_or(0, |m| m.len()))
        })
}

fn gzip(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory").len()
}

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("brotli in memory");
    out.len()
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1e3)
}

fn search_figures(public: &Path) -> Result<(), String> {
    let read = |path: &Path| std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let manifest_bytes = read(&public.join(MANIFEST_PATH))?;
    let manifest = Manifest::parse(&manifest_bytes).map_err(|e| e.to_string())?;
    let search = public.join("search");
    let runtime = read(&search.join(&manifest.runtime))?;
    let hot = read(&search.join(&manifest.hot_file))?;
    let index_bytes: u64 = manifest.index.iter().map(|f| f.bytes).sum();
    let chunks: u64 = manifest.index.iter().map(|f| f.chunk_count()).sum();
    let hot_bytes = manifest.hot_bytes;
    println!();
    println!(
        "Search index: {} in {chunks} chunk files; runtime {} raw, {} gzip, {} brotli; \
         catalog {} raw; manifest {}.",
        kb(index_bytes),
        kb(runtime.len() as u64),
        kb(gzip(&runtime) as u64),
        kb(brotli(&runtime) as u64),
        kb(manifest.catalog_bytes),
        kb(manifest_bytes.len() as u64),
    );
    let before_first = manifest_bytes.len() as u64 + brotli(&runtime) as u64 + brotli(&hot) as u64;
    println!(
        "Before the first query a reader fetches {} (manifest, runtime and the hot file as \
         brotli: the catalog, then {} pieces, {} in all).",
        kb(before_first),
        manifest.hot.len(),
        kb(hot_bytes)
    );

    let index = open_output_dir(public).map_err(|e| e.to_string())?;
    // What the browser fetches up front (the hot file): what opening the index and any query
    // with words read. Counted above, not in the queries' rows.
    index
        .read_what_every_query_reads()
        .map_err(|e| e.to_string())?;
    let opened = index.fetched_bytes();
    let catalog_school = index
        .catalog()
        .schools
        .first()
        .map(|s| s.slug.clone())
        .unwrap_or_default();
    let queries: Vec<(String, Option<String>)> = vec![
        ("corridor".into(), None),
        ("\"bus stop\"".into(), None),
        ("ignored".into(), None),
        ("teacher NOT canteen".into(), None),
        ("".into(), Some(catalog_school.clone())),
        ("library".into(), Some(catalog_school)),
        ("disco".into(), None),
    ];
    println!();
    println!(
        "| query | school | results | chunks fetched for the results | of which | then for the \
         counts | time, chunks held |"
    );
    println!("|---|---|---:|---:|---|---:|---:|");
    let mut before = opened;
    let mut read_before = index.chunks_held();
    for (query, school) in queries {
        // The search page shows ten results at a time, then asks for the filters' counts.
        let request = SearchRequest {
            query: query.clone(),
            school: school.clone(),
            limit: 10,
            counts: false,
            ..SearchRequest::default()
        };
        let results = index.search(&request).map_err(|e| e.to_string())?;
        let fetched = index.fetched_bytes() - before;
        before = index.fetched_bytes();
        // Which kinds of index file the new chunks belong to.
        let read_now = index.chunks_held();
        let mut by_kind: std::collections::BTreeMap<&str, u64> = Default::default();
        for &(file, chunk) in read_now.difference(&read_before) {
            let file = &manifest.index[file as usize];
            let kind = file.name.rsplit('.').next().unwrap_or("");
            *by_kind.entry(kind).or_default() += file.chunk_len(chunk) as u64;
        }
        let of_which: Vec<String> = by_kind
            .iter()
            .map(|(kind, bytes)| format!("{kind} {}", kb(*bytes)))
            .collect();
        let counting = SearchRequest {
            counts: true,
            ..request.clone()
        };
        index.search(&counting).map_err(|e| e.to_string())?;
        let for_counts = index.fetched_bytes() - before;
        before = index.fetched_bytes();
        read_before = index.chunks_held();
        let runs = 10;
        let started = Instant::now();
        for _ in 0..runs {
            index.search(&request).map_err(|e| e.to_string())?;
        }
        let held = started.elapsed() / runs;
        println!(
            "| `{query}` | {} | {} | {} | {} | {} | {:.1} ms |",
            school.as_deref().unwrap_or(""),
            results.total,
            kb(fetched),
            of_which.join(", "),
            kb(for_counts),
            held.as_secs_f64() * 1000.0
        );
    }
    println!();
    println!(
        "First query, in all: {} before it plus what it fetched (first row).",
        kb(before_first)
    );
    Ok(())
}

/// The peers' tools: tools/benchmark/ of this repository.
fn peer_tools() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/benchmark")
}

/// Hugo, Node and the benchmark's npm packages (Pagefind and the browser driver) are there.
fn prepare_peers() -> Result<(), String> {
    let tools = peer_tools();
    for (program, hint) in [
        ("hugo", "apt-get install -y hugo"),
        ("node", "apt-get install -y nodejs npm"),
    ] {
        if Command::new(program).arg("version").output().is_err() {
            return Err(format!("the peers need `{program}` ({hint})"));
        }
    }
    if !tools.join("node_modules/pagefind").is_dir() {
        command_output(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(&tools),
        )?;
    }
    Ok(())
}

/// One timed run of a program: wall time, and peak memory when GNU time is there to tell it.
struct Timed {
    stdout: String,
    stderr: String,
    wall: Duration,
    peak_kb: Option<u64>,
}

fn timed(program: &OsStr, args: &[&OsStr], dir: Option<&Path>) -> Result<Timed, String> {
    let gnu_time = Path::new("/usr/bin/time");
    let mut command = if gnu_time.exists() {
        let mut command = Command::new(gnu_time);
        command.arg("-v").arg(program);
        command
    } else {
        Command::new(program)
    };
    command.args(args);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let (stdout, stderr, wall) = command_output(&mut command)?;
    let peak_kb = stderr
        .lines()
        .find_map(|line| {
            line.trim()
                .strip_prefix("Maximum resident set size (kbytes):")
        })
        .and_then(|kb| kb.trim().parse().ok());
    Ok(Timed {
        stdout,
        stderr,
        wall,
        peak_kb,
    })
}

fn seconds(wall: Duration) -> String {
    format!("{:.2} s", wall.as_secs_f64())
}

fn megabytes(kb: Option<u64>) -> String {
    kb.map_or("?".into(), |kb| format!("{:.0} MB", kb as f64 / 1e3))
}

/// Ours ÷ the peer's: below 1 is less time, memory or bytes than the peer.
fn ratio(ours: f64, peer: f64) -> String {
    if peer > 0.0 {
        format!("{:.2}", ours / peer)
    } else {
        "—".into()
    }
}

/// What the targets need of the peers' run.
struct Theirs {
    hugo: Duration,
    pagefind: Option<Duration>,
    /// first-search.mjs's figures, with Pagefind.
    first_search: Option<serde_json::Value>,
}

fn peers(size: usize, site: &Path, ours: &Ours, which: &[Peer]) -> Result<Theirs, String> {
    let tools = peer_tools();
    let hugo_site = site.join("hugo");
    let hugo_public = hugo_site.join("public");
    let (converted, _, _) = command_output(
        Command::new("node")
            .arg(tools.join("hugo/convert.mjs"))
            .arg(site)
            .arg(&hugo_site),
    )?;
    let hugo = timed(
        "hugo".as_ref(),
        &[
            "--minify".as_ref(),
            "--quiet".as_ref(),
            "--source".as_ref(),
            hugo_site.as_os_str(),
        ],
        None,
    )?;
    let (hugo_files, hugo_bytes) = folder_bytes(&hugo_public);
    let mut rows: Vec<[String; 4]> = vec![
        [
            "clean build, wall".into(),
            seconds(ours.wall),
            format!("Hugo --minify {}", seconds(hugo.wall)),
            ratio(ours.wall.as_secs_f64(), hugo.wall.as_secs_f64()),
        ],
        [
            "clean build, peak memory".into(),
            megabytes(ours.peak_kb),
            format!("Hugo {}", megabytes(hugo.peak_kb)),
            ratio(
                ours.peak_kb.unwrap_or(0) as f64,
                hugo.peak_kb.unwrap_or(0) as f64,
            ),
        ],
    ];
    let mut files = (hugo_files, hugo_bytes, "Hugo");
    let mut first_search = None;
    let mut pagefind_wall = None;
    if which.contains(&Peer::Pagefind) {
        let pagefind = timed(
            "npx".as_ref(),
            &[
                "--no-install".as_ref(),
                "pagefind".as_ref(),
                "--site".as_ref(),
                hugo_public.as_os_str(),
            ],
            Some(&tools),
        )?;
        let (index_files, index_bytes) = folder_bytes(&hugo_public.join("pagefind"));
        let (all_files, all_bytes) = folder_bytes(&hugo_public);
        files = (all_files, all_bytes, "Hugo + Pagefind");
        let both = hugo.wall + pagefind.wall;
        pagefind_wall = Some(pagefind.wall);
        rows.extend([
            [
                "search index, wall".into(),
                "(in the build)".into(),
                format!("Pagefind {}", seconds(pagefind.wall)),
                "—".into(),
            ],
            [
                "site with search, wall".into(),
                seconds(ours.wall),
                format!("Hugo + Pagefind {}", seconds(both)),
                ratio(ours.wall.as_secs_f64(), both.as_secs_f64()),
            ],
            [
                "search index, peak memory".into(),
                megabytes(ours.peak_kb),
                format!("Pagefind {}", megabytes(pagefind.peak_kb)),
                ratio(
                    ours.peak_kb.unwrap_or(0) as f64,
                    pagefind.peak_kb.unwrap_or(0) as f64,
                ),
            ],
            [
                "search files (index and runtime)".into(),
                format!(
                    "{} files, {:.1} MB",
                    ours.index_files,
                    ours.index_bytes as f64 / 1e6
                ),
                format!("{index_files} files, {:.1} MB", index_bytes as f64 / 1e6),
                format!(
                    "{} files, {} bytes",
                    ratio(ours.index_files as f64, index_files as f64),
                    ratio(ours.index_bytes as f64, index_bytes as f64)
                ),
            ],
        ]);
        let (measured, _, _) = command_output(
            Command::new("node")
                .arg(tools.join("first-search.mjs"))
                .arg("--ours")
                .arg(site.join("public"))
                .arg("--peer")
                .arg(&hugo_public)
                .args([
                    "--query",
                    "corridor",
                    "--profile",
                    "slow-phone",
                    "--profile",
                    "localhost",
                ])
                .current_dir(&tools),
        )?;
        first_search = Some(
            serde_json::from_str::<serde_json::Value>(measured.trim())
                .map_err(|e| format!("first-search.mjs: {e}: {measured}"))?,
        );
    }
    rows.insert(
        if which.contains(&Peer::Pagefind) {
            6
        } else {
            2
        },
        [
            "output".into(),
            format!("{} files, {:.1} MB", ours.files, ours.bytes as f64 / 1e6),
            format!(
                "{}: {} files, {:.1} MB",
                files.2,
                files.0,
                files.1 as f64 / 1e6
            ),
            format!(
                "{} files, {} bytes",
                ratio(ours.files as f64, files.0 as f64),
                ratio(ours.bytes as f64, files.1 as f64)
            ),
        ],
    );
    if let Some(measured) = &first_search {
        for (profile, label) in [
            ("slow-phone", "slow phone (150 ms, 200 KB/s)"),
            ("localhost", "localhost"),
        ] {
            let figure =
                |who: &str, what: &str| measured[profile][who][what].as_f64().unwrap_or(0.0);
            // Bytes and requests on the wire, as the server counted them under `bytes` and
            // `requests` (the keys the first-search script prints).
            let on_the_wire = |when: &str, bytes: &str, requests: &str| {
                [
                    format!("first search `corridor`, gzip, {label}: on the wire {when}"),
                    format!(
                        "{:.0} KB in {:.0} requests",
                        figure("ours", bytes) / 1e3,
                        figure("ours", requests)
                    ),
                    format!(
                        "Pagefind UI {:.0} KB in {:.0} requests",
                        figure("peer", bytes) / 1e3,
                        figure("peer", requests)
                    ),
                    format!(
                        "{} bytes, {} requests",
                        ratio(figure("ours", bytes), figure("peer", bytes)),
                        ratio(figure("ours", requests), figure("peer", requests))
                    ),
                ]
            };
            rows.push(on_the_wire(
                "by the first results",
                "bytesAtResults",
                "requestsAtResults",
            ));
            rows.push(on_the_wire(
                "once settled (ours: with the filter counts that follow the results)",
                "bytes",
                "requests",
            ));
            rows.push([
                format!(
                    "first search, {label}: page opened → first results (of which after the query)"
                ),
                format!(
                    "{:.2} s ({:.2} s)",
                    figure("ours", "firstResultsMs") / 1e3,
                    figure("ours", "fromQueryMs") / 1e3
                ),
                format!(
                    "{:.2} s ({:.2} s)",
                    figure("peer", "firstResultsMs") / 1e3,
                    figure("peer", "fromQueryMs") / 1e3
                ),
                ratio(
                    figure("ours", "firstResultsMs"),
                    figure("peer", "firstResultsMs"),
                ),
            ]);
        }
        for who in ["ours", "peer"] {
            for profile in ["slow-phone", "localhost"] {
                if let Some(problems) = measured[profile][who]["problems"].as_array() {
                    for problem in problems {
                        println!("Page error ({who}, {profile}): {problem}");
                    }
                }
            }
        }
    }
    println!();
    println!(
        "### Side by side at {size} ({}; ratio = testimony ÷ peer)",
        converted.trim()
    );
    println!();
    println!("| | testimony | peer | ratio |");
    println!("|---|---:|---:|---:|");
    for [what, ours, peer, ratio] in rows {
        println!("| {what} | {ours} | {peer} | {ratio} |");
    }
    Ok(Theirs {
        hugo: hugo.wall,
        pagefind: pagefind_wall,
        first_search,
    })
}

/// The targets of DESIGN.md §8, each beside this run's figure at `size`. Most are set at
/// 100,000 testimonies, the first search's also at 10,000; at a size a target is not set for,
/// its figure stands alone.
fn targets(size: usize, site: &Path, ours: &Ours, theirs: Option<&Theirs>, edited: Duration) {
    let (small, large) = (size == 10_000, size == 100_000);
    // A target and its figure; `reached` is `None` where the target is not set at this size.
    let mut rows: Vec<(&str, String, Option<bool>)> = Vec::new();
    let set_at_large = |reached: bool| large.then_some(reached);
    let wall = ours.wall.as_secs_f64();
    rows.push((
        "1. clean build ≤ 10 s wall (at 100,000)",
        seconds(ours.wall),
        set_at_large(wall <= 10.0),
    ));
    rows.push((
        "1. clean build ≤ 1 GB peak memory (at 100,000)",
        megabytes(ours.peak_kb),
        ours.peak_kb.and_then(|kb| set_at_large(kb <= 1_000_000)),
    ));
    rows.push((
        "2. five testimonies edited, then a build over the previous output ≤ 3 s (at 100,000)",
        format!("{} (median of {EDIT_ROUNDS})", seconds(edited)),
        set_at_large(edited.as_secs_f64() <= 3.0),
    ));
    let leftovers = leftovers(site);
    rows.push((
        "3. nothing left beside the output by the run's builds",
        if leftovers.is_empty() {
            "nothing".into()
        } else {
            leftovers.join(", ")
        },
        Some(leftovers.is_empty()),
    ));
    let first_search = theirs.and_then(|theirs| theirs.first_search.as_ref());
    let slow = |who: &str, what: &str| {
        first_search.and_then(|measured| measured["slow-phone"][who][what].as_f64())
    };
    let not_measured = || "not measured (needs `--peers hugo,pagefind`)".to_string();
    let bytes = slow("ours", "bytesAtResults");
    rows.push((
        "4. first search on the slow phone, on the wire by the first results: ≤ 900 KB at \
         10,000, ≤ 800 KB at 100,000",
        bytes.map_or_else(not_measured, |bytes| format!("{:.0} KB", bytes / 1e3)),
        bytes.and_then(|bytes| {
            (small || large).then_some(bytes <= if large { 800e3 } else { 900e3 })
        }),
    ));
    let requests = slow("ours", "requestsAtResults");
    rows.push((
        "4. first search: requests by the first results ≤ 25 (at 100,000)",
        requests.map_or_else(not_measured, |requests| format!("{requests:.0}")),
        requests.and_then(|requests| set_at_large(requests <= 25.0)),
    ));
    let times = slow("ours", "firstResultsMs").zip(slow("peer", "firstResultsMs"));
    rows.push((
        "4. first search on the slow phone: within 2× of Pagefind's time at 10,000, faster at \
         100,000",
        times.map_or_else(not_measured, |(ours, peer)| {
            format!(
                "{:.2} s, Pagefind {:.2} s: {}",
                ours / 1e3,
                peer / 1e3,
                ratio(ours, peer)
            )
        }),
        times.and_then(|(ours, peer)| {
            (small || large).then_some(if large {
                ours < peer
            } else {
                ours <= 2.0 * peer
            })
        }),
    ));
    rows.push((
        "5. output ≤ 700 MB (at 100,000)",
        format!("{:.1} MB", ours.bytes as f64 / 1e6),
        set_at_large(ours.bytes <= 700_000_000),
    ));
    rows.push((
        "5. output ≤ 100,000 files (at 100,000)",
        ours.files.to_string(),
        set_at_large(ours.files <= 100_000),
    ));
    let share = ours.index_bytes as f64 / ours.pages_bytes.max(1) as f64;
    rows.push((
        "5. search files (index and runtime) ≤ 5% of the testimony pages",
        format!(
            "{:.1}% ({:.1} MB of {:.1} MB)",
            share * 100.0,
            ours.index_bytes as f64 / 1e6,
            ours.pages_bytes as f64 / 1e6
        ),
        (small || large).then_some(share <= 0.05),
    ));
    rows.push((
        "6. the peers measured in the same run",
        match theirs {
            Some(Theirs {
                hugo,
                pagefind: Some(pagefind),
                first_search: Some(_),
            }) => format!(
                "Hugo {}, Pagefind {}; the first search in the side-by-side table",
                seconds(*hugo),
                seconds(*pagefind)
            ),
            Some(theirs) => format!("Hugo {} (no Pagefind)", seconds(theirs.hugo)),
            None => "no peers (`--peers hugo,pagefind`)".into(),
        },
        Some(theirs.is_some_and(|theirs| theirs.first_search.is_some())),
    ));
    let phone = first_search.map(|measured| &measured["phone"]);
    let at = |what: &str| phone.and_then(|phone| phone[what].as_f64());
    let open = phone.and_then(|phone| phone["filtersOpen"].as_bool());
    let layout = at("firstResultTop")
        .zip(at("searchRowBottom"))
        .zip(at("screenHeight").zip(open));
    rows.push((
        "7. on a phone (390 × 844 px) the first result is on the first screen, under the search \
         box, the filters closed",
        layout.map_or_else(not_measured, |((top, row), (screen, open))| {
            format!(
                "first result {top:.0} px from the top of the {screen:.0} px screen, {:.0} px \
                 under the search box; filters {}",
                top - row,
                if open { "open" } else { "closed" }
            )
        }),
        layout.map(|((top, row), (screen, open))| row < top && top < screen && !open),
    ));
    println!();
    println!("### The targets at {size}");
    println!();
    println!("| target | figure | reached |");
    println!("|---|---|---|");
    for (target, figure, reached) in rows {
        let reached = match reached {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "— (not set at this size)",
        };
        println!("| {target} | {figure} | {reached} |");
    }
}

/// What a build of `site/public` left beside it: the scratch space of a build
/// (`.public.building-…`, `.public.old-…`, `.public.journal-…`, `.public.lock-…`), which a
/// finished build never leaves.
fn leftovers(site: &Path) -> Vec<String> {
    let mut left: Vec<String> = std::fs::read_dir(site)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".public."))
        .collect();
    left.sort();
    left
}
