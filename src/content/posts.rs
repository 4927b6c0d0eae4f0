//! Campaign updates (`content/updates/*.md`) and pages (`content/pages/*.md`): written by the
//! campaign, so their Markdown may use raw HTML.

use serde::Deserialize;

use crate::content::testimony::parse_date;
use crate::diagnostics::Diagnostic;
use crate::markdown;
use crate::model::{Page, Update};
use crate::routes::{RESERVED_SLUGS, is_valid_slug};
use crate::source::SourceFile;

const UPDATE_FIELDS: &[&str] = &["title", "date", "summary", "draft"];
const PAGE_FIELDS: &[&str] = &["title", "slug", "menu"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct UpdateFrontMatter {
    title: String,
    date: String,
    summary: Option<String>,
    #[serde(default)]
    draft: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageFrontMatter {
    title: String,
    slug: Option<String>,
    menu: Option<i64>,
}

/// An update, or `None` when it is a draft (drafts are checked but never published).
pub fn parse_update(
    file: &SourceFile,
    stem: &str,
    root: &str,
) -> Result<Option<Update>, Vec<Diagnostic>> {
    let (yaml, body) = file.split_front_matter().map_err(|d| vec![d])?;
    let raw: UpdateFrontMatter = yaml.parse(UPDATE_FIELDS).map_err(|d| vec![d])?;
    let mut errors = Vec::new();
    if !is_valid_slug(stem) {
        errors.push(
            file.error(format!("the file name `{stem}` cannot be used as the update's address"))
                .hint(format!("rename the file to use only lower-case letters, digits and hyphens, such as `{}.md`", slug::slugify(stem))),
        );
    }
    let date = parse_date(&raw.date);
    if date.is_none() {
        let (line, column) = yaml.value_position("date", &raw.date);
        errors.push(
            file.error_at(line, column, format!("`{}` is not a real date", raw.date))
                .hint("write the date as YYYY-MM-DD, such as 2021-04-02"),
        );
    }
    match date {
        Some(date) if errors.is_empty() => Ok((!raw.draft).then(|| Update {
            slug: stem.to_string(),
            title: raw.title,
            date,
            summary: raw.summary.filter(|s| !s.trim().is_empty()),
            content_html: markdown::render_trusted(body.text, root),
        })),
        _ => Err(errors),
    }
}

pub fn parse_page(file: &SourceFile, stem: &str, root: &str) -> Result<Page, Vec<Diagnostic>> {
    let (yaml, body) = file.split_front_matter().map_err(|d| vec![d])?;
    let raw: PageFrontMatter = yaml.parse(PAGE_FIELDS).map_err(|d| vec![d])?;
    let slug = raw.slug.unwrap_or_else(|| stem.to_string());
    let bad_slug = if !is_valid_slug(&slug) {
        Some(format!(
            "the page slug `{slug}` cannot be used as an address"
        ))
    } else if RESERVED_SLUGS.contains(&slug.as_str()) {
        Some(format!(
            "the page slug `{slug}` is already used by the site itself"
        ))
    } else {
        None
    };
    if let Some(message) = bad_slug {
        let (line, column) = yaml.value_position("slug", &slug);
        let at_key = yaml.key_position("slug").is_some();
        let diagnostic = if at_key {
            file.error_at(line, column, message)
        } else {
            file.error(message)
        };
        return Err(vec![diagnostic.hint(format!(
            "use only lower-case letters, digits and hyphens, and not one of: {}",
            RESERVED_SLUGS.join(", ")
        ))]);
    }
    Ok(Page {
        slug,
        title: raw.title,
        menu: raw.menu,
        content_html: markdown::render_trusted(body.text, root),
    })
}
