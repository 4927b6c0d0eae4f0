//! `content/site.yaml`: the site's settings, typed, with unknown keys rejected.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::routes::Urls;
pub use crate::routes::root_of;
use crate::source::SourceFile;

pub const SITE_FIELDS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "theme",
    "per_page",
    "quick_exit_url",
    "tags",
    "support",
    "intake",
    "lint",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSiteConfig {
    title: String,
    #[serde(default)]
    description: String,
    base_url: Option<String>,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_per_page")]
    per_page: i64,
    #[serde(default = "default_quick_exit_url")]
    quick_exit_url: String,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    #[serde(default)]
    support: String,
    #[serde(default)]
    intake: Intake,
    #[serde(default)]
    lint: LintSettings,
}

/// Settings of the identifying-details lint.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LintSettings {
    /// Words moderators have checked once and accept in every testimony (place names, a
    /// helpline's address): a finding containing one no longer blocks, as with
    /// `moderation.allow` in one testimony.
    #[serde(default)]
    pub accept: Vec<String>,
}

/// How `testimony import` reads a form's export: which column holds what. Every column not
/// named here (a name, an e-mail address, a phone number the form asked for) is never read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// `netlify-forms` or `google-forms`: the defaults of that form tool's export.
    pub preset: Option<IntakePreset>,
    pub text: Option<String>,
    pub schools: Option<String>,
    pub title: Option<String>,
    pub period: Option<String>,
    pub content_warnings: Option<String>,
    pub submission_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IntakePreset {
    /// Netlify Forms: columns are the form's field names; each submission has an `id`.
    NetlifyForms,
    /// Google Forms (its responses sheet as CSV): a `Timestamp` column and one column per
    /// question, headed by the question; no submission id, so rows are told apart by a hash.
    GoogleForms,
}

/// The columns of a form export, resolved from [`Intake`]: names are matched ignoring case
/// and surrounding spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeColumns {
    pub text: String,
    pub schools: String,
    pub title: String,
    pub period: String,
    pub content_warnings: String,
    /// `None`: no column identifies a submission; a hash of the mapped values is kept instead.
    pub submission_id: Option<String>,
}

impl Intake {
    pub fn columns(&self) -> IntakeColumns {
        let pick = |given: &Option<String>, default: &str| {
            given.clone().unwrap_or_else(|| default.to_string())
        };
        let default_id = match self.preset {
            Some(IntakePreset::GoogleForms) => None,
            _ => Some("id".to_string()),
        };
        IntakeColumns {
            text: pick(&self.text, "testimony"),
            schools: pick(&self.schools, "school"),
            title: pick(&self.title, "title"),
            period: pick(&self.period, "when"),
            content_warnings: pick(&self.content_warnings, "content_warnings"),
            submission_id: self.submission_id.clone().or(default_id),
        }
    }
}

fn default_language() -> String {
    "en".to_string()
}

fn default_theme() -> String {
    "default".to_string()
}

fn default_per_page() -> i64 {
    50
}

/// GOV.UK's choice for its own quick-exit buttons: neutral, and quick to load.
pub const DEFAULT_QUICK_EXIT_URL: &str = "https://www.bbc.co.uk/weather";

fn default_quick_exit_url() -> String {
    DEFAULT_QUICK_EXIT_URL.to_string()
}

/// Where a site without `base_url` is built for: the address `testimony serve` uses.
pub const DEFAULT_BASE_URL: &str = "http://localhost:1111/";

/// The settings of a site, validated.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub title: String,
    pub description: String,
    /// Absolute, ending in `/`.
    pub base_url: String,
    /// Whether site.yaml gives `base_url` (else it is [`DEFAULT_BASE_URL`]).
    pub base_url_set: bool,
    pub language: String,
    pub theme: String,
    pub per_page: usize,
    pub quick_exit_url: String,
    /// Tag slug → label; the only tags testimonies may use.
    pub tags: BTreeMap<String, String>,
    /// Markdown shown beside every testimony.
    pub support: String,
    /// How `testimony import` reads form exports.
    pub intake: Intake,
    pub lint: LintSettings,
}

