//! One content file as text: decoding, front matter splitting (line by line, not a regex), and
//! YAML parsing whose error positions are counted from the start of the *file*.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, did_you_mean};

/// A content file's text with what is needed to point at a place in it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Shown in messages: relative to the site directory.
    pub path: PathBuf,
    /// The text, without a byte-order mark; line endings as in the file.
    pub text: String,
}

impl SourceFile {
    /// Decodes bytes read from `path`: UTF-8, with or without a byte-order mark.
    pub fn decode(path: PathBuf, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
        match String::from_utf8(bytes) {
            Ok(mut text) => {
                if text.starts_with('\u{feff}') {
                    text.drain(..'\u{feff}'.len_utf8());
                }
                Ok(SourceFile { path, text })
            }
            Err(error) => {
                let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
                let valid = String::from_utf8_lossy(valid);
                let line = valid.matches('\n').count() + 1;
                let column = valid.rsplit('\n').next().map_or(0, |s| s.chars().count()) + 1;
                Err(Diagnostic::error(
                    path,
                    "this file is not valid UTF-8 text (it may have been saved in another encoding)",
                )
                .at(&valid, line, column)
                .hint("open it in a text editor and save it again as UTF-8"))
            }
        }
    }

    pub fn error(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.path.clone(), message)
    }

    /// A diagnostic pointing at `line`:`column` (1-based) of this file.
    pub fn error_at(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.path.clone(), message).at(&self.text, line, column)
    }

    pub fn warning_at(&self, line: usize, column: usize, message: impl Into<String>) -> Diagnostic {
        Diagnostic::warning(self.path.clone(), message).at(&self.text, line, column)
    }

    /// The whole file as one YAML document (site.yaml, schools.yaml).
    pub fn as_yaml(&self) -> Yaml<'_> {
        Yaml {
            file: self,
            text: &self.text,
            first_line: 1,
            front_matter: false,
        }
    }

    /// Splits `---` front matter from the body.
    pub fn split_front_matter(&self) -> Result<(Yaml<'_>, Body<'_>), Diagnostic> {
        let mut lines = LineSpans::new(&self.text);
        let Some((first, _)) = lines.next() else {
            return Err(self
                .error("this file is empty")
                .hint("a content file starts with a line `---`, its fields, another `---` line, then the text"));
        };
        if first.trim_end() != "---" {
            return Err(self
                .error_at(1, 1, "this file does not start with front matter")
                .hint("put a line with only `---` first, then the fields (such as `id:` and `status:`), then another `---` line, then the text"));
        }
        let yaml_start = first.len();
        for (number, (line, start)) in lines.enumerate() {
            if line.trim_end() == "---" {
                let yaml = &self.text[yaml_start..start];
                let body_start = start + line.len();
                let line_number = number + 2;
                return Ok((
                    Yaml {
                        file: self,
                        text: yaml,
                        first_line: 2,
                        front_matter: true,
                    },
                    Body {
                        text: &self.text[body_start..],
                        first_line: line_number + 1,
                    },
                ));
            }
        }
        Err(self
            .error_at(1, 1, "the front matter is never closed")
            .width(3)
            .hint("add a line with only `---` after the last field, before the text"))
    }
}

/// The Markdown after the front matter.
#[derive(Debug, Clone, Copy)]
pub struct Body<'a> {
    pub text: &'a str,
    /// The file line the body starts on.
    pub first_line: usize,
}

/// Lines with their byte offsets, each line including its line ending.
struct LineSpans<'a> {
    text: &'a str,
    offset: usize,
}

impl<'a> LineSpans<'a> {
    fn new(text: &'a str) -> Self {
        LineSpans { text, offset: 0 }
    }
}

impl<'a> Iterator for LineSpans<'a> {
    type Item = (&'a str, usize);

    fn next(&mut self) -> Option<Self::Item> {
        if self.offset >= self.text.len() {
            return None;
        }
        let rest = &self.text[self.offset..];
        let length = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let start = self.offset;
        self.offset += length;
        Some((&rest[..length], start))
    }
}

/// A YAML document inside a file, knowing the file line it starts on.
#[derive(Debug, Clone, Copy)]
pub struct Yaml<'a> {
    pub file: &'a SourceFile,
    pub text: &'a str,
    /// The file line of the document's first line.
    pub first_line: usize,
    /// Whether it is a content file's front matter (or a whole YAML file, such as site.yaml).
    pub front_matter: bool,
}

