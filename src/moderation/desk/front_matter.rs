//! Changing a testimony file's front matter line by line, so that every field, comment and
//! byte the desk does not mean to change stays as it was. Values are written as YAML
//! double-quoted strings ([`quoted`]) unless they are dates or statuses.
//!
//! The file is not re-serialized: a field is a top-level line `key: ...` with the lines that
//! continue it (indented, or `- ` items); `moderation:` is a block of such lines one level in.

use std::ops::Range;

/// Why a file could not be changed by the desk (it is left as it was).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("the file does not start with a `---` line")]
    NoFrontMatter,
    #[error("the file's front matter is never closed by a `---` line")]
    Unclosed,
    #[error("`{0}:` is written on one line in this file; change it in a text editor, then reload")]
    Inline(String),
}

/// A testimony file's lines, and where its front matter is.
struct Lines<'a> {
    lines: Vec<&'a str>,
    /// The closing `---` line: the front matter is `1..close`.
    close: usize,
    newline: &'static str,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Result<Self, EditError> {
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        if lines.first().map(|l| l.trim_end()) != Some("---") {
            return Err(EditError::NoFrontMatter);
        }
        let close = (1..lines.len())
            .find(|&i| lines[i].trim_end() == "---")
            .ok_or(EditError::Unclosed)?;
        let newline = if lines[0].ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        Ok(Lines {
            lines,
            close,
            newline,
        })
    }

    /// The line of the top-level `key:`.
    fn top_level(&self, key: &str) -> Option<usize> {
        (1..self.close).find(|&i| is_key_line(self.lines[i], "", key))
    }

    /// The lines after `start` (a key's line) that continue its value: more indented than
    /// `indent`, or items of a block list at `indent`. Blank lines after the last of them are
    /// not part of it.
    fn continued(&self, start: usize, indent: usize) -> usize {
        let mut end = start + 1;
        let mut i = start + 1;
        while i < self.close {
            let line = self.lines[i];
            let trimmed = line.trim_start_matches([' ', '\t']);
            let depth = line.len() - trimmed.len();
            if trimmed.trim().is_empty() {
                i += 1;
                continue;
            }
            let item = trimmed.starts_with("- ") || trimmed.trim_end() == "-";
            if depth > indent || (depth == indent && item) {
                i += 1;
                end = i;
            } else {
                break;
            }
        }
        end
    }

    fn join(&self, replace: Range<usize>, with: &[String]) -> String {
        let mut out = String::new();
        for line in &self.lines[..replace.start] {
            out.push_str(line);
        }
        for line in with {
            out.push_str(line);
            out.push_str(self.newline);
        }
        for line in &self.lines[replace.end..] {
            out.push_str(line);
        }
        out
    }
}

/// Whether `line` is `{indent}{key}:` followed by a space, a comment or the line's end.
fn is_key_line(line: &str, indent: &str, key: &str) -> bool {
    let Some(rest) = line
        .strip_prefix(indent)
        .and_then(|l| l.strip_prefix(key))
        .and_then(|l| l.strip_prefix(':'))
    else {
        return false;
    };
    rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n'])
}

/// The value written after `key:` on its own line, without a comment or the line ending.
fn inline_value<'a>(line: &'a str, key: &str) -> &'a str {
    let rest = line.trim_start();
    let rest = &rest[key.len() + 1..];
    rest.trim()
}

/// `text` as a YAML double-quoted string. JSON's escapes are YAML's; line and paragraph
/// separators, which YAML would fold, become spaces.
pub fn quoted(text: &str) -> String {
    let text: String = text
        .chars()
        .map(|c| match c {
            '\u{2028}' | '\u{2029}' | '\u{85}' => ' ',
            c => c,
        })
        .collect();
    serde_json::to_string(&text).expect("a string serializes")
}

/// A flow list of quoted strings: `["a", "b"]`.
pub fn quoted_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.into_iter().map(quoted).collect();
    format!("[{}]", items.join(", "))
}

/// Sets the top-level field `key` to `value` (YAML, already quoted as needed), replacing its
/// line and any lines continuing it. A missing field goes after the first of `after` the
/// file has, or else at the end of the front matter.
pub fn set_field(text: &str, key: &str, value: &str, after: &[&str]) -> Result<String, EditError> {
    let lines = Lines::new(text)?;
    let new = vec![format!("{key}: {value}")];
    if let Some(start) = lines.top_level(key) {
        let end = lines.continued(start, 0);
        return Ok(lines.join(start..end, &new));
    }
    let at = after
        .iter()
        .find_map(|k| lines.top_level(k))
        .map_or(lines.close, |start| lines.continued(start, 0));
    Ok(lines.join(at..at, &new))
}

