//! A generated archive for testing and measuring `testimony` at scale.
//!
//! ```text
//! cargo run --release --example generate -- --testimonies N --schools M --out DIR [--seed S]
//! testimony check --site DIR
//! testimony build --site DIR --verbose          # into DIR/public
//! ```
//!
//! Writes a complete site directory: `content/site.yaml`, `content/schools.yaml`, N testimonies
//! under `content/testimonies/` (approved and withdrawn ones by year and month of publication,
//! pending ones in `inbox/`, rejected ones in `closed/` by thousands of ids), a few campaign
//! updates and pages, and a marker file `.testimony-generated`. The same arguments always write
//! the same bytes. DIR must be new, empty, or written by this generator before: then its
//! `content/` is replaced and anything else in it (such as a built `public/`) is left alone.
//!
//! Everything is invented and neutral. School names join an invented place (a plant, bird,
//! animal or material and an old place-name ending, such as "Curlewbeck") to a kind of school. Testimonies
//! are assembled from sentence templates about corridors, lessons, group chats, telling a
//! teacher and being ignored; they name no person, and nothing in them is graphic. They pass
//! `testimony check` with no findings.
//!
//! How the numbers are drawn (figures measured at N = 100000, M = 5000; the generator prints
//! them for every run):
//! - Length: a log-normal with median 250 words and σ 0.75, cut to 50–1500 words and tabulated
//!   at 64 quantiles; sentences are added until a testimony reaches its length. Mean about 335
//!   words, median about 265, one in ten over 650, one in a hundred over 1250.
//! - Schools: 88 in 100 testimonies name one school, 12 name two. Which ones follows a
//!   Zipf–Mandelbrot law, p(rank k) ∝ (k + 10)^-1.25, over a fixed shuffle of the registry: a
//!   few schools have many testimonies (the most popular about 3% of them), most have few, and
//!   some have none.
//! - Status: 90% approved, 5% pending, 3% rejected, 2% withdrawn (erased as `testimony withdraw`
//!   leaves a file: its id and status only); every one not approved has
//!   moderation notes, and so do some approved ones.
//! - Published: from 2021-03-01 to 2024-12-31, a fifth in the first six weeks after the
//!   archive opened and the rest thinning out towards the end; ids follow that order.
//! - About a third have a title, nine in ten have tags, two in five have content warnings,
//!   seven in ten give the period it happened.
//!
//! Only integer arithmetic and the floating-point operations IEEE 754 rounds exactly (+ − × ÷ √)
//! decide what is written, so the output does not depend on the platform's maths library.

// The root of an example is its own file, so its modules are named by path.
#[path = "generate/prose.rs"]
mod prose;
#[path = "generate/schools.rs"]
mod schools;
#[path = "generate/site.rs"]
mod site;
#[path = "generate/summary.rs"]
mod summary;
#[path = "generate/words.rs"]
mod words;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use schools::Registry;
use summary::Tally;

const USAGE: &str = "\
usage: cargo run --release --example generate -- --testimonies N --schools M --out DIR [--seed S]

  --testimonies N   how many testimonies to write (1 or more)
  --schools M       how many schools to register (1 or more)
  --out DIR         the site directory to write: new, empty, or written by this generator
  --seed S          any whole number; the same arguments give the same files (default 1)";

/// The file that marks a directory as written by this generator, so that it may be replaced.
const MARKER: &str = ".testimony-generated";

/// The first day testimonies were published, and the last.
const OPENED: (i64, u32, u32) = (2021, 3, 1);
const LAST_DAY: (i64, u32, u32) = (2024, 12, 31);

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(problem) => {
            eprintln!("error: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("error: {problem}");
            ExitCode::FAILURE
        }
    }
}

struct Options {
    testimonies: u32,
    schools: u32,
    out: PathBuf,
    seed: u64,
}

impl Options {
    /// The options, or `None` when help was asked for.
    fn parse(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
        let (mut testimonies, mut schools, mut out, mut seed) = (None, None, None, 1);
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value)),
                _ => (arg.clone(), None),
            };
            if flag == "--help" || flag == "-h" {
                return Ok(None);
            }
            if !["--testimonies", "--schools", "--out", "--seed"].contains(&flag.as_str()) {
                return Err(format!("unknown argument `{arg}`"));
            }
            let value = match inline {
                Some(value) => value.to_string(),
                None => args
                    .next_if(|next| !next.starts_with("--"))
                    .ok_or_else(|| format!("{flag} needs a value"))?,
            };
            let count = |value: &str| match value.parse::<u32>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => Err(format!(
                    "{flag} takes a whole number from 1 to {}, not `{value}`",
                    u32::MAX
                )),
            };
            match flag.as_str() {
                "--testimonies" => testimonies = Some(count(&value)?),
                "--schools" => schools = Some(count(&value)?),
                "--out" if value.is_empty() => return Err("--out needs a directory".into()),
                "--out" => out = Some(PathBuf::from(value)),
                _ => {
                    seed = value
                        .parse()
                        .map_err(|_| format!("--seed takes a whole number, not `{value}`"))?
                }
            }
        }
        let missing = |what: &str| format!("{what} is required");
        Ok(Some(Options {
            testimonies: testimonies.ok_or_else(|| missing("--testimonies N"))?,
            schools: schools.ok_or_else(|| missing("--schools M"))?,
            out: out.ok_or_else(|| missing("--out DIR"))?,
            seed,
        }))
    }
}

