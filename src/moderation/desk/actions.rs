//! The desk's actions: each form's POST checked, applied to the testimony's file line by line,
//! and the file checked again by the real loader (put back as it was when it would not pass).

use super::*;

/// Why an action changed nothing: shown on the page, with a way back.
struct Refusal {
    status: StatusCode,
    title: &'static str,
    detail: String,
}

impl Refusal {
    fn new(title: &'static str, detail: impl Into<String>) -> Refusal {
        Refusal {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            title,
            detail: detail.into(),
        }
    }
}

impl From<EditError> for Refusal {
    fn from(error: EditError) -> Refusal {
        Refusal::new("The desk cannot change this file", error.to_string())
    }
}

pub(super) async fn act(
    State(desk): State<Shared>,
    UrlPath((id, action)): UrlPath<(u64, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let back = format!("{}/testimony/{id}", desk.base());
    match change(&desk, id, &action, &fields) {
        Ok(()) => {
            let to = match action.as_str() {
                "approve" | "reject" => format!("{}/", desk.base()),
                _ => back,
            };
            Redirect::to(&format!("{to}?done={action}&id={id}")).into_response()
        }
        Err(refusal) => (
            refusal.status,
            Html(pages::problem(
                Some(&desk.base()),
                refusal.title,
                &refusal.detail,
                Some(&back),
            )),
        )
            .into_response(),
    }
}

/// Applies one action to testimony `id`'s file, or says why not.
fn change(desk: &Desk, id: u64, action: &str, fields: &[(String, String)]) -> Result<(), Refusal> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let settings = settings(&desk.site).map_err(|_| {
        Refusal::new(
            "site.yaml or schools.yaml has mistakes",
            "Run `testimony check` to see them.",
        )
    })?;
    let path = find(&desk.site, id).ok_or_else(|| {
        Refusal::new(
            "No such testimony",
            "No single file has this testimony's id.",
        )
    })?;
    let full_path = desk.site.join(&path);
    let old = std::fs::read(&full_path)
        .map_err(|e| Refusal::new("The file cannot be read", e.to_string()))?;
    if field("hash") != Some(hash_of(&old).as_str()) {
        return Err(Refusal {
            status: StatusCode::CONFLICT,
            title: "This testimony changed since you opened it",
            detail: "Someone (or another tab) changed the file after this page was opened, so \
                     nothing was changed. Reload the testimony and make your change again."
                .into(),
        });
    }
    let opened = open(&desk.site, &path, &settings.lint)
        .map_err(|why| Refusal::new("This file cannot be read", why))?;
    let text = opened.text.as_str();
    let today = chrono::Local::now().date_naive().to_string();
    let new = match action {
        "approve" => {
            if schools_of(&opened, &settings.registry).is_empty() {
                return Err(Refusal::new(
                    "Choose the school first",
                    "An approved testimony needs at least one school from the registry.",
                ));
            }
            if !opened.findings.is_empty() {
                return Err(Refusal::new(
                    "Identifying details are still marked",
                    format!(
                        "Replace each marked detail or accept it ({} left) before approving.",
                        opened.findings.len()
                    ),
                ));
            }
            let text = front_matter::set_field(text, "status", "approved", &[])?;
            front_matter::set_field(&text, "published", &today, &["status"])?
        }
        "reject" => {
            let reason = field("reason").unwrap_or_default().trim();
            if reason.is_empty() {
                return Err(Refusal::new(
                    "Say why",
                    "Write a reason (it stays private, in the file's moderation notes).",
                ));
            }
            let text = front_matter::set_field(text, "status", "rejected", &[])?;
            let text = front_matter::set_note(&text, "rejected", &today)?;
            front_matter::set_note(&text, "rejected_reason", &quoted(reason))?
        }
        "edit" => front_matter::replace_body(text, field("text").unwrap_or_default())?,
        "redact" => {
            let (start, matched) = chosen_finding(&opened, field("start"), field("matched"))?;
            let replacement = field("replacement").unwrap_or_default().trim();
            if replacement.is_empty() || replacement.contains(['\n', '\r']) {
                return Err(Refusal::new(
                    "Write a description",
                    "The replacement is one line, such as \"a boy in my year\".",
                ));
            }
            let end = start + matched.len();
            format!("{}{replacement}{}", &text[..start], &text[end..])
        }
        "accept" => {
            let matched = opened
                .findings
                .iter()
                .find(|f| Some(f.matched.as_str()) == field("matched"))
                .map(|f| f.matched.clone())
                .ok_or_else(|| Refusal::new("No such finding", "Reload the testimony."))?;
            front_matter::add_allowed(text, &matched)?
        }
        "schools" => {
            let slugs = choose_schools(field("schools").unwrap_or_default(), &settings.registry)?;
            front_matter::set_field(
                text,
                "schools",
                &quoted_list(slugs.iter().map(String::as_str)),
                &["published", "status"],
            )?
        }
        "tags" => {
            let chosen: Vec<&str> = fields
                .iter()
                .filter(|(key, _)| key == "tag")
                .map(|(_, value)| value.as_str())
                .filter(|tag| settings.config.tags.contains_key(*tag))
                .collect();
            front_matter::set_field(text, "tags", &quoted_list(chosen), &["schools", "status"])?
        }
        _ => return Err(Refusal::new("The desk does not do that", "")),
    };
    let had_bom = old.starts_with("\u{feff}".as_bytes());
    let mut bytes = if had_bom {
        "\u{feff}".as_bytes().to_vec()
    } else {
        Vec::new()
    };
    bytes.extend_from_slice(new.as_bytes());
    write_atomically(&full_path, &bytes)
        .map_err(|e| Refusal::new("The file cannot be written", e.to_string()))?;
    let expected = match action {
        "approve" => Status::Approved,
        "reject" => Status::Rejected,
        _ => Status::Pending,
    };
    if let Err(why) = recheck(&desk.site, &path, &settings, expected) {
        let restored = write_atomically(&full_path, &old);
        let mut detail = why;
        if let Err(error) = restored {
            detail.push_str(&format!(
                "\n\nThe old file could not be put back either: {}",
                crate::diagnostics::error_chain(&error)
            ));
        }
        return Err(Refusal::new(
            "The change would not pass `testimony check`, so it was undone",
            detail,
        ));
    }
    Ok(())
}

