//! Content mistakes, reported the way a volunteer can act on them: the file, the line and
//! column in that file, what is wrong in plain words, and how to fix it. Every mistake of a run
//! is collected and reported together, so one build shows them all.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// The file, as the volunteer knows it: relative to the site directory.
    pub path: PathBuf,
    /// 1-based; 0 when the mistake concerns the whole file.
    pub line: usize,
    /// 1-based; 0 when the mistake concerns the whole line or file.
    pub column: usize,
    /// How many characters the caret underlines (at least 1).
    pub width: usize,
    pub message: String,
    pub hint: Option<String>,
    /// The text of `line`, for the excerpt under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line: 0,
            column: 0,
            width: 1,
            message: message.into(),
            hint: None,
            source_line: None,
        }
    }

    pub fn warning(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, message)
        }
    }

    /// Points the diagnostic at `line`:`column` of `source` (the whole file text), so the
    /// excerpt can show the line.
    pub fn at(mut self, source: &str, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self.source_line = line
            .checked_sub(1)
            .and_then(|index| source.lines().nth(index))
            .map(|text| text.trim_end_matches('\r').to_string());
        self
    }

    /// Points the diagnostic at `line`:`column`, given that line's text.
    pub fn at_line(mut self, line: usize, column: usize, text: &str) -> Self {
        self.line = line;
        self.column = column;
        self.source_line = Some(text.trim_end_matches('\r').to_string());
        self
    }

    pub fn width(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col`, leaving out what is unknown.
    pub fn location(&self) -> String {
        let path = self.path.display();
        match (self.line, self.column) {
            (0, _) => format!("{path}"),
            (line, 0) => format!("{path}:{line}"),
            (line, column) => format!("{path}:{line}:{column}"),
        }
    }
}

impl fmt::Display for Diagnostic {
    /// ```text
    /// content/testimonies/1042.md:3:1: error: unknown field `tag`
    ///    |
    ///  3 | tag: [harassment]
    ///    | ^^^
    ///    = hint: did you mean `tags`?
    /// ```
    /// The alternate form (`{:#}`) adds terminal colours.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let paint = Paint(f.alternate());
        let (label, colour) = match self.severity {
            Severity::Error => ("error", RED),
            Severity::Warning => ("warning", YELLOW),
        };
        write!(
            f,
            "{}: {}: {}",
            paint.on(BOLD, &self.location()),
            paint.on(colour, label),
            paint.on(BOLD, &self.message)
        )?;
        let gutter = self.line.to_string().len();
        if let Some(text) = &self.source_line {
            let pad = " ".repeat(gutter);
            let bar = paint.on(BLUE, "|");
            write!(
                f,
                "\n{pad} {bar}\n{} {bar} {}",
                paint.on(BLUE, &self.line.to_string()),
                text.replace('\t', " ")
            )?;
            if self.column > 0 {
                let length = text.chars().count();
                let before = (self.column - 1).min(length);
                let available = length.saturating_sub(before).max(1);
                let carets = "^".repeat(self.width.min(available));
                write!(
                    f,
                    "\n{pad} {bar} {}{}",
                    " ".repeat(before),
                    paint.on(colour, &carets)
                )?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(
                f,
                "\n{} = {}: {hint}",
                " ".repeat(gutter),
                paint.on(CYAN, "hint")
            )?;
        }
        Ok(())
    }
}

const BOLD: &str = "1";
const RED: &str = "1;31";
const YELLOW: &str = "1;33";
const BLUE: &str = "1;34";
const CYAN: &str = "1;36";

/// ANSI colours, or nothing.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn on(self, style: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{style}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// Whether to colour what goes to standard error: a terminal, and `NO_COLOR` not set.
pub fn colour_stderr() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// All the mistakes found in one run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Sorted by file, then position, so the report reads top to bottom.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
        });
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in self.clone().sorted() {
            if f.alternate() {
                writeln!(f, "{diagnostic:#}\n")?;
            } else {
                writeln!(f, "{diagnostic}\n")?;
            }
        }
        let errors = self.error_count();
        let warnings = self.warning_count();
        write!(
            f,
            "{} and {} found.",
            plural(errors, "error"),
            plural(warnings, "warning")
        )?;
        if errors > 0 {
            write!(
                f,
                " Nothing was written: fix the errors above and run the command again."
            )?;
        }
        Ok(())
    }
}

pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// An error and each of its causes, in one line: "cannot write x: permission denied".
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// "Did you mean …?" for a misspelt field, status, kind or tag: the project's one matcher.
pub use testimony_search::fuzzy::did_you_mean;

/// The path to show a volunteer: relative to the site directory when it is inside it.
pub fn display_path(site_dir: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(site_dir).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_points_at_the_column() {
        let source = "---\nid: 1\ntag: [harassment]\n---\n";
        let text = Diagnostic::error("content/testimonies/a.md", "unknown field `tag`")
            .at(source, 3, 1)
            .width(3)
            .hint("did you mean `tags`?")
            .to_string();
        assert_eq!(
            text,
            "content/testimonies/a.md:3:1: error: unknown field `tag`\n  |\n3 | tag: [harassment]\n  | ^^^\n  = hint: did you mean `tags`?"
        );
    }

    #[test]
    fn colours_only_in_the_alternate_form() {
        let diagnostic = Diagnostic::error("a.md", "bad").at("x: 1\n", 1, 1);
        assert!(!diagnostic.to_string().contains('\x1b'));
        assert!(format!("{diagnostic:#}").contains("\x1b[1;31merror\x1b[0m"));
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        assert_eq!(did_you_mean("tag", ["tags", "title", "id"]), Some("tags"));
        assert_eq!(did_you_mean("colour", ["tags", "title", "id"]), None);
    }
}