impl Yaml<'_> {
    /// Parses the document as `T`. `fields` are the keys `T` accepts, for did-you-mean hints.
    pub fn parse<T: DeserializeOwned>(&self, fields: &[&str]) -> Result<T, Diagnostic> {
        serde_yaml::from_str::<T>(self.text).map_err(|error| self.explain(&error, fields))
    }

    /// Turns a serde_yaml error into a diagnostic at the right place of the file.
    fn explain(&self, error: &serde_yaml::Error, fields: &[&str]) -> Diagnostic {
        // serde_yaml writes positions into its messages; the diagnostic gives them once.
        let message = without_positions(&error.to_string());
        let (line, column) = match error.location() {
            Some(location) => (self.first_line + location.line() - 1, location.column()),
            None => (self.first_line.saturating_sub(1).max(1), 0),
        };
        let place = if self.front_matter {
            "the front matter".to_string()
        } else if self.text.trim_start().starts_with('-') {
            format!("this entry of {}", self.file.path.display())
        } else {
            self.file.path.display().to_string()
        };
        let (message, hint, width) = plain_words(&message, fields, &place);
        let mut diagnostic = self.file.error_at(line, column, message).width(width);
        if let Some(hint) = hint {
            diagnostic = diagnostic.hint(hint);
        }
        diagnostic
    }

    /// The position of a top-level `key:` and of its value, as file (line, column).
    pub fn key_position(&self, key: &str) -> Option<(usize, usize)> {
        self.text.lines().enumerate().find_map(|(index, line)| {
            let rest = line.strip_prefix(key)?;
            rest.trim_start()
                .starts_with(':')
                .then_some((self.first_line + index, 1))
        })
    }

    /// The value written on a top-level `key:` line, without its comment, read without
    /// parsing the rest of the document: it is there even when a mistake elsewhere stops the
    /// parse (so `testimony new` counts the id of a file with a typo in it).
    pub fn top_level_value(&self, key: &str) -> Option<&str> {
        let (line, _) = self.key_position(key)?;
        let text = self.text.lines().nth(line - self.first_line)?;
        let value = text[key.len()..].trim_start().strip_prefix(':')?;
        Some(value.split('#').next().unwrap_or_default().trim())
    }

    /// Where `needle` is written in the value of top-level `key` (which may continue on the
    /// following indented lines), as file (line, column); the key's own position otherwise.
    pub fn value_position(&self, key: &str, needle: &str) -> (usize, usize) {
        let Some((key_line, _)) = self.key_position(key) else {
            return (self.first_line.saturating_sub(1).max(1), 0);
        };
        let start = key_line - self.first_line;
        for (offset, line) in self.text.lines().enumerate().skip(start) {
            let is_continuation = offset == start || line.starts_with([' ', '\t', '-']);
            if !is_continuation {
                break;
            }
            let search_from = if offset == start { key.len() + 1 } else { 0 };
            if let Some(found) = line.get(search_from..).and_then(|rest| rest.find(needle)) {
                let column = line[..search_from + found].chars().count() + 1;
                return (self.first_line + offset, column);
            }
        }
        (key_line, 1)
    }
}

/// Removes every " at line L column C" from a serde_yaml message.
fn without_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(index) = rest.find(" at line ") {
        out.push_str(&rest[..index]);
        let after = &rest[index + " at line ".len()..];
        let skip_number = |s: &str| {
            s.trim_start_matches(|c: char| c.is_ascii_digit())
                .to_string()
        };
        let after_line = skip_number(after);
        rest = match after_line.strip_prefix(" column ") {
            Some(column) => &rest[rest.len() - skip_number(column).len()..],
            None => &rest[rest.len() - after_line.len()..],
        };
    }
    out.push_str(rest);
    out
}