/// The `moderation:` block: its line, where it ends, and its entries' indent.
struct Block {
    start: usize,
    end: usize,
    indent: String,
}

fn moderation_block(lines: &Lines) -> Result<Option<Block>, EditError> {
    let Some(start) = lines.top_level("moderation") else {
        return Ok(None);
    };
    let value = inline_value(lines.lines[start], "moderation");
    if !value.is_empty() && !value.starts_with('#') {
        return Err(EditError::Inline("moderation".into()));
    }
    let end = lines.continued(start, 0);
    let indent = lines.lines[start + 1..end]
        .iter()
        .find(|l| !l.trim().is_empty())
        .map(|l| l[..l.len() - l.trim_start_matches([' ', '\t']).len()].to_string())
        .unwrap_or_else(|| "  ".into());
    Ok(Some(Block { start, end, indent }))
}

/// Sets `moderation.{key}` to `value` (YAML, already quoted), adding `moderation:` if the
/// file has none.
pub fn set_note(text: &str, key: &str, value: &str) -> Result<String, EditError> {
    let lines = Lines::new(text)?;
    let Some(block) = moderation_block(&lines)? else {
        let new = ["moderation:".to_string(), format!("  {key}: {value}")];
        return Ok(lines.join(lines.close..lines.close, &new));
    };
    let new = vec![format!("{}{key}: {value}", block.indent)];
    let existing =
        (block.start + 1..block.end).find(|&i| is_key_line(lines.lines[i], &block.indent, key));
    match existing {
        Some(start) => {
            let end = lines.continued(start, block.indent.len());
            Ok(lines.join(start..end, &new))
        }
        None => Ok(lines.join(block.end..block.end, &new)),
    }
}

/// Adds `word` to `moderation.allow`, whether that is written `allow: [...]` or as a block
/// list, adding the list (and `moderation:`) if the file has none.
pub fn add_allowed(text: &str, word: &str) -> Result<String, EditError> {
    let lines = Lines::new(text)?;
    let Some(block) = moderation_block(&lines)? else {
        return set_note(text, "allow", &quoted_list([word]));
    };
    let Some(start) =
        (block.start + 1..block.end).find(|&i| is_key_line(lines.lines[i], &block.indent, "allow"))
    else {
        return set_note(text, "allow", &quoted_list([word]));
    };
    let line = lines.lines[start];
    let value = inline_value(line, "allow");
    if value.is_empty() {
        // A block list: one more item, indented as the others.
        let end = lines.continued(start, block.indent.len());
        let item_indent = lines.lines[start + 1..end]
            .iter()
            .find(|l| !l.trim().is_empty())
            .map(|l| l[..l.len() - l.trim_start_matches([' ', '\t']).len()].to_string())
            .unwrap_or_else(|| format!("{}  ", block.indent));
        let new = [format!("{item_indent}- {}", quoted(word))];
        return Ok(lines.join(end..end, &new));
    }
    let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) else {
        return Err(EditError::Inline("allow".into()));
    };
    let items = if inner.trim().is_empty() {
        quoted(word)
    } else {
        format!("{}, {}", inner.trim_end(), quoted(word))
    };
    let new = [format!("{}allow: [{items}]", block.indent)];
    Ok(lines.join(start..start + 1, &new))
}

/// Where the title's text is in the file: on the top-level `title:` line, if written there as
/// it reads (quoting with escapes hides it).
pub fn title_offset(text: &str, title: &str) -> Option<usize> {
    let lines = Lines::new(text).ok()?;
    let index = lines.top_level("title")?;
    let line_start: usize = lines.lines[..index].iter().map(|l| l.len()).sum();
    let line = lines.lines[index];
    let within = line["title:".len()..].find(title)? + "title:".len();
    Some(line_start + within)
}

/// Where the body (the text after the closing `---` line) starts.
pub fn body_start(text: &str) -> Result<usize, EditError> {
    let lines = Lines::new(text)?;
    Ok(lines.lines[..=lines.close].iter().map(|l| l.len()).sum())
}

