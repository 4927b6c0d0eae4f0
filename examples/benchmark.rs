//! The performance benchmark: generates archives (examples/generate.rs), builds each with the
//! release binary, and reports what DESIGN.md §8 asks for.
//!
//! ```text
//! cargo run --release --example benchmark -- [--sizes 1000,10000,100000] [--dir DIR]
//! ```
//!
//! For each size N (with N/20 schools, at least 25 and at most 5,000) it prints:
//! - the time to generate the archive;
//! - `testimony build --verbose`: wall time, each stage's time, peak memory, files and bytes
//!   written;
//! - the search index: its bytes, its chunk files, what a reader fetches before the first query
//!   (manifest, runtime, catalog, hot chunks; the runtime and catalog also as gzip and brotli,
//!   as hosts serve them);
//! - a sequence of queries a reader might type, each with the bytes of index chunks it fetched
//!   (nothing fetched twice, as in one browser tab) and its time once those chunks are held.
//!
//! Generated sites go under DIR (default: the system's temporary folder), one folder a size; they
//! are kept, so a browser can be pointed at them afterwards (tests/browser/measure.mjs).
//! Nothing here is a test: figures vary with the machine, and are reported, never asserted.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use testimony::search::{MANIFEST_PATH, Manifest, SearchRequest, open_output_dir};

struct Options {
    sizes: Vec<usize>,
    dir: PathBuf,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        sizes: vec![1_000, 10_000, 100_000],
        dir: std::env::temp_dir().join("testimony-benchmark"),
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
            "--help" | "-h" => {
                return Err("usage: benchmark [--sizes 1000,10000,100000] [--dir DIR]".into());
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    if options.sizes.contains(&0) {
        return Err("--sizes must be at least 1".into());
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
    let bin = binaries()?;
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
    for &size in &options.sizes {
        measure(
            size,
            &options.dir.join(size.to_string()),
            &testimony,
            &generate,
        )?;
    }
    Ok(())
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

fn measure(size: usize, site: &Path, testimony: &Path, generate: &Path) -> Result<(), String> {
    let schools = (size / 20).clamp(25, 5_000);
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
    let (stdout, stderr, wall) = command_output(Command::new(testimony).args([
        "build",
        "--site",
        &site.to_string_lossy(),
        "--output",
        &public.to_string_lossy(),
        "--verbose",
    ]))?;
    println!();
    println!(
        "`testimony build --verbose`: {:.2} s wall",
        wall.as_secs_f64()
    );
    println!();
    println!("| stage | time |");
    println!("|---|---:|");
    for line in stderr.lines().filter(|l| l.starts_with("  ")) {
        if let Some((stage, figure)) = split_figure(line) {
            println!("| {stage} | {figure} |");
        }
    }
    println!();
    println!("{}", stdout.trim());
    let (files, bytes) = folder_bytes(&public);
    println!(
        "Output: {files} files, {:.1} MB ({:.1} MB of it search index and runtime).",
        bytes as f64 / 1e6,
        folder_bytes(&public.join("search")).1 as f64 / 1e6
    );
    search_figures(&public)
}

/// "  render pages    575.4 ms" → ("render pages", "575.4 ms").
fn split_figure(line: &str) -> Option<(String, String)> {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words.len() < 3 {
        return None;
    }
    let (name, figure) = words.split_at(words.len() - 2);
    Some((name.join(" "), figure.join(" ")))
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
    let catalog = read(&search.join(&manifest.catalog))?;
    let index_bytes: u64 = manifest.index.iter().map(|f| f.bytes).sum();
    let chunks: u64 = manifest.index.iter().map(|f| f.chunk_count()).sum();
    let hot_bytes: u64 = manifest
        .hot
        .iter()
        .map(|hot| manifest.index[hot.file as usize].chunk_len(hot.chunk) as u64)
        .sum();
    println!();
    println!(
        "Search index: {} in {chunks} chunk files; runtime {} raw, {} gzip, {} brotli; \
         catalog {} raw, {} brotli; manifest {}.",
        kb(index_bytes),
        kb(runtime.len() as u64),
        kb(gzip(&runtime) as u64),
        kb(brotli(&runtime) as u64),
        kb(catalog.len() as u64),
        kb(brotli(&catalog) as u64),
        kb(manifest_bytes.len() as u64),
    );
    let before_first =
        manifest_bytes.len() as u64 + brotli(&runtime) as u64 + brotli(&catalog) as u64 + hot_bytes;
    println!(
        "Before the first query a reader fetches {} (manifest, runtime and catalog as brotli, \
         {} hot chunks {}).",
        kb(before_first),
        manifest.hot.len(),
        kb(hot_bytes)
    );

    let index = open_output_dir(public).map_err(|e| e.to_string())?;
    // What the browser fetches up front (the hot chunks): what opening the index and looking
    // up a word reads. Counted above, not in the queries' rows.
    index
        .search(&SearchRequest {
            query: "qqqqqqqqqq".into(),
            ..SearchRequest::default()
        })
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
    println!("| query | school | results | chunks fetched | of which | time, chunks held |");
    println!("|---|---|---:|---:|---|---:|");
    let mut before = opened;
    let mut read_before = index.chunks_held();
    for (query, school) in queries {
        // The search page shows ten results at a time.
        let request = SearchRequest {
            query: query.clone(),
            school: school.clone(),
            limit: 10,
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
        read_before = read_now;
        let of_which: Vec<String> = by_kind
            .iter()
            .map(|(kind, bytes)| format!("{kind} {}", kb(*bytes)))
            .collect();
        let runs = 10;
        let started = Instant::now();
        for _ in 0..runs {
            index.search(&request).map_err(|e| e.to_string())?;
        }
        let held = started.elapsed() / runs;
        println!(
            "| `{query}` | {} | {} | {} | {} | {:.1} ms |",
            school.as_deref().unwrap_or(""),
            results.total,
            kb(fetched),
            of_which.join(", "),
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
