//! The command line: raw arguments (clap), resolved once into options, and exit statuses
//! (0 success, 1 content errors, 2 usage errors).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};

use crate::diagnostics::{error_chain, plural};
use crate::search::{self, SearchRequest};
use crate::site::{self, BuildError, BuildOptions, Report};

#[derive(Debug, Parser)]
#[command(
    name = "testimony",
    version,
    about = "Builds a calm, safe, static testimony archive, browsed and searched by school"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory (default: public/ inside the site)
    Build {
        /// The site directory, holding content/
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Where to write the site (default: SITE/public)
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override site.yaml's base_url, e.g. for a preview deploy
        #[arg(long)]
        base_url: Option<String>,
        /// Print how long each stage took
        #[arg(long, short, conflicts_with = "quiet")]
        verbose: bool,
        /// Print nothing but warnings and errors
        #[arg(long, short)]
        quiet: bool,
    },
    /// Build, serve on 127.0.0.1, rebuild and reload open pages when content or themes change
    Serve {
        #[arg(long, default_value = ".")]
        site: PathBuf,
        #[arg(long, default_value_t = 1111)]
        port: u16,
    },
    /// Check all content and write nothing
    Check {
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Also check that every internal link and asset of this built site resolves
        #[arg(long)]
        output: Option<PathBuf>,
        /// The base_url the site in --output was built with, if not site.yaml's
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Create a new site with sample content and netlify.toml
    Init {
        /// The directory to create the site in
        dir: PathBuf,
    },
    /// Write a new testimony (next free id, pending), update (today's date, draft) or page
    New {
        /// What to create
        #[arg(value_enum)]
        kind: crate::new::Kind,
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// Read a form's export (CSV or JSON) into pending testimonies, one a submission
    Import {
        /// The export: a CSV file with a header row, or a JSON array of objects
        file: PathBuf,
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// Open the moderation desk: a page on this machine to read, approve, reject and redact pending testimonies
    Moderate {
        #[arg(long, default_value = ".")]
        site: PathBuf,
        #[arg(long, default_value_t = 1112)]
        port: u16,
    },
    /// Take a testimony down for good: erase all but its id from its file and log the takedown
    Withdraw {
        /// The testimony's id
        id: u64,
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// Why, for the private takedown log (never published)
        #[arg(long)]
        reason: Option<String>,
    },
    /// Search the built site's index, with the same code the search page runs
    Search {
        /// Words, "a phrase", AND, OR, NOT
        query: String,
        #[arg(long, default_value = ".")]
        site: PathBuf,
        /// The built site to search (default: SITE/public)
        #[arg(long)]
        output: Option<PathBuf>,
        /// Only testimonies naming this school (slug, name, alias or former name)
        #[arg(long)]
        school: Option<String>,
        /// How many results to show (at most 200)
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// One JSON object with the results, for scripts
        #[arg(long)]
        json: bool,
    },
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            verbose,
            quiet,
        } => {
            let options = BuildOptions {
                output_dir: output.unwrap_or_else(|| site.join("public")),
                site_dir: site,
                base_url,
            };
            let started = Instant::now();
            let progress = crate::progress::for_stderr(quiet);
            finish(site::build_with_progress(&options, &*progress), |report| {
                if quiet {
                    return;
                }
                if verbose {
                    for (stage, time) in &report.stages {
                        eprintln!("  {stage:<26} {:>8.1} ms", time.as_secs_f64() * 1000.0);
                    }
                    eprintln!(
                        "  {:<26} {:>8} of {} (the others were unchanged)",
                        "files rewritten", report.files_rewritten, report.files_written
                    );
                    eprintln!(
                        "  {:<26} {:>8} of {} (rendered from what they were)",
                        "pages not rendered again", report.pages_left, report.files_written
                    );
                    if let Some(peak) = peak_memory_bytes() {
                        eprintln!("  {:<26} {:>8.1} MB", "peak memory", peak as f64 / 1e6);
                    }
                }
                println!(
                    "Built {} published {} across {} into {} ({} files, {:.1} MB) in {:.2} s.",
                    report.counts.approved,
                    if report.counts.approved == 1 {
                        "testimony"
                    } else {
                        "testimonies"
                    },
                    plural(report.schools, "school"),
                    options.output_dir.display(),
                    report.files_written,
                    report.bytes_written as f64 / 1_000_000.0,
                    started.elapsed().as_secs_f64()
                );
            })
        }
        Command::Check {
            site,
            output,
            base_url,
        } => {
            let status = finish(site::check(&site), |report| {
                let c = report.counts;
                println!(
                    "All content is valid: {} approved, {} pending, {} rejected, {} withdrawn; {} with published testimonies.",
                    c.approved,
                    c.pending,
                    c.rejected,
                    c.withdrawn,
                    plural(report.schools, "school")
                );
                println!("{}", queue_line(&c, chrono::Local::now().date_naive()));
            });
            match output {
                Some(output) if status == ExitCode::SUCCESS => {
                    check_links(&site, &output, base_url.as_deref())
                }
                _ => status,
            }
        }
        Command::Search {
            query,
            site,
            output,
            school,
            limit,
            json,
        } => {
            let output_dir = output.unwrap_or_else(|| site.join("public"));
            let request = SearchRequest {
                query,
                school,
                limit: limit.clamp(1, 200),
                ..SearchRequest::default()
            };
            match search::search_output_dir(&output_dir, &request) {
                Ok(found) => {
                    let text = if json {
                        serde_json::to_string_pretty(&found.to_json()).expect("results serialize")
                            + "\n"
                    } else {
                        search::format_results_text(&found)
                    };
                    print_to_stdout(&text);
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {}", error_chain(&error));
                    ExitCode::from(1)
                }
            }
        }
        Command::Serve { site, port } => match crate::serve::serve(&site, port) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {}", error_chain(&error));
                ExitCode::from(2)
            }
        },
        Command::Moderate { site, port } => match crate::moderation::desk::moderate(&site, port) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {}", error_chain(&error));
                ExitCode::from(2)
            }
        },
        Command::New { kind, site } => {
            match crate::new::create(&site, kind, chrono::Local::now().date_naive()) {
                Ok(path) => {
                    println!("{}", site.join(path).display());
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("error: {}", error_chain(&error));
                    ExitCode::from(2)
                }
            }
        }
        Command::Import { file, site } => {
            let today = chrono::Local::now().date_naive();
            match crate::moderation::import::import(&site, &file, today) {
                Ok(report) => {
                    print_import_report(&file, &report);
                    ExitCode::SUCCESS
                }
                Err(error) => moderation_failed(&error),
            }
        }
        Command::Withdraw { id, site, reason } => {
            let today = chrono::Local::now().date_naive();
            match crate::moderation::withdraw::withdraw(&site, id, reason.as_deref(), today) {
                Ok(withdrawn) => {
                    println!(
                        "Testimony {id} is withdrawn: {} now holds only its id and status, and the takedown is logged in {} (private, never published).",
                        site.join(&withdrawn.file).display(),
                        site.join(crate::moderation::withdraw::TAKEDOWN_LOG)
                            .display()
                    );
                    println!(
                        "Next: build and deploy, so the site no longer shows it; then erase it from the repository's history and from the host's earlier deploys (docs/withdrawing.md says how)."
                    );
                    ExitCode::SUCCESS
                }
                Err(error) => moderation_failed(&error),
            }
        }
        Command::Init { dir } => match crate::init::init(&dir) {
            Ok(files) => {
                for file in &files {
                    println!("  created {}", dir.join(file).display());
                }
                println!(
                    "A new site is ready in {}. Build it with: testimony build --site {}",
                    dir.display(),
                    dir.display()
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {}", error_chain(&error));
                ExitCode::from(2)
            }
        },
    }
}

