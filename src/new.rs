//! `testimony new testimony|update|page`: a new content file with its fields filled in as far
//! as they can be (the next free id, today's date), for a volunteer to complete.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Why `new` wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum NewError {
    #[error("{} has no content/site.yaml: run this inside a site, or pass --site DIR", .0.display())]
    NotASite(PathBuf),
    #[error("cannot write {}", .path.display())]
    Write {
        path: PathBuf,
        #[source]
        error: io::Error,
    },
}

/// What `new` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Testimony,
    Update,
    Page,
}

/// Writes the new file and returns its path (relative to the site directory).
pub fn create(site_dir: &Path, kind: Kind, today: chrono::NaiveDate) -> Result<PathBuf, NewError> {
    let content = site_dir.join("content");
    if !content.join("site.yaml").is_file() {
        return Err(NewError::NotASite(site_dir.to_path_buf()));
    }
    let (relative, text) = match kind {
        Kind::Testimony => {
            let id = crate::content::next_free_id(site_dir);
            (
                PathBuf::from(format!("content/testimonies/{id}.md")),
                testimony_template(id),
            )
        }
        Kind::Update => (
            free_name(site_dir, &format!("content/updates/{today}-new-update")),
            format!(
                "---\ntitle: A new update\ndate: {today}\nsummary: One sentence for lists and the feed.\ndraft: true   # remove this line to publish\n---\nWrite the update here.\n"
            ),
        ),
        Kind::Page => (
            free_name(site_dir, "content/pages/new-page"),
            "---\ntitle: A new page\n# slug: new-page   # its address, /new-page/; the file name by default\n# menu: 5        # its place in the navigation; leave out to keep it out of the menu\n---\nWrite the page here.\n".to_string(),
        ),
    };
    let path = site_dir.join(&relative);
    let write_error = |error| NewError::Write {
        path: path.clone(),
        error,
    };
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(write_error)?;
    }
    fs::write(&path, text).map_err(write_error)?;
    Ok(relative)
}

/// `base.md`, or `base-2.md`, `base-3.md` ... whichever does not exist yet.
fn free_name(site_dir: &Path, base: &str) -> PathBuf {
    (1..)
        .map(|n| {
            if n == 1 {
                PathBuf::from(format!("{base}.md"))
            } else {
                PathBuf::from(format!("{base}-{n}.md"))
            }
        })
        .find(|candidate| !site_dir.join(candidate).exists())
        .expect("some name is free")
}

fn testimony_template(id: u64) -> String {
    format!(
        "---
id: {id}
status: pending          # pending | approved | rejected | withdrawn; only approved is published
# published: YYYY-MM-DD  # the day it goes public: needed once it is approved
schools: []              # the school's slug, name, alias or former name, e.g. [northbridge-academy]
# period: 2019           # when it happened: a year, or a range in quotes such as \"2015-2017\"
tags: []                 # from the tags in content/site.yaml
content_warnings: []     # shown before the text, e.g. [sexual harassment]
# title: A short title   # without one it is called \"Testimony #{id}\"
moderation:              # private: never published
  reviewed_by:
  notes:
---
Paste the testimony here. Check that it names no one: schools, never people.
"
    )
}
