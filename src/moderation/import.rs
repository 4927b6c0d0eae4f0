//! `testimony import FILE`: a form tool's export (CSV with a header row, or a JSON array of
//! objects) in, one **pending** testimony per submission out, with the next free ids.
//!
//! - Columns map through `intake:` in site.yaml (see `config::Intake`); only the mapped columns
//!   are read. Any other column (a name, an e-mail address, a phone number the form asked for)
//!   is never written anywhere, not to a testimony and not to what this command prints: the
//!   summary names such columns, never their values.
//! - Every row is written or reported with its line and why; none is skipped silently.
//! - Importing the same export twice writes nothing the second time: each testimony keeps the
//!   submission's id (or, without one, a hash of the row) under `moderation.submission`.
//! - A school the registry does not know is kept under `moderation.submitted_school` as the
//!   submitter wrote it, for the moderator to choose; the testimony stays pending, and nothing
//!   a submitter wrote can change its status (the front matter is written by serde, quoted).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{ModerationError, require_site, write_atomically};
use crate::config::{IntakeColumns, IntakePreset};
use crate::content;
use crate::model::{SchoolMatch, SchoolRegistry};
use crate::source::SourceFile;

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// The testimonies written: id and file (relative to the site).
    pub written: Vec<(u64, PathBuf)>,
    /// Submissions imported before (or twice in this export), not written again.
    pub already_imported: usize,
    /// Rows not written, each with its line and why.
    pub reported: Vec<RowProblem>,
    /// Written testimonies whose school the registry does not know (yet).
    pub unmatched_schools: usize,
    /// The export's columns that are not mapped, so were never read.
    pub left_out: Vec<String>,
}

/// A row that was not written: where it is in the export, and why, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// "line 7" of a CSV file, "entry 3" of a JSON array.
    pub place: String,
    pub why: String,
}

/// One submission: where it is, and its values by column (names lower-cased and trimmed).
struct Row {
    place: String,
    values: BTreeMap<String, String>,
}

/// Reads the export at `export` into pending testimonies of the site at `site_dir`.
pub fn import(
    site_dir: &Path,
    export: &Path,
    today: NaiveDate,
) -> Result<ImportReport, ModerationError> {
    require_site(site_dir)?;
    let (config, registry) = content::load_settings(site_dir).map_err(ModerationError::Content)?;
    let columns = config.intake.columns();
    let bytes = fs::read(export).map_err(|error| ModerationError::Read {
        path: export.to_path_buf(),
        error,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| ModerationError::Export {
        path: export.to_path_buf(),
        message: "this file is not UTF-8 text; export it again as UTF-8 CSV or JSON".into(),
    })?;
    let text = text.trim_start_matches('\u{feff}');
    let is_json = export
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("json"))
        || text.trim_start().starts_with('[');
    let (headers, rows, mut reported) = if is_json {
        read_json(text).map_err(|message| ModerationError::Export {
            path: export.to_path_buf(),
            message,
        })?
    } else {
        read_csv(text).map_err(|message| ModerationError::Export {
            path: export.to_path_buf(),
            message,
        })?
    };
    let preset = config.intake.preset;
    let mapped = mapped_columns(&columns, preset);
    let mut report = ImportReport {
        left_out: headers
            .iter()
            .filter(|header| !mapped.contains(&normalise(header)))
            .cloned()
            .collect(),
        ..ImportReport::default()
    };
    if !headers
        .iter()
        .any(|header| normalise(header) == normalise(&columns.text))
    {
        return Err(ModerationError::Export {
            path: export.to_path_buf(),
            message: format!(
                "no column is called `{}`, which should hold the testimonies; name the right column under `intake:` in content/site.yaml, such as `intake: {{ text: \"Your testimony\" }}`",
                columns.text
            ),
        });
    }

    let mut seen = imported_submissions(site_dir);
    let mut next_id = content::next_free_id(site_dir);
    for row in rows {
        let submission = match submission_key(&row, &columns, preset) {
            Some(key) => key,
            None => {
                reported.push(RowProblem {
                    place: row.place,
                    why: format!(
                        "it has nothing in the columns this import reads ({})",
                        mapped.iter().cloned().collect::<Vec<_>>().join(", ")
                    ),
                });
                continue;
            }
        };
        if !seen.insert(submission.clone()) {
            report.already_imported += 1;
            continue;
        }
        while site_dir.join(testimony_path(next_id)).exists() {
            next_id += 1;
        }
        let testimony = Submission::from_row(&row, &columns, &registry);
        if testimony.submitted_school.is_some() {
            report.unmatched_schools += 1;
        }
        let path = testimony_path(next_id);
        write_atomically(
            &site_dir.join(&path),
            testimony.file_text(next_id, &submission, today).as_bytes(),
        )?;
        report.written.push((next_id, path));
        next_id += 1;
    }
    report.reported = reported;
    Ok(report)
}