impl SiteConfig {
    pub fn parse(file: &SourceFile) -> Result<SiteConfig, Vec<Diagnostic>> {
        let yaml = file.as_yaml();
        let raw: RawSiteConfig = yaml.parse(SITE_FIELDS).map_err(|d| vec![d])?;
        let mut errors = Vec::new();
        let at = |key: &str| yaml.key_position(key).unwrap_or((1, 0));

        let base_url_set = raw.base_url.is_some();
        let base_url = match normalize_base_url(raw.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))
        {
            Ok(url) => url,
            Err(problem) => {
                let (line, column) = at("base_url");
                errors.push(
                    file.error_at(line, column, format!("`base_url` {problem}"))
                        .hint("write the address the site will live at, such as `https://example.org/` or `https://example.github.io/archive/`"),
                );
                String::new()
            }
        };
        if !raw.quick_exit_url.starts_with("https://") {
            let (line, column) = at("quick_exit_url");
            errors.push(
                file.error_at(line, column, "`quick_exit_url` must be an https:// address")
                    .hint("use a neutral site that loads quickly, such as `https://www.bbc.co.uk/weather`"),
            );
        }
        if raw.per_page < 1 {
            let (line, column) = at("per_page");
            errors.push(
                file.error_at(
                    line,
                    column,
                    "`per_page` must be a whole number of at least 1",
                )
                .hint("50 is a good number of testimonies per page"),
            );
        }
        if raw.title.trim().is_empty() {
            let (line, column) = at("title");
            errors.push(
                file.error_at(line, column, "`title` is empty")
                    .hint("give the archive a name"),
            );
        }
        for slug in raw.tags.keys() {
            if !crate::routes::is_valid_slug(slug) {
                let (line, column) = yaml.value_position("tags", slug);
                errors.push(
                    file.error_at(line, column, format!("the tag `{slug}` is not a valid slug"))
                        .hint("tag slugs use only lower-case letters, digits and hyphens, such as `image-based-abuse`"),
                );
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SiteConfig {
            title: raw.title,
            description: raw.description,
            base_url,
            base_url_set,
            language: raw.language,
            theme: raw.theme,
            per_page: raw.per_page as usize,
            quick_exit_url: raw.quick_exit_url,
            tags: raw.tags,
            support: raw.support,
            intake: raw.intake,
            lint: raw.lint,
        })
    }

    /// The path prefix of `base_url`, starting and ending with `/`.
    pub fn root(&self) -> String {
        root_of(&self.base_url)
    }

    /// Links and absolute URLs of the site's paths.
    pub fn urls(&self) -> Urls {
        Urls::new(&self.base_url)
    }
}

/// Checks a base URL and gives it a trailing slash.
pub fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with https:// (or http:// for testing)")?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err("has no host name".to_string());
    }
    if url.contains(['?', '#', ' ']) {
        return Err("must not contain `?`, `#` or spaces".to_string());
    }
    if rest.contains("//") {
        return Err("has `//` in its path; write each `/` once".to_string());
    }
    if url.ends_with('/') {
        Ok(url.to_string())
    } else {
        Ok(format!("{url}/"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_come_from_the_base_url() {
        assert_eq!(root_of("https://example.org/"), "/");
        assert_eq!(root_of("https://user.example.io/archive/"), "/archive/");
        assert_eq!(
            normalize_base_url("https://example.org/archive").unwrap(),
            "https://example.org/archive/"
        );
        assert!(normalize_base_url("example.org").is_err());
        // A doubled slash would give every link a path the host does not have.
        assert!(normalize_base_url("https://example.org/archive//").is_err());
        assert!(normalize_base_url("https://example.org//").is_err());
    }
}
