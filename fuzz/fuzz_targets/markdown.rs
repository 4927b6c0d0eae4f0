//! Any text as a testimony body and as the campaign's own Markdown. Neither renderer may panic,
//! the site's minifier must take the testimony HTML, and that HTML may only hold the elements and
//! attributes the renderer means to write: no script, image, frame or event handler, and no link
//! that is not `https:`.
//!
//! Text is escaped, so every `<` in the output opens a tag the renderer wrote: the check reads
//! each tag rather than searching for words a testimony may legitimately contain.

#![no_main]

use libfuzzer_sys::fuzz_target;
use testimony::markdown::{render_trusted, render_untrusted};

/// The elements a testimony body may become (headings are demoted: h1 and h2 belong to the page).
const ELEMENTS: &[&str] = &[
    "p",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "del",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
    "br",
];

/// Whether the renderer may write attribute `name` on element `element`, and with `value` when
/// the value is known as the renderer wrote it (the minifier may unquote and re-encode values).
fn allowed(element: &str, name: &str, value: Option<&str>) -> bool {
    let value_ok = |check: fn(&str) -> bool| value.is_none_or(check);
    match (element, name) {
        ("a", "href") => value_ok(|v| v.starts_with("https://")),
        ("a", "rel") => value_ok(|v| v == "nofollow noopener noreferrer"),
        ("code", "class") => value_ok(|v| v.starts_with("language-")),
        ("th" | "td", "style") => value_ok(|v| v.starts_with("text-align: ")),
        ("ol", "start") => value_ok(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())),
        _ => false,
    }
}

/// Reads `html` as a browser's tokenizer would (tags, quoted and unquoted attribute values) and
/// panics on any element or attribute the renderer should never write, or on markup that is not
/// a plain tag (a comment, a doctype). `strict` also checks attribute values.
fn check_tags(html: &str, markdown: &str, strict: bool) {
    let fail = |what: &str| -> ! { panic!("{what} in {html:?} from {markdown:?}") };
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let closing = rest.starts_with('/');
        let tag = if closing { &rest[1..] } else { rest };
        if !tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
            // Text: a `<` that opens nothing, such as "a < b" once minified.
            if closing || rest.starts_with(['!', '?']) {
                fail("markup that is not a tag");
            }
            continue;
        }
        let name_end = tag
            .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
            .unwrap_or_else(|| fail("an unclosed tag"));
        let element = tag[..name_end].to_ascii_lowercase();
        if !ELEMENTS.contains(&element.as_str()) {
            fail(&format!("the element <{element}>"));
        }
        let mut attributes = &tag[name_end..];
        loop {
            attributes =
                attributes.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
            if let Some(after) = attributes.strip_prefix('>') {
                rest = after;
                break;
            }
            if attributes.is_empty() {
                fail("an unclosed tag");
            }
            let name_end = attributes
                .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>' || c == '=')
                .unwrap_or(attributes.len());
            let name = attributes[..name_end].to_ascii_lowercase();
            attributes = attributes[name_end..].trim_start();
            let mut value = None;
            if let Some(after) = attributes.strip_prefix('=') {
                let after = after.trim_start();
                let (text, remaining) = match after.chars().next() {
                    Some(quote @ ('"' | '\'')) => after[1..]
                        .split_once(quote)
                        .unwrap_or_else(|| fail("an unclosed attribute value")),
                    _ => after.split_at(
                        after
                            .find(|c: char| c.is_ascii_whitespace() || c == '>')
                            .unwrap_or(after.len()),
                    ),
                };
                value = Some(text);
                attributes = remaining;
            }
            if strict && value.is_none() {
                fail(&format!(
                    "the attribute {name} without a value on <{element}>"
                ));
            }
            if name.starts_with("on") || !allowed(&element, &name, value.filter(|_| strict)) {
                fail(&format!("the attribute {name}={value:?} on <{element}>"));
            }
        }
    }
}

/// The site's minifier settings (src/render/pages.rs), which once overflowed its stack on deeply
/// nested markup.
fn minify(html: &str) -> String {
    let mut cfg = minify_html::Cfg::new();
    cfg.keep_html_and_head_opening_tags = true;
    cfg.keep_closing_tags = true;
    String::from_utf8(minify_html::minify(html.as_bytes(), &cfg)).expect("minified HTML is UTF-8")
}

fuzz_target!(|markdown: &str| {
    let rendered = render_untrusted(markdown);
    // Text is escaped, so these can only be markup the renderer wrote.
    let lower = rendered.html.to_ascii_lowercase();
    for forbidden in [
        "<script", "<img", "<iframe", "<style", "<svg", "<object", "<embed",
    ] {
        assert!(
            !lower.contains(forbidden),
            "{forbidden} in {:?}",
            rendered.html
        );
    }
    check_tags(&rendered.html, markdown, true);
    // The minifier decodes what it can: it must not turn escaped text into markup.
    check_tags(&minify(&rendered.html), markdown, false);
    let _ = render_trusted(markdown, "/archive/");
});
