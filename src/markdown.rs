//! Markdown to HTML. Testimonies are untrusted: raw HTML becomes visible text, images become
//! their alt text, and a link survives only when it is `https:`, with
//! `rel="nofollow noopener noreferrer"`. Updates and pages are the campaign's own words and may
//! use raw HTML.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use pulldown_cmark_escape::escape_href;

const LINK_REL: &str = "nofollow noopener noreferrer";

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_SMART_PUNCTUATION
}

/// A testimony body, rendered safely.
pub struct RenderedTestimony {
    pub html: String,
    pub text: String,
}

/// How deeply blocks and inline markup may nest in a testimony. Deeper markup keeps its text
/// but loses its structure: nothing a reader needs nests this far, and thousands of levels
/// would exhaust the minifier's and browsers' stacks.
const MAX_DEPTH: usize = 16;

/// Drops the start and end of any element nested deeper than [`MAX_DEPTH`], keeping its text.
fn limit_depth<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut kept: Vec<bool> = Vec::new();
    let mut depth = 0;
    events.filter(move |event| match event {
        Event::Start(_) => {
            let keep = depth < MAX_DEPTH;
            depth += usize::from(keep);
            kept.push(keep);
            keep
        }
        Event::End(_) => {
            let keep = kept.pop().unwrap_or(true);
            depth -= usize::from(keep);
            keep
        }
        _ => true,
    })
}

/// Renders untrusted Markdown: the HTML is safe to publish, the text is for excerpts and search.
pub fn render_untrusted(markdown: &str) -> RenderedTestimony {
    let mut kept_links: Vec<bool> = Vec::new();
    let parser = limit_depth(Parser::new_ext(markdown, options()));
    let events = parser.filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        // A raw HTML block becomes a paragraph of its own visible text.
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        // Images are never shown: only their alt text, which follows as text events.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link { dest_url, .. }) => {
            let keep = is_safe_link(&dest_url);
            kept_links.push(keep);
            keep.then(|| Event::Html(open_link(&dest_url).into()))
        }
        Event::End(TagEnd::Link) => kept_links
            .pop()
            .unwrap_or(false)
            .then(|| Event::Html("</a>".into())),
        // The testimony's title is the page's h1: its own headings start at h3.
        Event::Start(Tag::Heading { level, .. }) => Some(Event::Start(Tag::Heading {
            level: demote(level),
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(demote(level)))),
        other => Some(other),
    });
    let events: Vec<Event> = events.collect();
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html_out, events.iter().cloned());
    RenderedTestimony {
        html: html_out,
        text: plain_text(&events),
    }
}

/// Renders the campaign's own Markdown (updates, pages, the support block). A link or image
/// written from the site root (`/support/`) is given the site's path prefix (`root`), so the
/// same content works at `https://example.org/` and at `https://example.github.io/archive/`.
pub fn render_trusted(markdown: &str, root: &str) -> String {
    let prefix = |url: CowStr<'_>| -> CowStr<'static> {
        match url.strip_prefix('/') {
            Some(rest) if !rest.starts_with('/') => format!("{root}{rest}").into(),
            _ => url.into_string().into(),
        }
    };
    let events = limit_depth(Parser::new_ext(markdown, options())).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: prefix(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: prefix(dest_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Only absolute https links, with nothing a browser could read differently.
fn is_safe_link(url: &str) -> bool {
    url.len() > "https://".len()
        && url.starts_with("https://")
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

fn open_link(url: &str) -> String {
    // escape_href percent-encodes quotes and angle brackets and writes `&` as `&amp;`: its
    // output is safe inside a double-quoted attribute as it is (pulldown-cmark does the same).
    let mut href = String::new();
    escape_href(&mut href, url).expect("writing to a String cannot fail");
    format!(r#"<a href="{href}" rel="{LINK_REL}">"#)
}

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// The words of a rendered document, blocks separated by a space.
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::SoftBreak | Event::HardBreak | Event::End(_)
                if !is_inline_end(event) && !text.ends_with(' ') && !text.is_empty() =>
            {
                text.push(' ');
            }
            _ => {}
        }
    }
    text.trim_end().to_string()
}

fn is_inline_end(event: &Event) -> bool {
    matches!(
        event,
        Event::End(
            TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image
        )
    )
}

/// How many words of a testimony its excerpt in lists and feeds shows.
pub const EXCERPT_WORDS: usize = 40;

/// The first `words` words of `text`, with an ellipsis when cut.
pub fn excerpt(text: &str, words: usize) -> String {
    let mut iter = text.split_whitespace();
    let mut out: Vec<&str> = iter.by_ref().take(words).collect();
    if iter.next().is_some() {
        if let Some(last) = out.last_mut() {
            *last = last.trim_end_matches(|c: char| c.is_ascii_punctuation());
        }
        format!("{}…", out.join(" "))
    } else {
        std::mem::take(&mut out).join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_shown_as_text() {
        let out = render_untrusted("Hello <script>alert(1)</script> <b onclick=x>bold</b>");
        assert!(!out.html.contains("<script"));
        assert!(out.html.contains("&lt;script&gt;"));
        assert!(!out.html.contains("<b "));
    }

    #[test]
    fn only_https_links_survive_with_rel() {
        let out = render_untrusted(
            "[a](https://example.org/x) [b](javascript:alert(1)) [c](http://example.org) ![i](https://example.org/i.png)",
        );
        assert!(out.html.contains(
            r#"<a href="https://example.org/x" rel="nofollow noopener noreferrer">a</a>"#
        ));
        assert!(!out.html.contains("javascript:"));
        assert!(!out.html.contains("http://example.org"));
        assert!(!out.html.contains("<img"));
        assert!(out.html.contains(" i"));
    }

    #[test]
    fn link_addresses_are_escaped_once() {
        let out = render_untrusted(r#"[a](https://example.org/?a=1&b=2'"x)"#);
        assert!(
            out.html
                .contains(r#"href="https://example.org/?a=1&amp;b=2&#x27;%22x""#),
            "{}",
            out.html
        );
    }

    #[test]
    fn headings_are_demoted_and_text_is_plain() {
        let out = render_untrusted("# Title\n\nSome *words* here.\n\n- one\n- two");
        assert!(out.html.contains("<h3>Title</h3>"));
        assert_eq!(out.text, "Title Some words here. one two");
    }

    #[test]
    fn site_links_in_campaign_text_get_the_path_prefix() {
        let html = render_trusted(
            "[support](/support/) [x](https://example.org/) [y](//cdn.example/)",
            "/archive/",
        );
        assert!(html.contains(r#"href="/archive/support/""#));
        assert!(html.contains(r#"href="https://example.org/""#));
        assert!(html.contains(r#"href="//cdn.example/""#));
    }

    #[test]
    fn markup_nested_thousands_deep_keeps_its_text_but_not_its_depth() {
        for markdown in [
            ">".repeat(50_000) + " deep",
            "- ".repeat(20_000) + "deep",
            "*".repeat(30_000) + "deep" + &"*".repeat(30_000),
        ] {
            let out = render_untrusted(&markdown);
            assert!(out.text.contains("deep"));
            assert!(out.html.matches("<blockquote>").count() <= MAX_DEPTH);
            assert!(out.html.matches("<li>").count() <= MAX_DEPTH);
            assert!(out.html.matches("<em>").count() <= MAX_DEPTH);
        }
    }

    #[test]
    fn excerpts_cut_at_a_word() {
        assert_eq!(excerpt("one two, three four", 2), "one two…");
        assert_eq!(excerpt("one two", 5), "one two");
    }
}
