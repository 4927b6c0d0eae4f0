//! The desk's HTML: small string builders, every value from a file escaped with
//! `escape_html`, testimony text rendered by `render_untrusted`. No scripts, no inline styles:
//! every form is a plain POST, and the stylesheet is the desk's own.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{Marked, Opened, Queue, front_matter, school_names, schools_of};
use crate::lint::FindingKind;
use crate::markdown::render_untrusted;
use crate::model::SchoolRegistry;
use crate::render::escape_html as esc;

pub const STYLESHEET: &str = include_str!("desk.css");

fn page(base: Option<&str>, title: &str, main: &str) -> String {
    let stylesheet = base
        .map(|base| format!(r#"<link rel="stylesheet" href="{base}/desk.css">"#))
        .unwrap_or_default();
    let home = base
        .map(|base| format!(r#"<a href="{base}/">Moderation desk</a>"#))
        .unwrap_or_else(|| "Moderation desk".into());
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · Moderation desk</title>{stylesheet}</head>\n<body>\
         <a class=\"skip\" href=\"#main\">Skip to the page</a>\
         <header><p class=\"desk-name\">{home}</p></header>\
         <main id=\"main\">{main}</main></body></html>\n",
        esc(title)
    )
}

/// A refused request: plain, naming nothing from the request.
pub fn refusal(message: &str) -> String {
    page(
        None,
        "Refused",
        &format!(
            "<h1>The desk refused this request</h1><p>{}</p>",
            esc(message)
        ),
    )
}

/// A change that was not made, or a file that cannot be read, and why.
pub fn problem(base: Option<&str>, title: &str, detail: &str, back: Option<&str>) -> String {
    let mut main = format!("<h1>{}</h1>", esc(title));
    if !detail.is_empty() {
        let _ = write!(main, "<pre class=\"why\">{}</pre>", esc(detail));
    }
    if let Some(back) = back {
        let _ = write!(
            main,
            "<p><a href=\"{}\">Back to the testimony</a> (reload it to see the file as it is now)</p>",
            esc(back)
        );
    }
    page(base, title, &main)
}

fn notice_html(notice: Option<&str>) -> String {
    notice
        .map(|n| format!("<p class=\"notice\" role=\"status\">{}</p>", esc(n)))
        .unwrap_or_default()
}

/// `text` (which starts at byte `offset` of the file) with each finding inside it marked.
fn marked(text: &str, offset: usize, findings: &[Marked]) -> String {
    let mut spans: Vec<(usize, usize)> = findings
        .iter()
        .filter_map(|f| {
            let start = f.start?.checked_sub(offset)?;
            let end = start + f.matched.len();
            (end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end))
                .then_some((start, end))
        })
        .collect();
    spans.sort_unstable();
    let mut out = String::new();
    let mut at = 0;
    for (start, end) in spans {
        if start < at {
            continue;
        }
        out.push_str(&esc(&text[at..start]));
        let _ = write!(out, "<mark>{}</mark>", esc(&text[start..end]));
        at = end;
    }
    out.push_str(&esc(&text[at..]));
    out
}

fn marked_body(opened: &Opened) -> String {
    marked(
        &opened.text[opened.body_start..],
        opened.body_start,
        &opened.findings,
    )
}

fn marked_title(opened: &Opened) -> Option<String> {
    let title = opened.front.title.as_deref()?;
    match front_matter::title_offset(&opened.text, title) {
        Some(at) => Some(marked(title, at, &opened.findings)),
        None => Some(esc(title)),
    }
}

fn schools_html(opened: &Opened, registry: &SchoolRegistry) -> String {
    let known = schools_of(opened, registry);
    let mut out = if known.is_empty() {
        "<strong>None from the registry yet</strong>".to_string()
    } else {
        known
            .iter()
            .map(|s| format!("{} (<code>{}</code>)", esc(&s.name), esc(&s.slug)))
            .collect::<Vec<_>>()
            .join("; ")
    };
    if let Some(submitted) = opened.front.note("submitted_school") {
        let _ = write!(
            out,
            "<br>The submitter wrote: “{}”, which matched no school",
            esc(submitted)
        );
    }
    out
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        esc(&items.join(", "))
    }
}

pub fn queue(base: &str, queue: &Queue, notice: Option<&str>) -> String {
    let c = &queue.counts;
    let mut main = String::from("<h1>Pending testimonies</h1>");
    main.push_str(&notice_html(notice));
    let _ = write!(
        main,
        "<ul class=\"counts\" aria-label=\"Testimonies by status\"><li><strong>{}</strong> pending</li>\
         <li><strong>{}</strong> approved</li><li><strong>{}</strong> rejected</li>\
         <li><strong>{}</strong> withdrawn</li></ul><h2>The queue, oldest first</h2>",
        c.pending, c.approved, c.rejected, c.withdrawn
    );
    if queue.pending.is_empty() {
        main.push_str("<p>Nothing is waiting.</p>");
    } else {
        main.push_str("<ol class=\"queue\">");
        for t in &queue.pending {
            let waiting = t
                .waiting_since
                .map(|d| format!("waiting since {d}"))
                .unwrap_or_else(|| "waiting".into());
            let findings = match t.findings.len() {
                0 => "no identifying details found".to_string(),
                1 => "<strong>1 identifying detail</strong>".to_string(),
                n => format!("<strong>{n} identifying details</strong>"),
            };
            let _ = write!(
                main,
                "<li><h3><a href=\"{base}/testimony/{id}\">Testimony {id}</a></h3>\
                 <p class=\"meta\">{waiting}; {findings}; <code>{file}</code></p>",
                id = t.id,
                file = esc(&t.path.display().to_string()),
            );
            if let Some(title) = marked_title(t) {
                let _ = write!(main, "<p class=\"title\">{title}</p>");
            }
            let _ = write!(main, "<div class=\"source\">{}</div></li>", marked_body(t));
        }
        main.push_str("</ol>");
    }
    if !queue.broken.is_empty() {
        main.push_str(
            "<h2>Files with mistakes</h2><p>These files cannot be moderated here until they are \
             fixed in a text editor (<code>testimony check</code> shows the same).</p><ul>",
        );
        for (path, why) in &queue.broken {
            let _ = write!(
                main,
                "<li><code>{}</code><pre class=\"why\">{}</pre></li>",
                esc(&path.display().to_string()),
                esc(why)
            );
        }
        main.push_str("</ul>");
    }
    page(Some(base), "Queue", &main)
}

pub struct TestimonyView<'a> {
    pub base: &'a str,
    pub opened: &'a Opened,
    pub registry: &'a SchoolRegistry,
    pub tags: &'a BTreeMap<String, String>,
    pub notice: Option<&'a str>,
}

