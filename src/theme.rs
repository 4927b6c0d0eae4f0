//! The theme: the built-in `default` theme embedded in the binary, overlaid file by file with a
//! site's `themes/<name>/` when it has one.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use include_dir::{Dir, include_dir};
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, display_path};
use crate::embedded;

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// Templates and static files, by path relative to `templates/` and `static/`.
#[derive(Debug, Default)]
pub struct Theme {
    pub templates: BTreeMap<String, String>,
    pub static_files: BTreeMap<String, Vec<u8>>,
    /// The static files a site's theme supplies, in place of the built-in ones or beside them.
    pub site_static_files: BTreeSet<String>,
}

impl Theme {
    /// The built-in theme, then the site's `themes/<name>/` over it.
    pub fn load(site_dir: &Path, name: &str) -> Result<Theme, Diagnostic> {
        let mut theme = Theme::built_in();
        let dir = site_dir.join("themes").join(name);
        if dir.is_dir() {
            theme.overlay(site_dir, &dir)?;
        } else if name != "default" {
            return Err(Diagnostic::error(
                "content/site.yaml",
                format!("the theme `{name}` was not found in themes/{name}/"),
            )
            .hint("use `theme: default`, or create the folder themes/<name>/ with templates/ and static/"));
        }
        Ok(theme)
    }

    pub fn built_in() -> Theme {
        let mut theme = Theme::default();
        for (dir, is_templates) in [("templates", true), ("static", false)] {
            let Some(root) = BUILT_IN.get_dir(dir) else {
                continue;
            };
            for file in embedded::files(root) {
                let relative = embedded::relative_path(file, dir);
                if is_templates {
                    let text = String::from_utf8_lossy(file.contents()).into_owned();
                    theme.templates.insert(relative, text);
                } else {
                    theme
                        .static_files
                        .insert(relative, file.contents().to_vec());
                }
            }
        }
        theme
    }

    fn overlay(&mut self, site_dir: &Path, dir: &Path) -> Result<(), Diagnostic> {
        for (sub, is_templates) in [("templates", true), ("static", false)] {
            let root = dir.join(sub);
            if !root.is_dir() {
                continue;
            }
            for entry in WalkDir::new(&root).follow_links(false).sort_by_file_name() {
                let entry = entry.map_err(|error| {
                    Diagnostic::error(
                        display_path(site_dir, &root),
                        format!("this theme folder cannot be read: {error}"),
                    )
                })?;
                if !entry.file_type().is_file() {
                    continue;
                }
                let shown = display_path(site_dir, entry.path());
                let relative = entry
                    .path()
                    .strip_prefix(&root)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = fs::read(entry.path()).map_err(|error| {
                    Diagnostic::error(
                        shown.clone(),
                        format!("this theme file cannot be read: {error}"),
                    )
                })?;
                if is_templates {
                    let text = String::from_utf8(bytes).map_err(|_| {
                        Diagnostic::error(shown, "this template is not valid UTF-8 text")
                            .hint("save it again as UTF-8")
                    })?;
                    self.templates.insert(relative, text);
                } else {
                    self.site_static_files.insert(relative.clone());
                    self.static_files.insert(relative, bytes);
                }
            }
        }
        Ok(())
    }
}