/// Replaces the body with `body`, in the file's line endings, ending with a line ending.
pub fn replace_body(text: &str, body: &str) -> Result<String, EditError> {
    let lines = Lines::new(text)?;
    let start = body_start(text)?;
    let mut body = body.replace("\r\n", "\n").replace('\r', "\n");
    if !body.ends_with('\n') {
        body.push('\n');
    }
    if lines.newline == "\r\n" {
        body = body.replace('\n', "\r\n");
    }
    Ok(format!("{}{body}", &text[..start]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "---\nid: 7\nstatus: pending # not yet\nschools:\n  - northbridge-academy\ntitle: \"A walk\"\n\nmoderation:\n  imported: 2024-05-01\n  allow: [Hartley]\n---\nThe body\n\nstays.\n";

    #[test]
    fn a_field_is_replaced_and_nothing_else_moves() {
        let out = set_field(FILE, "status", "approved", &[]).unwrap();
        assert_eq!(
            out,
            FILE.replace("status: pending # not yet", "status: approved")
        );
    }

    #[test]
    fn a_block_list_field_is_replaced_with_its_items() {
        let out = set_field(FILE, "schools", "[\"hollowmere\"]", &[]).unwrap();
        assert_eq!(
            out,
            FILE.replace(
                "schools:\n  - northbridge-academy\n",
                "schools: [\"hollowmere\"]\n"
            )
        );
    }

    #[test]
    fn a_missing_field_goes_after_the_one_named() {
        let out = set_field(FILE, "published", "2024-06-01", &["status"]).unwrap();
        assert_eq!(
            out,
            FILE.replace("# not yet\n", "# not yet\npublished: 2024-06-01\n")
        );
        let out = set_field(FILE, "tags", "[]", &["nothing"]).unwrap();
        assert_eq!(out, FILE.replace("---\nThe", "tags: []\n---\nThe"));
    }

    #[test]
    fn notes_are_set_under_moderation() {
        let out = set_note(FILE, "rejected_reason", &quoted("Not a \"school\"\nstory")).unwrap();
        assert_eq!(
            out,
            FILE.replace(
                "[Hartley]\n",
                "[Hartley]\n  rejected_reason: \"Not a \\\"school\\\"\\nstory\"\n"
            )
        );
        let out = set_note(FILE, "imported", "2024-05-02").unwrap();
        assert_eq!(out, FILE.replace("2024-05-01", "2024-05-02"));
        let bare = "---\nid: 1\nstatus: pending\n---\nText\n";
        assert_eq!(
            set_note(bare, "rejected", "2024-01-01").unwrap(),
            "---\nid: 1\nstatus: pending\nmoderation:\n  rejected: 2024-01-01\n---\nText\n"
        );
        let inline = "---\nid: 1\nmoderation: {allow: [x]}\n---\n";
        assert_eq!(
            set_note(inline, "a", "b"),
            Err(EditError::Inline("moderation".into()))
        );
    }

    #[test]
    fn allowed_words_are_added_to_either_kind_of_list() {
        let out = add_allowed(FILE, "Greenwood").unwrap();
        assert_eq!(out, FILE.replace("[Hartley]", "[Hartley, \"Greenwood\"]"));
        let block = "---\nid: 1\nmoderation:\n    allow:\n      - Hartley\n    imported: 2024-05-01\n---\nText\n";
        assert_eq!(
            add_allowed(block, "Ashley").unwrap(),
            block.replace("- Hartley\n", "- Hartley\n      - \"Ashley\"\n")
        );
        let none = "---\nid: 1\nmoderation:\n  imported: 2024-05-01\n---\nText\n";
        assert_eq!(
            add_allowed(none, "Ashley").unwrap(),
            none.replace("01\n", "01\n  allow: [\"Ashley\"]\n")
        );
        let empty = "---\nid: 1\nmoderation:\n  allow: []\n---\n";
        assert_eq!(
            add_allowed(empty, "Ashley").unwrap(),
            empty.replace("[]", "[\"Ashley\"]")
        );
    }

    #[test]
    fn the_body_is_replaced_in_the_files_line_endings() {
        let out = replace_body(FILE, "New\r\ntext").unwrap();
        assert_eq!(out, FILE.replace("The body\n\nstays.\n", "New\ntext\n"));
        let crlf = "---\r\nid: 1\r\n---\r\nOld\r\n";
        assert_eq!(
            replace_body(crlf, "New\nlines").unwrap(),
            "---\r\nid: 1\r\n---\r\nNew\r\nlines\r\n"
        );
        assert_eq!(
            set_field(crlf, "status", "approved", &[]).unwrap(),
            "---\r\nid: 1\r\nstatus: approved\r\n---\r\nOld\r\n"
        );
    }

    #[test]
    fn files_without_front_matter_are_refused() {
        assert_eq!(
            set_field("Text\n", "a", "b", &[]),
            Err(EditError::NoFrontMatter)
        );
        assert_eq!(
            set_field("---\nid: 1\n", "a", "b", &[]),
            Err(EditError::Unclosed)
        );
    }
}
