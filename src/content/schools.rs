//! `content/schools.yaml`: the school registry.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;
use crate::model::{School, SchoolKind, SchoolRegistry, match_key};
use crate::routes::is_valid_slug;
use crate::source::SourceFile;

const SCHOOL_FIELDS: &[&str] = &[
    "name",
    "slug",
    "kind",
    "region",
    "aliases",
    "former_names",
    "urn",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchool {
    name: String,
    slug: Option<String>,
    kind: SchoolKind,
    region: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    former_names: Vec<String>,
    urn: Option<String>,
}

/// Reads the registry; names and slugs must be unique.
pub fn parse(file: &SourceFile) -> Result<SchoolRegistry, Vec<Diagnostic>> {
    let yaml = file.as_yaml();
    let raw: Option<Vec<RawSchool>> = yaml.parse(SCHOOL_FIELDS).map_err(|d| vec![d])?;
    let raw = raw.unwrap_or_default();
    let mut errors = Vec::new();
    let mut schools = Vec::with_capacity(raw.len());
    let mut seen_names: BTreeMap<String, String> = BTreeMap::new();
    let mut seen_slugs: BTreeMap<String, String> = BTreeMap::new();

    for entry in raw {
        // Only a mistake needs the position: looking it up for every school of a long registry
        // would read the file once a school.
        let position = || find_line(file, &entry.name);
        let name = entry.name.trim().to_string();
        if name.is_empty() {
            let (line, column) = position();
            errors.push(file.error_at(line, column, "a school has an empty `name`"));
            continue;
        }
        let slug = match entry.slug {
            Some(slug) => {
                if !is_valid_slug(&slug) {
                    let (line, column) = find_line(file, &slug);
                    errors.push(
                        file.error_at(line, column, format!("the slug `{slug}` of {name} is not a valid slug"))
                            .hint(format!("use lower-case letters, digits and hyphens, such as `{}`, or leave `slug` out to have it made from the name", slug::slugify(&name))),
                    );
                }
                slug
            }
            None => slug::slugify(&name),
        };
        if let Some(other) = seen_names.insert(match_key(&name), name.clone()) {
            let (line, column) = position();
            errors.push(
                file.error_at(
                    line,
                    column,
                    format!("the school name `{name}` is registered twice (also as `{other}`)"),
                )
                .hint(
                    "each school is listed once; put other names under `aliases` or `former_names`",
                ),
            );
        }
        if let Some(other) = seen_slugs.insert(slug.clone(), name.clone()) {
            let (line, column) = position();
            errors.push(
                file.error_at(
                    line,
                    column,
                    format!("`{name}` and `{other}` have the same slug `{slug}`"),
                )
                .hint("give one of them a `slug:` of its own, such as `{slug}-2`"),
            );
        }
        schools.push(School {
            name,
            slug,
            kind: entry.kind,
            region: entry.region.filter(|r| !r.trim().is_empty()),
            aliases: entry.aliases,
            former_names: entry.former_names,
            urn: entry.urn,
        });
    }
    if errors.is_empty() {
        Ok(SchoolRegistry::new(schools))
    } else {
        Err(errors)
    }
}

/// The file position of the `name:` line of a school (or of any line showing `text`).
fn find_line(file: &SourceFile, text: &str) -> (usize, usize) {
    file.text
        .lines()
        .enumerate()
        .find_map(|(index, line)| line.find(text).map(|column| (index + 1, column + 1)))
        .unwrap_or((1, 0))
}
