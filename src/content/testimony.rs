//! One testimony file: its front matter, checked field by field, and the moderation gate.
//! `moderation:` is read here and goes no further than this module's private record.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::config::SiteConfig;
use crate::diagnostics::{Diagnostic, Severity, did_you_mean};
use crate::lint::{Finding, Lint};
use crate::markdown;
use crate::model::{Period, PublicTestimony, SchoolId, SchoolMatch, SchoolRegistry};
use crate::source::{SourceFile, Yaml};

pub const TESTIMONY_FIELDS: &[&str] = &[
    "id",
    "status",
    "published",
    "schools",
    "period",
    "tags",
    "content_warnings",
    "title",
    "moderation",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(one) => vec![one],
            OneOrMany::Many(many) => many,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawPeriod {
    Year(i64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: i64,
    status: Status,
    published: Option<String>,
    /// Required, but for a withdrawn testimony (whose words are erased).
    schools: Option<OneOrMany>,
    period: Option<RawPeriod>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    content_warnings: Vec<String>,
    title: Option<String>,
    moderation: Option<Moderation>,
}

/// Private to moderators. Free-form, except that `allow` lists accepted lint findings.
#[derive(Debug, Default, Deserialize)]
pub struct Moderation {
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(flatten)]
    notes: BTreeMap<String, serde_yaml::Value>,
}

/// A testimony as read from its file, whatever its status. Only [`TestimonyRecord::publish`]
/// turns it into something the rest of the build may see.
#[derive(Debug)]
pub struct TestimonyRecord {
    pub id: u64,
    pub status: Status,
    /// The file line of `id:`, for duplicate-id messages.
    pub id_line: usize,
    /// That line's text, for the excerpt under the message.
    pub id_line_text: String,
    published: Option<NaiveDate>,
    schools: Vec<SchoolId>,
    period: Option<Period>,
    tags: Vec<String>,
    content_warnings: Vec<String>,
    title: Option<String>,
    moderation: Moderation,
    pub body_start_line: usize,
    body: String,
    /// The file line of `title:`, for lint findings in the title.
    title_line: Option<usize>,
    /// Withdrawn, yet its text or other fields are still in the file.
    holds_words: bool,
    /// What is not yet right but does not stop a pending testimony.
    pub warnings: Vec<Diagnostic>,
}

/// The start of the warning about a withdrawn testimony that still holds its words.
const UNERASED: &str = "this testimony is withdrawn but its file still holds its words";

/// Whether `diagnostic` is the warning about a withdrawn testimony that still holds its words,
/// which `check` refuses.
pub fn is_unerased(diagnostic: &Diagnostic) -> bool {
    diagnostic.message.starts_with(UNERASED)
}

impl TestimonyRecord {
    /// Checks a testimony file against the site's schools and tags; every mistake is returned.
    pub fn parse(
        file: &SourceFile,
        config: &SiteConfig,
        schools: &SchoolRegistry,
    ) -> Result<TestimonyRecord, Vec<Diagnostic>> {
        let (yaml, body) = file.split_front_matter().map_err(|d| vec![d])?;
        let raw: FrontMatter = yaml.parse(TESTIMONY_FIELDS).map_err(|d| vec![d])?;
        let id_line = yaml.key_position("id").map_or(1, |(line, _)| line);
        let mut errors = Vec::new();
        let check = Checker { file, yaml };

        let id = check.id(raw.id, &mut errors);
        let published = check.published(raw.published.as_deref(), raw.status, &mut errors);
        let mut warnings = Vec::new();
        let school_ids = match raw.schools {
            Some(references) => check.schools(
                references.into_vec(),
                schools,
                raw.status,
                &mut errors,
                &mut warnings,
            ),
            None if raw.status == Status::Withdrawn => Vec::new(),
            None => {
                errors.push(
                    file.error_at(1, 1, "the required field `schools` is missing")
                        .width(3)
                        .hint("add a line `schools: ...` to the front matter, such as `schools: [northbridge-academy]`"),
                );
                Vec::new()
            }
        };
        let holds_words = raw.status == Status::Withdrawn
            && (!body.text.trim().is_empty()
                || raw.title.is_some()
                || !school_ids.is_empty()
                || raw.period.is_some()
                || !raw.tags.is_empty()
                || !raw.content_warnings.is_empty()
                || raw.published.is_some()
                || raw.moderation.is_some());
        let period = raw.period.and_then(|p| check.period(p, &mut errors));
        check.tags(&raw.tags, config, &mut errors);

        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(TestimonyRecord {
            id,
            status: raw.status,
            id_line,
            id_line_text: file
                .text
                .lines()
                .nth(id_line - 1)
                .unwrap_or_default()
                .to_string(),
            published,
            schools: school_ids,
            period,
            tags: raw.tags,
            content_warnings: raw
                .content_warnings
                .into_iter()
                .map(|w| w.trim().to_string())
                .filter(|w| !w.is_empty())
                .collect(),
            title: raw.title.filter(|t| !t.trim().is_empty()),
            moderation: raw.moderation.unwrap_or_default(),
            body_start_line: body.first_line,
            body: body.text.to_string(),
            title_line: yaml.key_position("title").map(|(line, _)| line),
            holds_words,
            warnings,
        })
    }

    /// The day a pending testimony came in, when its file says (`moderation.imported`, which
    /// `testimony import` writes).
    pub fn imported(&self) -> Option<NaiveDate> {
        let day = self.moderation.notes.get("imported")?.as_str()?;
        parse_date(day)
    }

    /// A withdrawn testimony whose file still holds its words: never published, but not yet
    /// erased either. A warning, so that a build removing it from the site is never held up;
    /// `check` refuses it.
    pub fn unerased(&self, file: &SourceFile) -> Option<Diagnostic> {
        self.holds_words.then(|| {
            file.warning_at(
                self.id_line,
                1,
                format!("{UNERASED} (testimony {})", self.id),
            )
            .hint(format!(
                "run `testimony withdraw {}` to erase everything but its id from the file, and see docs/withdrawing.md for the repository's history and earlier deploys",
                self.id
            ))
        })
    }

    /// Identifying details in the title and text: errors in an approved testimony (they block
    /// the build), warnings in a pending one, nothing for testimonies that will never be
    /// published. `moderation.allow` accepts findings a moderator has checked.
    pub fn lint(&self, file: &SourceFile, lint: &Lint) -> Vec<Diagnostic> {
        let severity = match self.status {
            Status::Approved => Severity::Error,
            Status::Pending => Severity::Warning,
            Status::Rejected | Status::Withdrawn => return Vec::new(),
        };
        let allow = &self.moderation.allow;
        let mut findings: Vec<(usize, usize, Finding)> = Vec::new();
        if let Some((title, line)) = self.title.as_ref().zip(self.title_line) {
            let column = file
                .text
                .lines()
                .nth(line - 1)
                .and_then(|l| l.find(title.as_str()))
                .map_or(1, |c| c + 1);
            findings.extend(
                lint.check(title, allow)
                    .into_iter()
                    .map(|f| (line, column + f.column - 1, f)),
            );
        }
        findings.extend(
            lint.check(&self.body, allow)
                .into_iter()
                .map(|f| (self.body_start_line + f.line - 1, f.column, f)),
        );
        findings
            .into_iter()
            .map(|(line, column, finding)| {
                let what = match severity {
                    Severity::Error => "in an approved testimony",
                    Severity::Warning => "in a pending testimony",
                };
                let mut diagnostic = Diagnostic::error(
                    file.path.clone(),
                    format!(
                        "{} {what}: `{}`",
                        capitalise(finding.kind.label()),
                        finding.matched
                    ),
                )
                .at(&file.text, line, column)
                .width(finding.matched.chars().count())
                .hint(allow_hint(finding.kind.advice()));
                diagnostic.severity = severity;
                diagnostic
            })
            .collect()
    }

    /// The public view of an approved testimony; `None` for every other status. This is the
    /// moderation gate: nothing else makes a `PublicTestimony`.
    pub fn publish(self) -> Option<PublicTestimony> {
        if self.status != Status::Approved {
            return None;
        }
        let published = self.published?;
        let mut rendered = markdown::render_untrusted(&self.body);
        // Held until the build ends, a hundred thousand of them: no room to spare.
        rendered.html.shrink_to_fit();
        rendered.text.shrink_to_fit();
        Some(PublicTestimony {
            id: self.id,
            title: self
                .title
                .unwrap_or_else(|| format!("Testimony #{}", self.id)),
            published,
            schools: self.schools,
            period: self.period,
            tags: self.tags,
            content_warnings: self.content_warnings,
            excerpt: markdown::excerpt(&rendered.text, markdown::EXCERPT_WORDS),
            body_html: rendered.html,
            body_text: rendered.text,
        })
    }
}

/// The lint's advice, and how a moderator accepts a finding they have checked.
fn allow_hint(advice: &str) -> String {
    if advice.contains("moderation.allow") {
        advice.to_string()
    } else {
        format!(
            "{advice}; or, if a moderator has checked it is safe to publish, add it to `moderation.allow`"
        )
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

struct Checker<'a> {
    file: &'a SourceFile,
    yaml: Yaml<'a>,
}

impl Checker<'_> {
    fn error(&self, key: &str, needle: &str, message: String) -> Diagnostic {
        let (line, column) = self.yaml.value_position(key, needle);
        self.file
            .error_at(line, column, message)
            .width(needle.chars().count())
    }

    fn id(&self, id: i64, errors: &mut Vec<Diagnostic>) -> u64 {
        if id < 1 {
            errors.push(
                self.error(
                    "id",
                    &id.to_string(),
                    format!("the id {id} is not a positive whole number"),
                )
                .hint("ids are whole numbers from 1 up, such as 1042; use the next free one"),
            );
        }
        id.max(0) as u64
    }

    fn published(
        &self,
        published: Option<&str>,
        status: Status,
        errors: &mut Vec<Diagnostic>,
    ) -> Option<NaiveDate> {
        let Some(text) = published else {
            if status == Status::Approved {
                let (line, _) = self.yaml.key_position("status").unwrap_or((1, 0));
                errors.push(
                    self.file
                        .error_at(line, 1, "an approved testimony needs a `published` date")
                        .hint("add a line such as `published: 2021-03-28` with the day it went public"),
                );
            }
            return None;
        };
        match parse_date(text) {
            Some(date) => Some(date),
            None => {
                errors.push(
                    self.error("published", text, format!("`{text}` is not a real date"))
                        .hint("write the date as YYYY-MM-DD, such as 2021-03-28, and check the day exists in that month"),
                );
                None
            }
        }
    }

    /// The schools named; an empty list is an error, but only a warning while the testimony
    /// is pending (an imported submission whose school is still to be chosen).
    fn schools(
        &self,
        references: Vec<String>,
        registry: &SchoolRegistry,
        status: Status,
        errors: &mut Vec<Diagnostic>,
        warnings: &mut Vec<Diagnostic>,
    ) -> Vec<SchoolId> {
        if references.is_empty() {
            let (line, column) = self.yaml.key_position("schools").unwrap_or((1, 0));
            let mut diagnostic = self
                .file
                .error_at(
                    line,
                    column,
                    "`schools` is empty: a testimony names at least one school",
                )
                .hint("add the school's slug or name, such as `schools: [northbridge-academy]`");
            if status == Status::Pending {
                diagnostic.severity = Severity::Warning;
                warnings.push(diagnostic);
            } else {
                errors.push(diagnostic);
            }
        }
        let mut ids = Vec::new();
        for reference in references {
            match registry.resolve(&reference) {
                SchoolMatch::One(id) if ids.contains(&id) => {}
                SchoolMatch::One(id) => ids.push(id),
                SchoolMatch::None => {
                    let closest = registry.closest(&reference, 3);
                    let hint = if closest.is_empty() {
                        "add the school to content/schools.yaml, or use the slug of a registered school".to_string()
                    } else {
                        let names: Vec<String> = closest
                            .iter()
                            .map(|s| format!("`{}` ({})", s.slug, s.name))
                            .collect();
                        format!(
                            "did you mean {}? Otherwise add the school to content/schools.yaml",
                            names.join(" or ")
                        )
                    };
                    errors.push(
                        self.error(
                            "schools",
                            &reference,
                            format!("unknown school `{reference}`"),
                        )
                        .hint(hint),
                    );
                }
                SchoolMatch::Ambiguous(candidates) => {
                    let names: Vec<String> = candidates
                        .iter()
                        .map(|&id| {
                            let s = registry.get(id);
                            format!("`{}` ({})", s.slug, s.name)
                        })
                        .collect();
                    errors.push(
                        self.error(
                            "schools",
                            &reference,
                            format!("`{reference}` could be more than one school"),
                        )
                        .hint(format!(
                            "use the slug of the one you mean: {}",
                            names.join(", ")
                        )),
                    );
                }
            }
        }
        ids
    }

    fn period(&self, period: RawPeriod, errors: &mut Vec<Diagnostic>) -> Option<Period> {
        let text = match &period {
            RawPeriod::Year(year) => year.to_string(),
            RawPeriod::Text(text) => text.clone(),
        };
        let parsed = parse_period(&text);
        if parsed.is_none() {
            errors.push(
                self.error(
                    "period",
                    &text,
                    format!("`{text}` is not a year or a range of years"),
                )
                .hint("write a year such as `2019` or a range in quotes such as \"2015-2017\""),
            );
        }
        parsed
    }

    fn tags(&self, tags: &[String], config: &SiteConfig, errors: &mut Vec<Diagnostic>) {
        for tag in tags {
            if !config.tags.contains_key(tag) {
                let hint = match did_you_mean(tag, config.tags.keys().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None => format!(
                        "the tags in content/site.yaml are: {}",
                        config.tags.keys().cloned().collect::<Vec<_>>().join(", ")
                    ),
                };
                errors.push(
                    self.error("tags", tag, format!("unknown tag `{tag}`"))
                        .hint(hint),
                );
            }
        }
    }
}

/// `YYYY-MM-DD`, a day that exists.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let parts: Vec<&str> = text.split('-').collect();
    if parts.len() != 3 || parts[0].len() != 4 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// `2019`, `2015-2017` or `2015–2017`, years from 1900 to 2100, in order.
pub fn parse_period(text: &str) -> Option<Period> {
    let year = |s: &str| {
        s.trim()
            .parse::<u16>()
            .ok()
            .filter(|y| (1900..=2100).contains(y))
    };
    let (from, to) = match text.split_once(['-', '–']) {
        Some((from, to)) => (year(from)?, year(to)?),
        None => {
            let y = year(text)?;
            (y, y)
        }
    };
    (from <= to).then_some(Period { from, to })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert!(parse_date("2021-03-28").is_some());
        assert!(parse_date("2021-02-30").is_none());
        assert!(parse_date("28/03/2021").is_none());
    }

    #[test]
    fn periods_are_years_or_ranges() {
        assert_eq!(
            parse_period("2019"),
            Some(Period {
                from: 2019,
                to: 2019
            })
        );
        assert_eq!(
            parse_period("2015-2017"),
            Some(Period {
                from: 2015,
                to: 2017
            })
        );
        assert_eq!(parse_period("2017-2015"), None);
        assert_eq!(parse_period("last year"), None);
    }
}
