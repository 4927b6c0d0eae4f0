//! `testimony withdraw ID`: a survivor who asks to be taken down wants the words gone, not
//! hidden. The testimony's file keeps only its id (so the id is never given again) and
//! `status: withdrawn`; everything else (title, text, schools, tags, period, warnings,
//! moderators' notes) is erased from it. The id, the day and the private reason are added to
//! the takedown log, `content/takedowns.yaml`, which nothing ever publishes.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::{ModerationError, require_site, write_atomically};
use crate::content;

pub use crate::content::TAKEDOWN_LOG;

const LOG_HEADER: &str = "# Testimonies withdrawn at their authors' request: the id (never given again), the day,\n# and the private reason. Keep this repository private; this file is never published.\n";

/// What a withdrawal did.
#[derive(Debug)]
pub struct Withdrawn {
    /// The testimony's file, relative to the site.
    pub file: PathBuf,
}

#[derive(Serialize)]
struct Takedown<'a> {
    id: u64,
    withdrawn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

/// Erases testimony `id` from its file and logs the takedown.
pub fn withdraw(
    site_dir: &Path,
    id: u64,
    reason: Option<&str>,
    today: NaiveDate,
) -> Result<Withdrawn, ModerationError> {
    require_site(site_dir)?;
    let files: Vec<PathBuf> = content::testimony_ids(site_dir)
        .into_iter()
        .filter(|(_, found)| *found == Some(id))
        .map(|(path, _)| path)
        .collect();
    let file = match files.as_slice() {
        [] => return Err(ModerationError::NoSuchTestimony(id)),
        [one] => one.clone(),
        many => {
            return Err(ModerationError::DuplicateId {
                id,
                files: many.iter().map(|p| p.display().to_string()).collect(),
            });
        }
    };
    // The words go first: if logging fails afterwards, they are gone all the same.
    let erased = format!("---\nid: {id}\nstatus: withdrawn\n---\n");
    write_atomically(&site_dir.join(&file), erased.as_bytes())?;

    let log = site_dir.join(TAKEDOWN_LOG);
    let mut text = match fs::read_to_string(&log) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => LOG_HEADER.to_owned(),
        Err(error) => return Err(ModerationError::Read { path: log, error }),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    let entry = Takedown {
        id,
        withdrawn: today.to_string(),
        reason: reason.map(str::trim).filter(|r| !r.is_empty()),
    };
    text.push_str(&serde_yaml::to_string(&[entry]).expect("a takedown serializes"));
    write_atomically(&log, text.as_bytes())?;
    Ok(Withdrawn { file })
}