/// SplitMix64: small, fast, and the same numbers on every platform.
pub struct Rng(u64);

impl Rng {
    /// An independent stream for one purpose (`stream`) under one seed.
    pub fn stream(seed: u64, stream: u64) -> Rng {
        let mut mixer = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        Rng(mixer.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }

    /// A uniform number in [0, 1), from 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Streams of random numbers, one per purpose, so that one part can change without moving the
/// others. Testimony `id` uses stream `id`; the fixed ones sit above any id.
const STREAM_SCHOOLS: u64 = 1 << 40;
const STREAM_POPULARITY: u64 = (1 << 40) + 1;
const STREAM_DATES: u64 = (1 << 40) + 2;

/// One testimony's place in the archive, decided before any text is written.
struct Planned {
    id: u32,
    /// Days since 1970-01-01 of publication (or, when never published, of submission).
    day: i64,
}

fn run(options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let registry = Registry::generate(options.schools as usize, options.seed)?;
    prepare(&options.out)?;
    let content = options.out.join("content");

    let planned = plan(options);
    let mut dirs = BTreeSet::new();
    let testimonies = content.join("testimonies");
    let mut jobs = Vec::with_capacity(planned.len());
    for p in &planned {
        let mut rng = Rng::stream(options.seed, u64::from(p.id));
        let status = Status::draw(&mut rng);
        let dir = match status {
            Status::Approved | Status::Withdrawn => {
                let (y, m, _) = civil_from_days(p.day);
                format!("{y}/{m:02}")
            }
            Status::Pending => "inbox".to_string(),
            Status::Rejected => format!("closed/{:03}xxx", p.id / 1000),
        };
        dirs.insert(dir.clone());
        jobs.push((p, rng, status, dir));
    }
    for dir in &dirs {
        create_dir(&testimonies.join(dir))?;
    }

    // Each worker writes every k-th testimony; what a testimony holds depends only on its own
    // stream, so the files are the same however many workers there are.
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let mut chunks: Vec<Vec<_>> = (0..workers).map(|_| Vec::new()).collect();
    for (i, job) in jobs.into_iter().enumerate() {
        chunks[i % workers].push(job);
    }
    let tallies = std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let (registry, testimonies) = (&registry, &testimonies);
                scope.spawn(move || -> Result<Tally, String> {
                    let mut tally = Tally::new(registry.len());
                    let mut text = String::with_capacity(16 * 1024);
                    for (p, mut rng, status, dir) in chunk {
                        text.clear();
                        let written = write_testimony(&mut text, p, status, &mut rng, registry);
                        if matches!(status, Status::Withdrawn) {
                            // As `testimony withdraw` leaves it: the id and the status only.
                            text.clear();
                            text.push_str(&format!("---\nid: {}\nstatus: withdrawn\n---\n", p.id));
                        }
                        let path = testimonies.join(&dir).join(format!("{}.md", p.id));
                        write_file(&path, text.as_bytes())?;
                        tally.add(&written, text.len());
                    }
                    Ok(tally)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a worker panicked"))
            .collect::<Result<Vec<_>, _>>()
    })?;
    let mut tally = Tally::new(registry.len());
    for t in tallies {
        tally.merge(t);
    }

    let mut other = Vec::new();
    let site_yaml = site::site_yaml(options.testimonies, options.schools, options.seed);
    other.push(("site.yaml".to_string(), site_yaml));
    other.push(("schools.yaml".to_string(), registry.to_yaml()));
    create_dir(&content.join("updates"))?;
    create_dir(&content.join("pages"))?;
    for (name, text) in site::updates() {
        other.push((format!("updates/{name}"), text));
    }
    for (name, text) in site::pages() {
        other.push((format!("pages/{name}"), text));
    }
    for (name, text) in &other {
        write_file(&content.join(name), text.as_bytes())?;
        tally.other_bytes += text.len() as u64;
    }
    let summary = tally.report(options, &registry, dirs.len(), other.len(), started);
    // Not println!: a closed pipe (`| head`) is no reason to fail once everything is written.
    let _ = io::stdout().write_all(summary.as_bytes());
    Ok(())
}

/// Publication (or submission) days for ids 1..=N, in order: a launch surge, then fewer and
/// fewer towards the last day.
fn plan(options: &Options) -> Vec<Planned> {
    let mut rng = Rng::stream(options.seed, STREAM_DATES);
    let first = days_from_civil(OPENED);
    let span = days_from_civil(LAST_DAY) - first + 1;
    let mut days: Vec<i64> = (0..options.testimonies)
        .map(|_| {
            if rng.percent(20) {
                first + rng.below(42) as i64
            } else {
                // Density falling linearly to zero at the last day.
                first + ((1.0 - rng.unit().sqrt()) * span as f64) as i64
            }
        })
        .collect();
    days.sort_unstable();
    days.into_iter()
        .zip(1..)
        .map(|(day, id)| Planned { id, day })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Approved,
    Pending,
    Rejected,
    Withdrawn,
}

impl Status {
    fn draw(rng: &mut Rng) -> Status {
        match rng.below(100) {
            0..90 => Status::Approved,
            90..95 => Status::Pending,
            95..98 => Status::Rejected,
            _ => Status::Withdrawn,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Status::Approved => "approved",
            Status::Pending => "pending",
            Status::Rejected => "rejected",
            Status::Withdrawn => "withdrawn",
        }
    }
}

/// What a testimony file held, for the summary.
struct Written {
    status: Status,
    words: u32,
    schools: Vec<usize>,
    titled: bool,
    tags: usize,
    warnings: usize,
}

/// Writes one testimony file (front matter and body) into `out`.
fn write_testimony(
    out: &mut String,
    planned: &Planned,
    status: Status,
    rng: &mut Rng,
    registry: &Registry,
) -> Written {
    let first = registry.popular(rng);
    let mut schools = vec![first];
    if registry.len() > 1 && rng.percent(12) {
        let second = loop {
            let s = registry.popular(rng);
            if s != first {
                break s;
            }
        };
        schools.push(second);
    }
    let (y, m, d) = civil_from_days(planned.day);
    let testimony = prose::Testimony::compose(rng, registry, &schools, y);

    out.push_str("---\n");
    let _ = writeln!(out, "id: {}", planned.id);
    let _ = writeln!(out, "status: {}", status.name());
    if status != Status::Pending && status != Status::Rejected {
        let _ = writeln!(out, "published: {y}-{m:02}-{d:02}");
    }
    let refs: Vec<String> = schools
        .iter()
        .map(|&s| registry.reference(s, rng))
        .collect();
    let _ = writeln!(out, "schools: [{}]", refs.join(", "));
    match testimony.period {
        Some((from, to)) if from == to => {
            let _ = writeln!(out, "period: {from}");
        }
        Some((from, to)) => {
            let _ = writeln!(out, "period: \"{from}-{to}\"");
        }
        None => {}
    }
    if !testimony.tags.is_empty() {
        let _ = writeln!(out, "tags: [{}]", testimony.tags.join(", "));
    }
    if !testimony.warnings.is_empty() {
        let _ = writeln!(out, "content_warnings: [{}]", testimony.warnings.join(", "));
    }
    if let Some(title) = testimony.title {
        let _ = writeln!(out, "title: {title}");
    }
    if let Some(notes) = prose::moderation_notes(status.name(), rng) {
        out.push_str("moderation:\n");
        let _ = writeln!(out, "  reviewed_by: moderator-{:02}", 1 + rng.below(12));
        let _ = writeln!(out, "  notes: {notes}");
    }
    out.push_str("---\n");
    out.push_str(&testimony.body);
    Written {
        status,
        words: testimony.words,
        schools,
        titled: testimony.title.is_some(),
        tags: testimony.tags.len(),
        warnings: testimony.warnings.len(),
    }
}

/// Makes `dir` ready to write: new, empty, or written by this generator before (then its
/// `content/` goes, so that nothing from an earlier run survives).
fn prepare(dir: &Path) -> Result<(), String> {
    let shown = dir.display();
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                if !dir.join(MARKER).is_file() {
                    return Err(format!(
                        "{shown} is not empty and was not written by this generator (it has no \
                         {MARKER} file); choose a new or empty directory"
                    ));
                }
                let content = dir.join("content");
                if content.exists() {
                    fs::remove_dir_all(&content)
                        .map_err(|e| format!("cannot remove the old {}: {e}", content.display()))?;
                }
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => create_dir(dir)?,
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
            return Err(format!("{shown} is a file, not a directory"));
        }
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    }
    let marker = "This site was written by `cargo run --example generate`; running it again with \
                  --out this directory replaces content/.\n";
    write_file(&dir.join(MARKER), marker.as_bytes())
}

fn create_dir(dir: &Path) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Days since 1970-01-01 of a date (proleptic Gregorian; H. Hinnant's algorithm).
fn days_from_civil((y, m, d): (i64, u32, u32)) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day counted from 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}