fn testimony_path(id: u64) -> PathBuf {
    PathBuf::from(format!("content/testimonies/{id}.md"))
}

fn normalise(column: &str) -> String {
    column.trim().to_lowercase()
}

/// The columns an import reads, normalised.
fn mapped_columns(columns: &IntakeColumns, preset: Option<IntakePreset>) -> BTreeSet<String> {
    let mut mapped: BTreeSet<String> = [
        &columns.text,
        &columns.schools,
        &columns.title,
        &columns.period,
        &columns.content_warnings,
    ]
    .into_iter()
    .chain(columns.submission_id.as_ref())
    .map(|column| normalise(column))
    .collect();
    if preset == Some(IntakePreset::GoogleForms) {
        mapped.insert("timestamp".into());
    }
    mapped
}

/// An export as read: its column names (as written), its rows, and the rows that could not be
/// read.
type Export = (Vec<String>, Vec<Row>, Vec<RowProblem>);

/// A CSV export.
fn read_csv(text: &str) -> Result<Export, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|error| format!("its header row cannot be read: {error}"))?
        .iter()
        .map(str::to_owned)
        .collect();
    let keys: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
    // The file line a record starts on, counted from its byte offset (a quoted value may hold
    // line breaks, so records and lines differ).
    let line_at = |position: Option<&csv::Position>| {
        let mut byte = position.map_or(0, |p| p.byte() as usize).min(text.len());
        // A position may point at the line break that ended the record before.
        while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        text.as_bytes()[..byte]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    };
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = line_at(record.position());
                if record.len() > keys.len() {
                    problems.push(RowProblem {
                        place: format!("line {line}"),
                        why: format!(
                            "it has {} values but the header row names {} columns; check for an unquoted comma",
                            record.len(),
                            keys.len()
                        ),
                    });
                    continue;
                }
                let values = keys
                    .iter()
                    .cloned()
                    .zip(record.iter().map(str::to_owned))
                    .collect();
                rows.push(Row {
                    place: format!("line {line}"),
                    values,
                });
            }
            Err(error) => {
                let line = line_at(error.position());
                problems.push(RowProblem {
                    place: format!("line {line}"),
                    why: "it cannot be read as CSV (is it UTF-8 text, with its quotes closed?)"
                        .into(),
                });
            }
        }
    }
    Ok((headers, rows, problems))
}

/// A JSON export: an array of objects, each a submission. An object with a `data` object
/// (Netlify's submissions API) is read as its `data`, with the submission's own `id`.
fn read_json(text: &str) -> Result<Export, String> {
    let entries: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|error| {
        format!(
            "it cannot be read as a JSON array of submissions (line {}, column {})",
            error.line(),
            error.column()
        )
    })?;
    let mut headers: Vec<String> = Vec::new();
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    for (index, entry) in entries.into_iter().enumerate() {
        let place = format!("entry {}", index + 1);
        let serde_json::Value::Object(mut object) = entry else {
            problems.push(RowProblem {
                place,
                why: "it is not an object of named values".into(),
            });
            continue;
        };
        if let Some(serde_json::Value::Object(data)) = object.remove("data") {
            let id = object.remove("id");
            object = data;
            if let Some(id) = id {
                object.entry("id").or_insert(id);
            }
        }
        let mut values = BTreeMap::new();
        for (key, value) in object {
            if !headers.contains(&key) {
                headers.push(key.clone());
            }
            let text = match value {
                serde_json::Value::String(text) => text,
                serde_json::Value::Null => String::new(),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|item| {
                        item.as_str()
                            .map_or_else(|| item.to_string(), str::to_owned)
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            };
            values.insert(normalise(&key), text);
        }
        rows.push(Row { place, values });
    }
    Ok((headers, rows, problems))
}