/// What a finding is replaced with unless the volunteer writes something else.
fn neutral(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::PersonName => "a boy in my year",
        FindingKind::TitledName => "a teacher",
        FindingKind::Email => "[email removed]",
        FindingKind::Phone => "[number removed]",
        FindingKind::SocialHandle => "[handle removed]",
        FindingKind::ProfileUrl => "[profile removed]",
        FindingKind::Domain => "[website removed]",
        FindingKind::Postcode => "the area",
    }
}

/// A form posting `action` for this testimony, with the file's hash.
fn form(view: &TestimonyView, action: &str, inner: &str) -> String {
    format!(
        "<form method=\"post\" action=\"{}/testimony/{}/{action}\" class=\"{action}\">\
         <input type=\"hidden\" name=\"hash\" value=\"{}\">{inner}</form>",
        view.base,
        view.opened.id,
        esc(&view.opened.hash)
    )
}

pub fn testimony(view: &TestimonyView) -> String {
    let t = view.opened;
    let mut main = format!(
        "<p><a href=\"{}/\">Back to the queue</a></p><h1>Testimony {}</h1>",
        view.base, t.id
    );
    main.push_str(&notice_html(view.notice));
    let waiting = t
        .waiting_since
        .map(|d| d.to_string())
        .unwrap_or_else(|| "not known".into());
    let _ = write!(
        main,
        "<dl class=\"facts\"><dt>File</dt><dd><code>{}</code></dd>\
         <dt>Came in</dt><dd>{waiting}</dd><dt>Schools</dt><dd>{}</dd>\
         <dt>Tags</dt><dd>{}</dd><dt>Content warnings</dt><dd>{}</dd>\
         <dt>Title</dt><dd>{}</dd></dl>",
        esc(&t.path.display().to_string()),
        schools_html(t, view.registry),
        list_or_none(&t.front.tags),
        list_or_none(&t.front.content_warnings),
        marked_title(t).unwrap_or_else(|| "none (the page will say “Testimony #…”)".into()),
    );
    let _ = write!(
        main,
        "<h2>The text, identifying details marked</h2><div class=\"source\">{}</div>",
        marked_body(t)
    );

    let _ = write!(
        main,
        "<h2 id=\"findings\">Identifying details ({})</h2>",
        t.findings.len()
    );
    if t.findings.is_empty() {
        main.push_str("<p>None found.</p>");
    } else {
        main.push_str("<ol class=\"findings\">");
        for (i, finding) in t.findings.iter().enumerate() {
            let matched = esc(&finding.matched);
            let _ = write!(
                main,
                "<li><p><mark>{matched}</mark>: {}. {}.</p>",
                finding.kind.label(),
                esc(finding.kind.advice())
            );
            if let Some(start) = finding.start {
                let inner = format!(
                    "<input type=\"hidden\" name=\"start\" value=\"{start}\">\
                     <input type=\"hidden\" name=\"matched\" value=\"{matched}\">\
                     <label for=\"replace-{i}\">Replace “{matched}” with</label> \
                     <input id=\"replace-{i}\" name=\"replacement\" value=\"{}\" required> \
                     <button type=\"submit\">Replace</button>",
                    esc(neutral(finding.kind))
                );
                main.push_str(&form(view, "redact", &inner));
            } else {
                main.push_str("<p>It is in the title: change the title in the file.</p>");
            }
            let inner = format!(
                "<input type=\"hidden\" name=\"matched\" value=\"{matched}\">\
                 <button type=\"submit\">Accept “{matched}”: it identifies no one</button>"
            );
            main.push_str(&form(view, "accept", &inner));
            main.push_str("</li>");
        }
        main.push_str("</ol>");
    }

    main.push_str("<h2>Decide</h2>");
    main.push_str(&form(
        view,
        "approve",
        "<button type=\"submit\">Approve: publish at the next build</button>",
    ));
    main.push_str(&form(
        view,
        "reject",
        "<label for=\"reason\">Why reject it (private, kept in the file's moderation notes)</label>\
         <textarea id=\"reason\" name=\"reason\" rows=\"3\" required></textarea>\
         <button type=\"submit\">Reject</button>",
    ));

    main.push_str("<h2>Schools and tags</h2>");
    let options: String = school_names(view.registry)
        .into_iter()
        .map(|name| format!("<option value=\"{}\">", esc(name)))
        .collect();
    let current: Vec<String> = schools_of(t, view.registry)
        .iter()
        .map(|s| s.name.clone())
        .collect();
    main.push_str(&form(
        view,
        "schools",
        &format!(
            "<label for=\"schools\">Schools (a name, alias or slug; separate several with ;)</label>\
             <input id=\"schools\" name=\"schools\" list=\"school-names\" value=\"{}\" autocomplete=\"off\">\
             <datalist id=\"school-names\">{options}</datalist>\
             <button type=\"submit\">Save the schools</button>",
            esc(&current.join("; "))
        ),
    ));
    let mut boxes = String::new();
    for (slug, label) in view.tags {
        let checked = if t.front.tags.contains(slug) {
            " checked"
        } else {
            ""
        };
        let _ = write!(
            boxes,
            "<div class=\"choice\"><input type=\"checkbox\" id=\"tag-{s}\" name=\"tag\" value=\"{s}\"{checked}>\
             <label for=\"tag-{s}\">{}</label></div>",
            esc(label),
            s = esc(slug)
        );
    }
    main.push_str(&form(
        view,
        "tags",
        &format!(
            "<fieldset><legend>Tags</legend>{boxes}</fieldset><button type=\"submit\">Save the tags</button>"
        ),
    ));

    main.push_str("<h2>Edit the text</h2>");
    // The newline after the tag is dropped by the HTML parser, so a text starting with a blank
    // line keeps it.
    main.push_str(&form(
        view,
        "edit",
        &format!(
            "<label for=\"text\">The text (Markdown)</label>\
             <textarea id=\"text\" name=\"text\" rows=\"14\">\n{}</textarea>\
             <button type=\"submit\">Save the text</button>",
            esc(&t.text[t.body_start..])
        ),
    ));

    let preview = render_untrusted(&t.text[t.body_start..]);
    let title = t
        .front
        .title
        .clone()
        .unwrap_or_else(|| format!("Testimony #{}", t.id));
    let _ = write!(
        main,
        "<h2>Preview of the public page</h2><article class=\"preview\" aria-label=\"Preview\">\
         <p class=\"preview-title\">{}</p>{}</article>",
        esc(&title),
        preview.html
    );
    page(Some(view.base), &format!("Testimony {}", t.id), &main)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_wrap_findings_and_everything_is_escaped() {
        let text = "<b>Daniel</b> & Mr Pike";
        let findings = [
            Marked {
                kind: FindingKind::PersonName,
                start: Some(13),
                matched: "Daniel".into(),
            },
            Marked {
                kind: FindingKind::TitledName,
                start: Some(26),
                matched: "Mr Pike".into(),
            },
        ];
        assert_eq!(
            marked(text, 10, &findings),
            "&lt;b&gt;<mark>Daniel</mark>&lt;/b&gt; &amp; <mark>Mr Pike</mark>"
        );
    }
}