/// The finding a redaction names, checked against the file as it is.
fn chosen_finding<'a>(
    opened: &'a Opened,
    start: Option<&str>,
    matched: Option<&str>,
) -> Result<(usize, &'a str), Refusal> {
    let start: Option<usize> = start.and_then(|s| s.parse().ok());
    opened
        .findings
        .iter()
        .find(|f| f.start.is_some() && f.start == start && Some(f.matched.as_str()) == matched)
        .map(|f| (f.start.unwrap_or_default(), f.matched.as_str()))
        .ok_or_else(|| Refusal::new("No such finding", "Reload the testimony and try again."))
}

/// The registry's schools a testimony names.
pub(crate) fn schools_of<'r>(
    opened: &Opened,
    registry: &'r SchoolRegistry,
) -> Vec<&'r crate::model::School> {
    opened
        .front
        .schools()
        .iter()
        .filter_map(|reference| match registry.resolve(reference) {
            SchoolMatch::One(id) => Some(registry.get(id)),
            _ => None,
        })
        .collect()
}

/// The slugs of the schools typed (separated by `;`, `,` or lines), each matched by slug,
/// name, alias or former name; a typo gets the closest names as suggestions.
fn choose_schools(typed: &str, registry: &SchoolRegistry) -> Result<Vec<String>, Refusal> {
    let mut slugs = Vec::new();
    for reference in typed
        .split([';', ',', '\n'])
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        match registry.resolve(reference) {
            SchoolMatch::One(id) => {
                let slug = registry.get(id).slug.clone();
                if !slugs.contains(&slug) {
                    slugs.push(slug);
                }
            }
            SchoolMatch::Ambiguous(ids) => {
                let names: Vec<&str> = ids.iter().map(|&i| registry.get(i).name.as_str()).collect();
                return Err(Refusal::new(
                    "Which school?",
                    format!(
                        "“{reference}” could be {}: type the full name.",
                        names.join(" or ")
                    ),
                ));
            }
            SchoolMatch::None => {
                let closest: Vec<&str> = registry
                    .closest(reference, 3)
                    .into_iter()
                    .map(|s| s.name.as_str())
                    .collect();
                let hint = match closest.as_slice() {
                    [] => "Add it to content/schools.yaml first.".to_string(),
                    names => format!("Did you mean {}?", names.join(", or ")),
                };
                return Err(Refusal::new(
                    "No such school",
                    format!("No school in the registry is called “{reference}”. {hint}"),
                ));
            }
        }
    }
    if slugs.is_empty() {
        return Err(Refusal::new("Choose a school", "Type at least one school."));
    }
    Ok(slugs)
}

/// Reads the file again with the loader: it must pass, with the status the action gave it
/// (and for an approved testimony, without a finding).
fn recheck(site: &Path, path: &Path, settings: &Settings, expected: Status) -> Result<(), String> {
    let checked = content::read_testimony(
        site,
        path,
        &settings.config,
        &settings.registry,
        &settings.lint,
    )
    .map_err(|mistakes| {
        let text: Vec<String> = mistakes.iter().map(Diagnostic::to_string).collect();
        text.join("\n")
    })?;
    if checked.status != expected {
        return Err(format!(
            "The file's status would not be {expected:?} but {:?}.",
            checked.status
        ));
    }
    Ok(())
}

/// School names for the typeahead: every name, alias and former name, once.
pub(crate) fn school_names(registry: &SchoolRegistry) -> Vec<&str> {
    let mut names: BTreeMap<&str, ()> = BTreeMap::new();
    for school in registry.all() {
        for name in school.names() {
            names.insert(name, ());
        }
    }
    names.into_keys().collect()
}