/// What identifies a submission: its id column, or a hash of what it says. `None` when the
/// row says nothing at all.
fn submission_key(
    row: &Row,
    columns: &IntakeColumns,
    preset: Option<IntakePreset>,
) -> Option<String> {
    let value = |column: &str| row.values.get(&normalise(column)).map_or("", |v| v.trim());
    let said = [
        &columns.text,
        &columns.schools,
        &columns.title,
        &columns.period,
        &columns.content_warnings,
    ]
    .map(|column| value(column));
    if said.iter().all(|v| v.is_empty()) {
        return None;
    }
    if let Some(id) = columns
        .submission_id
        .as_deref()
        .map(value)
        .filter(|id| !id.is_empty())
    {
        return Some(format!("id:{id}"));
    }
    let mut hasher = Sha256::new();
    if preset == Some(IntakePreset::GoogleForms) {
        hasher.update(value("timestamp"));
    }
    for part in said {
        hasher.update([0]);
        hasher.update(part);
    }
    let digest = hasher.finalize();
    Some(format!(
        "sha256:{}",
        digest
            .iter()
            .take(12)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ))
}

/// The submission keys the site's testimonies already hold under `moderation.submission`.
fn imported_submissions(site_dir: &Path) -> BTreeSet<String> {
    content::testimony_ids(site_dir)
        .into_iter()
        .filter_map(|(path, _)| {
            let bytes = fs::read(site_dir.join(&path)).ok()?;
            let file = SourceFile::decode(path, bytes).ok()?;
            let (front_matter, _) = file.split_front_matter().ok()?;
            let value: serde_yaml::Value = serde_yaml::from_str(front_matter.text).ok()?;
            Some(
                value
                    .get("moderation")?
                    .get("submission")?
                    .as_str()?
                    .to_owned(),
            )
        })
        .collect()
}

/// One submission, as it will be written.
struct Submission {
    text: String,
    schools: Vec<String>,
    submitted_school: Option<String>,
    title: Option<String>,
    period: Option<String>,
    submitted_period: Option<String>,
    content_warnings: Vec<String>,
}

impl Submission {
    fn from_row(row: &Row, columns: &IntakeColumns, registry: &SchoolRegistry) -> Submission {
        let value = |column: &str| {
            row.values
                .get(&normalise(column))
                .map(|v| v.trim().replace("\r\n", "\n"))
                .filter(|v| !v.is_empty())
        };
        let submitted = value(&columns.schools);
        let schools = submitted
            .as_deref()
            .and_then(|text| match_schools(text, registry));
        let period = value(&columns.period);
        let valid_period = period
            .as_deref()
            .filter(|p| content::testimony::parse_period(p).is_some());
        Submission {
            text: value(&columns.text).unwrap_or_default(),
            submitted_school: submitted.filter(|_| schools.is_none()),
            schools: schools.unwrap_or_default(),
            title: value(&columns.title).map(|t| t.replace('\n', " ")),
            period: valid_period.map(str::to_owned),
            submitted_period: period.clone().filter(|_| valid_period.is_none()),
            content_warnings: value(&columns.content_warnings)
                .map(|text| {
                    text.split([',', ';', '\n'])
                        .map(str::trim)
                        .filter(|w| !w.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// The testimony file: front matter written by serde (so every value is quoted as YAML
    /// needs), then the text.
    fn file_text(&self, id: u64, submission: &str, today: NaiveDate) -> String {
        #[derive(Serialize)]
        struct Moderation<'a> {
            submission: &'a str,
            imported: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            submitted_school: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            submitted_period: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct FrontMatter<'a> {
            id: u64,
            status: &'static str,
            schools: &'a [String],
            #[serde(skip_serializing_if = "Option::is_none")]
            title: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            period: Option<&'a str>,
            #[serde(skip_serializing_if = "<[String]>::is_empty")]
            content_warnings: &'a [String],
            moderation: Moderation<'a>,
        }
        let front_matter = FrontMatter {
            id,
            status: "pending",
            schools: &self.schools,
            title: self.title.as_deref(),
            period: self.period.as_deref(),
            content_warnings: &self.content_warnings,
            moderation: Moderation {
                submission,
                imported: today.to_string(),
                submitted_school: self.submitted_school.as_deref(),
                submitted_period: self.submitted_period.as_deref(),
            },
        };
        let yaml = serde_yaml::to_string(&front_matter).expect("front matter serializes");
        format!("---\n{yaml}---\n{}\n", self.text)
    }
}

/// The registry's slugs for what a submitter wrote as their school (or schools, one per line
/// or separated by `;`), or `None` unless every one of them is a registered school.
fn match_schools(text: &str, registry: &SchoolRegistry) -> Option<Vec<String>> {
    let one = |name: &str| match registry.resolve(name) {
        SchoolMatch::One(id) => Some(registry.get(id).slug.clone()),
        _ => None,
    };
    if let Some(slug) = one(text) {
        return Some(vec![slug]);
    }
    let names: Vec<&str> = text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    names.iter().map(|name| one(name)).collect()
}