/// serde's messages, said the way a volunteer would understand them, with a hint and how
/// many characters the caret should underline. `place` is where a missing field goes: "the
/// front matter", "content/site.yaml".
fn plain_words(message: &str, fields: &[&str], place: &str) -> (String, Option<String>, usize) {
    if let Some(rest) = message.split("unknown field `").nth(1) {
        let name = rest.split('`').next().unwrap_or_default();
        let prefix = message.split("unknown field").next().unwrap_or_default();
        let message = format!("{prefix}unknown field `{name}`");
        let hint = match did_you_mean(name, fields.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("the fields allowed here are: {}", fields.join(", ")),
        };
        return (message, Some(hint), name.chars().count());
    }
    if let Some(rest) = message.split("missing field `").nth(1) {
        let name = rest.split('`').next().unwrap_or_default();
        return (
            format!("the required field `{name}` is missing"),
            Some(format!("add a line `{name}: ...` to {place}")),
            1,
        );
    }
    if message.contains("tab character") {
        return (
            "a tab is used for indentation here; YAML allows only spaces".to_string(),
            Some("replace the tab at the start of this line with spaces, or remove it".to_string()),
            1,
        );
    }
    if message.contains("unknown variant") {
        let given = message
            .split("unknown variant `")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
            .unwrap_or_default();
        let expected: Vec<&str> = message
            .split("expected ")
            .nth(1)
            .unwrap_or_default()
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        let path = message.split(':').next().unwrap_or("value");
        let field = path.rsplit('.').next().unwrap_or(path);
        let hint = match did_you_mean(given, expected.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("use one of: {}", expected.join(", ")),
        };
        return (
            format!("`{given}` is not a valid {field}"),
            Some(hint),
            given.chars().count(),
        );
    }
    if message.contains("found character that cannot start any token") {
        return (
            "this line cannot be read as YAML (a tab used for indentation, or a stray character)"
                .to_string(),
            Some(
                "indent with spaces, never tabs, and put text that starts with @, ` or % in quotes"
                    .to_string(),
            ),
            1,
        );
    }
    if message.contains("mapping values are not allowed") {
        return (
            "this line cannot be read as YAML (a colon inside a value?)".to_string(),
            Some("put a value that contains `: ` in double quotes".to_string()),
            1,
        );
    }
    if message.contains("did not find expected") || message.contains("while parsing") {
        return (
            format!("this cannot be read as YAML: {message}"),
            Some("check the indentation and that every [ and \" is closed".to_string()),
            1,
        );
    }
    if message.contains("repetition limit exceeded") || message.contains("recursion limit") {
        return (
            "this YAML is too deeply nested or expands too much".to_string(),
            Some(
                "front matter needs only simple fields; remove anchors (&) and aliases (*)"
                    .to_string(),
            ),
            1,
        );
    }
    if let Some((field, rest)) = message.split_once(": invalid type: ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another kind of value"));
        return (
            format!("`{field}` should be {expected}, not {found}"),
            field_hint(field).map(str::to_string),
            1,
        );
    }
    (message.to_string(), None, 1)
}

/// What a field's value looks like, for type mistakes.
fn field_hint(field: &str) -> Option<&'static str> {
    Some(match field.split(['[', '.']).next().unwrap_or(field) {
        "id" => "write a whole number such as `id: 1042`",
        "published" | "date" => "write a date such as `2021-03-28`",
        "schools" => "write a list such as `schools: [northbridge-academy]`",
        "tags" => "write a list such as `tags: [harassment]`",
        "content_warnings" => "write a list such as `content_warnings: [sexual harassment]`",
        "title" | "summary" => {
            "write the text after the colon; put it in double quotes if it contains a colon"
        }
        "menu" | "per_page" => "write a whole number",
        "draft" => "write `true` or `false`",
        _ => return None,
    })
}

/// The path of a content file as shown to volunteers.
pub fn relative(site_dir: &Path, path: &Path) -> PathBuf {
    crate::diagnostics::display_path(site_dir, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: "content/testimonies/a.md".into(),
            text: text.to_string(),
        }
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fields {
        id: u64,
        tags: Option<Vec<String>>,
    }

    #[test]
    fn errors_are_counted_from_the_start_of_the_file() {
        let source = file("---\nid: 1\ntag: [a]\n---\nbody\n");
        let (yaml, body) = source.split_front_matter().unwrap();
        assert_eq!(body.first_line, 5);
        let error = yaml.parse::<Fields>(&["id", "tags"]).unwrap_err();
        assert_eq!((error.line, error.column), (3, 1));
        assert_eq!(error.message, "unknown field `tag`");
        assert_eq!(error.hint.as_deref(), Some("did you mean `tags`?"));
    }

    #[test]
    fn positions_are_taken_out_of_messages() {
        assert_eq!(
            without_positions("found a tab at line 3 column 1, while scanning at line 2 column 5"),
            "found a tab, while scanning"
        );
    }

    #[test]
    fn crlf_and_bom_are_accepted() {
        let source = SourceFile::decode(
            "a.md".into(),
            b"\xef\xbb\xbf---\r\nid: 7\r\n---\r\nbody\r\n".to_vec(),
        )
        .unwrap();
        let (yaml, body) = source.split_front_matter().unwrap();
        assert_eq!(yaml.parse::<Fields>(&[]).unwrap().id, 7);
        assert_eq!(body.text, "body\r\n");
    }

    #[test]
    fn unclosed_front_matter_is_reported() {
        let error = file("---\nid: 1\nbody\n").split_front_matter().unwrap_err();
        assert_eq!(error.message, "the front matter is never closed");
    }

    #[test]
    fn value_positions_find_list_items() {
        let source = file("---\nid: 1\nschools:\n  - a-school\n  - Northbrige\n---\n");
        let (yaml, _) = source.split_front_matter().unwrap();
        assert_eq!(yaml.value_position("schools", "Northbrige"), (5, 5));
        assert_eq!(yaml.key_position("id"), Some((2, 1)));
    }
}