/// Prints `text`; a reader that stopped reading (`testimony search … | head`) is no error.
fn print_to_stdout(text: &str) {
    use std::io::Write as _;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// "Queue: 3 pending; the oldest has waited since 2026-11-20 (11 days)."
fn queue_line(counts: &crate::content::StatusCounts, today: chrono::NaiveDate) -> String {
    match (counts.pending, counts.oldest_pending) {
        (0, _) => "Queue: nothing pending.".to_string(),
        (pending, Some(oldest)) => {
            let days = (today - oldest).num_days().max(0) as usize;
            format!(
                "Queue: {pending} pending; the oldest has waited since {oldest} ({}).",
                plural(days, "day")
            )
        }
        (pending, None) => format!("Queue: {pending} pending."),
    }
}

/// What an import wrote and what it reported: counts, ids and lines, never a value.
fn print_import_report(file: &std::path::Path, report: &crate::moderation::import::ImportReport) {
    for problem in &report.reported {
        eprintln!(
            "{}: {}: not imported: {}",
            file.display(),
            problem.place,
            problem.why
        );
    }
    match (report.written.first(), report.written.last()) {
        (Some((first, _)), Some((last, _))) => println!(
            "Imported {} from {} as pending testimonies {first}–{last} in content/testimonies/.",
            plural(report.written.len(), "submission"),
            file.display()
        ),
        _ => println!("Nothing new to import from {}.", file.display()),
    }
    if report.already_imported > 0 {
        println!(
            "{} had been imported before and {} not written again.",
            plural(report.already_imported, "submission"),
            if report.already_imported == 1 {
                "was"
            } else {
                "were"
            }
        );
    }
    if report.unmatched_schools > 0 {
        println!(
            "{} named a school the registry does not know: it is kept under `moderation.submitted_school` for a moderator to choose.",
            plural(report.unmatched_schools, "testimony")
        );
    }
    if !report.reported.is_empty() {
        println!(
            "{} not imported: see above.",
            plural(report.reported.len(), "row was")
        );
    }
    if !report.left_out.is_empty() {
        println!(
            "Columns left out (not mapped in site.yaml's `intake:`, never written anywhere): {}.",
            report.left_out.join(", ")
        );
    }
}

fn moderation_failed(error: &crate::moderation::ModerationError) -> ExitCode {
    match error {
        crate::moderation::ModerationError::Content(diagnostics) => {
            eprintln!("{diagnostics}");
            ExitCode::from(1)
        }
        crate::moderation::ModerationError::NotASite(_) => {
            eprintln!("error: {}", error_chain(error));
            ExitCode::from(2)
        }
        _ => {
            eprintln!("error: {}", error_chain(error));
            ExitCode::from(1)
        }
    }
}

/// `check --output DIR`: every internal link of the built site resolves.
fn check_links(
    site: &std::path::Path,
    output: &std::path::Path,
    base_url: Option<&str>,
) -> ExitCode {
    let root = match base_url.map(crate::config::normalize_base_url) {
        Some(Ok(url)) => crate::config::root_of(&url),
        Some(Err(problem)) => {
            eprintln!("error: --base-url {problem}");
            return ExitCode::from(2);
        }
        None => match crate::content::load(site, None) {
            Ok(loaded) => loaded.archive.config.root(),
            Err(_) => return ExitCode::from(1),
        },
    };
    match crate::links::check_links(output, &root) {
        Ok(report) if report.broken.is_empty() => {
            println!(
                "All {} internal links of {} pages in {} resolve.",
                report.links,
                report.pages,
                output.display()
            );
            ExitCode::SUCCESS
        }
        Ok(report) => {
            for broken in &report.broken {
                eprintln!(
                    "{}: error: the link `{}` leads to no file of the site",
                    output.join(&broken.page).display(),
                    broken.target
                );
            }
            eprintln!(
                "{} of {} internal links are broken. Was the site built with the base_url it is deployed at (--base-url)?",
                report.broken.len(),
                report.links
            );
            ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("error: {}", error_chain(&error));
            ExitCode::from(2)
        }
    }
}

/// Prints warnings and the outcome; the exit status says which it was.
fn finish(result: Result<Report, BuildError>, on_success: impl FnOnce(&Report)) -> ExitCode {
    let colour = crate::diagnostics::colour_stderr();
    match result {
        Ok(report) => {
            for warning in report.warnings.clone().sorted() {
                if colour {
                    eprintln!("{warning:#}\n");
                } else {
                    eprintln!("{warning}\n");
                }
            }
            on_success(&report);
            ExitCode::SUCCESS
        }
        Err(BuildError::Content(diagnostics)) if colour => {
            eprintln!("{diagnostics:#}");
            ExitCode::from(1)
        }
        Err(BuildError::Content(diagnostics)) => {
            eprintln!("{diagnostics}");
            ExitCode::from(1)
        }
        Err(error) => {
            eprintln!("error: {}", error_chain(&error));
            if error.exit_status() == 1 {
                eprintln!("The previous output, if any, was left as it was.");
            }
            ExitCode::from(error.exit_status())
        }
    }
}

/// The most memory this process has held at once (Linux: VmHWM), when the system tells.
fn peak_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}
